"""The detail sections of a case report, each built from already-computed results.

A section is a title with an HTML body, a Markdown body and its figures. Every string that
came from a user or a data file (case notes, ids, labels) is escaped: tables by
``DataFrame.to_html(escape=True)`` or :func:`~rnbayes.results.render.md_table`, text by
:func:`html.escape` or :func:`~rnbayes.results.render.md_escape`. People read labels;
identifiers stay in the JSON report and in the collapsed "Identifiers" detail.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from ..results.posterior import Posterior
from ..results.render import html_table, md_escape, md_table
from ..results.sensitivity import Sensitivity
from ..results.text import GLOSSARY, MEASURE_LABELS, conflict_text, thresholds_text
from ..results.voi import ValueOfInformation
from ..results.voi_text import pairs_frame, table_frame, what_if_frame
from .figures import Figure, sensitivity_figures, test_values_figure

SENSITIVITY_TITLE = "Sensitivity to the published figures"
#: in Markdown, where a figure goes (replaced by a link to its PNG, or a note)
FIGURE_MARK = "@@figure:{}@@"


@dataclass(frozen=True)
class Section:
    """One report section: a title, its HTML and Markdown bodies, its figures."""

    title: str
    html: str
    markdown: str = ""
    figures: tuple[Figure, ...] = ()
    css: str = ""


def esc(x: object) -> str:
    return html.escape(str(x), quote=True)


def arrows(text: str) -> str:
    """``->`` (kept ASCII in terminal text) as an arrow in HTML (already escaped)."""
    return text.replace(" -&gt; ", " &rarr; ")


def muted(text: str) -> str:
    """A muted paragraph of plain text (escaped here)."""
    return f"<p class='muted'>{esc(text)}</p>"


def figure_mark(fig: Figure) -> str:
    """Where the figure goes, in the HTML and the Markdown body alike; the renderer puts
    the embedded PNG or the link there (so a figure is drawn only when shown)."""
    return FIGURE_MARK.format(fig.name)


def figure_html(fig: Figure) -> str:
    """A figure as HTML: its PNG embedded."""
    cls = " class='narrow'" if fig.size[0] < 7 else ""
    return f"<figure{cls}>{fig.img()}</figure>"


def findings_section(post: Posterior) -> Section:
    """Each finding: what it is, and what was found (a state, a number with the state it
    falls in, or an uncertain read's likelihoods)."""
    c, lab = post.contributions, post.labels
    ev = pd.DataFrame({"finding": [lab.node(n) for n in c["node"]],
                       "result": [str(x).split(": ", 1)[-1] for x in c.get("label", c["finding"])]})
    body = html_table(ev) if len(ev) else "<p>No findings given.</p>"
    return Section("Case findings", body, md_table(ev) if len(ev) else "No findings given.")


def contributions_section(post: Posterior) -> Section:
    c = post.contributions
    shown = pd.DataFrame({"finding": list(c.get("label", c["node"])),
                          "log10 LR": [f"{v:+.3f}" for v in c["log10_lr"]],
                          "likelihood ratio": c["likelihood_ratio"],
                          "P(TTP) without it": c["p_progression_without"],
                          "favours": c["favours"]})
    against = [str(r.label) for r in post._against().itertuples()] if "label" in c else []
    conflict = conflict_text(post.conflict, against if post.conflict > 0 else ())
    intro = ("Each finding's likelihood ratio for TTP given all the other findings "
             "(log10: positive favours TTP, negative RN), and P(TTP) without it.")
    return Section("What drove it", muted(intro) + html_table(shown) + f"<p>{esc(conflict)}</p>",
                   f"{md_escape(intro)}\n\n{md_table(shown)}\n\n{md_escape(conflict)}")


def tests_sections(voi: ValueOfInformation) -> list[Section]:
    t = table_frame(voi)
    waits = [x.label or x.id for x in voi.tests if x.waiting_loss > 0]
    wait_note = f" The cost of {', '.join(waits)} includes waiting." if waits else ""
    intro = (f"Ranked by {MEASURE_LABELS.get(voi.rank_by, voi.rank_by)}; values in "
             f"{voi.utilities.scale}. EVPI, the most any test could add here: {voi.evpi:.2f}. "
             f"Costs are judgements ({voi.catalog_file or 'tests catalogue'}).{wait_note} "
             f"{voi.done_text()}").strip()
    glossary = list(GLOSSARY.values())
    gl_html = "<ul class='glossary'>" + "".join(f"<li>{esc(g)}</li>" for g in glossary) + "</ul>"
    gl_md = "\n".join(f"- {md_escape(g)}" for g in glossary)
    ranked = Section("Additional tests, ranked",
                     muted(intro) + (html_table(t, digits=2) if len(t) else
                                     "<p>No test is left to rank.</p>") + gl_html,
                     f"{md_escape(intro)}\n\n{md_table(t, digits=2)}\n\n{gl_md}")
    fig = test_values_figure(voi)
    chart = Section("Test values (chart)", figure_mark(fig), figure_mark(fig), (fig,))
    wi = what_if_frame(voi, repeat=True)
    wi_intro = ("P(result) is how likely each result is now; P(TTP) after it, and the "
                "recommendation then.")
    what_if = Section("What if (per test and result)", muted(wi_intro) + html_table(wi),
                      f"{md_escape(wi_intro)}\n\n{md_table(wi)}")
    bp = pairs_frame(voi, 10)
    p_intro = ("Do the first test, look at its result, then decide whether the second is "
               "still worth doing, then act. Value net of the costs incurred, relative to "
               "acting now; information of both together against the sum of each alone.")
    pairs = Section("Two tests in sequence (top 10)", muted(p_intro) + html_table(bp, digits=2),
                    f"{md_escape(p_intro)}\n\n{md_table(bp, digits=2)}")
    return [ranked, chart, what_if, pairs]


def decision_section(voi: ValueOfInformation) -> Section:
    u = voi.utilities
    th = thresholds_text(voi.thresholds, "TTP", u)
    rows = pd.DataFrame([{"action": u.label(a), "if RN": float(r[0]), "if TTP": float(r[1])}
                         for a, r in zip(u.actions, u.table)])
    note = (f"Utilities assumed: {u.describe()} ({u.source or 'given in code'}); expert "
            f"judgement on a {u.scale} scale.")
    return Section("Decision thresholds and utilities",
                   f"<p>{esc(th)}.</p>" + html_table(rows, digits=1) + muted(note),
                   f"{md_escape(th)}.\n\n{md_table(rows, digits=1)}\n\n{md_escape(note)}")


def sensitivity_section(sens: Sensitivity) -> Section:
    """Interval, tornado, flip points, the prior curve and the test-ranking robustness."""
    iv, u = sens.interval, sens.utilities
    figs = sensitivity_figures(sens)
    marks = {k: figure_mark(f) for k, f in figs.items()}
    head = (f"P(TTP) = {sens.p_progression:.3f} at the published figures' point values, "
            f"{iv.level:.0%} credible interval {iv.low:.3f}-{iv.high:.3f} ({sens.n_draws} "
            f"draws, seed {sens.seed}); the recommendation ({u.label(sens.action)}) differs in "
            f"{sens.p_decision_differs:.1%} of the draws.")
    tor = sens.tornado_frame(10)
    flips = [sens.flip_text(r) for r in sens.flip_points.itertuples()]
    rank = ranking_frame(sens)
    parts_html = [f"<p><b>{esc(head)}</b></p>", marks["interval"],
                  "<h3>Which published figures matter most</h3>", html_table(tor),
                  marks["tornado"], "<h3>Where would the recommendation change?</h3>",
                  "<ul>" + "".join(f"<li>{esc(f)}</li>" for f in flips) + "</ul>",
                  "<h3>The prior from the clinical context</h3>",
                  f"<p>{esc(sens.prior_text())}</p>", marks["prior"]]
    parts_md = [f"**{md_escape(head)}**", marks["interval"],
                "### Which published figures matter most", md_table(tor), marks["tornado"],
                "### Where would the recommendation change?",
                "\n".join(f"- {md_escape(f)}" for f in flips),
                "### The prior from the clinical context", md_escape(sens.prior_text()),
                marks["prior"]]
    if not rank.empty:
        parts_html += ["<h3>Is the test ranking robust?</h3>", muted(sens.ranking_text()),
                       html_table(rank)]
        parts_md += ["### Is the test ranking robust?", md_escape(sens.ranking_text()),
                     md_table(rank)]
    return Section(SENSITIVITY_TITLE, "".join(parts_html), "\n\n".join(parts_md),
                   tuple(figs.values()))


def ranking_frame(sens: Sensitivity) -> pd.DataFrame:
    r, iv = sens.ranking, sens.interval
    name = MEASURE_LABELS.get(sens.rank_by, sens.rank_by)
    return pd.DataFrame({"test": r["label"], f"{name} at the point values": r["value_point"],
                         f"{(1 - iv.level) / 2:.1%}": r["value_low"],
                         f"{(1 + iv.level) / 2:.1%}": r["value_high"],
                         "best next test in (share of draws)": [f"{p:.0%}" for p in r["p_first"]]})


def extra(items: Sequence[tuple[str, str] | tuple[str, str, str]]) -> list[Section]:
    """Sections given as (title, html) or (title, html, markdown); the HTML as given."""
    return [Section(str(x[0]), str(x[1]),
                    str(x[2]) if len(x) > 2 else "_(see the HTML report)_") for x in items]

