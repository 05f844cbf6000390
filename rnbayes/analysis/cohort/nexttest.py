"""The best next test for every lesion of a cohort, by value of information.

For each candidate test one batched query gives every lesion's joint P(diagnosis, result
| findings) (:func:`rnbayes.engine.rows.row_joint` with the test's nodes as extra
targets; a node the lesion already has keeps its observed state). The measures are those
of :func:`rnbayes.analysis.voi.value_of_information`, vectorised over lesions:
EVSI = sum_r P(r | e) V(P(TTP | e, r)) - V(P(TTP | e)), cost = the test's fixed cost +
waiting loss x P(TTP | e) (nothing for a test whose nodes are all observed already), net
value = EVSI - cost. Tests are ranked as ``value_of_information`` ranks them (net value,
then test id); a lesion's next test is the top one when its net value is positive,
otherwise ``"none"``: no test is worth its cost.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ...engine.rows import MISSING, RowEvidence, row_joint
from ...spec.catalog import Catalog, resolve_catalog
from ...spec.compiled import CompiledModel
from ...spec.utilities import Utilities

NEXT_TEST_COLUMNS = ["next_test", "next_test_evsi", "next_test_net_value"]


def test_values(model: CompiledModel, ev: RowEvidence, p0: np.ndarray, u: Utilities,
                reveals: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """EVSI of one test for every row, and whether the test still reveals anything (a node
    with any finding, hard or soft, is not revealed again, as in ``value_of_information``)."""
    pos = model.positive_index
    joint = row_joint(model.network, [model.target, *reveals], ev)
    remaining = np.zeros(ev.n, dtype=bool)
    for k, node in enumerate(reveals):  # an observed node is not a result: sum it out
        seen = ev.codes[node] != MISSING
        remaining |= ~seen
        if seen.any():
            part = joint[seen]
            total = part.sum(axis=2 + k, keepdims=True)
            part = np.zeros_like(part)
            part[(slice(None),) * (2 + k) + (slice(0, 1),)] = total
            joint[seen] = part
    joint = joint.reshape(ev.n, joint.shape[1], -1)
    p_e = joint.sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        joint = joint / p_e[:, None, None]
        p_r = joint.sum(axis=1)
        p_after = np.where(p_r > 0, joint[:, pos] / np.where(p_r > 0, p_r, 1.0), p0[:, None])
    evsi = (p_r * u.value(p_after)).sum(axis=1) - u.value(p0)
    evsi[evsi < 1e-12 * max(1.0, float(np.abs(u.table).max()))] = 0.0
    return evsi, remaining


def best_next_tests(model: CompiledModel, ev: RowEvidence, p0: np.ndarray, u: Utilities,
                    catalog: Catalog | str | Path | None = None) -> pd.DataFrame:
    """``next_test``, ``next_test_evsi``, ``next_test_net_value`` for every row."""
    cat = resolve_catalog(catalog, "score", model.catalog_path())
    cat.check(model.nodes, model.spec.latent)
    tests = sorted(cat.tests, key=lambda t: t.id)  # ties go to the first id, as in the table
    if ev.n == 0:
        return pd.DataFrame(columns=NEXT_TEST_COLUMNS)
    evsi = np.zeros((ev.n, len(tests)))
    net = np.zeros((ev.n, len(tests)))
    for j, t in enumerate(tests):
        codes = {v: ev.codes.get(v, np.full(ev.n, MISSING)) for v in t.reveals}
        full = RowEvidence({**ev.codes, **codes}, ev.soft)
        evsi[:, j], remaining = test_values(model, full, p0, u, t.reveals)
        net[:, j] = np.where(remaining, evsi[:, j] - t.total_cost(p0), 0.0)
    best = np.argmax(net, axis=1)  # first maximum: the smallest id among ties
    rows = np.arange(ev.n)
    worth = net[rows, best] > 0
    ids = np.asarray([t.id for t in tests], dtype=object)
    return pd.DataFrame({"next_test": np.where(worth, ids[best], "none"),
                         "next_test_evsi": np.where(worth, evsi[rows, best], 0.0),
                         "next_test_net_value": np.where(worth, net[rows, best], 0.0)})
