"""A network spec (``networks/*.yaml``) as frozen typed objects, validated in two stages.

1. *schema*: the document against ``network.json`` (:class:`~rnbayes.errors.SchemaError`),
   plus the two rules of form a JSON Schema cannot state (cut-points increasing, one bin
   per interval);
2. *semantics*: parents declared, graph acyclic, each generator's references pointing to
   existing states and records of the right family
   (:class:`~rnbayes.errors.SemanticError`).

Both name the file, the path inside it (``nodes.rcbv.cpt.sensitivity``), the bad value
and the expected form.
"""

from __future__ import annotations

import graphlib
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine.frozen import FrozenMap
from ..errors import SchemaError, SemanticError, excerpt
from .generators import CheckContext, Generator, parse_cpt
from .records import Record
from .yamlio import load_document


@dataclass(frozen=True)
class Plausible:
    """The usual range of a measured number and why (the ``plausible`` block): a value
    outside it but within the measure's ``min``/``max`` is accepted with an
    :class:`~rnbayes.errors.ImplausibleValueWarning`."""

    minimum: float | None
    maximum: float | None
    reason: str
    sources: tuple[Mapping[str, Any], ...] = ()

    def contains(self, value: float) -> bool:
        return ((self.minimum is None or value >= self.minimum)
                and (self.maximum is None or value <= self.maximum))

    def describe(self) -> str:
        """``up to 15``, ``at least 1`` or ``1 to 15``."""
        if self.minimum is None:
            return f"up to {self.maximum:g}"
        if self.maximum is None:
            return f"at least {self.minimum:g}"
        return f"{self.minimum:g} to {self.maximum:g}"


@dataclass(frozen=True)
class Measure:
    """How a number given as evidence becomes a state of ``node``: the cut-points, the
    possible range (``minimum``, ``maximum``) and the usual one (``plausible``)."""

    node: str
    key: str
    unit: str
    cutpoints: tuple[float, ...]
    bins: tuple[str, ...]
    closed: str  # "left": [lo, hi) ; "right": (lo, hi]
    minimum: float | None
    maximum: float | None
    rule: str
    sources: tuple[Mapping[str, Any], ...]
    plausible: Plausible | None = None

    def to_state(self, value: float) -> str:
        """The state for ``value``.

        Examples
        --------
        >>> m = Measure("rcbv", "rcbv", "ratio", (2.1,), ("not_elevated", "elevated"),
        ...             "right", 0.0, None, "> 2.1 elevated", ())
        >>> m.to_state(2.1), m.to_state(2.2)
        ('not_elevated', 'elevated')
        """
        idx = 0
        for c in self.cutpoints:
            if value > c or (self.closed == "left" and value == c):
                idx += 1
        return self.bins[idx]


@dataclass(frozen=True)
class NodeSpec:
    """One node: its meaning, states, parents, table generator and number conversions."""

    name: str
    group: str
    description: str
    states: tuple[str, ...]
    parents: tuple[str, ...]
    latent: bool
    cpt: Generator
    measures: tuple[Measure, ...] = ()


@dataclass(frozen=True)
class NetworkSpec:
    """A validated network spec. ``order`` lists the nodes parents-first."""

    name: str
    file: str
    target: str
    positive: str
    description: str
    nodes: Mapping[str, NodeSpec]
    order: tuple[str, ...]
    measures: Mapping[str, Measure]
    digest: str = field(repr=False)

    def states(self, node: str) -> tuple[str, ...]:
        return self.nodes[node].states

    def parents(self, node: str) -> tuple[str, ...]:
        return self.nodes[node].parents

    @property
    def observable(self) -> tuple[str, ...]:
        """Nodes that can be given as evidence (not the target, not latent)."""
        return tuple(n for n in self.order if n != self.target and not self.nodes[n].latent)

    @property
    def latent(self) -> tuple[str, ...]:
        return tuple(n for n in self.order if self.nodes[n].latent)


def load_spec(path: str | Path, records: Mapping[str, Record]) -> NetworkSpec:
    """Load a network spec and validate it in two stages against ``records``."""
    path = Path(path)
    doc = load_document(path, "network")
    return parse_spec(doc, path.name, records)


