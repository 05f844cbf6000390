"""The result of a value-of-information analysis: ranked tests, what-if, pairs."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .._params import check_choice
from .._provenance import NOTICE
from ..spec.catalog import CandidateTest
from ..spec.utilities import Threshold, Utilities
from .base import Result
from .render import html_table, records

MEASURES = ("net_value", "evsi", "mutual_information", "expected_abs_change", "p_action_change")
TABLE_COLUMNS = ["test", "label", "reveals", "mutual_information", "expected_abs_change",
                 "p_action_change", "evsi", "cost", "net_value", "evpi", "status"]
WHAT_IF_COLUMNS = ["test", "result", "p_result", "p_positive_after", "action", "changes_action"]
PAIR_COLUMNS = ["test_a", "test_b", "mi_joint", "mi_sum", "mi_interaction", "evsi_joint",
                "evsi_sum", "evsi_interaction", "net_value_joint", "value_a_then_b",
                "value_b_then_a", "best_order", "sequence_value"]


def rank(table: pd.DataFrame, rank_by: str) -> pd.DataFrame:
    """``table`` sorted by ``rank_by`` (largest first), then net value, then test id."""
    keys = [rank_by] + (["net_value"] if rank_by != "net_value" else []) + ["test"]
    asc = [False] * (len(keys) - 1) + [True]
    return table.sort_values(keys, ascending=asc, kind="stable").reset_index(drop=True)


def thresholds_text(thresholds: Sequence[Threshold], positive: str) -> str:
    """``surveillance below P(TTP) = 0.649, treat_as_progression above``."""
    if not thresholds:
        return "none (one action is best at every probability)"
    return "; ".join(f"{t.below} below P({positive}) = {t.p:.3f}, {t.above} above"
                     for t in thresholds)


@dataclass(frozen=True, eq=False, kw_only=True)
class ValueOfInformation(Result):
    """Ranked value of each candidate test given the current evidence.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per test, ranked by ``rank_by``: ``mutual_information`` (bits),
        ``expected_abs_change`` (in P(positive)), ``p_action_change``, ``evsi``, ``cost``,
        ``net_value`` and ``evpi`` (utility points), ``status``.
    what_if : pandas.DataFrame
        Per test and joint result: ``p_result``, ``p_positive_after``, ``action``,
        ``changes_action``.
    pairs : pandas.DataFrame
        Every pair of tests: joint vs summed MI and EVSI with their interaction, the value
        of each two-test sequence and the best order; ranked by ``sequence_value``
        (``best_pairs`` is the same table under its old name).
    thresholds : tuple of Threshold
        P(positive) at which the recommended action changes.
    """

    table: pd.DataFrame = field(repr=False)
    what_if: pd.DataFrame = field(repr=False)
    pairs: pd.DataFrame = field(repr=False)
    p_positive: float
    action: str
    value_now: float
    evpi: float
    target: str
    positive: str
    rank_by: str
    utilities: Utilities = field(repr=False)
    tests: tuple[CandidateTest, ...] = field(repr=False)
    catalog_file: str = ""

    @property
    def best_pairs(self) -> pd.DataFrame:
        """The pairs table (its old name; it holds every pair, best first)."""
        return self.pairs

    @property
    def thresholds(self) -> tuple[Threshold, ...]:
        return self.utilities.thresholds()

    @property
    def p_progression(self) -> float:
        """Alias of ``p_positive`` for the RN-vs-TTP model."""
        return self.p_positive

    def ranked(self, measure: str) -> pd.DataFrame:
        """The table ranked by another measure (see ``MEASURES``)."""
        return rank(self.table, check_choice(measure, "measure", "ValueOfInformation.ranked",
                                             MEASURES))

    def _content(self) -> dict[str, Any]:
        scale = self.utilities.scale
        return {
            "target": self.target, "positive": self.positive,
            "p_positive": self.p_positive, "recommended_action": self.action,
            "value_now": self.value_now, "evpi": self.evpi, "rank_by": self.rank_by,
            "units": {"mutual_information": "bits", "expected_abs_change": "probability",
                      "evsi": scale, "cost": scale, "net_value": scale, "evpi": scale},
            "table": records(self.table), "what_if": records(self.what_if),
            "best_pairs": records(self.pairs),
            "thresholds": [t.to_dict() for t in self.thresholds],
            "utilities": self.utilities.to_dict(),
            "tests": [t.to_dict() for t in self.tests],
            "catalog": self.catalog_file,
        }

    def to_frame(self) -> pd.DataFrame:
        """The ranked table of tests."""
        return self.table.copy()

    def summary(self, *, what_if: bool = True, pairs: int = 5) -> str:
        """Plain text: current decision, ranked tests, what-if, best pairs, thresholds."""
        lines = [f"P({self.positive}) now = {self.p_positive:.3f}; recommended: {self.action}; "
                 f"EVPI (ceiling) = {self.evpi:.2f} {self.utilities.scale}",
                 f"Tests ranked by {self.rank_by} (MI in bits; EVSI, cost, net in utility points)",
                 f"{'test':<22} {'MI':>6} {'E|dP|':>6} {'P(chg)':>6} {'EVSI':>6} {'cost':>6} "
                 f"{'net':>7}  status"]
        for r in self.table.itertuples():
            lines.append(f"{r.test:<22} {r.mutual_information:>6.3f} "
                         f"{r.expected_abs_change:>6.3f} {r.p_action_change:>6.3f} "
                         f"{r.evsi:>6.2f} {r.cost:>6.2f} {r.net_value:>+7.2f}  {r.status}")
        if what_if and not self.what_if.empty:
            lines += ["", "What if (per test and result):",
                      f"{'test':<22} {'result':<58} {'P(res)':>6} {'P after':>7}  action"]
            for r in self.what_if.itertuples():
                mark = " *" if r.changes_action else ""
                lines.append(f"{r.test:<22} {r.result[:58]:<58} {r.p_result:>6.3f} "
                             f"{r.p_positive_after:>7.3f}  {r.action}{mark}")
            lines.append("(* = the recommended action changes)")
        if pairs and not self.pairs.empty:
            lines += ["", f"Best pairs (top {pairs}; sequence value net of costs, utility points):"]
            for r in self.pairs.head(pairs).itertuples():
                lines.append(f"  {r.best_order:<44} {r.sequence_value:>+7.2f}  "
                             f"MI {r.mi_joint:.3f} vs {r.mi_sum:.3f} ({r.mi_interaction})")
        lines += ["", "Decision thresholds: " + thresholds_text(self.thresholds, self.positive),
                  *self.assumptions(), NOTICE]
        return "\n".join(lines)

    def assumptions(self) -> list[str]:
        """What the analysis assumed because nobody said: a network read from a file has
        no test catalogue (every observable node a test at cost 0) and no utilities (1 for
        a correct call, 0 for a wrong one)."""
        out = []
        if self.tests and all(t.cost_basis == "default" for t in self.tests):
            out.append(f"Candidate tests: {self.catalog_file}.")
        if self.utilities.file.startswith("default for a network file"):
            out.append(f"Utilities: {self.utilities.file}; the recommendation changes at "
                       f"P({self.positive}) = 0.5.")
        return out

    def headline(self) -> str:
        """The answer first: the best next test and its net value, or that none is worth
        its cost (tests already done are never "best")."""
        open_ = self.table[self.table["status"] != "already observed"]
        if open_.empty:
            return "No further test: every candidate test is already done"
        best = open_.sort_values("net_value", ascending=False, kind="stable").iloc[0]
        unit = self.utilities.scale
        if best["net_value"] > 0:
            return f"Best next test: {best['label']} (net value {best['net_value']:+.2f} {unit})"
        return (f"No further test is worth its cost (closest: {best['label']}, net value "
                f"{best['net_value']:+.2f} {unit})")

    def _repr_html_(self) -> str:
        esc = html.escape
        return (f"<div class='rnbayes-voi'><p><b>{esc(self.headline())}</b></p>"
                f"<p>P({esc(self.positive)}) now = {self.p_positive:.3f}; recommended now: "
                f"{esc(self.action)}; EVPI {self.evpi:.2f}</p>{html_table(self.table)}"
                f"<p>Decision thresholds: {esc(thresholds_text(self.thresholds, self.positive))}"
                f"</p>{''.join(f'<p>{esc(a)}</p>' for a in self.assumptions())}"
                f"<p><small>{esc(NOTICE)}</small></p></div>")

    def __repr__(self) -> str:
        top = self.table.iloc[0]["test"] if len(self.table) else None
        return (f"ValueOfInformation(p_positive={self.p_positive:.4f}, action={self.action!r}, "
                f"tests={len(self.table)}, top={top!r})")
