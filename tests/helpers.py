"""Builders and references shared by several test modules (not fixtures: plain functions)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

from rnbayes.engine.network import DiscreteNetwork
from rnbayes.engine.pgmpy import ve_query

TOL = 1e-9
ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "examples" / "cases").glob("*.yaml"))


def random_network(seed: int, n_nodes: int, max_parents: int = 3, *,
                   binary_first: bool = False) -> DiscreteNetwork:
    """A random network, nodes in topological order, 2-3 states each."""
    rng = np.random.default_rng(seed)
    names = [f"n{i}" for i in range(n_nodes)]
    states, parents, cpts = {}, {}, {}
    for i, n in enumerate(names):
        card = 2 if (binary_first and i == 0) else int(rng.integers(2, 4))
        states[n] = tuple(f"s{k}" for k in range(card))
        ps = tuple(p for p in names[:i] if rng.random() < 0.5)[:max_parents]
        parents[n] = ps
        shape = tuple(len(states[p]) for p in ps)
        cpts[n] = np.moveaxis(rng.dirichlet(np.full(card, 0.7), size=shape or None), -1, 0)
    return DiscreteNetwork(states, parents, cpts)


def random_evidence(net: DiscreteNetwork, rng: np.random.Generator, exclude: set[str]):
    """Hard (state index) and soft (likelihood vector) evidence on about a third of nodes."""
    ev: dict[str, object] = {}
    for n in net.nodes:
        if n in exclude or rng.random() > 0.35:
            continue
        if rng.random() < 0.3:
            ev[n] = rng.uniform(0.05, 1.0, size=net.card[n])  # soft
        else:
            ev[n] = int(rng.integers(0, net.card[n]))
    return ev


def random_problem(seed: int, n_nodes: int):
    """A random network, target, evidence and groups of test nodes."""
    net = random_network(seed, n_nodes)
    rng = np.random.default_rng(seed + 1)
    target = net.nodes[int(rng.integers(0, n_nodes))]
    ev = random_evidence(net, rng, {target})
    free = [n for n in net.nodes if n != target and n not in ev]
    groups = []
    for _ in range(int(rng.integers(1, 5))):
        if not free:
            break
        size = int(rng.integers(1, min(3, len(free)) + 1))
        groups.append(tuple(rng.choice(free, size=size, replace=False)))
    return net, target, ev, groups


def ve_target(engine, net: DiscreteNetwork, target: str, evidence_idx) -> np.ndarray:
    """pgmpy's posterior of ``target``, in the engine's state order."""
    ev = {n: net.states[n][i] for n, i in evidence_idx.items()}
    f = ve_query(engine, [target], ev)
    names = [str(s) for s in f.state_names[target]]
    return np.array([f.values[names.index(s)] for s in net.states[target]])


def ve_joint(engine, net: DiscreteNetwork, order, evidence) -> np.ndarray:
    """pgmpy's joint query, axes and states in the engine's order."""
    f = ve_query(engine, order, evidence)
    vals = np.moveaxis(np.asarray(f.values), [f.variables.index(v) for v in order],
                       range(len(order)))
    idx = np.ix_(*[[[str(s) for s in f.state_names[v]].index(s) for s in net.states[v]]
                   for v in order])
    return vals[idx]


def edit_yaml(path: Path, fn) -> None:
    """Load a YAML file, apply ``fn`` to the document, write it back (libyaml when built)."""
    doc = yaml.load(path.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    fn(doc)
    path.write_text(yaml.dump(doc, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
                              sort_keys=False))
