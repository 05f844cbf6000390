"""The result of validating predicted P(TTP) against known outcomes.

Numbers, tables, text and HTML; every table it hands out is a copy, so a user editing one
cannot change the result. The HTML tables here are shared with the validation report.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._provenance import NOTICE
from .base import Result
from .render import jsonable, records

_SHORT = {"tumour_progression": "TTP", "radiation_necrosis": "RN"}
METRICS = ("auc", "brier", "calibration_intercept", "calibration_slope")


def short_label(label: str) -> str:
    """``"TTP"`` / ``"RN"`` for the two diagnosis states, the label itself otherwise."""
    return _SHORT.get(label, label)


@dataclass(frozen=True)
class Estimate:
    """A point estimate with a confidence interval.

    Examples
    --------
    >>> str(Estimate(0.81234, 0.79, 0.83, method="bootstrap"))
    '0.812 (95% CI 0.790 to 0.830)'
    """

    value: float
    low: float = float("nan")
    high: float = float("nan")
    level: float = 0.95
    method: str = ""

    def __str__(self) -> str:
        if not np.isfinite(self.value):
            return "not estimable"
        if not (np.isfinite(self.low) and np.isfinite(self.high)):
            return f"{self.value:.3f}"
        return f"{self.value:.3f} ({self.level:.0%} CI {self.low:.3f} to {self.high:.3f})"

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "low": self.low, "high": self.high, "level": self.level,
                "method": self.method}


@dataclass(frozen=True, eq=False, kw_only=True)
class Validation(Result):
    """Discrimination, accuracy, calibration and decision curve of predicted P(TTP).

    Attributes
    ----------
    n, n_positive : int
        Lesions, and lesions with the positive outcome (``labels[1]``).
    auc, brier : Estimate
        ROC AUC and Brier score with stratified percentile-bootstrap intervals.
    brier_decomposition : mapping
        ``reliability``, ``resolution``, ``uncertainty``, ``within_bin`` and ``binning``
        (Brier = reliability - resolution + uncertainty + within_bin).
    calibration : pandas.DataFrame
        Per bin: ``bin``, ``bin_low``, ``bin_high``, ``mean_predicted``,
        ``observed_fraction``, ``observed_low``, ``observed_high``, ``count``, ``n_positive``.
    calibration_intercept, calibration_slope : Estimate
        Calibration-in-the-large (ideal 0) and logistic recalibration slope (ideal 1).
    net_benefit : pandas.DataFrame
        Decision curve: ``threshold``, ``model``, ``treat_all``, ``treat_none``.
    by_group : pandas.DataFrame or None
        The metrics per group, with ``note`` saying why a small group has none
        (``by_imaging`` when the groups are the imaging available).
    recorded : mapping
        Each finding's share of lesions in which it was recorded (validation of a cohort).
    recorded_labels : mapping
        The words shown to people for those findings (``labels.yaml``; reports use them).
    """

    n: int
    n_positive: int
    labels: tuple[str, str]
    auc: Estimate
    brier: Estimate
    brier_decomposition: Mapping[str, Any]
    calibration_intercept: Estimate
    calibration_slope: Estimate
    threshold: float | None = None
    threshold_label: str = ""
    net_benefit_at_threshold: Mapping[str, float] | None = None
    group_name: str = "group"
    notes: tuple[str, ...] = ()
    recorded: Mapping[str, float] = field(default_factory=dict)
    recorded_labels: Mapping[str, str] = field(default_factory=dict)
    settings: Mapping[str, Any] = field(default_factory=dict)
    _calibration: pd.DataFrame = field(repr=False)
    _net_benefit: pd.DataFrame = field(repr=False)
    _by_group: pd.DataFrame | None = field(default=None, repr=False)
    _roc: pd.DataFrame = field(repr=False)
    _histogram: pd.DataFrame = field(repr=False)

    # -- tables (copies) -------------------------------------------------------------
    @property
    def calibration(self) -> pd.DataFrame:
        return self._calibration.copy()

    @property
    def net_benefit(self) -> pd.DataFrame:
        return self._net_benefit.copy()

    @property
    def by_group(self) -> pd.DataFrame | None:
        return None if self._by_group is None else self._by_group.copy()

    @property
    def by_imaging(self) -> pd.DataFrame | None:
        """The metrics by the imaging available (``by_group`` of a validation grouped by
        imaging tier, as :meth:`rnbayes.Model.validate` does); None otherwise."""
        return self.by_group if self.group_name == "imaging available" else None

    @property
    def roc(self) -> pd.DataFrame:
        """ROC curve points: ``fpr``, ``tpr``, ``threshold`` (scikit-learn ``roc_curve``)."""
        return self._roc.copy()

    @property
    def histogram(self) -> pd.DataFrame:
        """Counts of predictions per bin of P, by outcome (for the calibration plot)."""
        return self._histogram.copy()

    @property
    def prevalence(self) -> float:
        return self.n_positive / self.n

    @property
    def short_labels(self) -> tuple[str, str]:
        return short_label(self.labels[0]), short_label(self.labels[1])

    def useful_range(self) -> tuple[float, float] | None:
        """Lowest and highest threshold where acting on the model beats both acting on
        everyone and on no one (None if it never does)."""
        nb = self._net_benefit
        better = nb["model"] > np.maximum(nb["treat_all"], nb["treat_none"]) + 1e-12
        if not better.any():
            return None
        t = nb["threshold"][better]
        return float(t.min()), float(t.max())

    # -- the result contract ---------------------------------------------------------
    def metrics(self) -> dict[str, Estimate]:
        return {k: getattr(self, k) for k in METRICS}

    def to_frame(self) -> pd.DataFrame:
        """Tidy metrics: one row per (group, metric) with ``value``, ``low``, ``high``;
        group ``"all"`` is the whole cohort."""
        rows = [{"group": "all", "metric": k, "value": e.value, "low": e.low, "high": e.high}
                for k, e in self.metrics().items()]
        if self._by_group is not None:
            for r in self._by_group.to_dict(orient="records"):
                rows += [{"group": r["group"], "metric": k, "value": r.get(k, np.nan),
                          "low": r.get(f"{k}_low", np.nan), "high": r.get(f"{k}_high", np.nan)}
                         for k in METRICS]
        return pd.DataFrame(rows, columns=["group", "metric", "value", "low", "high"])

    def _content(self) -> dict[str, Any]:
        return jsonable({
            "n": self.n, "n_positive": self.n_positive, "prevalence": self.prevalence,
            "labels": list(self.labels),
            **{k: e.to_dict() for k, e in self.metrics().items()},
            "brier_decomposition": dict(self.brier_decomposition),
            "calibration": records(self._calibration), "net_benefit": records(self._net_benefit),
            "threshold": self.threshold, "threshold_label": self.threshold_label,
            "net_benefit_at_threshold": self.net_benefit_at_threshold,
            "useful_range": self.useful_range(),
            "by_group": None if self._by_group is None else records(self._by_group),
            "group_name": self.group_name, "notes": list(self.notes),
            "recorded": dict(self.recorded),
            "settings": dict(self.settings),
        })

    def summary(self) -> str:
        """Plain-text report."""
        neg, pos = self.short_labels
        d = self.brier_decomposition
        lines = [
            f"Validation of predicted P({pos}) against {self.n:,} lesions "
            f"({self.n_positive:,} {pos}, {self.n - self.n_positive:,} {neg}; "
            f"prevalence {self.prevalence:.1%})",
            f"  ROC AUC                 {self.auc}",
            f"  Brier score             {self.brier}",
            f"    reliability {d['reliability']:.4f}, resolution {d['resolution']:.4f}, "
            f"uncertainty {d['uncertainty']:.4f}, within-bin {d['within_bin']:.4f}",
            f"    ({d['binning']})",
            f"  calibration intercept   {self.calibration_intercept}  (ideal 0)",
            f"  calibration slope       {self.calibration_slope}  (ideal 1)",
            f"  ({self.auc.method or 'no bootstrap'}; intercept and slope: Wald intervals)",
            "", "Calibration (observed fraction vs mean predicted, per bin):",
            *(f"  {r.bin:>12}  predicted {r.mean_predicted:.3f}  observed "
              f"{r.observed_fraction:.3f}  n = {r.count}" for r in self._calibration.itertuples()),
            "", *self._decision_lines()]
        if self._by_group is not None:
            lines += ["", f"By {self.group_name}:", *_group_lines(self._by_group)]
        lines += ["", *(f"Note: {n}" for n in self.notes), NOTICE] if self.notes else ["", NOTICE]
        return "\n".join(lines)

    def _decision_lines(self) -> list[str]:
        out = ["Decision curve (net benefit of treating as progression when P >= threshold):"]
        rng = self.useful_range()
        out.append("  the model beats treat-all and treat-none for thresholds "
                   f"{rng[0]:.2f} to {rng[1]:.2f}" if rng else
                   "  the model never beats both treat-all and treat-none")
        if self.net_benefit_at_threshold is not None:
            nb = self.net_benefit_at_threshold
            label = f" ({self.threshold_label})" if self.threshold_label else ""
            out.append(f"  at the decision threshold {self.threshold:.3f}{label}: model "
                       f"{nb['model']:.3f}, treat all {nb['treat_all']:.3f}, treat none 0")
        return out

    def __repr__(self) -> str:
        return (f"Validation(n={self.n}, auc={self.auc.value:.4f}, brier={self.brier.value:.4f}, "
                f"calibration_slope={self.calibration_slope.value:.3f})")

    def _repr_html_(self) -> str:
        neg, pos = self.short_labels
        esc = html.escape
        head = (f"<p><b>Validation of predicted P({esc(pos)})</b> against {self.n:,} lesions "
                f"({self.n_positive:,} {esc(pos)}, {self.n - self.n_positive:,} {esc(neg)}).</p>")
        groups = ("" if self._by_group is None else
                  f"<p><b>By {esc(self.group_name)}</b></p>" + group_table_html(self))
        return (f"<div class='rnbayes-validation'>{head}{metrics_table_html(self)}{groups}"
                f"<p><small>{esc(NOTICE)}</small></p></div>")


# -- text and HTML pieces (shared with the validation report) ----------------------------
def fmt(x: Any, digits: int = 3) -> str:
    """A number to ``digits`` decimals, ``-`` when missing."""
    return "-" if x is None or (isinstance(x, float) and not np.isfinite(x)) else f"{x:.{digits}f}"


def _group_lines(df: pd.DataFrame) -> list[str]:
    out = [f"  {'group':<24} {'n':>6} {'pos':>5} {'AUC (CI)':>22} {'Brier':>6} {'slope':>6}"]
    for r in df.to_dict(orient="records"):
        auc = (f"{fmt(r['auc'])} ({fmt(r['auc_low'])}-{fmt(r['auc_high'])})"
               if np.isfinite(r.get("auc", np.nan)) else "-")
        out.append(f"  {str(r['group'])[:24]:<24} {r['n']:>6} {r['n_positive']:>5} {auc:>22} "
                   f"{fmt(r.get('brier')):>6} {fmt(r.get('calibration_slope'), 2):>6}")
        if r.get("note"):
            out.append(f"  {'':<24} {r['note']}")
    return out


def esc(x: Any) -> str:
    return html.escape(str(x), quote=True)


def num_html(x: Any, digits: int = 3) -> str:
    """A number for an HTML cell (``&ndash;`` when missing; never ``-0.000``)."""
    if x is None or (isinstance(x, (float, np.floating)) and not np.isfinite(x)):
        return "&ndash;"
    if isinstance(x, (int, np.integer)):
        return f"{int(x):,}"
    return f"{x:.{digits}f}".replace("-0." + "0" * digits, "0." + "0" * digits)


def ci_html(low: Any, high: Any, digits: int = 3) -> str:
    if not (np.isfinite(low) and np.isfinite(high)):
        return "&ndash;"
    return f"{low:.{digits}f} to {high:.{digits}f}"


def metrics_table_html(v: Validation) -> str:
    """The headline metrics (estimate, interval, ideal value, method) as an HTML table."""
    rows = [("ROC AUC", v.auc, "1 (0.5 = chance)"), ("Brier score", v.brier, "0 (lower is better)"),
            ("Calibration intercept", v.calibration_intercept, "0"),
            ("Calibration slope", v.calibration_slope, "1")]
    body = "".join(
        f"<tr><td>{name}</td><td class='num'>{num_html(e.value)}</td>"
        f"<td class='num'>{ci_html(e.low, e.high)}</td><td>{ideal}</td>"
        f"<td class='note'>{esc(e.method) or '&ndash;'}</td></tr>" for name, e, ideal in rows)
    return ("<table><thead><tr><th>metric</th><th>estimate</th>"
            f"<th>{v.auc.level:.0%} interval</th><th>ideal</th><th>method</th></tr></thead>"
            f"<tbody>{body}</tbody></table>")


def group_table_html(v: Validation) -> str:
    """The per-group metrics (with notes for groups too small to assess)."""
    df = v.by_group
    assert df is not None
    has_nb = "net_benefit" in df.columns
    has_note = bool(df["note"].fillna("").astype(str).str.len().gt(0).any())
    head = ("<tr><th>" + esc(v.group_name) + "</th><th>n</th><th>" + esc(v.short_labels[1])
            + "</th><th>AUC (interval)</th><th>Brier</th><th>intercept</th><th>slope</th>"
            + ("<th>net benefit at threshold</th>" if has_nb else "")
            + ("<th>note</th>" if has_note else "") + "</tr>")
    body = []
    for r in df.to_dict(orient="records"):
        auc = (f"{num_html(r['auc'])} ({ci_html(r['auc_low'], r['auc_high'])})"
               if np.isfinite(r.get("auc", np.nan)) else "&ndash;")
        body.append(
            f"<tr><td>{esc(r['group'])}</td><td class='num'>{num_html(r['n'])}</td>"
            f"<td class='num'>{num_html(r['n_positive'])}</td><td class='num'>{auc}</td>"
            f"<td class='num'>{num_html(r.get('brier'))}</td>"
            f"<td class='num'>{num_html(r.get('calibration_intercept'), 2)}</td>"
            f"<td class='num'>{num_html(r.get('calibration_slope'), 2)}</td>"
            + (f"<td class='num'>{num_html(r.get('net_benefit'))}</td>" if has_nb else "")
            + (f"<td class='note'>{esc(r['note'] or '')}</td>" if has_note else "") + "</tr>")
    return f"<table><thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"
