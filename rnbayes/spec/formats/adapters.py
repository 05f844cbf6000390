"""Build :class:`NetworkData` from an rnbayes model or a pgmpy network.

This is the only module of the interchange package that knows where a model keeps its
tables and node texts (``model.network`` and ``model.spec``); when those move, only
:func:`network_data_from_model` changes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..layout import readable
from ._common import NetworkData


def network_data_from_model(model: Any) -> NetworkData:
    """The network of an rnbayes model, with its node groups and descriptions.

    Parameters
    ----------
    model : an :class:`rnbayes.Model`

    Examples
    --------
    >>> import rnbayes
    >>> data = network_data_from_model(rnbayes.load_model())
    >>> data.groups["diagnosis"], data.states["diagnosis"]
    ('target', ('radiation_necrosis', 'tumour_progression'))
    """
    net, spec = model.network, model.spec
    nodes = spec.nodes

    def texts(key: str) -> dict[str, str]:
        return {n: str(getattr(nodes[n], key)) for n in net.states
                if n in nodes and getattr(nodes[n], key, "")}

    return NetworkData(
        name=spec.name, description=spec.description or "",
        states=dict(net.states), parents=dict(net.parents),
        cpts={n: np.asarray(net.cpts[n], dtype=float) for n in net.states},
        labels=_labels(model, net.states),
        descriptions=texts("description"), groups=texts("group"))


def _labels(model: Any, nodes: Any) -> dict[str, str]:
    """The words people read for each node (the model's ``labels.yaml``), else the name
    with underscores as spaces; GeNIe, Hugin and SamIam show them in the node boxes."""
    found = getattr(model, "labels", None)
    return {n: found.node(n) if found is not None else readable(n) for n in nodes}


def network_data_from_pgmpy(model: Any, *, name: str | None = None) -> NetworkData:
    """A pgmpy ``DiscreteBayesianNetwork`` (with its tables) as :class:`NetworkData`.

    Tables are taken as they are; bnlearn's bundled networks sum to 1 only to ~3e-7,
    within :data:`~._common.SUM_TOLERANCE`.

    Examples
    --------
    >>> from pgmpy.factors.discrete import TabularCPD
    >>> from pgmpy.models import DiscreteBayesianNetwork
    >>> pg = DiscreteBayesianNetwork([("rain", "wet")])
    >>> pg.add_cpds(
    ...     TabularCPD("rain", 2, [[0.2], [0.8]], state_names={"rain": ["yes", "no"]}),
    ...     TabularCPD("wet", 2, [[0.9, 0.1], [0.1, 0.9]], evidence=["rain"], evidence_card=[2],
    ...                state_names={"wet": ["yes", "no"], "rain": ["yes", "no"]}))
    >>> data = network_data_from_pgmpy(pg, name="tiny")
    >>> data.parents["wet"], data.cpts["wet"][:, 1].tolist()   # P(wet | rain=no)
    (('rain',), [0.1, 0.9])
    """
    states, parents, cpts = {}, {}, {}
    for n in model.nodes():
        cpd = model.get_cpds(n)
        if cpd is None:
            raise ValueError(f"pgmpy node {n!r} has no table")
        states[str(n)] = tuple(str(s) for s in cpd.state_names[n])
        parents[str(n)] = tuple(str(p) for p in cpd.variables[1:])
        cpts[str(n)] = np.asarray(cpd.values, dtype=float)  # (card, *card(evidence))
    return NetworkData(name=name if name is not None else str(getattr(model, "name", "") or "network"),
                       states=states, parents=parents, cpts=cpts)
