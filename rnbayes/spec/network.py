"""Load and validate a network spec (``networks/*.yaml``) against its prior records.

Validation runs in two stages, as in pyhf:

1. *schema*: every field has the right type and form (:class:`SchemaError`);
2. *semantics*: parents declared, graph acyclic, generator references point to
   existing states and records of the right family, every table has the right
   shape and sums to 1 within 1e-9 (:class:`SemanticError`).

Both name the file, the path inside it (``nodes.rcbv.cpt.sensitivity``), the
bad value and the expected form.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import SchemaError, SemanticError
from . import generators as _cpt
from .records import Record, _parse_source, load_records, load_yaml

GROUPS = ("target", "context", "conventional", "advanced", "follow_up", "latent")


@dataclass(frozen=True)
class Measure:
    """How a number given as evidence becomes a state."""

    node: str
    key: str
    unit: str
    cutpoints: tuple[float, ...]
    bins: tuple[str, ...]
    closed: str  # "left": [lo, hi) ; "right": (lo, hi]
    minimum: float | None
    maximum: float | None
    rule: str
    sources: tuple[dict[str, Any], ...]

    def to_state(self, value: float) -> str:
        idx = 0
        for c in self.cutpoints:
            if value > c or (self.closed == "left" and value == c):
                idx += 1
        return self.bins[idx]


@dataclass
class NetworkSpec:
    """A validated network spec."""

    name: str
    file: str
    target: str
    positive: str
    description: str
    nodes: dict[str, dict[str, Any]]
    order: tuple[str, ...]
    measures: dict[str, Measure]
    digest: str

    def states(self, node: str) -> tuple[str, ...]:
        return tuple(self.nodes[node]["states"])

    def parents(self, node: str) -> tuple[str, ...]:
        return tuple(self.nodes[node].get("parents", []))


def _schema(file: str, path: str, msg: str) -> SchemaError:
    return SchemaError(msg, file=file, path=path)


def _sem(file: str, path: str, msg: str) -> SemanticError:
    return SemanticError(msg, file=file, path=path)


def _check_schema(file: str, doc: Any) -> None:
    if not isinstance(doc, dict):
        raise _schema(file, "", f"expected a mapping at top level; got {type(doc).__name__}")
    for key in ("name", "target", "nodes"):
        if key not in doc:
            raise _schema(file, key, "missing required top-level field")
    nodes = doc["nodes"]
    if not isinstance(nodes, dict) or not nodes:
        raise _schema(file, "nodes", "expected a non-empty mapping node -> definition")
    for name, nd in nodes.items():
        p = f"nodes.{name}"
        if not isinstance(nd, dict):
            raise _schema(file, p, f"expected a mapping; got {type(nd).__name__}")
        states = nd.get("states")
        if not (isinstance(states, list) and len(states) >= 2
                and all(isinstance(s, str) for s in states)):
            raise _schema(file, f"{p}.states", f"expected a list of at least 2 state names; got {states!r}")
        if len(set(states)) != len(states):
            raise _schema(file, f"{p}.states", f"state names repeat: {states!r}")
        parents = nd.get("parents", [])
        if not isinstance(parents, list) or not all(isinstance(x, str) for x in parents):
            raise _schema(file, f"{p}.parents", f"expected a list of node names; got {parents!r}")
        group = nd.get("group")
        if group not in GROUPS:
            raise _schema(file, f"{p}.group", f"must be one of {list(GROUPS)}; got {group!r}")
        if not isinstance(nd.get("description"), str):
            raise _schema(file, f"{p}.description", "expected a text description of the node")
        cpt = nd.get("cpt")
        if not isinstance(cpt, dict):
            raise _schema(file, f"{p}.cpt", f"expected a mapping with 'generator'; got {cpt!r}")
        if cpt.get("generator") not in _cpt.GENERATORS:
            raise _schema(file, f"{p}.cpt.generator",
                          f"must be one of {list(_cpt.GENERATORS)}; got {cpt.get('generator')!r}")
        gen = cpt["generator"]
        required = {
            "table": [] if parents else ["probabilities"],
            "logodds": ["outcome", "baseline"],
            "noisy_max": ["causes"],
            "noisy_or": ["causes"],
            "latent_test": ["latent", "latent_positive", "target_positive", "positive",
                            "sensitivity", "specificity"],
        }[gen]
        if gen == "table" and parents and "rows" not in cpt:
            required = ["rows"]
        for key in required:
            if key not in cpt:
                raise _schema(file, f"{p}.cpt.{key}", f"missing; the {gen!r} generator needs it")
        meas = nd.get("measure")
        if meas is not None:
            items = meas if isinstance(meas, list) else [meas]
            for i, m in enumerate(items):
                mp = f"{p}.measure" + (f"[{i}]" if isinstance(meas, list) else "")
                if not isinstance(m, dict):
                    raise _schema(file, mp, "expected a mapping")
                for key in ("unit", "cutpoints", "bins", "closed", "rule", "source"):
                    if key not in m:
                        raise _schema(file, f"{mp}.{key}", "missing required measure field")
                cuts = m["cutpoints"]
                if not (isinstance(cuts, list) and cuts
                        and all(isinstance(c, (int, float)) for c in cuts)
                        and all(a < b for a, b in zip(cuts, cuts[1:]))):
                    raise _schema(file, f"{mp}.cutpoints", f"expected increasing numbers; got {cuts!r}")
                if not isinstance(m["bins"], list) or len(m["bins"]) != len(cuts) + 1:
                    raise _schema(file, f"{mp}.bins",
                                  f"expected {len(cuts) + 1} states (one per interval); got {m['bins']!r}")
                if m["closed"] not in ("left", "right"):
                    raise _schema(file, f"{mp}.closed", f"must be 'left' or 'right'; got {m['closed']!r}")


def _topological(file: str, nodes: dict[str, dict]) -> tuple[str, ...]:
    for name, nd in nodes.items():
        for par in nd.get("parents", []):
            if par not in nodes:
                raise _sem(file, f"nodes.{name}.parents", f"parent {par!r} is not a declared node")
            if par == name:
                raise _sem(file, f"nodes.{name}.parents", "a node cannot be its own parent")
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(n: str, trail: list[str]) -> None:
        if state.get(n) == 2:
            return
        if state.get(n) == 1:
            cycle = " -> ".join([*trail[trail.index(n):], n])
            raise _sem(file, f"nodes.{n}.parents", f"the graph has a cycle: {cycle}")
        state[n] = 1
        for par in nodes[n].get("parents", []):
            visit(par, [*trail, n])
        state[n] = 2
        order.append(n)

    for n in nodes:
        visit(n, [])
    return tuple(order)


#: references to a single number: the record family they need, and how to name it
_SCALAR_FAMILIES = {"odds_ratio": ("lognormal", "a lognormal odds-ratio record"),
                    "probability": ("beta", "a beta record")}


def _check_ref(file: str, path: str, ref: Any, records: dict[str, Record], states: list[str],
               *, want: str = "distribution") -> None:
    """A reference must name a record of the right family and states."""
    if want in _SCALAR_FAMILIES:
        family, what = _SCALAR_FAMILIES[want]
        if not isinstance(ref, str) or ref not in records:
            raise _sem(file, path, f"expected the id of {what}; got {ref!r}")
        if records[ref].family != family:
            raise _sem(file, path, f"record {ref!r} is a {records[ref].family}; expected {family}")
        return
    if isinstance(ref, str):
        if ref not in records:
            raise _sem(file, path, f"unknown record {ref!r}")
        rec = records[ref]
        if rec.family != "dirichlet":
            raise _sem(file, path, f"record {ref!r} is a {rec.family}; a bare id needs a dirichlet "
                       "(use {record: id, state: s} for a beta)")
        if set(rec.states or ()) != set(states):
            raise _sem(file, path, f"record {ref!r} covers states {list(rec.states)}; "
                       f"expected exactly {states}")
        return
    if isinstance(ref, dict) and set(ref) == {"fixed", "reason"}:
        fixed = ref["fixed"]
        if not isinstance(fixed, dict) or not fixed or any(s not in states for s in fixed):
            raise _sem(file, path, f"'fixed' must map states of {states} to probabilities; got {fixed!r}")
        vals = list(fixed.values())
        if any(isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1 for v in vals) \
                or abs(sum(vals) - 1) > 1e-12:
            raise _sem(file, path, f"'fixed' probabilities must lie in [0, 1] and sum to 1; got {fixed!r}")
        if not isinstance(ref["reason"], str) or not ref["reason"].strip():
            raise _sem(file, path, "a 'fixed' distribution needs a 'reason' (the logical constraint)")
        return
    if isinstance(ref, dict) and set(ref) == {"record", "state"}:
        if len(states) != 2:
            raise _sem(file, path, f"{{record, state}} needs a binary node; this one has {states}")
        if ref["record"] not in records:
            raise _sem(file, path, f"unknown record {ref['record']!r}")
        if records[ref["record"]].family != "beta":
            raise _sem(file, path, f"record {ref['record']!r} must be a beta")
        if ref["state"] not in states:
            raise _sem(file, path, f"state {ref['state']!r} is not one of {states}")
        return
    raise _sem(file, path, f"expected a record id, {{record: id, state: s}} or "
               f"{{fixed: {{state: p}}, reason: text}}; got {ref!r}")


def _check_generator(file: str, name: str, nd: dict, nodes: dict, records: dict[str, Record]) -> None:
    p = f"nodes.{name}.cpt"
    cpt = nd["cpt"]
    gen = cpt["generator"]
    states = nd["states"]
    parents = nd.get("parents", [])
    pstates = [nodes[q]["states"] for q in parents]
    if gen == "table":
        if not parents:
            _check_ref(file, f"{p}.probabilities", cpt["probabilities"], records, states)
            return
        rows = cpt["rows"]
        if not isinstance(rows, list) or not rows:
            raise _sem(file, f"{p}.rows", "expected a list of {when, probabilities}")
        for i, r in enumerate(rows):
            when = r.get("when", {}) if isinstance(r, dict) else None
            if not isinstance(when, dict):
                raise _sem(file, f"{p}.rows[{i}].when", f"expected a mapping parent -> state; got {when!r}")
            for q, s in when.items():
                if q not in parents:
                    raise _sem(file, f"{p}.rows[{i}].when", f"{q!r} is not a parent of {name}: {parents}")
                if s not in nodes[q]["states"]:
                    raise _sem(file, f"{p}.rows[{i}].when.{q}",
                               f"{s!r} is not a state of {q}: {nodes[q]['states']}")
            _check_ref(file, f"{p}.rows[{i}].probabilities", r.get("probabilities"), records, states)
        for cfg in _cpt._configs(pstates):
            config = [pstates[i][j] for i, j in enumerate(cfg)]
            hits = _cpt.matching_rows(rows, parents, config)
            if len(hits) != 1:
                what = dict(zip(parents, config))
                raise _sem(file, f"{p}.rows", f"parent configuration {what} matches {len(hits)} rows; "
                           "expected exactly 1")
    elif gen == "logodds":
        if len(states) != 2 or cpt["outcome"] not in states:
            raise _sem(file, f"{p}.outcome", f"expected one of the binary node's states {states}; "
                       f"got {cpt['outcome']!r}")
        _check_ref(file, f"{p}.baseline", cpt["baseline"], records, states, want="probability")
        if cpt.get("calibrate", "reference") not in ("reference", "marginal"):
            raise _sem(file, f"{p}.calibrate", f"must be 'reference' or 'marginal'; got {cpt['calibrate']!r}")
        for q, eff in (cpt.get("effects") or {}).items():
            if q not in parents:
                raise _sem(file, f"{p}.effects.{q}", f"{q!r} is not a parent of {name}: {parents}")
            for s, r in eff.items():
                if s not in nodes[q]["states"]:
                    raise _sem(file, f"{p}.effects.{q}.{s}", f"{s!r} is not a state of {q}")
                _check_ref(file, f"{p}.effects.{q}.{s}", r, records, states, want="odds_ratio")
        if cpt.get("calibrate") == "marginal":
            for q in parents:
                if nodes[q].get("parents"):
                    raise _sem(file, f"{p}.calibrate", f"marginal calibration needs root parents; "
                               f"{q!r} has parents")
    elif gen in ("noisy_max", "noisy_or"):
        order = cpt.get("order", states)
        if sorted(order) != sorted(states):
            raise _sem(file, f"{p}.order", f"expected a permutation of {states}; got {order!r}")
        if gen == "noisy_or" and len(states) != 2:
            raise _sem(file, f"{p}.generator", "noisy_or needs a binary node; use noisy_max")
        for q, eff in cpt["causes"].items():
            if q not in parents:
                raise _sem(file, f"{p}.causes.{q}", f"{q!r} is not a parent of {name}: {parents}")
            for s, r in eff.items():
                if s not in nodes[q]["states"]:
                    raise _sem(file, f"{p}.causes.{q}.{s}", f"{s!r} is not a state of {q}")
                _check_ref(file, f"{p}.causes.{q}.{s}", r, records, list(order))
        if cpt.get("leak") is not None:
            _check_ref(file, f"{p}.leak", cpt["leak"], records, list(order))
    elif gen == "latent_test":
        lat = cpt["latent"]
        if lat not in parents:
            raise _sem(file, f"{p}.latent", f"{lat!r} must be a parent of {name}")
        if not nodes[lat].get("latent"):
            raise _sem(file, f"{p}.latent", f"{lat!r} is not marked 'latent: true'")
        lparents = nodes[lat].get("parents", [])
        if len(lparents) != 1 or len(nodes[lat]["states"]) != 2:
            raise _sem(file, f"{p}.latent", f"{lat!r} must be binary with exactly one parent")
        if cpt["latent_positive"] not in nodes[lat]["states"]:
            raise _sem(file, f"{p}.latent_positive", f"not a state of {lat}")
        if cpt["target_positive"] not in nodes[lparents[0]]["states"]:
            raise _sem(file, f"{p}.target_positive", f"not a state of {lparents[0]}")
        if len(states) != 2 or cpt["positive"] not in states:
            raise _sem(file, f"{p}.positive", f"expected one of the binary node's states {states}")
        _check_ref(file, f"{p}.sensitivity", cpt["sensitivity"], records, states, want="probability")
        _check_ref(file, f"{p}.specificity", cpt["specificity"], records, states, want="probability")
        for i, m in enumerate(cpt.get("masking", []) or []):
            mp = f"{p}.masking[{i}]"
            if m.get("parent") not in parents:
                raise _sem(file, f"{mp}.parent", f"{m.get('parent')!r} is not a parent of {name}")
            if m.get("state") not in nodes[m["parent"]]["states"]:
                raise _sem(file, f"{mp}.state", f"not a state of {m['parent']}")
            _check_ref(file, f"{mp}.probability", m.get("probability"), records, states,
                       want="probability")


def load_spec(path: Path, records: dict[str, Record]) -> NetworkSpec:
    """Load a network spec and validate it in two stages against ``records``."""
    path = Path(path)
    file = path.name
    doc = load_yaml(path)
    _check_schema(file, doc)
    nodes: dict[str, dict] = doc["nodes"]
    target = doc["target"]
    if target not in nodes:
        raise _sem(file, "target", f"{target!r} is not a declared node")
    if len(nodes[target]["states"]) != 2:
        raise _sem(file, f"nodes.{target}.states", "the target must be binary")
    positive = doc.get("positive", nodes[target]["states"][1])
    if positive not in nodes[target]["states"]:
        raise _sem(file, "positive", f"{positive!r} is not a state of {target}")
    order = _topological(file, nodes)
    measures: dict[str, Measure] = {}
    for name in order:
        nd = nodes[name]
        _check_generator(file, name, nd, nodes, records)
        meas = nd.get("measure")
        items = meas if isinstance(meas, list) else ([meas] if meas else [])
        for i, m in enumerate(items):
            mp = f"nodes.{name}.measure" + (f"[{i}]" if isinstance(meas, list) else "")
            if sorted(set(m["bins"])) != sorted(set(m["bins"]) & set(nd["states"])):
                raise _sem(file, f"{mp}.bins", f"bins {m['bins']} must be states of {name}: {nd['states']}")
            srcs = m["source"] if isinstance(m["source"], list) else [m["source"]]
            sources = tuple(_parse_source(file, f"{mp}.source", s) for s in srcs)
            key = m.get("key", name)
            if key in measures or (key in nodes and key != name):
                raise _sem(file, f"{mp}.key", f"evidence key {key!r} is already taken")
            measures[key] = Measure(
                node=name, key=key, unit=str(m["unit"]), cutpoints=tuple(float(c) for c in m["cutpoints"]),
                bins=tuple(m["bins"]), closed=m["closed"], minimum=m.get("min"), maximum=m.get("max"),
                rule=str(m["rule"]), sources=sources,
            )
    digest = hashlib.sha256(
        json.dumps({"spec": doc, "records": {k: r.raw for k, r in sorted(records.items())}},
                   sort_keys=True, default=str).encode()
    ).hexdigest()[:16]
    return NetworkSpec(
        name=str(doc["name"]), file=file, target=target, positive=positive,
        description=str(doc.get("description", "")), nodes=nodes, order=order,
        measures=measures, digest=digest,
    )


def build_tables(spec: NetworkSpec, records: dict[str, Record],
                 values: Callable[[str], np.ndarray]) -> dict[str, np.ndarray]:
    """Generate every table, batched: ``(B, card, *parent_cards)`` per node."""
    tables: dict[str, np.ndarray] = {}
    for name in spec.order:
        tables[name] = generate_table(spec, records, name, values, tables)
    return tables


def generate_table(spec: NetworkSpec, records: dict[str, Record], name: str,
                   values: Callable[[str], np.ndarray], tables: dict[str, np.ndarray]) -> np.ndarray:
    """``name``'s table, batched, from ``values``; ``tables`` holds the (batched) tables already
    generated for the nodes before it (generators that depend on other tables read them)."""
    nd = spec.nodes[name]
    parents = list(spec.parents(name))
    net = {"states": {n: list(spec.states(n)) for n in spec.order},
           "parents": {n: list(spec.parents(n)) for n in spec.order}}
    return _cpt.generate(
        nd["cpt"]["generator"], spec=nd["cpt"], child_states=list(nd["states"]), parents=parents,
        parent_states=[list(spec.states(q)) for q in parents], values=values, records=records,
        tables={k: (v.reshape(v.shape[0], -1) if not spec.parents(k) else v)
                for k, v in tables.items()},
        net=net,
    )


def point_values(records: dict[str, Record]) -> Callable[[str], np.ndarray]:
    """``values`` function returning each record's point value with a batch axis of 1."""
    cache: dict[str, np.ndarray] = {}

    def values(rid: str) -> np.ndarray:
        if rid not in cache:
            v = np.asarray(records[rid].point(), dtype=float)
            cache[rid] = v.reshape(1, *v.shape)
        return cache[rid]

    return values


