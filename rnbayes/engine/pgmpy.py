"""Everything pgmpy-specific lives here, so an API change in pgmpy touches one file.

pgmpy is imported lazily: it is slow to import and the CLI does not need it.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .network import DiscreteNetwork


def to_pgmpy(net: DiscreteNetwork, latents: set[str] | None = None) -> Any:
    """Build a pgmpy ``DiscreteBayesianNetwork`` with the same node and state names."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgmpy.factors.discrete import TabularCPD
        from pgmpy.models import DiscreteBayesianNetwork

    edges = [(p, n) for n in net.nodes for p in net.parents[n]]
    model = DiscreteBayesianNetwork(edges, latents=set(latents or ()))
    model.add_nodes_from(net.nodes)
    cpds = []
    for n in net.nodes:
        arr = np.asarray(net.cpts[n], dtype=float)
        parents = list(net.parents[n])
        cpds.append(TabularCPD(
            variable=n, variable_card=net.card[n], values=arr.reshape(net.card[n], -1),
            evidence=parents or None, evidence_card=[net.card[p] for p in parents] or None,
            state_names={n: list(net.states[n]), **{p: list(net.states[p]) for p in parents}},
        ))
    model.add_cpds(*cpds)
    return model


def from_pgmpy(model: Any, *, renormalise: bool = True) -> DiscreteNetwork:
    """Array form of a pgmpy discrete network (e.g. from ``get_example_model``).

    Nodes are put in topological order; each table's axes are (child, *parents) in
    the parent order pgmpy stores. Bundled bnlearn tables sum to 1 only to ~3e-7, so by
    default every column is renormalised once here.
    """
    import networkx as nx

    order = list(nx.topological_sort(model))
    states, parents, cpts = {}, {}, {}
    for n in order:
        cpd = model.get_cpds(n)
        names = cpd.variables  # [n, *evidence]
        states[n] = tuple(str(s) for s in cpd.state_names[n])
        parents[n] = tuple(names[1:])
        arr = np.asarray(cpd.values, dtype=float)  # shape (card_n, *card_parents)
        if renormalise:
            arr = arr / arr.sum(axis=0, keepdims=True)
        cpts[n] = arr
    return DiscreteNetwork(states=states, parents=parents, cpts=cpts)


def example_network(name: str, *, renormalise: bool = True) -> tuple[DiscreteNetwork, Any]:
    """A bundled bnlearn network (asia, alarm, hepar2, pathfinder, ...) in both forms.

    The returned pgmpy model carries the same (renormalised) tables as the array form.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgmpy.utils import get_example_model

        model = get_example_model(name)
    net = from_pgmpy(model, renormalise=renormalise)
    if renormalise:
        for n in net.nodes:
            cpd = model.get_cpds(n)
            cpd.values = net.cpts[n].copy()
    return net, model


def variable_elimination(model: Any) -> Any:
    """pgmpy's VariableElimination engine for ``model`` (import kept here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgmpy.inference import VariableElimination

        return VariableElimination(model)


def ve_query(engine: Any, variables: list[str], evidence: dict[str, str]) -> Any:
    """Run a VariableElimination query quietly, returning pgmpy's factor."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return engine.query(variables=variables, evidence=evidence, show_progress=False,
                            joint=True)
