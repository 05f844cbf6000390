"""Which prior records a site's data can update, and the counts that bear on each.

A record can take a cohort's counts when it is *directly* a probability the data
estimate; each use is a :class:`Source` naming the nodes whose joint counts inform it
and how to read the record's counts off them:

* a ``table`` row or root distribution (a Dirichlet over the child's states, or a Beta
  for one state of a binary child): the child's counts over the row's parent
  configurations (pooled over the configurations a row covers, and over every place the
  record is used);
* a ``latent_test`` sensitivity (specificity): the test's positive (negative) readings
  among lesions of the positive (negative) target state with no masker present -- what
  the generator keeps the test's accuracy at (every lesion of the class with
  ``calibrate: marginal``, whose published accuracy is a marginal over the case mix); a
  child given per-class distributions (``given_positive`` / ``given_negative``): its
  counts among the lesions of each class;
* a ``risk_factor`` modifier's population mix: the modifier's counts;
* a ``logodds`` baseline: the outcome's counts (``calibrate: marginal``, the marginal
  P(outcome) over the case mix) or its counts at every parent's reference state
  (``calibrate: reference``).

Everything else is left as published, with the reason (:data:`LEFT_ALONE`): odds ratios
(a log-odds table's or a modifier's coefficients, not a count), noisy-max cause strengths
and masking probabilities (they act through a combination of causes), tables of latent nodes (never
observed), and any record also used in one of those ways.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ...engine.rows import MISSING, RowEvidence, row_joint
from ...spec.compiled import CompiledModel
from ...spec.refs import RecordRef, StateRef

LEFT_ALONE = {
    "odds_ratio": "an odds ratio (a regression coefficient, not a count)",
    "noisy": "a cause strength of a noisy-max/noisy-or table (acts through a combination of "
             "causes, not a count)",
    "masking": "a masking probability of a latent test (acts through the latent, not a count)",
    "latent": "a table of a latent node (never observed)",
    "other": "used by a table generator whose entries are not counts",
}
#: a family's joint counts are accumulated over rows in chunks of this many entries
COUNT_ENTRIES = 1 << 21


@dataclass(frozen=True)
class Source:
    """One use of a record: the nodes whose joint counts inform it, and for each joint
    configuration (in C order over ``nodes``) which record state it counts for (-1: none)."""

    nodes: tuple[str, ...]
    state_of: tuple[int, ...]


def _configs(model: CompiledModel, nodes: tuple[str, ...]) -> list[dict[str, str]]:
    return [dict(zip(nodes, c)) for c in itertools.product(*(model.states(n) for n in nodes))]


def _table_sources(model: CompiledModel, node: str) -> dict[str, Source]:
    spec = model.spec
    nd = spec.nodes[node]
    nodes = (node, *nd.parents)
    out: dict[str, Source] = {}
    rows = nd.cpt.rows if nd.parents else ()  # type: ignore[attr-defined]
    refs = [({}, nd.cpt.probabilities)] if not nd.parents else [  # type: ignore[attr-defined]
        (dict(r.when), r.probabilities) for r in rows]
    for when, ref in refs:
        if not isinstance(ref, (RecordRef, StateRef)):
            continue  # a fixed distribution: a logical constraint
        rec = model.records[ref.record]
        states = list(rec.states or ()) if isinstance(ref, RecordRef) else [ref.state, None]
        mapping = []
        for cfg in _configs(model, nodes):
            if any(cfg[p] != s for p, s in when.items()):
                mapping.append(-1)
            elif isinstance(ref, RecordRef):
                mapping.append(states.index(cfg[node]))
            else:
                mapping.append(0 if cfg[node] == ref.state else 1)
        out[ref.record] = _merge(out.get(ref.record), Source(nodes, tuple(mapping)))
    return out


def _latent_test_sources(model: CompiledModel, node: str) -> dict[str, Source]:
    gen = model.spec.nodes[node].cpt
    target = model.spec.nodes[gen.latent].parents[0]  # type: ignore[attr-defined]
    if gen.per_class:  # type: ignore[attr-defined]
        return _per_class_sources(model, node, target)
    # masked lesions count for neither record, except where the published accuracy is a
    # marginal over the case mix (calibrate: marginal): then every lesion of the class counts
    masks = [] if gen.marginal else [(m.parent, m.state) for m in gen.masking]  # type: ignore[attr-defined]
    nodes = (node, target, *dict.fromkeys(p for p, _ in masks))
    out = {}
    # sensitivity: positive readings among the positive class; specificity: negative
    # readings among the negative class
    for rid, positive_class in ((gen.sensitivity, True), (gen.specificity, False)):  # type: ignore[attr-defined]
        mapping = []
        for cfg in _configs(model, nodes):
            in_class = (cfg[target] == gen.target_positive) == positive_class  # type: ignore[attr-defined]
            if not in_class or any(cfg[p] == st for p, st in masks):
                mapping.append(-1)
                continue
            reads_positive = cfg[node] == gen.positive  # type: ignore[attr-defined]
            mapping.append(0 if reads_positive == positive_class else 1)
        out[rid] = Source(nodes, tuple(mapping))
    return out


def _per_class_sources(model: CompiledModel, node: str, target: str) -> dict[str, Source]:
    """A child given its distribution under each class of the target (``given_positive``,
    ``given_negative``): the child's counts among the lesions of that class."""
    gen = model.spec.nodes[node].cpt
    nodes = (node, target)
    out = {}
    for ref, positive_class in ((gen.given_positive, True), (gen.given_negative, False)):  # type: ignore[attr-defined]
        if not isinstance(ref, (RecordRef, StateRef)):
            continue  # a fixed distribution
        states = list(model.records[ref.record].states or ())
        mapping = []
        for cfg in _configs(model, nodes):
            if (cfg[target] == gen.target_positive) != positive_class:  # type: ignore[attr-defined]
                mapping.append(-1)
            elif isinstance(ref, RecordRef):
                mapping.append(states.index(cfg[node]))
            else:
                mapping.append(0 if cfg[node] == ref.state else 1)
        out[ref.record] = Source(nodes, tuple(mapping))
    return out


