"""The terminal text of a sensitivity result (kept apart from :mod:`.sensitivity`, which
holds the data; these functions only read the result)."""

from __future__ import annotations

import textwrap
from typing import Any

from .._provenance import NOTICE
from .text import MEASURE_LABELS, text_table

WIDTH = 100


def _fill(text: str, indent: str = "    ") -> str:
    return textwrap.fill(text, WIDTH, break_long_words=False, subsequent_indent=indent)


def _ranking_lines(sens: Any) -> list[str]:
    r = sens.ranking
    if r.empty:
        return []
    iv = sens.interval
    lo, hi = f"{(1 - iv.level) / 2:.1%}", f"{(1 + iv.level) / 2:.1%}"
    rows = [[x.label, f"{x.value_point:.3f}", f"{x.value_low:.3f}", f"{x.value_high:.3f}",
             f"{x.p_first:.1%}"] for x in r.itertuples()]
    return ["", _fill(f"Is the test ranking robust? Tests ranked by "
                      f"{MEASURE_LABELS.get(sens.rank_by, sens.rank_by)}, as in the tests "
                      "table; how often each is the best next test (the first worth its cost) "
                      "across the parameter draws:"),
            *text_table(["test", "point", lo, hi, "best in"], rows, [30, 7, 7, 7, 8],
                        [False, True, True, True, True]),
            _fill(sens.ranking_text())]


def summary_text(sens: Any, *, top: int = 8) -> str:
    """Plain text: interval, decision, tornado, flip points, prior curve, ranking."""
    iv, u = sens.interval, sens.utilities
    shares = ", ".join(f"{u.label(a)} {s:.1%}" for a, s in sens.action_shares.items())
    lines = [
        f"P(tumour progression) = {sens.p_progression:.3f} at the point values -> "
        f"{u.label(sens.action)} (utilities assumed: {u.describe()})",
        _fill(f"{iv.level:.0%} credible interval from parameter uncertainty: {iv.low:.3f} - "
              f"{iv.high:.3f} (mean {sens.mean:.3f}, median {sens.median:.3f}; "
              f"{sens.n_draws} draws, seed {sens.seed})"),
        _fill(f"P(recommendation differs from {u.label(sens.action)}) = "
              f"{sens.p_decision_differs:.3f} ({shares})"),
        "", f"Tornado (P(TTP) with each published figure at its {(1 - iv.level) / 2:.1%} / "
            f"{(1 + iv.level) / 2:.1%} quantile), top {top}:"]
    t = sens.tornado_frame(top)
    lines += text_table(["published figure", "low", "high", "swing", "source"],
                        [[r[0], f"{r[2]:.3f}", f"{r[3]:.3f}", f"{r[4]:.3f}", r[1]]
                         for r in t.itertuples(index=False)],
                        [46, 6, 6, 6, 28], [False, True, True, True, False])
    lines += ["", "Where would the recommendation change?"]
    lines += [_fill(f"  {sens.flip_text(r)}", "      ") for r in sens.flip_points.itertuples()]
    lines += ["", _fill(sens.prior_text(), "")]
    lines += _ranking_lines(sens)
    lines += ["", f"model {sens.model_name} ({sens.model_digest})", NOTICE]
    return "\n".join(lines)
