"""A self-contained HTML validation report built from a Validation result.

Charts are PNGs embedded as base64 (the file opens offline, with no scripts, styles or
fonts fetched); every string a user supplied is HTML-escaped; ``@media print`` rules
lay it out on A4 without splitting table rows or figures.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from .._provenance import NOTICE
from ..plots.validation import plot_calibration, plot_decision_curve, plot_roc
from ..results.validation import Validation, ci_html, esc, group_table_html, metrics_table_html

#: TRIPOD-style items a user can fill through ``notes``, with what is shown when absent
TRIPOD_ITEMS = {
    "data_source": ("Source of data", "not stated (registry or study, centres, period)"),
    "participants": ("Participants", "not stated (e.g. enlarging or new enhancement at a "
                                     "brain-metastasis site treated with SRS)"),
    "outcome": ("Outcome definition", "not stated (e.g. histopathology, or clinical and "
                                      "radiological follow-up; who decided, blinded or not)"),
    "predictors": ("Predictors available", "not stated"),
    "missing_data": ("Missing data", "Why findings are missing: not stated (e.g. which lesions "
                                     "had perfusion or PET, and why)"),
    "not_done": ("Not done", ""),
}

_CSS = """
body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;max-width:1050px;
margin:1.5em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.55em;margin-bottom:.2em}
h2{font-size:1.2em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.5em}
table{border-collapse:collapse;margin:.6em 0;font-size:.88em}
th,td{border:1px solid #ddd;padding:3px 7px;vertical-align:top}
th{background:#f3f3f3;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.note{color:#555;font-size:.92em;max-width:22em}
.notice{background:#fff4e5;border:1px solid #f0b46c;padding:.6em 1em;border-radius:4px}
.muted{color:#666;font-size:.9em}.lead{font-size:1.08em}.unstated{color:#8a5a00}
figure{margin:.8em 0;break-inside:avoid;page-break-inside:avoid}
figure img{max-width:100%;height:auto}figcaption{color:#555;font-size:.88em}
.pair{display:flex;flex-wrap:wrap;gap:1.2em;align-items:flex-start}
.pair>*{flex:1 1 420px;min-width:0}
dl.tripod{display:grid;grid-template-columns:13em 1fr;gap:.25em 1em}
dl.tripod dt{font-weight:600}dl.tripod dd{margin:0}
@media print{
 @page{size:A4;margin:14mm 12mm}
 body{max-width:none;margin:0;padding:0;font-size:9.5pt}
 h2{break-after:avoid;page-break-after:avoid}
 table{font-size:8.5pt;width:100%}thead{display:table-header-group}
 tr,td,th{break-inside:avoid;page-break-inside:avoid}
 .pair{display:flex;flex-wrap:nowrap;gap:4mm}.pair>*{flex:1 1 0}
 figure img{max-height:125mm;width:auto;max-width:100%}figure.wide img{max-width:75%}
 .notice{border-width:2px}
}
"""


def _calibration_table_html(v: Any) -> str:
    pos = esc(v.short_labels[1])
    body = "".join(
        f"<tr><td>{esc(r.bin)}</td><td class='num'>{r.count:,}</td>"
        f"<td class='num'>{r.n_positive:,}</td><td class='num'>{r.mean_predicted:.3f}</td>"
        f"<td class='num'>{r.observed_fraction:.3f}</td>"
        f"<td class='num'>{ci_html(r.observed_low, r.observed_high)}</td></tr>"
        for r in v.calibration.itertuples())
    return ("<table><thead><tr><th>bin of predicted P</th><th>lesions</th>"
            f"<th>{pos}</th><th>mean predicted P({pos})</th><th>observed fraction</th>"
            f"<th>95% Wilson interval</th></tr></thead><tbody>{body}</tbody></table>")


def _png(ax: Any, alt: str) -> str:
    buf = io.BytesIO()
    ax.figure.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f"<img alt='{esc(alt)}' src='data:image/png;base64,{data}'/>"


def build_validation_report(validation: Validation, *, title: str = "Validation of rnbayes predictions",
                           model_name: str = "", model_digest: str = "",
                           notes: Mapping[str, str] | str | None = None) -> str:
    """A self-contained HTML report of a validation (a string; write it to a ``.html`` file).

    Parameters
    ----------
    validation : Validation
    title : str
    model_name, model_digest : str
        Which model produced the predictions (default: the validation's provenance).
    notes : mapping or str, optional
        TRIPOD-style items: ``data_source``, ``participants``, ``outcome``,
        ``predictors``, ``missing_data``, ``not_done``; other keys are listed too. A
        plain string is shown as a free-text note. Items not given say "not stated".

    Returns
    -------
    str
        The HTML document; every user string is escaped.

    Examples
    --------
    >>> from rnbayes.analysis.cohort.validation import validate_predictions
    >>> v = validate_predictions([0.1, 0.4, 0.35, 0.8, 0.2, 0.9], [0, 0, 1, 1, 0, 1], n_boot=50)
    >>> doc = build_validation_report(v, title="Site A <2024>", notes={"data_source": "Site A"})
    >>> "Site A &lt;2024&gt;" in doc and "not a medical device" in doc
    True
    """
    v = validation
    model_name = model_name or v.provenance.network
    model_digest = model_digest or v.provenance.digest
    items = _tripod_items(v, notes, model_name, model_digest)
    neg, pos = v.short_labels
    roc_img = _png(plot_roc(v), "ROC curve of the model's predicted P(TTP)")
    cal_img = _png(plot_calibration(v), "Calibration plot: observed fraction against predicted P")
    dca_img = _png(plot_decision_curve(v), "Decision curve: net benefit across thresholds")
    d = v.brier_decomposition
    nb_text, groups = _decision_text(v), _groups_html(v)
    free = f"<h2>Notes</h2><p>{esc(notes)}</p>" if isinstance(notes, str) and notes else ""
    extra = "".join(f"<li>{esc(n)}</li>" for n in v.notes)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    prov = ", ".join(f"{esc(k.removesuffix('_version'))} {esc(x)}"
                     for k, x in {**v.provenance.versions, **_library_versions(v)}.items())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_CSS}</style></head>
<body>
<h1>{esc(title)}</h1>
<p class="notice"><b>{esc(NOTICE)}</b> This report describes how the model's predictions agreed
with known outcomes in one data set; it does not show that the model is safe or useful for
patient care.</p>
<p class="lead">{v.n:,} lesions: {v.n_positive:,} {esc(pos)} ({esc(v.labels[1])}) and
{v.n - v.n_positive:,} {esc(neg)} ({esc(v.labels[0])}); prevalence of {esc(pos)}
{v.prevalence:.1%}. Model: {esc(model_name) or "not stated"}
{f"(digest <code>{esc(model_digest)}</code>)" if model_digest else ""}.</p>
<h2>Summary of metrics</h2>{metrics_table_html(v)}
{"<ul class='muted'>" + extra + "</ul>" if extra else ""}
<h2>Discrimination and calibration</h2>
<div class="pair"><figure>{roc_img}<figcaption>ROC curve. AUC {esc(v.auc)}.</figcaption></figure>
<figure>{cal_img}<figcaption>Calibration: observed fraction of {esc(pos)} per bin of predicted
P, with 95% Wilson intervals and counts; below, the predictions of {esc(pos)} (up) and
{esc(neg)} (down) lesions.</figcaption></figure></div>
{_calibration_table_html(v)}
<p>Brier score {esc(v.brier)} = reliability {d['reliability']:.4f} &minus; resolution
{d['resolution']:.4f} + uncertainty {d['uncertainty']:.4f} + within-bin
{d['within_bin']:.4f} (Murphy decomposition; {esc(d['binning'])}).</p>
<h2>Decision curve</h2>
<figure class="wide">{dca_img}<figcaption>Net benefit = true {esc(pos)} treated per lesion minus
wrongly treated {esc(neg)} per lesion weighted by t / (1 &minus; t) (Vickers &amp; Elkin
2006).</figcaption></figure>
<p>{nb_text}</p>
{groups}
<h2>What was validated on what (TRIPOD-style summary)</h2>
<dl class="tripod">{"".join(f"<dt>{esc(k)}</dt><dd>{x}</dd>" for k, x in items)}</dl>
{free}
<p class="muted">Generated {stamp}. {prov}.</p>
<p class="notice">{esc(NOTICE)}</p>
</body></html>
"""


def _decision_text(v: Validation) -> str:
    useful = v.useful_range()
    text = ("Acting on the model beats treating all and treating none for thresholds "
            f"{useful[0]:.2f} to {useful[1]:.2f}." if useful else
            "Acting on the model never beats both treating all and treating none.")
    if v.net_benefit_at_threshold is not None:
        nb = v.net_benefit_at_threshold
        label = f" ({esc(v.threshold_label)})" if v.threshold_label else ""
        text += (f" At the decision threshold {v.threshold:.3f}{label}: net benefit "
                 f"{nb['model']:.3f} for the model, {nb['treat_all']:.3f} for treating all, "
                 "0 for treating none.")
    return text


def _groups_html(v: Validation) -> str:
    if v.by_group is None:
        return ""
    return (f"<h2>By {esc(v.group_name)}</h2>{group_table_html(v)}"
            f"<p class='muted'>Groups with fewer than {v.settings['min_group_size']} lesions "
            f"or fewer than {v.settings['min_group_events']} of either outcome are listed "
            "without metrics.</p>")


def _library_versions(v: Validation) -> dict[str, str]:
    return {k: str(x) for k, x in v.settings.items() if k.endswith("_version")}


def _not_done(v: Validation) -> str:
    """A statement of fact about this analysis (not a gap): what was and was not done."""
    n_local = int(v.settings.get("local_records", 0))
    if n_local:
        first = (f"No recalibration. The model's priors had been updated with local data "
                 f"({n_local} records) before this validation: only lesions not used for that "
                 "update give an honest estimate.")
    else:
        first = ("No recalibration and no updating of the priors with these data: the model was "
                 "applied as published.")
    return esc(first + " Intervals treat lesions as independent (several lesions of one "
                "patient are not clustered).")


def _tripod_items(v: Any, notes: Mapping[str, str] | str | None, model_name: str,
                  model_digest: str) -> list[tuple[str, str]]:
    """(heading, escaped HTML) pairs for the TRIPOD-style summary."""
    given = dict(notes) if isinstance(notes, Mapping) else {}
    s = v.settings
    neg, pos = v.short_labels

    def item(key: str, lead: str = "") -> str:
        if key in given:
            text = esc(given[key])
        elif key == "not_done":  # a statement of fact about this analysis, not a gap
            text = esc(TRIPOD_ITEMS[key][1])
        else:
            text = f"<span class='unstated'>{esc(TRIPOD_ITEMS[key][1])}</span>"
        return f"{lead} {text}" if lead else text

    groups = ""
    if v.by_group is not None:
        counts = ", ".join(f"{esc(r['group'])} {r['n']:,}" for r in v.by_group.to_dict("records"))
        groups = f"Lesions by {esc(v.group_name)}: {counts}."
    if v.recorded:
        shares = ", ".join(f"{esc(v.recorded_labels.get(k, k))} {x:.0%}"
                           for k, x in v.recorded.items())
        groups += f" Findings recorded (share of lesions): {shares}."
    out = [
        (TRIPOD_ITEMS["data_source"][0], item("data_source")),
        (TRIPOD_ITEMS["participants"][0],
         item("participants", f"{v.n:,} lesions with a known outcome were analysed. Eligibility:")),
        (TRIPOD_ITEMS["outcome"][0],
         item("outcome", f"{esc(v.labels[1])} ({esc(pos)}) {v.n_positive:,} "
                         f"({v.prevalence:.1%}); {esc(v.labels[0])} ({esc(neg)}) "
                         f"{v.n - v.n_positive:,}. Definition:")),
        (TRIPOD_ITEMS["predictors"][0],
         esc(given["predictors"]) + " " + groups if "predictors" in given
         else (groups or item("predictors"))),
        (TRIPOD_ITEMS["missing_data"][0],
         item("missing_data", "rnbayes treats an unrecorded finding as not observed and sums "
                              "over its states; nothing is imputed. " if v.recorded else "")),
        ("Model", f"{esc(model_name) or 'not stated'}"
                  + (f", digest <code>{esc(model_digest)}</code>" if model_digest else "")
                  + f"; rnbayes {esc(v.provenance.versions.get('rnbayes_version', '?'))}."),
        ("Analysis", f"AUC and Brier intervals: {esc(v.auc.method) or 'none'}. Calibration "
                     f"intercept (logit(p) as offset) and slope (logistic recalibration), Wald "
                     f"intervals. Calibration bins: {esc(v.brier_decomposition['binning'])}. "
                     f"Level {s['level']:.0%}."),
        (TRIPOD_ITEMS["not_done"][0], esc(given["not_done"]) if "not_done" in given
         else _not_done(v)),
    ]
    for k, x in given.items():
        if k not in TRIPOD_ITEMS:
            out.append((str(k).replace("_", " ").capitalize(), esc(x)))
    return out