def _baseline_source(model: CompiledModel, node: str) -> tuple[str, Source]:
    gen = model.spec.nodes[node].cpt
    parents = model.spec.parents(node) if gen.calibrate == "reference" else ()  # type: ignore[attr-defined]
    nodes = (node, *parents)
    mapping = []
    for cfg in _configs(model, nodes):
        at_reference = all(cfg[p] not in gen.effects.get(p, {}) for p in parents)  # type: ignore[attr-defined]
        mapping.append(-1 if not at_reference else (0 if cfg[node] == gen.outcome else 1))  # type: ignore[attr-defined]
    return gen.baseline, Source(nodes, tuple(mapping))  # type: ignore[attr-defined]


def _merge(old: Source | None, new: Source) -> Source:
    if old is None:
        return new
    if old.nodes != new.nodes:  # pragma: no cover - one table's rows share their nodes
        raise ValueError("a record used in two families")
    return Source(old.nodes, tuple(a if a >= 0 else b for a, b in zip(old.state_of, new.state_of)))


def _mix_source(model: CompiledModel, node: str) -> dict[str, Source]:
    """A ``risk_factor`` modifier's population mix: the node's own counts (its marginal is
    the mix exactly, whatever the odds ratios)."""
    ref = model.spec.nodes[node].cpt.mix  # type: ignore[attr-defined]
    if not isinstance(ref, (RecordRef, StateRef)):
        return {}
    if isinstance(ref, RecordRef):
        states = list(model.records[ref.record].states or ())
        mapping = [states.index(s) for s in model.states(node)]
    else:
        mapping = [0 if s == ref.state else 1 for s in model.states(node)]
    return {ref.record: Source((node,), tuple(mapping))}


