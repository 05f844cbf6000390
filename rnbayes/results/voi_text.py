"""The words of a value-of-information result: its terminal text and its table as people
read it (labels, not identifiers). Kept apart from :mod:`.voi` so that module stays the
data; these functions take the result and only read it."""

from __future__ import annotations

import textwrap
from typing import Any

import pandas as pd

from .._provenance import NOTICE
from .text import GLOSSARY, MEASURE_LABELS, decision_parts, text_table, thresholds_text

WIDTH = 100
#: the ranked table's columns as people read them
HEADERS = {"label": "test", "mutual_information": "MI (bits)",
           "expected_abs_change": "expected change in P(TTP)",
           "p_action_change": "P(recommendation changes)", "evsi": "EVSI", "cost": "cost",
           "net_value": "net value", "evidence": "accuracy rests on",
           "status": "status"}


def table_frame(voi: Any) -> pd.DataFrame:
    """The ranked table with labels for headers and tests (ids left out)."""
    cols = [c for c in HEADERS if c in voi.table.columns]
    if "status" in cols and not voi.table["status"].astype(bool).any():
        cols.remove("status")  # nothing partly observed
    headers = {k: v.replace("P(TTP)", f"P({voi.short})") for k, v in HEADERS.items()}
    return voi.table[cols].rename(columns=headers)


def what_if_frame(voi: Any, *, repeat: bool = False) -> pd.DataFrame:
    """The what-if table in words; each test named on its first row only, or on every
    row with ``repeat`` (a printed table may break between a test's rows)."""
    w = voi.what_if
    first = ~w["test"].duplicated() | repeat
    return pd.DataFrame({
        "test": [voi.test_label(t) if f else "" for t, f in zip(w["test"], first)],
        "result": [voi.result_label(s) for s in w["result_states"]],
        "P(result)": w["p_result"], f"P({voi.short}) after": w["p_positive_after"],
        "recommended then": [voi.utilities.label(a) for a in w["action"]],
        "changes it": ["yes" if c else "" for c in w["changes_action"]]})


def pair_order(voi: Any, r: Any) -> str:
    """``ASL perfusion (CBF), then Combined perfusion session (DSC + DCE)``."""
    first, second = (r.test_a, r.test_b) if r.value_a_then_b >= r.value_b_then_a \
        else (r.test_b, r.test_a)
    return f"{voi.test_label(first)}, then {voi.test_label(second)}"


def pairs_frame(voi: Any, top: int = 10) -> pd.DataFrame:
    """The best pairs in words: order, value of the sequence, and how the two interact."""
    p = voi.pairs.head(top)
    words = {"redundant": "overlap (tell less together than the sum)",
             "complementary": "complement each other", "additive": "add up"}
    return pd.DataFrame({
        "do first, then decide on the second": [pair_order(voi, r) for r in p.itertuples()],
        "value of the sequence": p["sequence_value"],
        "information together vs sum (bits)": [f"{a:.3f} vs {b:.3f}"
                                               for a, b in zip(p["mi_joint"], p["mi_sum"])],
        "the two tests": [words.get(x, x) for x in p["mi_interaction"]]})


def _next_lines(voi: Any, fill: Any) -> list[str]:
    lines = [fill(voi.next_test_text())]
    nxt = voi.next_test
    if nxt is not None:
        lines.append(fill("  " + voi.what_if_text(nxt) + "."))
        note = voi.evidence_note(nxt)
        lines += [fill(f"  Note: {note}.")] if note else []
    if len(voi.done):
        lines.append(fill(voi.done_text()))
    return lines


def _ranked_lines(voi: Any) -> list[str]:
    t = voi.table
    if t.empty:
        return ["No test is left to rank: every test's findings are known."]
    has_ev = "evidence" in t.columns
    rows = [[r.label, f"{r.mutual_information:.3f}", f"{r.expected_abs_change:.3f}",
             f"{r.p_action_change:.3f}", f"{r.evsi:.2f}", f"{r.cost:.2f}", f"{r.net_value:+.2f}",
             (r.evidence if has_ev else "") + (f" [{r.status}]" if r.status else "")]
            for r in t.itertuples()]
    head = "accuracy rests on" if has_ev else ""
    return [f"Tests ranked by {MEASURE_LABELS.get(voi.rank_by, voi.rank_by)} "
            f"(EVSI, cost and net value in {voi.utilities.scale}):",
            *text_table(["test", "MI", "E|dP|", "P(change)", "EVSI", "cost", "net", head],
                        rows, [26, 5, 5, 9, 5, 5, 6, 28],
                        [False, True, True, True, True, True, True, False])]


def _what_if_lines(voi: Any) -> list[str]:
    w = what_if_frame(voi)
    rows = [[r[0], r[1], f"{r[2]:.3f}", f"{r[3]:.3f}", r[4] + (" *" if r[5] else "")]
            for r in w.itertuples(index=False)]
    return ["What if (per test and result):",
            *text_table(["test", "result", "P(result)", f"P({voi.short}) after",
                         "recommended then"],
                        rows, [24, 34, 9, 12, 30], [False, False, True, True, False]),
            "(* = the recommendation changes)"]


def summary_text(voi: Any, *, what_if: bool = True, pairs: int = 5) -> str:
    """Plain text: current decision, best next test, ranked tests, what-if, best pairs,
    thresholds and what the terms mean."""
    fill = textwrap.TextWrapper(WIDTH, break_long_words=False, subsequent_indent="    ").fill
    action, why = decision_parts(voi.utilities, voi.p_positive, voi.short)
    lines = [f"P({voi.short}) now = {voi.p_positive:.3f}", f"Recommended: {action}",
             fill(f"  because {why}"), f"  Utilities assumed: {voi.utilities.describe()}",
             *_next_lines(voi, fill), "", *_ranked_lines(voi)]
    if what_if and not voi.what_if.empty:
        lines += ["", *_what_if_lines(voi)]
    if pairs and not voi.pairs.empty:
        lines += ["", f"Best pairs (top {pairs}; value of doing the first, then deciding on the "
                      "second, net of costs):"]
        for r in pairs_frame(voi, pairs).itertuples(index=False):
            lines.append(fill(f"  {r[0]}: {r[1]:+.2f}; information {r[2]}: they {r[3]}"))
    lines += ["", fill("Decision thresholds: " + thresholds_text(voi.thresholds, voi.short,
                                                                 voi.utilities) + "."),
              *(fill(a) for a in voi.assumptions()),
              f"EVPI (ceiling on any test's EVSI here) = {voi.evpi:.2f} {voi.utilities.scale}",
              "", "What the terms mean:", *(fill(f"  {v}") for v in GLOSSARY.values()), NOTICE]
    return "\n".join(lines)
