"""Case reports: one self-contained HTML (or Markdown, or JSON) document per lesion.

A report is a list of sections ``(title, html, markdown)`` built from already-computed
results (posterior, value of information, and optionally sensitivity) plus provenance;
other analyses can append sections through ``extra_sections``. Every string from the
case file is HTML-escaped; plots are PNGs embedded as base64, so the file opens offline
with no external scripts, styles or fonts.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import pandas as pd

from ..analysis.voi import ValueOfInformation, _thresholds_text, table_html, value_of_information
from ..results.posterior import NOTICE

FORMATS = ("html", "md", "json")
SENSITIVITY_TITLE = "Sensitivity to the published figures"
_HEADERS = {"label": "test", "reveals": "reveals", "mutual_information": "MI (bits)",
            "expected_abs_change": "E|change in P(TTP)|", "p_action_change": "P(action changes)",
            "evsi": "EVSI", "cost": "cost", "net_value": "net value", "status": "status"}

_CSS = """
body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;border-bottom:1px solid #ccc;
padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.6em 0;font-size:.88em}
th,td{border:1px solid #ddd;padding:3px 7px;vertical-align:top}th{background:#f3f3f3;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.notice{background:#fff4e5;border:1px solid #f0b46c;padding:.6em 1em;border-radius:4px}
.big{font-size:1.25em}.muted{color:#666;font-size:.9em}img{max-width:100%}
pre{white-space:pre-wrap;background:#f7f7f7;padding:.5em}.tw{overflow-x:auto}
"""


@dataclass(frozen=True)
class Section:
    """One report section: a title and its HTML and Markdown bodies."""

    title: str
    html: str
    markdown: str = ""


def _esc(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _md_table(df: pd.DataFrame, digits: int = 3) -> str:
    if df.empty:
        return "_(none)_"
    def cell(v: Any) -> str:
        if isinstance(v, float):
            return f"{v:.{digits}f}"
        return str(v).replace("|", "\\|").replace("\n", " ")
    head = "| " + " | ".join(map(str, df.columns)) + " |"
    sep = "|" + "---|" * len(df.columns)
    rows = ["| " + " | ".join(cell(v) for v in r) + " |" for r in df.itertuples(index=False)]
    return "\n".join([head, sep, *rows])


def _figure_png(voi: ValueOfInformation) -> str:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from ..plots.voi import plot_test_values, png_base64

    fig, ax = plt.subplots(figsize=(9, 0.5 * max(len(voi.table), 3) + 2.4), dpi=110)
    try:
        plot_test_values(voi, ax=ax)
        fig.tight_layout()
        return png_base64(fig, dpi=110)
    finally:
        plt.close(fig)


def sensitivity_html(sens: Any, *, heading: bool = True) -> str:
    """HTML fragment for a :class:`~rnbayes.Sensitivity` result: summary, tornado and flip
    points, the interval and prior-curve plots (embedded PNG) and the test-ranking intervals.

    Examples
    --------
    >>> import rnbayes
    >>> sens = rnbayes.sensitivity({"enhancement_pattern": "thin_rim"}, n_draws=200,
    ...                            progress=False)
    >>> frag = sensitivity_html(sens)
    >>> frag.startswith("<section") and "data:image/png;base64," in frag
    True
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from ..plots.sensitivity import plot_posterior_interval, plot_prior_curve, plot_tornado
    from ..plots.voi import png_base64

    imgs = []
    for fn in (plot_posterior_interval, plot_tornado, plot_prior_curve):
        ax = fn(sens)
        try:
            imgs.append(f"<img alt='{fn.__name__}' "
                        f"src='data:image/png;base64,{png_base64(ax.figure)}'/>")
        finally:
            plt.close(ax.figure)
    voi = "".join(
        f"<tr><td>{_esc(r.test)}</td><td>{r.mi_point:.3f}</td><td>{r.mi_low:.3f}&ndash;"
        f"{r.mi_high:.3f}</td><td>{r.p_best:.1%}</td></tr>"
        for r in sens.voi_intervals.itertuples()) if not sens.voi_intervals.empty else ""
    voi_table = ("<h3>Is the test ranking robust?</h3><table><thead><tr><th>test</th>"
                 "<th>mutual information (bits)</th><th>95% interval</th><th>ranked first</th>"
                 f"</tr></thead><tbody>{voi}</tbody></table>") if voi else ""
    title = f"<h2>{SENSITIVITY_TITLE}</h2>" if heading else ""
    return ("<section class='rnbayes-sensitivity-section'>"
            f"{title}{sens._repr_html_()}{imgs[0]}{imgs[1]}"
            f"<h3>Prior curve</h3><p>{_esc(_prior_text(sens))}</p>{imgs[2]}{voi_table}"
            "</section>")


def _prior_text(sens: Any) -> str:
    parts = [f"The imaging findings carry a likelihood ratio of {sens.likelihood_ratio:.3g} for "
             f"tumour progression; the clinical context gives a prior of {sens.prior_case:.3f}."]
    for t in sens.prior_thresholds:
        parts.append(f"The recommendation moves from {t['below']} to {t['above']} at a prior "
                     f"of {t['prior_progression']:.3f}.")
    return " ".join(parts)


def _sources_frame(model: Any) -> pd.DataFrame:
    rows, seen = [], set()
    for node in model.nodes:
        for r in model.records_for(node):
            if r.id in seen:
                continue
            seen.add(r.id)
            rows.append({"node": node, "record": r.id, "basis": r.basis,
                         "quantity": r.quantity, "source": r.label})
    return pd.DataFrame(rows, columns=["node", "record", "basis", "quantity", "source"])


def build_sections(model: Any, case: Any, post: Any, voi: ValueOfInformation,
                   extra_sections: Sequence[tuple[str, str] | tuple[str, str, str]] = (),
                   ) -> list[Section]:
    """The report's sections, in order (extra sections go before provenance)."""
    ev = pd.DataFrame([{"finding": k, "value": str(v)} for k, v in post.evidence.items()],
                      columns=["finding", "value"])
    notes_html = f"<p><b>Notes:</b> {_esc(case.notes)}</p>" if case.notes else ""
    s: list[Section] = []
    s.append(Section("Case findings", notes_html + (table_html(ev) if len(ev) else
                     "<p>No findings given.</p>"),
                     (f"Notes: {case.notes}\n\n" if case.notes else "") + _md_table(ev)))
    p = post.p_progression
    s.append(Section(
        "Posterior",
        f"<p class='big'><b>P(tumour progression) = {p:.3f}</b> &nbsp; "
        f"P(radiation necrosis) = {1 - p:.3f}</p><p class='muted'>Population prior with no "
        f"findings: P(TTP) = {post.prior_progression:.3f}. Data conflict score "
        f"{post.conflict:+.2f}{' (conflicting findings)' if post.conflict_flagged else ''}.</p>"
        f"<p>Recommended now: <b>{_esc(voi.action)}</b></p>",
        f"**P(tumour progression) = {p:.3f}**, P(radiation necrosis) = {1 - p:.3f} "
        f"(prior {post.prior_progression:.3f}); recommended now: **{voi.action}**"))
    c = post.contributions
    s.append(Section("What drove it (per-finding contributions)",
                     "<p class='muted'>log10 likelihood ratio for TTP of each finding given "
                     "all the others; positive favours TTP.</p>" + table_html(c),
                     _md_table(c)))
    t = voi.table.drop(columns=["evpi", "test"]).rename(columns=_HEADERS)
    s.append(Section(
        "Additional tests, ranked",
        f"<p class='muted'>Ranked by {_esc(voi.rank_by)}. MI: mutual information with the "
        "diagnosis (bits); E|dP|: expected absolute change in P(TTP); P(change): probability "
        "the recommended action changes; EVSI, cost and net value in utility points "
        f"({_esc(voi.utilities.scale)}). EVPI ceiling: {voi.evpi:.2f}. Costs are "
        "judgements (networks/tests.yaml); the follow-up MRI cost includes waiting.</p>"
        + table_html(t),
        f"Ranked by {voi.rank_by}; EVPI ceiling {voi.evpi:.2f}\n\n" + _md_table(t)))
    png = _figure_png(voi)
    s.append(Section("Test values (chart)",
                     f"<img alt='bar chart of EVSI and net value per test, in utility points' "
                     f"src='data:image/png;base64,{png}'>",
                     "_(chart in the HTML report)_"))
    wi = voi.what_if.assign(changes_action=voi.what_if["changes_action"].map(
        {True: "yes", False: ""})).rename(columns={
        "p_result": "P(result)", "p_positive_after": "P(TTP) after", "action": "action then",
        "changes_action": "action changes"})
    s.append(Section("What if (per test and result)",
                     "<p class='muted'>P(result) is the predictive probability of each result; "
                     "P(TTP) after it and the action then recommended.</p>"
                     + table_html(wi), _md_table(wi)))
    bp = voi.best_pairs.head(10)[["best_order", "mi_joint", "mi_sum", "mi_interaction",
                                  "evsi_joint", "evsi_sum", "evsi_interaction",
                                  "sequence_value"]].rename(columns={
        "best_order": "best order", "mi_joint": "MI joint", "mi_sum": "MI sum",
        "mi_interaction": "MI", "evsi_joint": "EVSI joint", "evsi_sum": "EVSI sum",
        "evsi_interaction": "EVSI", "sequence_value": "sequence value"})
    s.append(Section("Pairs and two-test sequences (top 10)",
                     "<p class='muted'>Joint MI/EVSI vs the sum of the parts (redundant when "
                     "less, complementary when more). Sequence value: do the first test, then "
                     "decide whether to do the second, then act; net of the costs incurred, "
                     "relative to acting now.</p>" + table_html(bp), _md_table(bp)))
    th = _thresholds_text(voi.thresholds, "TTP")
    urows = pd.DataFrame([{"action": a, "if RN": float(r[0]), "if TTP": float(r[1])}
                          for a, r in zip(voi.utilities.actions, voi.utilities.table)])
    s.append(Section("Decision thresholds and utilities",
                     f"<p>{_esc(th)}</p>" + table_html(urows, digits=1)
                     + f"<p class='muted'>Utilities file: {_esc(voi.utilities.file)}</p>",
                     th + "\n\n" + _md_table(urows, digits=1)))
    for item in extra_sections:
        title, body = item[0], item[1]
        md = item[2] if len(item) > 2 else "_(see the HTML report)_"
        s.append(Section(str(title), str(body), str(md)))
    prov = {"model": model.name, "network digest": model.digest, **voi.provenance,
            "test catalogue": voi.catalog_file,
            "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
    pv = pd.DataFrame([{"item": k, "value": v} for k, v in prov.items()])
    src = _sources_frame(model)
    s.append(Section("Provenance",
                     table_html(pv) + "<details><summary>Sources of the priors used "
                     f"({len(src)} records)</summary>" + table_html(src) + "</details>",
                     _md_table(pv) + "\n\nSources of the priors:\n\n" + _md_table(src)))
    return s


def render_html(title: str, sections: Sequence[Section]) -> str:
    body = "".join(f"<section><h2>{_esc(x.title)}</h2><div class='tw'>{x.html}</div></section>"
                   for x in sections)
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{_esc(title)}</title><style>{_CSS}</style></head><body>"
            f"<h1>{_esc(title)}</h1><p class='notice'>{_esc(NOTICE)}</p>{body}"
            f"<p class='notice'>{_esc(NOTICE)}</p></body></html>\n")


def render_markdown(title: str, sections: Sequence[Section]) -> str:
    parts = [f"# {title}", "", f"> {NOTICE}", ""]
    for x in sections:
        parts += [f"## {x.title}", "", x.markdown, ""]
    return "\n".join(parts)


def build_report(model: Any, case: Any, *, format: str = "html", utilities: Any = None,
                 tests: Sequence[str] | None = None, catalog: Any = None,
                 rank_by: str = "net_value", sensitivity: Any = None,
                 extra_sections: Sequence[tuple[str, str] | tuple[str, str, str]] = ()) -> str:
    """Build a case report as text.

    Parameters
    ----------
    model : Model
    case : Case
        From :func:`rnbayes.spec.case.load_case`.
    format : {'html', 'md', 'json'}
    utilities, tests, catalog, rank_by
        Passed to :func:`rnbayes.analysis.voi.value_of_information`.
    sensitivity : Sensitivity, optional
        An already-computed sensitivity result for this case; adds its section (its
        ``to_dict()`` in JSON).
    extra_sections : sequence of (title, html) or (title, html, markdown)
        Appended before the provenance section (the HTML is inserted as given).

    Returns
    -------
    str

    Examples
    --------
    >>> import rnbayes
    >>> from rnbayes.spec.case import Case
    >>> text = build_report(rnbayes.load_model(), Case(evidence={}, id="x <b>"), format="md")
    >>> text.startswith("# rnbayes report: x <b>")
    True
    """
    if format not in FORMATS:
        raise ValueError(f"format must be one of {list(FORMATS)}; got {format!r}")
    post = model.posterior(case.evidence)
    voi = value_of_information(model, case.evidence, tests=tests, utilities=utilities,
                               rank_by=rank_by, catalog=catalog)
    title = f"rnbayes report: {case.id}"
    if format == "json":
        return json.dumps({"case": {"id": case.id, "notes": case.notes, "path": case.path},
                           "posterior": post.to_dict(), "value_of_information": voi.to_dict(),
                           "sources": _sources_frame(model).to_dict(orient="records"),
                           **({"sensitivity": sensitivity.to_dict()} if sensitivity else {}),
                           "extra_sections": [list(x[:2]) for x in extra_sections],
                           "notice": NOTICE}, indent=2)
    if sensitivity is not None:
        extra_sections = [(SENSITIVITY_TITLE, sensitivity_html(sensitivity, heading=False),
                           "```\n" + sensitivity.summary() + "\n```"), *extra_sections]
    sections = build_sections(model, case, post, voi, extra_sections)
    if format == "md":
        return render_markdown(title, sections)
    return render_html(title, sections)