def record_sources(model: CompiledModel) -> tuple[dict[str, list[Source]], dict[str, str]]:
    """Every record the data can update (with its sources), and every other record with
    the reason it is left as published."""
    sources: dict[str, list[Source]] = {}
    left: dict[str, str] = {}
    for node in model.nodes:
        if node in model.given_tables:
            continue
        nd = model.spec.nodes[node]
        kind = nd.cpt.name
        if nd.latent or kind not in ("table", "latent_test", "logodds", "risk_factor"):
            why = "latent" if nd.latent else ("noisy" if kind.startswith("noisy") else "other")
            left.update({r.id: LEFT_ALONE[why] for r in model.records_for(node)})
            continue
        if kind == "table":
            found = _table_sources(model, node)
        elif kind == "latent_test":
            found = _latent_test_sources(model, node)
            left.update({m.probability: LEFT_ALONE["masking"] for m in nd.cpt.masking})  # type: ignore[attr-defined]
        elif kind == "risk_factor":
            found = _mix_source(model, node)
            left.update({r: LEFT_ALONE["odds_ratio"] for r in nd.cpt.effects.values()})  # type: ignore[attr-defined]
        else:
            rid, src = _baseline_source(model, node)
            found = {rid: src}
            left.update({r: LEFT_ALONE["odds_ratio"] for eff in nd.cpt.effects.values()  # type: ignore[attr-defined]
                         for r in eff.values()})
        for rid, src in found.items():
            sources.setdefault(rid, []).append(src)
    return {r: s for r, s in sources.items() if r not in left}, left


def informative_rows(model: CompiledModel, ev: RowEvidence, child: str) -> np.ndarray:
    """Rows where ``child`` or one of its descendants is observed. In every other row the
    child and all below it are unobserved -- barren -- so the row's probability does not
    depend on the child's table at all and the row says nothing about it."""
    below = {child, *model.network.descendants[child]}
    seen = np.zeros(ev.n, dtype=bool)
    for v in below:
        if v in ev.codes:
            seen |= ev.codes[v] != MISSING
    return seen


def expected_counts(model: CompiledModel, ev: RowEvidence, families: set[tuple[str, ...]]
                    ) -> tuple[dict[tuple[str, ...], tuple[np.ndarray, int]], np.ndarray]:
    """Expected joint counts of each family (first node: the child whose table it
    informs) over the rows that bear on it, with their number (exact counts where every
    node of the family is observed); and which rows are possible under the model."""
    net = model.network
    possible = np.ones(ev.n, dtype=bool)
    out = {}
    for nodes in sorted(families):
        size = int(np.prod([net.card[v] for v in nodes]))
        total = np.zeros(size)
        rows_all = np.flatnonzero(informative_rows(model, ev, nodes[0]))
        step = max(1, COUNT_ENTRIES // size)
        used = 0
        for start in range(0, len(rows_all), step):
            rows = rows_all[start:start + step]
            joint = row_joint(net, nodes, ev.rows(rows)).reshape(len(rows), size)
            p_e = joint.sum(axis=1)
            ok = p_e > 0
            possible[rows[~ok]] = False
            used += int(ok.sum())
            total += (joint[ok] / p_e[ok, None]).sum(axis=0)
        out[nodes] = (total, used)
    return out, possible


def record_counts(src: list[Source], counts: Mapping[tuple[str, ...], tuple[np.ndarray, int]],
                  k: int) -> tuple[np.ndarray, int]:
    """A record's counts over its ``k`` states (Beta: [state, other]) from its sources, and
    the number of lesions that bear on it."""
    out = np.zeros(k)
    n = 0
    for s in src:
        table, rows = counts[s.nodes]
        idx = np.asarray(s.state_of)
        sel = idx >= 0
        np.add.at(out, idx[sel], table[sel])
        n = max(n, rows)
    return out, n
