"""Is the test ranking robust? The same ranking as the value-of-information table -- the
tests chosen, the measure chosen (``rank_by``, net value by default), tests already done
left out -- at the point values and in every parameter draw.

Per draw, each test's measure comes from its joint with the diagnosis in that draw (the
same formulas as :mod:`rnbayes.analysis.measures`, batched over draws), and the draw's
ranking uses the same order as :func:`rnbayes.results.voi.rank`: the measure, then net
value, then the test id. As in the value-of-information result, a draw's best next test is
its first ranked test worth its cost (net value above 0); a draw where none is counts as
"no test worth its cost". The answer to "how often is this ranking's best test best?" is
``p_first`` of the point ranking's best next test.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ...engine.joints import ResultJoints
from ...results.sensitivity import RANKING_COLUMNS
from ...results.voi import rank
from ...spec.catalog import CandidateTest
from ...spec.compiled import CompiledModel
from ...spec.utilities import Utilities
from ..measures import mutual_information


def batched_measures(joint: np.ndarray, pos: int, u: Utilities,
                     test: CandidateTest) -> dict[str, np.ndarray]:
    """Every ranking measure of one test for a batch of joints ``(B, target, results)``.

    Examples
    --------
    >>> from rnbayes.spec.utilities import load_utilities
    >>> j = np.array([[[0.4, 0.1], [0.1, 0.4]]])  # (1 draw, RN/TTP, 2 results)
    >>> m = batched_measures(j, 1, load_utilities(), CandidateTest("t", ("x",), cost=0.5))
    >>> round(float(m["evsi"][0]), 3), round(float(m["net_value"][0]), 3)
    (5.8, 5.3)
    """
    joint = np.asarray(joint, dtype=float)
    p0 = joint[:, pos, :].sum(axis=-1)
    p_r = joint.sum(axis=1)
    ok = p_r > 0
    p_after = np.where(ok, joint[:, pos, :] / np.where(ok, p_r, 1.0), p0[:, None])
    eu_after = u.expected(p_after)  # (B, results, actions)
    best_now = u.best_index(p0)
    evsi = (p_r * eu_after.max(axis=-1)).sum(axis=-1) - u.value(p0)
    evsi[evsi < 1e-12 * max(1.0, float(np.abs(u.table).max()))] = 0.0  # rounding: exactly 0
    changed = ok & (eu_after.argmax(axis=-1) != best_now[:, None])
    return {"mutual_information": mutual_information(joint),
            "expected_abs_change": (p_r * np.abs(p_after - p0[:, None])).sum(axis=-1),
            "p_action_change": np.where(changed, p_r, 0.0).sum(axis=-1),
            "evsi": evsi, "net_value": evsi - np.asarray(test.total_cost(p0), dtype=float)}


def first_per_draw(values: np.ndarray, net: np.ndarray, ids: Sequence[str],
                   rank_by: str) -> np.ndarray:
    """Index of each draw's best next test (``values``, ``net``: ``(B, tests)``): the first
    test worth its cost (net value > 0) in the order :func:`~rnbayes.results.voi.rank`
    gives -- the measure, then net value, then id; -1 where no test is worth its cost."""
    order = np.argsort(np.argsort(np.asarray(ids)))  # alphabetical position of each id
    by_id = np.broadcast_to(order, values.shape)
    keys = [by_id, -np.round(net, 12)]
    if rank_by != "net_value":
        keys.append(-np.round(values, 12))
    keys.append(~(net > 0))  # worth its cost first
    first = np.lexsort(keys, axis=-1)[:, 0]
    worth = np.take_along_axis(net, first[:, None], axis=1)[:, 0] > 0
    return np.where(worth, first, -1)


def nodes_to_reveal(model: CompiledModel, ev: Mapping[str, Any],
               tests: Sequence[CandidateTest]) -> dict[str, list[str]]:
    """Each test still to do -> the nodes of the model it would reveal (tests already done
    are left out: never ranked)."""
    out = {t.id: [n for n in t.reveals if n in model.nodes and n not in ev] for t in tests}
    return {tid: nodes for tid, nodes in out.items() if nodes}


def ranking_robustness(model: CompiledModel, ev: Mapping[str, Any],
                       drawn: Mapping[str, Mapping[str, np.ndarray]],
                       tests: Sequence[CandidateTest], u: Utilities, rank_by: str,
                       level: float) -> tuple[pd.DataFrame, float]:
    """Per test still to do: the ranking measure at the point values, its quantiles over
    the draws (``drawn``: test -> :func:`batched_measures` over the draws), and how often
    it is the best next test; in the point ranking's order. And the share of draws in
    which no test is worth its cost."""
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    t = model.network.card[model.target]
    pos = model.positive_index
    todo = nodes_to_reveal(model, ev, tests)
    doing = [test for test in tests if test.id in todo]
    # every test's joint with the target at the point values from one pass, as in VOI
    joints = ResultJoints(model.network, model.target, ev, [todo[x.id] for x in doing])
    point, labels = [], {}
    for i, test in enumerate(doing):
        at_point = batched_measures(joints.single(i).reshape(1, t, -1), pos, u, test)
        point.append({"test": test.id, **{k: float(v[0]) for k, v in at_point.items()}})
        labels[test.id] = test.label or test.id
    if not point:
        return pd.DataFrame(columns=RANKING_COLUMNS), 1.0
    ranked = rank(pd.DataFrame(point), rank_by)
    ids = list(ranked["test"])
    values = np.stack([drawn[i][rank_by] for i in ids], axis=1)
    first = first_per_draw(values, np.stack([drawn[i]["net_value"] for i in ids], axis=1),
                           ids, rank_by)
    table = pd.DataFrame({
        "test": ids, "label": [labels[i] for i in ids], "rank_point": np.arange(1, len(ids) + 1),
        "value_point": ranked[rank_by].to_numpy(),
        "value_low": np.quantile(values, lo_q, axis=0),
        "value_median": np.median(values, axis=0),
        "value_high": np.quantile(values, hi_q, axis=0),
        "net_point": ranked["net_value"].to_numpy(),
        "p_first": [float(np.mean(first == j)) for j in range(len(ids))]},
        columns=RANKING_COLUMNS)
    return table, float(np.mean(first < 0))