def validate_tables(spec: NetworkSpec, tables: dict[str, np.ndarray], tol: float = 1e-9) -> None:
    """Stage-2 check of generated (unbatched) tables: shape, range, columns summing to 1."""
    for name in spec.order:
        arr = tables[name]
        want = (len(spec.states(name)), *(len(spec.states(q)) for q in spec.parents(name)))
        path = f"nodes.{name}.cpt"
        if arr.shape != want:
            raise _sem(spec.file, path, f"generated table has shape {arr.shape}; expected {want}")
        if not np.all(np.isfinite(arr)) or arr.min() < 0 or arr.max() > 1:
            raise _sem(spec.file, path, "generated table has entries outside [0, 1]")
        dev = float(np.max(np.abs(arr.sum(axis=0) - 1.0)))
        if dev > tol:
            raise _sem(spec.file, path, f"columns sum to 1 only within {dev:.2e}; expected {tol:g}")


def check_latent_feasible(spec: NetworkSpec, records: dict[str, Record],
                          tables: dict[str, np.ndarray]) -> None:
    """At the point values, a latent test's solved probabilities must lie in [0, 1]."""
    for name in spec.order:
        cpt = spec.nodes[name]["cpt"]
        if cpt["generator"] != "latent_test":
            continue
        lat = cpt["latent"]
        tgt = spec.parents(lat)[0]
        lt = tables[lat]
        hi = spec.states(lat).index(cpt["latent_positive"])
        pos = spec.states(tgt).index(cpt["target_positive"])
        a, b = lt[hi, pos], lt[hi, 1 - pos]
        s, f = _cpt.latent_solution(a, b, records[cpt["sensitivity"]].point(),
                                    records[cpt["specificity"]].point())
        if not (0 <= s <= 1 and 0 <= f <= 1):
            raise _sem(spec.file, f"nodes.{name}.cpt",
                       f"latent {lat!r} (P(high|+)={a:.3f}, P(high|-)={b:.3f}) cannot reproduce "
                       f"this test's sensitivity and specificity (solved {s:.3f}, {f:.3f}); "
                       "the latent must be at least as discriminating as each test")


def load_network(network: Path, priors: Path) -> tuple[NetworkSpec, dict[str, Record], dict]:
    """Load records and spec, build and check point tables. Returns (spec, records, tables)."""
    records = load_records(Path(priors))
    spec = load_spec(Path(network), records)
    batched = build_tables(spec, records, point_values(records))
    tables = {k: v[0] for k, v in batched.items()}
    validate_tables(spec, tables)
    check_latent_feasible(spec, records, tables)
    return spec, records, tables
