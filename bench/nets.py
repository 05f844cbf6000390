"""Networks and queries the benchmark runs: a plain network description, the four bnlearn
networks (pgmpy's bundled copies, rows renormalised), and for each a target, evidence and
candidate tests. Plain numpy and pgmpy only; nothing from rnbayes."""

from __future__ import annotations

import itertools
import json
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Net:
    """A discrete Bayesian network: nodes in topological order, each table's axes are
    ``(node, *parents)``."""

    name: str
    states: dict[str, tuple[str, ...]]
    parents: dict[str, tuple[str, ...]]
    cpts: dict[str, np.ndarray] = field(repr=False)

    @property
    def nodes(self) -> tuple[str, ...]:
        return tuple(self.states)

    def card(self, node: str) -> int:
        return len(self.states[node])

    def ancestors(self, nodes: list[str]) -> list[str]:
        """``nodes`` and their ancestors, in topological order."""
        seen: set[str] = set()
        stack = list(nodes)
        while stack:
            n = stack.pop()
            if n not in seen:
                seen.add(n)
                stack.extend(self.parents[n])
        return [n for n in self.nodes if n in seen]

    def index(self, evidence: dict[str, str]) -> dict[str, int]:
        """Evidence given as state names -> state indices."""
        return {n: self.states[n].index(s) for n, s in evidence.items()}


@dataclass(frozen=True)
class Query:
    """One benchmark query on a network: a target, evidence, candidate tests."""

    label: str
    net: Net
    target: str
    evidence: dict[str, str]
    tests: list[tuple[str, ...]]


#: bnlearn queries: target, evidence (state names), tests (each one node)
BNLEARN = {
    "asia": ("lung", {"asia": "yes", "dysp": "yes"}, ["xray", "smoke", "bronc", "tub"]),
    "alarm": ("LVFAILURE", {"HR": "HIGH", "BP": "LOW", "SAO2": "LOW"},
              ["HISTORY", "CVP", "PCWP", "STROKEVOLUME", "LVEDVOLUME", "CO", "HREKG", "HRSAT"]),
    "hepar2": ("Cirrhosis", {"ast": "a149_40", "fatigue": "present", "age": "age31_50"},
               ["alt", "bilirubin", "ggtp", "ESR", "platelet", "spleen", "jaundice", "ascites"]),
    "pathfinder": ("Fault", {"F39": "Scanty", "F74": "Patent"},
                   ["F40", "F41", "F52", "F60", "F70", "F80", "F90", "F100"]),
}


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rnbayes-bench"


def bnlearn(name: str) -> Net:
    """A bnlearn network from pgmpy's bundled copy, every CPT column renormalised (the
    bundled rows sum to 1 only within ~3e-7). Parsed once, then read from a local cache
    (parsing pathfinder's BIF file takes ~10 s)."""
    import pgmpy

    path = _cache_dir() / f"{name}-pgmpy{pgmpy.__version__}.npz"
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            cpts = {n: z[f"cpt{i}"] for i, n in enumerate(meta["nodes"])}
        return Net(name, {n: tuple(s) for n, s in meta["states"].items()},
                   {n: tuple(p) for n, p in meta["parents"].items()}, cpts)
    except (OSError, KeyError, ValueError):
        pass
    import networkx as nx
    from pgmpy.utils import get_example_model

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = get_example_model(name)
    order = list(nx.topological_sort(model))
    states, parents, cpts = {}, {}, {}
    for n in order:
        cpd = model.get_cpds(n)
        states[n] = tuple(str(s) for s in cpd.state_names[n])
        parents[n] = tuple(cpd.variables[1:])
        arr = np.asarray(cpd.values, dtype=float)
        cpts[n] = arr / arr.sum(axis=0, keepdims=True)
    net = Net(name, states, parents, cpts)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {"nodes": order, "states": states, "parents": parents}
        np.savez(path, meta=json.dumps(meta), **{f"cpt{i}": cpts[n] for i, n in enumerate(order)})
    except OSError:
        pass  # no cache: parse again next time
    return net


def bnlearn_query(name: str) -> Query:
    target, evidence, tests = BNLEARN[name]
    return Query(name, bnlearn(name), target, evidence, [(t,) for t in tests])


def evidence_variants(net: Net, evidence: dict[str, str], limit: int = 64) -> list[dict[str, str]]:
    """Every combination of states of the observed nodes (up to ``limit``), the given one
    first, so warm timings cycle through evidence values instead of repeating one."""
    nodes = list(evidence)
    out = [dict(evidence)]
    for combo in itertools.product(*(net.states[n] for n in nodes)):
        ev = dict(zip(nodes, combo))
        if ev != evidence:
            out.append(ev)
        if len(out) >= limit:
            break
    return out


def random_evidence(net: Net, nodes: list[str], rng: np.random.Generator) -> dict[str, str]:
    """A random state for each of ``nodes``."""
    return {n: net.states[n][int(rng.integers(net.card(n)))] for n in nodes}


def describe(net: Net) -> dict[str, Any]:
    return {"nodes": len(net.nodes), "entries": int(sum(t.size for t in net.cpts.values()))}
