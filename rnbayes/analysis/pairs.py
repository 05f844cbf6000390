"""Pairs of tests: joint value against the sum of the parts, and two-test sequences.

For two tests A and B (revealing the union of their nodes):

* *joint* = both done now, then act: its EVSI and MI are compared with the sum of the
  parts; ``redundant`` when joint < sum, ``complementary`` when joint > sum, else
  ``additive``;
* *sequence A then B* = do A, look at the result, then either act at once or do B and
  act; its value (net of the costs actually incurred, relative to acting now) is
  ``sum_a P(a) max(V(p_a), sum_b P(b|a) V(p_ab) - cost_B(p_a)) - cost_A(p) - V(p)``.
  The best order is whichever of A-then-B and B-then-A is larger.

Every pair and both orders are evaluated at once: each pair's joint columns are laid out
(once per set of tests, :class:`SequenceLayout`) with the first test's result as the
major axis, so the sums over results are segment sums over one array.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..engine.joints import ResultJoints
from ..results.columns import frame
from ..results.voi import PAIR_COLUMNS
from ..spec.catalog import CandidateTest
from ..spec.utilities import Utilities
from .measures import measures_all


class SequenceLayout:
    """For every pair of groups (i < j, in ``pair_joints`` order) and both orders (i first,
    then j first): the pair's joint columns with the first group's result as the major
    axis (``cells``); where each first result's cells start (``segments``); where each
    (pair, order)'s segments start (``sequences``); and the group that comes second in
    each segment (``second``)."""

    def __init__(self, groups: Sequence[tuple[str, ...]], unions: Sequence[tuple[str, ...]],
                 starts: np.ndarray, card: Mapping[str, int]):
        cells, segments, sequences, second = [], [], [], []
        n_cells = n_segments = 0
        pairs = itertools.combinations(range(len(groups)), 2)
        for k, ((i, j), union) in enumerate(zip(pairs, unions)):
            dims = [card[n] for n in union]
            flat = np.arange(int(starts[k]), int(starts[k + 1])).reshape(dims)
            for first, other in ((i, j), (j, i)):
                lead = [union.index(n) for n in groups[first]]
                axes = lead + [a for a in range(len(union)) if a not in lead]
                block = flat.transpose(axes).reshape(int(np.prod([dims[a] for a in lead])), -1)
                sequences.append(n_segments)
                segments.extend(n_cells + block.shape[1] * np.arange(block.shape[0]))
                second.extend([other] * block.shape[0])
                cells.append(block.ravel())
                n_cells += block.size
                n_segments += block.shape[0]
        self.cells = np.concatenate(cells) if cells else np.zeros(0, dtype=int)
        self.segments = np.asarray(segments, dtype=np.intp)
        self.sequences = np.asarray(sequences, dtype=np.intp)
        self.second = np.asarray(second, dtype=np.intp)


def sequence_values(pj: np.ndarray, layout: SequenceLayout, pos: int, u: Utilities,
                    cost: np.ndarray, wait: np.ndarray, p0: float) -> np.ndarray:
    """Net value of every two-test sequence: ``(pairs, 2)``, column 0 the pair's first
    group first. ``cost`` and ``wait`` are each group's fixed cost and waiting loss."""
    if not layout.sequences.size:
        return np.zeros((0, 2))
    cols = pj[:, layout.cells]
    p_cell = cols.sum(axis=0)
    ok = p_cell > 0
    go_cell = np.where(ok, p_cell * u.value(np.where(ok, cols[pos] / np.where(ok, p_cell, 1.0),
                                                     0.0)), 0.0)
    seg = layout.segments
    pa = np.add.reduceat(p_cell, seg)
    some = pa > 0
    safe = np.where(some, pa, 1.0)
    pa_pos = np.where(some, np.add.reduceat(cols[pos], seg) / safe, 0.0)
    second = layout.second
    go = np.add.reduceat(go_cell, seg) / safe - (cost[second] + wait[second] * pa_pos)
    best = np.where(some, pa * np.maximum(u.value(pa_pos), go), 0.0)
    total = np.add.reduceat(best, layout.sequences).reshape(-1, 2)
    firsts = np.array(list(itertools.combinations(range(len(cost)), 2)), dtype=np.intp)
    firsts = firsts.reshape(-1, 2)  # (pairs, 2): the group that goes first in each order
    return total - (cost[firsts] + wait[firsts] * p0) - float(u.value(p0))


