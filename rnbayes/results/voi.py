"""The result of a value-of-information analysis: ranked tests, what-if, pairs.

Tests whose every node is observed already are never ranked: they are listed apart
(:attr:`ValueOfInformation.done`). The best next test is the first ranked test worth its
cost (net value above 0); when there is none, the outputs say so in words.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._params import MEASURES, check_choice
from .._provenance import NOTICE
from ..spec.catalog import CandidateTest
from ..spec.utilities import Threshold, Utilities
from .base import Result
from .render import html_table, jsonable, records
from .text import GLOSSARY, decision_text, thresholds_text
from .voi_text import summary_text, table_frame

if TYPE_CHECKING:
    import pandas as pd

TABLE_COLUMNS = ["test", "label", "reveals", "mutual_information", "expected_abs_change",
                 "p_action_change", "evsi", "cost", "net_value", "evpi", "status"]
WHAT_IF_COLUMNS = ["test", "result", "result_states", "p_result", "p_positive_after", "action",
                   "changes_action"]
PAIR_COLUMNS = ["test_a", "test_b", "mi_joint", "mi_sum", "mi_interaction", "evsi_joint",
                "evsi_sum", "evsi_interaction", "net_value_joint", "value_a_then_b",
                "value_b_then_a", "best_order", "sequence_value"]
DONE_COLUMNS = ["test", "label", "reveals"]


def rank(table: pd.DataFrame, rank_by: str) -> pd.DataFrame:
    """``table`` sorted by ``rank_by`` (largest first), then net value, then test id."""
    keys = [rank_by] + (["net_value"] if rank_by != "net_value" else []) + ["test"]
    asc = [False] * (len(keys) - 1) + [True]
    return table.sort_values(keys, ascending=asc, kind="stable").reset_index(drop=True)


@dataclass(frozen=True, eq=False, kw_only=True)
class ValueOfInformation(Result):
    """Ranked value of each candidate test given the current evidence.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per test still to do, ranked by ``rank_by``: ``mutual_information``
        (bits), ``expected_abs_change`` (in P(positive)), ``p_action_change``, ``evsi``,
        ``cost``, ``net_value`` and ``evpi`` (utility points), ``status`` ("partly
        observed" when some of its nodes are known) and, on the RN-vs-TTP model,
        ``evidence`` (how many patients its accuracy rests on) and ``weak_evidence``.
    done : pandas.DataFrame
        Tests already done (every node observed): ``test``, ``label``, ``reveals``. They
        are never ranked.
    what_if : pandas.DataFrame
        Per test and joint result: ``result`` and ``result_states`` (node -> state),
        ``p_result``, ``p_positive_after``, ``action``, ``changes_action``.
    pairs : pandas.DataFrame
        Every pair of tests: joint vs summed MI and EVSI with their interaction, the value
        of each two-test sequence and the best order; ranked by ``sequence_value``
        (``best_pairs`` is the same table under its old name).
    thresholds : tuple of Threshold
        P(positive) at which the recommended action changes.
    next_test : str or None
        The first ranked test worth its cost (net value > 0), or None.
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
    done: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=DONE_COLUMNS),
                               repr=False)

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

    @property
    def next_test(self) -> str | None:
        """The first ranked test whose net value is above 0, or None."""
        worth = self.table[self.table["net_value"] > 0]
        return None if worth.empty else str(worth.iloc[0]["test"])

    def ranked(self, measure: str) -> pd.DataFrame:
        """The table ranked by another measure (see ``MEASURES``)."""
        return rank(self.table, check_choice(measure, "measure", "ValueOfInformation.ranked",
                                             MEASURES))

    # -- words ------------------------------------------------------------------------
    def test_label(self, test: str) -> str:
        row = self.table[self.table["test"] == test]
        labels = {t.id: t.label or t.id for t in self.tests}
        return str(row.iloc[0]["label"]) if len(row) else labels.get(test, test)

    def result_label(self, states: dict[str, str]) -> str:
        """A test's result in words: the state alone for a one-node test (``elevated``),
        each node and state for a joint result."""
        if len(states) == 1:
            (node, state), = states.items()
            return self.labels.state(node, state)
        return self.labels.result(states)

    def what_if_text(self, test: str) -> str:
        """``if elevated: P(TTP) 0.945 -> Treat as tumour progression; if not elevated:
        ...``."""
        rows = self.what_if[self.what_if["test"] == test]
        return "; ".join(
            f"if {self.result_label(r.result_states)}: P({self.short}) {r.p_positive_after:.3f} -> "
            f"{self.utilities.label(r.action)}" for r in rows.itertuples())

    def evidence_note(self, test: str) -> str:
        """``ASL perfusion (CBF): accuracy rests on 14 patients (Lai 2015)`` when the test's
        accuracy rests on few patients or on judgement, else ""."""
        row = self.table[self.table["test"] == test]
        if row.empty or "weak_evidence" not in row or not bool(row.iloc[0]["weak_evidence"]):
            return ""
        return f"{self.test_label(test)}: accuracy rests on {row.iloc[0]['evidence']}"

    def next_test_text(self) -> str:
        """The best next test with its expected effect, or that none is worth its cost."""
        nxt = self.next_test
        if nxt is None:
            return ("No further test is worth its cost; recommended: "
                    f"{self.utilities.label(self.action)}.")
        r = self.table[self.table["test"] == nxt].iloc[0]
        return (f"Best next test: {r['label']} -- net value {r['net_value']:+.2f} "
                f"{self.utilities.scale}; it changes the recommendation with probability "
                f"{r['p_action_change']:.2f}.")

    def done_text(self) -> str:
        return ("Already done (not ranked): " + ", ".join(map(str, self.done["label"])) + "."
                if len(self.done) else "")

    def _content(self) -> dict[str, Any]:
        scale = self.utilities.scale
        what_if = [{("p_progression_after" if k == "p_positive_after" else k): v
                    for k, v in r.items()} for r in records(self.what_if)]
        return {
            "target": self.target, "positive": self.positive,
            "p_progression": self.p_positive, "recommended_action": self.action,
            "recommended_label": self.utilities.label(self.action),
            "utilities_assumed": self.utilities.describe(),
            "value_now": self.value_now, "evpi": self.evpi, "rank_by": self.rank_by,
            "next_test": self.next_test,
            "units": {"mutual_information": "bits", "expected_abs_change": "probability",
                      "evsi": scale, "cost": scale, "net_value": scale, "evpi": scale},
            "table": records(self.table), "already_done": records(self.done),
            "what_if": what_if, "best_pairs": records(self.pairs),
            "thresholds": [t.to_dict() for t in self.thresholds],
            "utilities": self.utilities.to_dict(),
            "tests": [t.to_dict() for t in self.tests],
            "catalog": self.catalog_file, "glossary": jsonable(GLOSSARY),
        }

    def to_frame(self) -> pd.DataFrame:
        """The ranked table of tests."""
        return self.table.copy()

    def summary(self, *, what_if: bool = True, pairs: int = 5) -> str:
        """Plain text: current decision, best next test, ranked tests, what-if, pairs,
        thresholds, what the terms mean."""
        return summary_text(self, what_if=what_if, pairs=pairs)

    @property
    def short(self) -> str:
        """How the text names the positive outcome: ``TTP`` for the RN-vs-TTP target,
        ``lung=yes`` for another network's."""
        if (self.target, self.positive) == ("diagnosis", "tumour_progression"):
            return "TTP"
        return f"{self.target}={self.positive}"

    def assumptions(self) -> list[str]:
        """What the analysis assumed because nobody said: a network read from a file has
        no test catalogue, so every observable node is a test at cost 0 (its utilities
        say what they are in :meth:`Utilities.describe`)."""
        if self.tests and all(t.cost_basis == "default" for t in self.tests):
            return [f"Candidate tests: {self.catalog_file}."]
        return []

    def _repr_html_(self) -> str:
        esc = html.escape
        nxt = self.next_test
        lines = [f"<p><b>P({esc(self.short)}) = {self.p_positive:.3f}</b>. Recommended: "
                 f"{esc(decision_text(self.utilities, self.p_positive, self.short))}</p>",
                 f"<p>{esc(self.next_test_text())}</p>"]
        if nxt is not None:
            lines.append(f"<p>{esc(self.what_if_text(nxt))}.</p>")
            note = self.evidence_note(nxt)
            lines += [f"<p><i>Note: {esc(note)}.</i></p>"] if note else []
        lines += [html_table(table_frame(self), digits=2),
                  f"<p>{esc(self.done_text())}</p>" if len(self.done) else "",
                  f"<p>Decision thresholds: "
                  f"{esc(thresholds_text(self.thresholds, self.short, self.utilities))}."
                  f" EVPI {self.evpi:.2f}.</p>",
                  *(f"<p>{esc(a)}</p>" for a in self.assumptions()),
                  "<ul>" + "".join(f"<li>{esc(v)}</li>" for v in GLOSSARY.values()) + "</ul>",
                  f"<p><small>{esc(NOTICE)}</small></p>"]
        return "<div class='rnbayes-voi'>" + "".join(lines) + "</div>"

    def __repr__(self) -> str:
        top = self.table.iloc[0]["test"] if len(self.table) else None
        return (f"ValueOfInformation(p_positive={self.p_positive:.4f}, action={self.action!r}, "
                f"tests={len(self.table)}, top={top!r}, next_test={self.next_test!r})")