def parse_spec(doc: Mapping[str, Any], file: str, records: Mapping[str, Record]) -> NetworkSpec:
    """A schema-valid network document as a :class:`NetworkSpec` (stage 2 checks)."""
    nodes = {name: _node(file, name, nd) for name, nd in doc["nodes"].items()}
    target = doc["target"]
    if target not in nodes:
        raise SemanticError(f"{excerpt(target)} is not a declared node", file=file, path="target",
                            value=target)
    if len(nodes[target].states) != 2:
        raise SemanticError("the target must be binary", file=file,
                            path=f"nodes.{target}.states", value=list(nodes[target].states))
    positive = doc.get("positive", nodes[target].states[1])
    if positive not in nodes[target].states:
        raise SemanticError(f"{excerpt(positive)} is not a state of {target}", file=file,
                            path="positive", value=positive)
    order = topological_order(file, nodes)
    measures: dict[str, Measure] = {}
    for name in order:
        nd = nodes[name]
        ctx = CheckContext(file, nd, nodes, records)
        nd.cpt.check(ctx)
        for i, m in enumerate(nd.measures):
            mp = f"nodes.{name}.measure" + (f"[{i}]" if len(nd.measures) > 1 else "")
            if not set(m.bins) <= set(nd.states):
                raise SemanticError(f"bins {list(m.bins)} must be states of {name}: "
                                    f"{list(nd.states)}", file=file, path=f"{mp}.bins",
                                    value=list(m.bins))
            if m.key in measures or (m.key in nodes and m.key != name):
                raise SemanticError(f"evidence key {m.key!r} is already taken", file=file,
                                    path=f"{mp}.key", value=m.key)
            measures[m.key] = m
    canonical = json.dumps(doc, sort_keys=True, default=str)
    return NetworkSpec(
        name=str(doc["name"]), file=file, target=target, positive=positive,
        description=str(doc.get("description", "")),
        nodes=FrozenMap({n: nodes[n] for n in order}), order=order,
        measures=FrozenMap(measures),
        digest=hashlib.sha256(canonical.encode()).hexdigest()[:16],
    )


def _node(file: str, name: str, nd: Mapping[str, Any]) -> NodeSpec:
    raw = nd.get("measure")
    items = raw if isinstance(raw, list) else ([raw] if raw else [])
    measures = tuple(_measure(file, f"nodes.{name}.measure" + (f"[{i}]" if isinstance(raw, list)
                                                               else ""), name, m)
                     for i, m in enumerate(items))
    return NodeSpec(name=name, group=nd["group"], description=nd["description"],
                    states=tuple(nd["states"]), parents=tuple(nd.get("parents", ())),
                    latent=bool(nd.get("latent", False)), cpt=parse_cpt(nd["cpt"]),
                    measures=measures)


def _measure(file: str, path: str, node: str, m: Mapping[str, Any]) -> Measure:
    """A measure; the two rules of form JSON Schema cannot state are checked here."""
    cuts = m["cutpoints"]
    if not all(a < b for a, b in zip(cuts, cuts[1:])):
        raise SchemaError(f"expected increasing numbers; got {excerpt(cuts)}", file=file,
                          path=f"{path}.cutpoints", value=cuts, expected="increasing numbers")
    if len(m["bins"]) != len(cuts) + 1:
        raise SchemaError(f"expected {len(cuts) + 1} states (one per interval); got {m['bins']!r}",
                          file=file, path=f"{path}.bins", value=m["bins"],
                          expected=f"{len(cuts) + 1} states")
    lo, hi, usual = m.get("min"), m.get("max"), m.get("plausible")
    bounds = [x for x in (lo, usual and usual.get("min"), *cuts, usual and usual.get("max"), hi)
              if x is not None]
    if not all(a <= b for a, b in zip(bounds, bounds[1:])):
        raise SemanticError(f"expected min <= plausible.min <= cut-points <= plausible.max <= max; "
                            f"got {bounds}", file=file, path=path, value=bounds,
                            expected="ordered bounds")
    plausible = None if usual is None else Plausible(
        usual.get("min"), usual.get("max"), str(usual["reason"]), _sources(usual.get("source")))
    return Measure(node=node, key=m.get("key", node), unit=str(m["unit"]),
                   cutpoints=tuple(float(c) for c in cuts), bins=tuple(m["bins"]),
                   closed=m["closed"], minimum=lo, maximum=hi, rule=str(m["rule"]),
                   sources=_sources(m["source"]), plausible=plausible)


def _sources(raw: Any) -> tuple[Mapping[str, Any], ...]:
    srcs = [] if raw is None else raw if isinstance(raw, list) else [raw]
    return tuple(FrozenMap(dict(s)) for s in srcs)


def topological_order(file: str, nodes: Mapping[str, NodeSpec]) -> tuple[str, ...]:
    """Parents before children, otherwise in declaration order (a file written
    parents-first keeps its order). :mod:`graphlib` finds the order and any cycle; an
    undeclared parent or a cycle is a SemanticError naming the node."""
    for name, nd in nodes.items():
        for par in nd.parents:
            if par not in nodes:
                raise SemanticError(f"parent {par!r} is not a declared node", file=file,
                                    path=f"nodes.{name}.parents", value=par)
            if par == name:
                raise SemanticError("a node cannot be its own parent", file=file,
                                    path=f"nodes.{name}.parents", value=par)
    sorter = graphlib.TopologicalSorter({n: nd.parents for n, nd in nodes.items()})
    try:
        sorter.prepare()
    except graphlib.CycleError as exc:
        cycle = list(reversed(exc.args[1]))
        raise SemanticError(f"the graph has a cycle: {' -> '.join(cycle)}", file=file,
                            path=f"nodes.{cycle[0]}.parents", value=cycle) from None
    rank = {n: i for i, n in enumerate(nodes)}
    ready: list[str] = []
    order: list[str] = []
    while sorter.is_active():
        ready = sorted([*ready, *sorter.get_ready()], key=rank.__getitem__)
        order.append(ready.pop(0))
        sorter.done(order[-1])
    return tuple(order)
