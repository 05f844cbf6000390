"""Plain words shared by every result's text, HTML and the reports.

* :func:`text_table` -- a terminal table whose long cells wrap at word boundaries (never
  cut mid-word);
* one plain sentence for each decision-theory term (:data:`GLOSSARY`);
* what a data-conflict score means (:func:`conflict_text`);
* :func:`decision_text` -- a recommendation with the threshold behind it and the
  utilities it assumes.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

from ..spec.utilities import Threshold, Utilities

#: one plain sentence per term a reader meets in the value-of-information outputs
GLOSSARY = {
    "MI": "Mutual information: how much the test's result is expected to tell about RN vs "
          "TTP, in bits (1 bit would settle a 50:50 question).",
    "E|dP|": "Expected change: how far the result is expected to move P(TTP), either way.",
    "P(change)": "P(change): the probability that the result changes the recommended action.",
    "EVSI": "EVSI (expected value of sample information): how much better the decision is "
            "expected to be once the test's result is known, in utility points.",
    "EVPI": "EVPI (expected value of perfect information): the most any test could add -- "
            "the gain if the diagnosis were known for certain; no test's EVSI exceeds it.",
    "net value": "Net value: EVSI minus the test's cost (burden, money, waiting), both in "
                 "utility points; a test is worth doing only when it is above 0.",
}


#: each ranking measure as people read it
MEASURE_LABELS = {"net_value": "net value", "evsi": "EVSI",
                  "mutual_information": "mutual information",
                  "expected_abs_change": "expected change in P(TTP)",
                  "p_action_change": "probability the recommendation changes"}


def thresholds_text(thresholds: Sequence[Threshold], positive: str,
                    utilities: Utilities | None = None) -> str:
    """``Surveillance below P(TTP) = 0.649, Treat as tumour progression above``."""
    if not thresholds:
        return "none (one action is best at every probability)"
    name = utilities.label if utilities is not None else str
    return "; ".join(f"{name(t.below)} below P({positive}) = {t.p:.3f}, {name(t.above)} above"
                     for t in thresholds)


def text_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[int],
               right: Sequence[bool] | None = None, gap: str = "  ") -> list[str]:
    """Lines of a table whose cells wrap within ``widths`` at word boundaries.

    Examples
    --------
    >>> for line in text_table(["name", "p"], [["a long finding name", 0.5]], [10, 4],
    ...                        [False, True]):
    ...     print(line)
    name           p
    a long          0.5
    finding
    name
    """
    right = right or [False] * len(headers)

    def cells(values: Sequence[Any]) -> list[list[str]]:
        return [textwrap.wrap(str(v), w, break_long_words=False, break_on_hyphens=False)
                or [""] for v, w in zip(values, widths)]

    def render(values: Sequence[Any]) -> list[str]:
        wrapped = cells(values)
        height = max(len(c) for c in wrapped)
        out = []
        for i in range(height):
            parts = [(c[i] if i < len(c) else "") for c in wrapped]
            out.append(gap.join(p.rjust(w) if r else p.ljust(w)
                                for p, w, r in zip(parts, widths, right)).rstrip())
        return out

    lines = render(headers)
    for row in rows:
        lines += render(row)
    return lines


def conflict_text(conflict: float, conflicting: Sequence[str] = ()) -> str:
    """The data-conflict score with what its sign means."""
    if conflict > 0:
        text = (f"Data conflict {conflict:+.2f}: positive, so the findings are less likely "
                "together than one by one -- they point in different directions")
        if conflicting:
            text += " (against the overall direction: " + "; ".join(conflicting) + ")"
        return text + "."
    return (f"Data conflict {conflict:+.2f}: zero or negative, so the findings are at least "
            "as likely together as one by one -- they agree.")


def nearest_threshold(u: Utilities, p: float) -> Threshold | None:
    """The decision threshold nearest ``p`` (None when one action is always best)."""
    ts = u.thresholds()
    return min(ts, key=lambda t: abs(t.p - p)) if ts else None


def decision_text(u: Utilities, p: float, positive: str = "TTP") -> str:
    """``Surveillance (MRI follow-up): P(TTP) 0.549 is below 0.649, the threshold above
    which Treat as tumour progression would be recommended. Utilities assumed:
    asymptomatic lesion (default).``"""
    action, why = decision_parts(u, p, positive)
    return f"{action}: {why}. Utilities assumed: {u.describe()}."


def decision_parts(u: Utilities, p: float, positive: str = "TTP") -> tuple[str, str]:
    """The recommended action in words, and why (the threshold it is on the side of)."""
    action = u.label(u.best_action(p))
    t = nearest_threshold(u, p)
    if t is None:
        why = "one action is best at every probability"
    elif p < t.p:
        why = (f"P({positive}) {p:.3f} is below {t.p:.3f}, the threshold above which "
               f"{u.label(t.above)} would be recommended")
    else:
        why = (f"P({positive}) {p:.3f} is above {t.p:.3f}, the threshold where "
               f"{u.label(t.above)} takes over from {u.label(t.below)}")
    return action, why
