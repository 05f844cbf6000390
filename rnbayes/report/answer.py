"""The first printed page of a report -- the answer -- and the comparison sections.

The answer says, in this order: the case and its findings; P(TTP) with its credible
interval; the recommendation, the threshold behind it and the utilities it assumes; the
best next test with its expected effect and what each result would do (or that no test
is worth its cost); the research-use notice comes with the page.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..results.compare import Comparison
from ..results.posterior import Posterior
from ..results.render import html_table, md_escape, md_table
from ..results.sensitivity import Sensitivity
from ..results.text import decision_text
from ..results.values import CredibleInterval
from ..results.voi import ValueOfInformation
from ..spec.case import Case
from .sections import Section, arrows, esc


def interval_of(post: Posterior, sens: Sensitivity | None) -> tuple[CredibleInterval | None, int]:
    """The interval to show next to P(TTP): the sensitivity run's, else the posterior's."""
    if sens is not None:
        return sens.interval, sens.n_draws
    return post.interval, post.interval_draws


def headline(post: Posterior, sens: Sensitivity | None) -> str:
    iv, n = interval_of(post, sens)
    text = f"P(tumour progression) = {post.p_progression:.3f}"
    if iv is None:
        return text + " (no credible interval: the report was made without a sensitivity run)"
    return (text + f" ({iv.level:.0%} credible interval {iv.low:.3f}-{iv.high:.3f}, from "
            f"{n} draws of the published figures)")


def answer_lines(post: Posterior, voi: ValueOfInformation, sens: Sensitivity | None,
                 case: Case | None) -> list[tuple[str, str]]:
    """The answer as (kind, text) lines; the kinds style the HTML."""
    c = post.contributions
    name = case.id if case is not None and case.id else "(unnamed)"
    lines = [("case", f"Case: {name}" + (f" -- {case.notes}" if case and case.notes else "")),
             ("findings", "Findings: " + ("; ".join(map(str, c.get("label", c["node"])))
                                          if len(c) else "none given (the population prior)")),
             ("headline", headline(post, sens)),
             ("rec", "Recommended: " + decision_text(voi.utilities, voi.p_positive))]
    if sens is not None:
        lines.append(("note", f"Across the draws of the published figures the recommendation "
                              f"differs in {sens.p_decision_differs:.0%} of them."))
    lines.append(("next", voi.next_test_text()))
    nxt = voi.next_test
    if nxt is not None:
        what_if = voi.what_if_text(nxt)
        lines.append(("whatif", what_if[:1].upper() + what_if[1:] + "."))
        note = voi.evidence_note(nxt)
        if note:
            lines.append(("note", f"Note: {note}."))
        if sens is not None and not sens.ranking.empty:
            lines.append(("note", sens.ranking_text()))
    if len(voi.done):
        lines.append(("note", voi.done_text()))
    return lines


def answer_section(post: Posterior, voi: ValueOfInformation, sens: Sensitivity | None,
                   case: Case | None, generated: str) -> Section:
    lines = answer_lines(post, voi, sens, case)
    html = "".join(f"<p class='{k}'>{arrows(esc(t))}</p>" for k, t in lines)
    html += f"<p class='muted'>Generated {esc(generated)}; model {esc(post.model_name)} " \
            f"{esc(post.model_digest)}.</p>"
    md = "\n\n".join(f"**{md_escape(t)}**" if k in ("headline", "rec", "next")
                     else md_escape(t).replace(" -&gt; ", " \u2192 ") for k, t in lines)
    md += f"\n\nGenerated {md_escape(generated)}; model {md_escape(post.model_name)} " \
          f"{md_escape(post.model_digest)}."
    return Section("The answer", f"<div class='answer'>{html}</div>", md, css="first")


def reference_section(comparison: Comparison) -> Section:
    """How this case's answer differs from a reference case (the comparison's first)."""
    side, diff = comparison.side_by_side(), comparison.differing_findings()
    t = comparison.table
    ref, this = t.iloc[0], t.iloc[-1]
    same = ref["action"] == this["action"]
    text = (f"P(TTP) {this['p_progression']:.3f} here against {ref['p_progression']:.3f} for "
            f"the reference case {ref['case']}; the recommendation is "
            + ("the same." if same else f"different ({this['recommendation']} here, "
               f"{ref['recommendation']} there)."))
    html = (f"<p>{esc(text)}</p>" + html_table(side, index=True)
            + ("<h3>Findings that differ</h3>" + html_table(diff, index=True)
               if not diff.empty else "<p>The findings are the same.</p>"))
    md = (md_escape(text) + "\n\n" + md_table(side, index=True)
          + ("\n\n### Findings that differ\n\n" + md_table(diff, index=True)
             if not diff.empty else "\n\nThe findings are the same."))
    return Section(f"Compared with the reference case ({ref['case']})", html, md)


def summary_table(items: Sequence[tuple[Case | None, Posterior, ValueOfInformation,
                                        Sensitivity | None]]) -> pd.DataFrame:
    """One row per case of a combined report."""
    rows = []
    for case, post, voi, sens in items:
        iv, _ = interval_of(post, sens)
        nxt = voi.next_test
        rows.append({"case": case.id if case is not None else "",
                     "P(TTP)": f"{post.p_progression:.3f}",
                     "credible interval": "" if iv is None else f"{iv.low:.3f}-{iv.high:.3f}",
                     "recommended": voi.utilities.label(voi.action),
                     "best next test": "none worth its cost" if nxt is None
                     else voi.test_label(nxt)})
    return pd.DataFrame(rows)