def interaction(joint: np.ndarray, parts: np.ndarray) -> list[str]:
    """``redundant``, ``complementary`` or ``additive`` (within rounding), elementwise."""
    scale = np.maximum(1.0, np.abs(parts)) * 1e-7
    return np.where(joint < parts - scale, "redundant",
                    np.where(joint > parts + scale, "complementary", "additive")).tolist()


def pair_table(joints: ResultJoints, card: Mapping[str, int], candidates: Sequence[str],
               groups: Mapping[str, tuple[int, tuple[str, ...]]],
               tests: Mapping[str, CandidateTest], singles: Mapping[str, np.ndarray],
               pos: int, u: Utilities, p0: float) -> pd.DataFrame:
    """Every pair of ``candidates`` (test ids, ranked): measures and sequence values.

    ``groups`` maps a test id to (its index in ``joints``, its unobserved nodes);
    ``singles`` holds the single-test ``mutual_information`` and ``evsi`` per group index.
    """
    chosen = list(itertools.combinations(candidates, 2))
    if not chosen:
        return frame({c: [] for c in PAIR_COLUMNS}, text=_TEXT)
    pj, pstarts, plist, punions = joints.pair_joints()
    pm, _, _ = measures_all(pj, pstarts, joints.target_posterior, pos, u)
    net = joints.network
    layout = net.memo(("sequence-layout", tuple(joints.groups)),
                      lambda: SequenceLayout(joints.groups, punions, pstarts, card))
    by_group = {i: tests[t] for t, (i, _) in groups.items()}
    cost = np.array([by_group[i].cost for i in range(len(joints.groups))], dtype=float)
    wait = np.array([by_group[i].waiting_loss for i in range(len(joints.groups))], dtype=float)
    seq = sequence_values(pj, layout, pos, u, cost, wait, p0)
    ia = np.array([groups[a][0] for a, _ in chosen], dtype=np.intp)
    ib = np.array([groups[b][0] for _, b in chosen], dtype=np.intp)
    pindex = {p: k for k, p in enumerate(plist)}
    k = np.array([pindex[(min(i, j), max(i, j))] for i, j in zip(ia, ib)], dtype=np.intp)
    a_first = ia < ib
    ab = np.where(a_first, seq[k, 0], seq[k, 1])
    ba = np.where(a_first, seq[k, 1], seq[k, 0])
    mi, evsi = pm["mi"][k], pm["evsi"][k]
    mi_sum = singles["mutual_information"][ia] + singles["mutual_information"][ib]
    evsi_sum = singles["evsi"][ia] + singles["evsi"][ib]
    names = [(a, b) for a, b in chosen]
    cols = {"test_a": [a for a, _ in names], "test_b": [b for _, b in names],
            "mi_joint": mi, "mi_sum": mi_sum, "mi_interaction": interaction(mi, mi_sum),
            "evsi_joint": evsi, "evsi_sum": evsi_sum,
            "evsi_interaction": interaction(evsi, evsi_sum),
            "net_value_joint": evsi - (cost[ia] + cost[ib] + (wait[ia] + wait[ib]) * p0),
            "value_a_then_b": ab, "value_b_then_a": ba,
            # orders worth the same within rounding: the higher-ranked test first
            "best_order": [f"{a} then {b}" if x >= y - 1e-12 * max(1.0, abs(y)) else
                           f"{b} then {a}" for (a, b), x, y in zip(names, ab.tolist(),
                                                                  ba.tolist())],
            "sequence_value": np.maximum(ab, ba)}
    # values equal to rounding (e.g. "do A, then never B") tie, MI decides between them,
    # then the test ids: a full key, so tied pairs are in the same order in every process
    order = np.lexsort((np.array(cols["test_b"], dtype=str), np.array(cols["test_a"], dtype=str),
                        -np.round(mi, 12), -np.round(cols["sequence_value"], 9)))
    return frame({c: _take(cols[c], order) for c in PAIR_COLUMNS}, text=_TEXT)


_TEXT = ("test_a", "test_b", "mi_interaction", "evsi_interaction", "best_order")


def _take(column: list | np.ndarray, order: np.ndarray) -> list | np.ndarray:
    return column[order] if isinstance(column, np.ndarray) else [column[i] for i in order]
