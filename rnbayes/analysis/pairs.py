"""Pairs of tests: joint value against the sum of the parts, and two-test sequences.

For two tests A and B (revealing the union of their nodes):

* *joint* = both done now, then act: its EVSI and MI are compared with the sum of the
  parts; ``redundant`` when joint < sum, ``complementary`` when joint > sum, else
  ``additive``;
* *sequence A then B* = do A, look at the result, then either act at once or do B and
  act; its value (net of the costs actually incurred, relative to acting now) is
  ``sum_a P(a) max(V(p_a), sum_b P(b|a) V(p_ab) - cost_B(p_a)) - cost_A(p) - V(p)``.
  The best order is whichever of A-then-B and B-then-A is larger.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..engine.joints import ResultJoints
from ..results.voi import PAIR_COLUMNS
from ..spec.catalog import CandidateTest
from ..spec.utilities import Utilities
from .measures import measures_all


def sequence_value(joint: np.ndarray, n_first: int, pos: int, u: Utilities,
                   first: CandidateTest, second: CandidateTest, p0: float) -> float:
    """Net value of: do ``first``, then decide whether to do ``second``, then act.

    ``joint`` has axes (target, *first's nodes, *second's extra nodes).
    """
    t = joint.shape[0]
    n_a = int(np.prod(joint.shape[1:1 + n_first])) if n_first else 1
    j = joint.reshape(t, n_a, -1)
    total = 0.0
    for a in range(n_a):
        ja = j[:, a, :]
        pa = float(ja.sum())
        if pa <= 0:
            continue
        pa_pos = float(ja[pos].sum()) / pa
        stop = float(u.value(pa_pos))
        p_b = ja.sum(axis=0)
        ok = p_b > 0
        p_ab = ja[pos][ok] / p_b[ok]
        go = float(np.sum(p_b[ok] * u.value(p_ab))) / pa - float(second.total_cost(pa_pos))
        total += pa * max(stop, go)
    return total - float(first.total_cost(p0)) - float(u.value(p0))


def interaction(joint: float, parts: float) -> str:
    """``redundant``, ``complementary`` or ``additive`` (within rounding)."""
    scale = max(1.0, abs(parts)) * 1e-7
    if joint < parts - scale:
        return "redundant"
    if joint > parts + scale:
        return "complementary"
    return "additive"


def pair_table(joints: ResultJoints, card: Mapping[str, int], candidates: Sequence[str],
               groups: Mapping[str, tuple[int, tuple[str, ...]]],
               tests: Mapping[str, CandidateTest], singles: pd.DataFrame, pos: int,
               u: Utilities, p0: float) -> pd.DataFrame:
    """Every pair of ``candidates`` (test ids, ranked): measures and sequence values.

    ``groups`` maps a test id to (its index in ``joints``, its unobserved nodes);
    ``singles`` is the single-test table indexed by test id.
    """
    rows = []
    if len(candidates) >= 2:  # every pair's joint, and its measures, in one pass
        pj, pstarts, plist, punions = joints.pair_joints()
        pm, _, _ = measures_all(pj, pstarts, joints.target_posterior, pos, u)
        pindex = {p: k for k, p in enumerate(plist)}
    for a, b in itertools.combinations(candidates, 2):
        (ia, na), (ib, nb) = groups[a], groups[b]
        k = pindex[(min(ia, ib), max(ia, ib))]
        union = (*na, *(n for n in nb if n not in na))
        stored = punions[k]
        joint = pj[:, pstarts[k]:pstarts[k + 1]].reshape(pj.shape[0], *(card[n] for n in stored))
        joint = joint.transpose([0, *(1 + stored.index(n) for n in union)])
        ta, tb = tests[a], tests[b]
        ab = sequence_value(joint, len(na), pos, u, ta, tb, p0)
        b_first = [0, *(1 + union.index(n) for n in (*nb, *(n for n in na if n not in nb)))]
        ba = sequence_value(joint.transpose(b_first), len(nb), pos, u, tb, ta, p0)
        mi, evsi = float(pm["mi"][k]), float(pm["evsi"][k])
        mi_sum = float(singles.loc[a, "mutual_information"] + singles.loc[b, "mutual_information"])
        evsi_sum = float(singles.loc[a, "evsi"] + singles.loc[b, "evsi"])
        rows.append({
            "test_a": a, "test_b": b,
            "mi_joint": mi, "mi_sum": mi_sum, "mi_interaction": interaction(mi, mi_sum),
            "evsi_joint": evsi, "evsi_sum": evsi_sum,
            "evsi_interaction": interaction(evsi, evsi_sum),
            "net_value_joint": evsi - float(ta.total_cost(p0) + tb.total_cost(p0)),
            "value_a_then_b": ab, "value_b_then_a": ba,
            "best_order": f"{a} then {b}" if ab >= ba else f"{b} then {a}",
            "sequence_value": max(ab, ba),
        })
    out = pd.DataFrame(rows, columns=PAIR_COLUMNS)
    if out.empty:
        return out
    # values equal to rounding (e.g. "do A, then never B") tie, MI decides between them,
    # then the test ids: a full key, so tied pairs are in the same order in every process
    key = out.assign(sequence_value=out["sequence_value"].round(9),
                     mi_joint=out["mi_joint"].round(12))
    order = key.sort_values(["sequence_value", "mi_joint", "test_a", "test_b"],
                            ascending=[False, False, True, True], kind="stable").index
    return out.loc[order].reset_index(drop=True)
