"""The result of comparing cases side by side: posterior, interval, recommendation and
best next test of each."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .._provenance import NOTICE
from .base import Result
from .render import html_table, jsonable, records
from .text import text_table

COMPARE_COLUMNS = ["case", "p_progression", "interval_low", "interval_high", "action",
                   "recommendation", "utilities_assumed", "next_test", "next_test_label",
                   "next_test_net_value"]
#: more cases than this are printed one row each rather than one column each
WIDE = 4
#: the rows of the side-by-side view: column -> what people read
SIDE_BY_SIDE = {"p_progression": "P(TTP)", "interval": "95% credible interval",
                "recommendation": "recommended", "utilities_assumed": "utilities assumed",
                "next": "best next test (net value)"}


@dataclass(frozen=True, eq=False, kw_only=True)
class Comparison(Result):
    """Several cases on one model, side by side.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per case: ``case``, ``p_progression``, ``interval_low`` and
        ``interval_high`` (NaN without an interval), ``action`` and ``recommendation``
        (in words), ``utilities_assumed``, ``next_test`` (None when no test is worth its
        cost), ``next_test_label`` and ``next_test_net_value``.
    findings : mapping case -> (mapping node -> finding in words)
        Each case's findings, for the rows that differ.
    n_draws : int
        Parameter draws behind each interval (0: none).
    """

    table: pd.DataFrame = field(repr=False)
    findings: Mapping[str, Mapping[str, str]] = field(default_factory=dict, repr=False)
    case_evidence: Mapping[str, Mapping[str, Any]] = field(default_factory=dict, repr=False)
    n_draws: int = 0

    @property
    def cases(self) -> tuple[str, ...]:
        return tuple(self.table["case"])

    def differing_findings(self) -> pd.DataFrame:
        """Findings that are not the same in every case: one row per node, one column per
        case (blank where the case has no such finding)."""
        nodes = list(dict.fromkeys(n for f in self.findings.values() for n in f))
        rows = {}
        for n in nodes:
            values = [self.findings.get(c, {}).get(n, "") for c in self.cases]
            if len(set(values)) > 1:
                rows[self.labels.node(n)] = [v.split(": ", 1)[-1] for v in values]
        return pd.DataFrame.from_dict(rows, orient="index", columns=list(self.cases))

    def side_by_side(self) -> pd.DataFrame:
        """Rows as people read them, one column per case."""
        out = {}
        for r in self.table.itertuples():
            iv = ("" if pd.isna(r.interval_low) else
                  f"{r.interval_low:.3f}-{r.interval_high:.3f}")
            nxt = ("none worth its cost" if not isinstance(r.next_test, str) else
                   f"{r.next_test_label} ({r.next_test_net_value:+.2f})")
            out[r.case] = [f"{r.p_progression:.3f}", iv, r.recommendation,
                           r.utilities_assumed, nxt]
        keys = list(SIDE_BY_SIDE.values())
        frame = pd.DataFrame(out, index=keys)
        return frame if self.n_draws else frame.drop(index=SIDE_BY_SIDE["interval"])

    def _content(self) -> dict[str, Any]:
        return {"cases": records(self.table), "n_draws": self.n_draws,
                "findings": jsonable(self.findings),
                "case_evidence": jsonable(self.case_evidence)}

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self) -> str:
        """Cases side by side (one column each); more than four cases, one row each."""
        if len(self.cases) > WIDE:
            return self._rows_text()
        side = self.side_by_side()
        width = max(18, min(40, 84 // max(1, len(side.columns))))
        lines = text_table(["", *side.columns], [[k, *v] for k, v in side.iterrows()],
                           [22, *([width] * len(side.columns))])
        diff = self.differing_findings()
        if not diff.empty:
            lines += ["", "Findings that differ:"]
            lines += text_table(["", *diff.columns], [[k, *v] for k, v in diff.iterrows()],
                                [22, *([width] * len(diff.columns))])
        return "\n".join([*lines, "", NOTICE])

    def _rows_text(self) -> str:
        side = self.side_by_side().T
        first = max(8, *(len(c) for c in self.cases))
        lines = text_table(["case", *side.columns], [[k, *v] for k, v in side.iterrows()],
                           [first, 6, *([11] if self.n_draws else []), 22, 20, 28])
        return "\n".join([*lines, "", NOTICE])

    def _repr_html_(self) -> str:
        diff = self.differing_findings()
        extra = ("<p>Findings that differ:</p>" + html_table(diff, index=True)
                 if not diff.empty else "")
        return (f"<div class='rnbayes-compare'>{html_table(self.side_by_side(), index=True)}"
                f"{extra}<p><small>{html.escape(NOTICE)}</small></p></div>")

    def __repr__(self) -> str:
        return f"Comparison(cases={list(self.cases)!r})"
