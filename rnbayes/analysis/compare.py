"""Several cases side by side: each one's posterior (with a quick interval), the
recommendation under its utilities, and its best next test."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._params import fail
from ..results.base import Provenance
from ..results.compare import COMPARE_COLUMNS, Comparison
from ..spec.case import Case
from ..spec.labels import labels_for
from ..spec.utilities import Utilities
from . import present
from . import voi as _voi


def named_cases(cases: Any, caller: str = "compare") -> list[tuple[str, Case]]:
    """``cases`` as (name, Case): a sequence of Case objects or evidence mappings, or a
    mapping name -> Case or evidence. Names come from the case ids, else ``case 1``..."""
    if isinstance(cases, Mapping):
        items = [(str(k), v) for k, v in cases.items()]
    elif isinstance(cases, Sequence) and not isinstance(cases, str):
        items = [((v.id if isinstance(v, Case) and v.id else f"case {i}"), v)
                 for i, v in enumerate(cases, start=1)]
    else:
        raise fail("cases", caller, "a list of cases or evidence mappings, or a mapping "
                   "name -> case", cases)
    if not items:
        raise fail("cases", caller, "at least one case", cases)
    out, seen = [], {}
    for name, v in items:
        case = v if isinstance(v, Case) else Case(evidence=dict(v or {}), id=name)
        seen[name] = seen.get(name, 0) + 1
        out.append((name if seen[name] == 1 else f"{name} ({seen[name]})", case))
    return out


def compare(model: Any, cases: Any, *, utilities: Utilities | str | Path | None = None,
            interval: bool | int = True, seed: int = 0, tests: Iterable[str] | None = None,
            rank_by: str = "net_value") -> Comparison:
    """See :meth:`rnbayes.Model.compare`."""
    rows, findings, evidence = [], {}, {}
    draws = present.interval_draws(interval, "compare")
    for name, case in named_cases(cases):
        u = utilities if utilities is not None else case.utilities
        post = present.posterior(model, case.evidence, utilities=u, interval=draws or False,
                                 seed=seed)
        voi = _voi.value_of_information(model, case.evidence, utilities=u, tests=tests,
                                        rank_by=rank_by, pairs=False)
        nxt = voi.next_test
        row = voi.table[voi.table["test"] == nxt]
        iv = post.interval
        rows.append({
            "case": name, "p_progression": post.p_progression,
            "interval_low": iv.low if iv else np.nan, "interval_high": iv.high if iv else np.nan,
            "action": post.action, "recommendation": voi.utilities.label(str(post.action)),
            "utilities_assumed": voi.utilities.describe(), "next_test": nxt,
            "next_test_label": None if nxt is None else str(row.iloc[0]["label"]),
            "next_test_net_value": np.nan if nxt is None else float(row.iloc[0]["net_value"])})
        findings[name] = dict(zip(post.contributions["node"], post.contributions["label"]))
        evidence[name] = dict(post.evidence)
    table = pd.DataFrame(rows, columns=COMPARE_COLUMNS)
    for col in ("next_test", "next_test_label"):  # None stays None (not NaN)
        table[col] = pd.Series([r[col] for r in rows], index=table.index, dtype=object)
    return Comparison(table=table, findings=findings,
                      case_evidence=evidence, n_draws=draws,
                      labels=labels_for(model.network_path),
                      provenance=Provenance.of(model.name, model.digest, seed=seed))
