"""Batched evidence: the same query for many rows of evidence at once.

A cohort is a table of rows, each its own evidence: a node is observed in a state (hard),
not observed, or read with a likelihood vector (soft). Conceptually every row's evidence
is one vector per node -- one-hot for a state, ones when not observed, the likelihoods
for a soft finding -- and the answer is one contraction with a batch axis over the rows.
Done literally, each row would pay for the largest table (the diagnosis table over every
context configuration); this module pays for it once:

1. **fold once**: variables observed in no row and not queried are summed out ahead of
   time (:mod:`.rowfold`), planned on the structure, cached on the network;
2. **gather, don't multiply**: a node observed hard in a row only selects a slice, so
   each folded factor is laid out with its evidence axes first and indexed by the rows'
   states. A node that is not observed in some rows and lives in a single factor gets one
   extra "summed" index along its axis (the sum over its states), so "not observed" is a
   gather too. After the gathers each factor holds, per row, only the axes of the
   targets and of the *contracted* nodes;
3. **contract the rest**: nodes read softly in some row, nodes that are sometimes missing
   and shared by several factors, and observed targets stay as axes; their one-hot /
   ones / likelihood vectors and the gathered slices are contracted in one einsum over a
   batch axis (path planned once);
4. **group rows by pattern where that is faster**: rows sharing which of the shared nodes
   are observed (a pattern) are answered by a plan specialised to it, where those nodes are
   gathered or folded away; large patterns get their own plan, the rest share the
   general one;
5. **chunk**: rows go through in chunks sized so no intermediate exceeds a few megabytes,
   on a small thread pool (numpy releases the GIL in these kernels).

Everything compiled is cached on the (immutable) network. Rows whose evidence has
probability 0 get NaN posteriors and ``p_evidence == 0``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import opt_einsum as oe

from .network import DiscreteNetwork
from .rowfold import FoldPlan

#: codes of a row's evidence on a node besides a state index
MISSING, SOFT = -1, -2
#: entries a chunk's largest intermediate may hold (8 bytes each)
CHUNK_ENTRIES = 1 << 20
#: a factor laid out for gathering may hold at most this many entries
GATHER_CAP = 1 << 22
#: rows a pattern needs before it gets a plan of its own (fewer when every row is answered
#: for many parameter draws), and at most this many plans
PATTERN_ROWS, MAX_PATTERNS = 2048, 24


@dataclass(frozen=True)
class RowEvidence:
    """Evidence for ``n`` rows.

    Parameters
    ----------
    codes : mapping node -> int array ``(n,)``
        A state index, :data:`MISSING` (-1, not observed) or :data:`SOFT` (-2, read with
        likelihoods). Nodes not listed are observed in no row.
    soft : mapping node -> float array ``(n, card)``, optional
        Likelihood vectors; only the rows whose code is :data:`SOFT` are read.

    Examples
    --------
    >>> ev = RowEvidence({"x": np.array([0, -1, -2])}, {"x": np.array([[0, 0], [0, 0], [0.2, 0.6]])})
    >>> ev.n, ev.observed, ev.soft_nodes
    (3, ('x',), ('x',))
    """

    codes: Mapping[str, np.ndarray]
    soft: Mapping[str, np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(next(iter(self.codes.values()))) if self.codes else 0

    @property
    def observed(self) -> tuple[str, ...]:
        """Nodes observed (hard or soft) in at least one row."""
        return tuple(v for v, c in self.codes.items() if np.any(c != MISSING))

    @property
    def soft_nodes(self) -> tuple[str, ...]:
        return tuple(v for v, c in self.codes.items() if np.any(c == SOFT))

    def rows(self, index: np.ndarray | slice) -> RowEvidence:
        """The evidence of some rows."""
        return RowEvidence({v: c[index] for v, c in self.codes.items()},
                           {v: s[index] for v, s in self.soft.items()})


@dataclass
class _Gathered:
    """One folded factor laid out as (evidence configurations, remaining axes)."""

    table: np.ndarray            # (*batch, P, R)
    gather: tuple[str, ...]      # evidence axes indexed by the rows' codes, in order
    strides: tuple[int, ...]
    extended: tuple[bool, ...]   # whether an axis has the extra "summed" index
    rest: tuple[str, ...]        # axes left for the contraction


class RowPlan:
    """The compiled query for one set of targets and one kind of evidence per node:
    ``hard`` nodes are observed in every row, ``maybe`` nodes in some rows (missing in
    others), ``soft`` nodes read with likelihoods in some rows; ``tables`` replaces some of
    the network's tables (possibly batched over parameter draws)."""

    def __init__(self, net: DiscreteNetwork, targets: Sequence[str], hard: Sequence[str],
                 maybe: Sequence[str], soft: Sequence[str], tables: Mapping[str, np.ndarray]
                 | None = None):
        self.targets = tuple(targets)
        observed = {*hard, *maybe, *soft}
        keep = set(self.targets) | observed
        needed = net.ancestors(list(keep))
        order = [v for v in net.nodes if v in needed]
        scopes = [(v, *net.parents[v]) for v in order]
        fold = net.memo(("rowfold", tuple(order), tuple(sorted(keep))),
                        lambda: FoldPlan.build(scopes, keep, net.card))
        tabs = tables if tables is not None else net.cpts
        folded = fold.run([np.asarray(tabs[v]) for v in order])
        count = {v: sum(v in axes for _, axes in folded) for v in observed}
        self.lam = tuple(v for v in net.nodes if v in observed and (
            v in soft or v in self.targets or (v in maybe and count[v] > 1)))
        self.hard, self.maybe = set(hard), set(maybe)
        self.card = {v: net.card[v] for v in net.nodes}
        self.batch_shape = np.broadcast_shapes(*(f.shape[:f.ndim - len(a)] for f, a in folded))
        self.factors = [self._lay_out(arr, axes) for arr, axes in folded]
        self._compile()

    def _lay_out(self, arr: np.ndarray, axes: tuple[str, ...]) -> _Gathered:
        lam = set(self.lam)
        gather = [a for a in axes if (a in self.hard or a in self.maybe) and a not in lam]
        nb = arr.ndim - len(axes)
        ext = [a in self.maybe for a in gather]
        size = math.prod(self.card[a] + e for a, e in zip(gather, ext)) * math.prod(
            self.card[a] for a in axes if a not in gather)
        while size > GATHER_CAP and any(ext):  # too big: contract some private axes instead
            k = max((i for i, e in enumerate(ext) if e), key=lambda i: self.card[gather[i]])
            size = size // (self.card[gather[k]] + 1) * self.card[gather[k]]
            self.lam = (*self.lam, gather[k])
            del gather[k], ext[k]
        for a, e in zip(gather, ext):  # append the "summed" slice along each such axis
            if e:
                i = nb + axes.index(a)
                arr = np.concatenate([arr, arr.sum(axis=i, keepdims=True)], axis=i)
        rest = tuple(a for a in axes if a not in gather)
        perm = list(range(nb)) + [nb + axes.index(a) for a in (*gather, *rest)]
        arr = np.ascontiguousarray(np.transpose(arr, perm))
        sizes = [self.card[a] + e for a, e in zip(gather, ext)]
        strides = tuple(int(math.prod(sizes[i + 1:])) for i in range(len(sizes)))
        table = arr.reshape(*arr.shape[:nb], math.prod(sizes), -1)
        return _Gathered(table, tuple(gather), strides, tuple(ext), rest)

    def _compile(self) -> None:
        names = sorted({a for f in self.factors for a in f.rest} | set(self.lam)
                       | set(self.targets))
        sym = {a: oe.get_symbol(i + 1) for i, a in enumerate(names)}  # 0: the rows
        row = oe.get_symbol(0)
        terms = [row + "".join(sym[x] for x in f.rest) for f in self.factors]
        terms += [row + sym[v] for v in self.lam]
        self.eq = ",".join(terms) + "->" + row + "".join(sym[t] for t in self.targets)
        n = 512
        shapes = [(n, *(self.card[x] for x in f.rest)) for f in self.factors]
        shapes += [(n, self.card[v]) for v in self.lam]
        self.path, info = oe.contract_path(self.eq, *shapes, shapes=True, optimize="greedy")
        per_row = max([int(info.largest_intermediate) // n, *(math.prod(s[1:]) for s in shapes)])
        batch = math.prod(self.batch_shape)
        self.chunk = int(min(65536, max(64, CHUNK_ENTRIES // max(1, per_row * batch))))

    def __call__(self, ev: RowEvidence) -> np.ndarray:
        """P(targets, evidence) per row: ``(*batch, n, *card(targets))``."""
        ops: list[tuple[np.ndarray, tuple[int, ...]]] = []
        for f in self.factors:
            idx = np.zeros(ev.n, dtype=np.intp)
            for a, stride, e in zip(f.gather, f.strides, f.extended):
                code = ev.codes[a].astype(np.intp)
                if e:
                    code = np.where(code < 0, self.card[a], code)
                idx += code * stride
            trailing = tuple(self.card[x] for x in f.rest)
            taken = np.take(f.table, idx, axis=-2)
            ops.append((taken.reshape(*taken.shape[:-1], *trailing), trailing))
        ops += [(likelihoods(ev, v, self.card[v]), (self.card[v],)) for v in self.lam]
        if self.batch_shape:  # parameter draws: draws x rows form the contraction's batch axis
            arrays = [np.broadcast_to(o, (*self.batch_shape, ev.n, *t)).reshape(-1, *t)
                      for o, t in ops]
        else:
            arrays = [o for o, _ in ops]
        out = oe.contract(self.eq, *arrays, optimize=self.path)
        return out.reshape(*self.batch_shape, ev.n, *out.shape[1:])


def likelihoods(ev: RowEvidence, node: str, card: int) -> np.ndarray:
    """``(n, card)``: one-hot for a state, ones when not observed, the likelihoods if soft."""
    code = ev.codes.get(node)
    if code is None:
        return np.ones((ev.n, card))
    lut = np.vstack([np.eye(card), np.ones((2, card))])  # MISSING -> card, SOFT -> card + 1
    code = code.astype(np.intp)
    out = lut[np.where(code < 0, card - 1 - code, code)]
    if node in ev.soft:
        rows = code == SOFT
        out[rows] = ev.soft[node][rows]
    return out


def check_rows(net: DiscreteNetwork, targets: Sequence[str], ev: RowEvidence) -> None:
    """Raise ValueError for unknown nodes, codes out of range or soft rows without
    likelihoods."""
    for t in targets:
        if t not in net.card:
            raise ValueError(f"unknown target {t!r}")
    if len(set(targets)) != len(targets) or not targets:
        raise ValueError(f"targets must be distinct node names; got {list(targets)}")
    for v, c in ev.codes.items():
        if v not in net.card:
            raise ValueError(f"evidence on unknown node {v!r}")
        if len(c) != ev.n or (len(c) and (c.min() < SOFT or c.max() >= net.card[v])):
            raise ValueError(f"codes of {v!r}: {ev.n} values in [-2, {net.card[v] - 1}] expected")
        if np.any(c == SOFT) and (v not in ev.soft or ev.soft[v].shape != (ev.n, net.card[v])):
            raise ValueError(f"{v!r} has soft rows but no ({ev.n}, {net.card[v]}) likelihoods")


def row_query(net: DiscreteNetwork, targets: Sequence[str], ev: RowEvidence, *,
              workers: int | None = None, on_chunk: Callable[[int], None] | None = None
              ) -> tuple[np.ndarray, np.ndarray]:
    """Posterior of ``targets`` and the probability of the evidence, for every row.

    Parameters
    ----------
    net : DiscreteNetwork
    targets : node names; a target may carry evidence (its posterior then includes it)
    ev : RowEvidence
    workers : threads (default: up to 2)
    on_chunk : called with the number of rows after each chunk (progress)

    Returns
    -------
    posterior : ``(n, *card(targets))`` (NaN where the evidence is impossible)
    p_evidence : ``(n,)``

    Examples
    --------
    >>> net = DiscreteNetwork({"d": ("no", "yes"), "x": ("neg", "pos")}, {"x": ("d",)},
    ...                       {"d": [0.6, 0.4], "x": [[0.9, 0.2], [0.1, 0.8]]})
    >>> ev = RowEvidence({"x": np.array([1, 0, MISSING, SOFT])},
    ...                  {"x": np.array([[0, 0], [0, 0], [0, 0], [0.5, 1.0]])})
    >>> post, p_e = row_query(net, ["d"], ev)
    >>> post[:, 1].round(3).tolist(), p_e.round(2).tolist()
    ([0.842, 0.129, 0.4, 0.522], [0.38, 0.62, 1.0, 0.69])
    """
    joint = row_joint(net, targets, ev, workers=workers, on_chunk=on_chunk)
    axes = tuple(range(1, joint.ndim))
    p_e = joint.sum(axis=axes)
    with np.errstate(invalid="ignore", divide="ignore"):
        post = joint / p_e.reshape(-1, *(1,) * len(axes))
    return post, p_e


def row_joint(net: DiscreteNetwork, targets: Sequence[str], ev: RowEvidence, *,
              tables: Mapping[str, np.ndarray] | None = None, workers: int | None = None,
              on_chunk: Callable[[int], None] | None = None) -> np.ndarray:
    """P(targets, evidence) for every row: ``(*batch, n, *card(targets))``.

    ``tables`` replaces some of the network's tables, possibly with a leading batch axis
    of parameter draws (then every row is answered for every draw; no plan is cached).
    """
    targets = tuple(targets)
    check_rows(net, targets, ev)
    tasks = []
    for (hard, maybe, soft), rows in _groups(net, targets, ev, tables):
        if tables is None:
            key = ("rowplan", targets, hard, maybe, soft)
            plan = net.memo(key, lambda h=hard, m=maybe, s=soft: RowPlan(net, targets, h, m, s))
        else:
            plan = RowPlan(net, targets, hard, maybe, soft, {**net.cpts, **tables})
        idx = np.arange(ev.n) if rows is None else rows
        tasks += [(plan, idx[i:i + plan.chunk]) for i in range(0, len(idx), plan.chunk)]
    first = tasks[0][0]
    out = np.empty((*first.batch_shape, ev.n, *(net.card[t] for t in targets)))

    def run(task: tuple[RowPlan, np.ndarray]) -> None:
        plan, rows = task
        out[(Ellipsis, rows, *(slice(None),) * len(targets))] = plan(ev.rows(rows))
        if on_chunk is not None:
            on_chunk(len(rows))

    workers = min(2, os.cpu_count() or 1) if workers is None else workers
    if workers > 1 and len(tasks) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(run, tasks))
    else:
        for t in tasks:
            run(t)
    return out


def _groups(net: DiscreteNetwork, targets: tuple[str, ...], ev: RowEvidence,
            tables: Mapping[str, np.ndarray] | None) -> list[tuple[tuple, Any]]:
    """``((hard, maybe, soft), rows)`` per plan: large observed-patterns of the shared,
    sometimes-missing nodes get their own plan; ``rows`` None means every row."""
    observed = ev.observed
    soft = tuple(v for v in ev.soft_nodes if v in observed)
    hard = tuple(v for v in observed if v not in soft and np.all(ev.codes[v] >= 0))
    maybe = tuple(v for v in observed if v not in soft and v not in hard)
    general = (hard, maybe, soft)
    draws = max((math.prod(t.shape[:t.ndim - 1 - len(net.parents[v])])
                 for v, t in (tables or {}).items()), default=1)
    min_rows = max(256, PATTERN_ROWS * 16 // draws) if draws > 1 else PATTERN_ROWS
    if ev.n < 2 * min_rows or not maybe:
        return [(general, None)]
    plan = net.memo(("rowplan", targets, *general), lambda: RowPlan(net, targets, *general))
    shared = [v for v in plan.lam if v in maybe]
    if not shared or len(shared) > 30:
        return [(general, None)]
    key = np.zeros(ev.n, dtype=np.int64)
    for i, v in enumerate(shared):
        key |= (ev.codes[v] >= 0).astype(np.int64) << i
    values, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    big = [k for k in np.argsort(-counts, kind="stable")[:MAX_PATTERNS] if counts[k] >= min_rows]
    out, left = [], np.ones(ev.n, dtype=bool)
    for k in big:
        rows = np.flatnonzero(inverse == k)
        seen = {v for i, v in enumerate(shared) if values[k] >> i & 1}
        spec = (tuple(v for v in observed if v in hard or v in seen),
                tuple(v for v in maybe if v not in shared), soft)
        out.append((spec, rows))
        left[rows] = False
    if left.any():
        out.append((general, np.flatnonzero(left)))
    return out
