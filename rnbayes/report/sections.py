"""The sections of a case report, each built from already-computed results.

A section is a title with an HTML body and a Markdown body. Every string that came from a
user (case notes, ids, findings) is escaped: tables by ``DataFrame.to_html(escape=True)``,
text by :func:`html.escape`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from ..results.posterior import Posterior
from ..results.render import html_table, md_table
from ..results.sensitivity import Sensitivity
from ..results.voi import ValueOfInformation, thresholds_text
from ..spec.case import Case
from .figures import img, sensitivity_pngs, test_values_png

SENSITIVITY_TITLE = "Sensitivity to the published figures"
_HEADERS = {"label": "test", "reveals": "reveals", "mutual_information": "MI (bits)",
            "expected_abs_change": "E|change in P(TTP)|", "p_action_change": "P(action changes)",
            "evsi": "EVSI", "cost": "cost", "net_value": "net value", "status": "status"}


@dataclass(frozen=True)
class Section:
    """One report section: a title and its HTML and Markdown bodies."""

    title: str
    html: str
    markdown: str = ""


def esc(x: object) -> str:
    return html.escape(str(x), quote=True)


def muted(text: str) -> str:
    return f"<p class='muted'>{text}</p>"


def findings_section(post: Posterior, case: Case | None) -> Section:
    ev = pd.DataFrame([{"finding": k, "value": str(v)} for k, v in post.evidence.items()],
                      columns=["finding", "value"])
    notes = case.notes if case is not None else ""
    body = (f"<p><b>Notes:</b> {esc(notes)}</p>" if notes else "") + (
        html_table(ev) if len(ev) else "<p>No findings given.</p>")
    return Section("Case findings", body, (f"Notes: {notes}\n\n" if notes else "") + md_table(ev))


def posterior_sections(post: Posterior, voi: ValueOfInformation) -> list[Section]:
    p = post.p_progression
    flagged = " (conflicting findings)" if post.conflict_flagged else ""
    return [Section(
        "Posterior",
        f"<p class='big'><b>P(tumour progression) = {p:.3f}</b> &nbsp; "
        f"P(radiation necrosis) = {1 - p:.3f}</p>"
        + muted(f"Population prior with no findings: P(TTP) = {post.prior_progression:.3f}. "
                f"Data conflict score {post.conflict:+.2f}{flagged}.")
        + f"<p>Recommended now: <b>{esc(voi.action)}</b></p>",
        f"**P(tumour progression) = {p:.3f}**, P(radiation necrosis) = {1 - p:.3f} "
        f"(prior {post.prior_progression:.3f}); recommended now: **{voi.action}**"), Section(
        "What drove it (per-finding contributions)",
        muted("log10 likelihood ratio for TTP of each finding given all the others; positive "
              "favours TTP.") + html_table(post.contributions),
        md_table(post.contributions))]


def tests_sections(voi: ValueOfInformation) -> list[Section]:
    t = voi.table.drop(columns=["evpi", "test"]).rename(columns=_HEADERS)
    waits = [x.label or x.id for x in voi.tests if x.waiting_loss > 0]
    wait_note = f"; the cost of {', '.join(waits)} includes waiting" if waits else ""
    ranked = Section(
        "Additional tests, ranked",
        muted(f"Ranked by {esc(voi.rank_by)}. MI: mutual information with the diagnosis "
              "(bits); E|dP|: expected absolute change in P(TTP); P(change): probability the "
              "recommended action changes; EVSI, cost and net value in utility points "
              f"({esc(voi.utilities.scale)}). EVPI ceiling: {voi.evpi:.2f}. Costs are "
              f"judgements ({esc(Path(voi.catalog_file).name or 'tests catalogue')})"
              f"{esc(wait_note)}.")
        + html_table(t),
        f"Ranked by {voi.rank_by}; EVPI ceiling {voi.evpi:.2f}\n\n" + md_table(t))
    chart = Section("Test values (chart)",
                    img("bar chart of EVSI and net value per test, in utility points",
                        test_values_png(voi)), "_(chart in the HTML report)_")
    wi = voi.what_if.assign(changes_action=voi.what_if["changes_action"].map(
        {True: "yes", False: ""})).rename(columns={
        "p_result": "P(result)", "p_positive_after": "P(TTP) after", "action": "action then",
        "changes_action": "action changes"})
    what_if = Section("What if (per test and result)",
                      muted("P(result) is the predictive probability of each result; P(TTP) "
                            "after it and the action then recommended.") + html_table(wi),
                      md_table(wi))
    bp = voi.pairs.head(10)[["best_order", "mi_joint", "mi_sum", "mi_interaction",
                             "evsi_joint", "evsi_sum", "evsi_interaction",
                             "sequence_value"]].rename(columns={
        "best_order": "best order", "mi_joint": "MI joint", "mi_sum": "MI sum",
        "mi_interaction": "MI", "evsi_joint": "EVSI joint", "evsi_sum": "EVSI sum",
        "evsi_interaction": "EVSI", "sequence_value": "sequence value"})
    pairs = Section("Pairs and two-test sequences (top 10)",
                    muted("Joint MI/EVSI vs the sum of the parts (redundant when less, "
                          "complementary when more). Sequence value: do the first test, then "
                          "decide whether to do the second, then act; net of the costs "
                          "incurred, relative to acting now.") + html_table(bp), md_table(bp))
    return [ranked, chart, what_if, pairs]


def decision_section(voi: ValueOfInformation) -> Section:
    th = thresholds_text(voi.thresholds, "TTP")
    u = voi.utilities
    rows = pd.DataFrame([{"action": a, "if RN": float(r[0]), "if TTP": float(r[1])}
                         for a, r in zip(u.actions, u.table)])
    return Section("Decision thresholds and utilities",
                   f"<p>{esc(th)}</p>" + html_table(rows, digits=1)
                   + muted(f"Utilities file: {esc(u.file)}"),
                   th + "\n\n" + md_table(rows, digits=1))


def sensitivity_section(sens: Sensitivity) -> Section:
    """Summary, tornado and flip points, the three figures and the test-ranking intervals."""
    iv = sens.interval
    figs = sensitivity_pngs(sens)
    tor = sens.tornado.head(10)[["parameter", "source", "low", "high", "swing"]].rename(
        columns={"low": "P(TTP) low", "high": "P(TTP) high"})
    flips = "".join(f"<li><b>{esc(r.parameter)}</b> ({esc(r.entry)}): {esc(r.statement)}</li>"
                    for r in sens.flip_points.itertuples())
    voi = sens.voi_intervals
    ranking = ""
    if not voi.empty:
        shown = voi[["test", "mi_point", "mi_low", "mi_high", "p_best"]].rename(columns={
            "mi_point": "MI (bits)", "mi_low": f"{(1 - iv.level) / 2:.1%}",
            "mi_high": f"{(1 + iv.level) / 2:.1%}", "p_best": "ranked first"})
        ranking = "<h3>Is the test ranking robust?</h3>" + html_table(shown)
    body = (
        f"<p><b>P(TTP) = {sens.p_progression:.3f}</b> &rarr; {esc(sens.action)}; "
        f"{iv.level:.0%} credible interval {iv.low:.3f}&ndash;{iv.high:.3f} "
        f"({sens.n_draws} draws, seed {sens.seed}). P(recommendation differs) = "
        f"{sens.p_decision_differs:.3f}.</p>"
        + img("plot_posterior_interval", figs["plot_posterior_interval"]) + html_table(tor)
        + img("plot_tornado", figs["plot_tornado"]) + f"<ul>{flips}</ul>"
        + f"<h3>Prior curve</h3><p>{esc(prior_text(sens))}</p>"
        + img("plot_prior_curve", figs["plot_prior_curve"]) + ranking)
    return Section(SENSITIVITY_TITLE, body, "```\n" + sens.summary() + "\n```")


def prior_text(sens: Sensitivity) -> str:
    parts = [f"The imaging findings carry a likelihood ratio of {sens.likelihood_ratio:.3g} for "
             f"tumour progression; the clinical context gives a prior of {sens.prior_case:.3f}."]
    for t in sens.prior_thresholds:
        parts.append(f"The recommendation moves from {t['below']} to {t['above']} at a prior "
                     f"of {t['prior_progression']:.3f}.")
    return " ".join(parts)


def provenance_section(post: Posterior, voi: ValueOfInformation) -> Section:
    prov = {"model": post.provenance.network, "network digest": post.provenance.digest,
            **post.provenance.versions, "test catalogue": voi.catalog_file,
            "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
    pv = pd.DataFrame([{"item": k, "value": v} for k, v in prov.items()])
    src = post.sources
    return Section("Provenance",
                   html_table(pv) + "<details><summary>Sources of the priors used "
                   f"({len(src)} records)</summary>" + html_table(src) + "</details>",
                   md_table(pv) + "\n\nSources of the priors:\n\n" + md_table(src))


def extra(items: Sequence[tuple[str, str] | tuple[str, str, str]]) -> list[Section]:
    """Sections given as (title, html) or (title, html, markdown); the HTML as given."""
    return [Section(str(x[0]), str(x[1]),
                    str(x[2]) if len(x) > 2 else "_(see the HTML report)_") for x in items]
