"""The result of validating predictions against outcomes: numbers, tables, text, HTML.

Tables are returned as copies, so a user editing one cannot change the result.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._project import NOTICE, jsonable
from .metrics import Estimate

_SHORT = {"tumour_progression": "TTP", "radiation_necrosis": "RN"}


def short_label(label: str) -> str:
    """``"TTP"`` / ``"RN"`` for the two diagnosis states, the label itself otherwise."""
    return _SHORT.get(label, label)


@dataclass(frozen=True, repr=False, eq=False)
class Validation:
    """Discrimination, accuracy, calibration and decision curve of predicted P(TTP).

    Attributes
    ----------
    n, n_positive : int
        Lesions, and lesions with the positive outcome (``labels[1]``).
    auc, brier : Estimate
        ROC AUC and Brier score with stratified percentile-bootstrap intervals.
    brier_decomposition : dict
        ``reliability``, ``resolution``, ``uncertainty``, ``within_bin`` and ``binning``
        (Brier = reliability - resolution + uncertainty + within_bin).
    calibration : pandas.DataFrame
        Per bin: ``bin``, ``bin_low``, ``bin_high``, ``mean_predicted``,
        ``observed_fraction``, ``count``, ``n_positive``.
    calibration_intercept, calibration_slope : Estimate
        Calibration-in-the-large (ideal 0) and logistic recalibration slope (ideal 1).
    net_benefit : pandas.DataFrame
        Decision curve: ``threshold``, ``model``, ``treat_all``, ``treat_none``.
    by_group : pandas.DataFrame or None
        The metrics per group, with ``note`` saying why a small group has none.
    """

    n: int
    n_positive: int
    labels: tuple[str, ...]
    auc: Estimate
    brier: Estimate
    brier_decomposition: dict[str, Any]
    _calibration: pd.DataFrame = field(repr=False)
    calibration_intercept: Estimate
    calibration_slope: Estimate
    _net_benefit: pd.DataFrame = field(repr=False)
    threshold: float | None
    threshold_label: str
    net_benefit_at_threshold: dict[str, float] | None
    _by_group: pd.DataFrame | None = field(repr=False)
    group_name: str
    _roc: pd.DataFrame = field(repr=False)
    _histogram: pd.DataFrame = field(repr=False)
    notes: tuple[str, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, str] = field(default_factory=dict)

    def __init__(self, *, calibration: pd.DataFrame, net_benefit: pd.DataFrame,
                 by_group: pd.DataFrame | None, roc: pd.DataFrame, histogram: pd.DataFrame,
                 **fields: Any) -> None:
        tables = {"_calibration": calibration, "_net_benefit": net_benefit, "_by_group": by_group,
                  "_roc": roc, "_histogram": histogram}
        for k, v in {**fields, **tables}.items():
            object.__setattr__(self, k, v.copy() if isinstance(v, pd.DataFrame) else v)

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

    # -- views -----------------------------------------------------------------------
    def metrics(self) -> dict[str, Estimate]:
        return {"auc": self.auc, "brier": self.brier,
                "calibration_intercept": self.calibration_intercept,
                "calibration_slope": self.calibration_slope}

    def to_frame(self) -> pd.DataFrame:
        """Tidy metrics: one row per (group, metric) with ``value``, ``low``, ``high``;
        group ``"all"`` is the whole cohort."""
        rows = [{"group": "all", "metric": k, "value": e.value, "low": e.low, "high": e.high}
                for k, e in self.metrics().items()]
        if self._by_group is not None:
            for r in self._by_group.to_dict(orient="records"):
                for k in ("auc", "brier", "calibration_intercept", "calibration_slope"):
                    rows.append({"group": r["group"], "metric": k, "value": r.get(k, np.nan),
                                 "low": r.get(f"{k}_low", np.nan),
                                 "high": r.get(f"{k}_high", np.nan)})
        return pd.DataFrame(rows, columns=["group", "metric", "value", "low", "high"])

    def to_dict(self) -> dict[str, Any]:
        """Everything as JSON-safe data (NaN and infinity become None)."""
        def recs(df: pd.DataFrame | None) -> Any:
            return None if df is None else [jsonable(r) for r in df.to_dict(orient="records")]

        return jsonable({
            "n": self.n, "n_positive": self.n_positive, "prevalence": self.prevalence,
            "labels": list(self.labels),
            **{k: e.to_dict() for k, e in self.metrics().items()},
            "brier_decomposition": dict(self.brier_decomposition),
            "calibration": recs(self._calibration), "net_benefit": recs(self._net_benefit),
            "threshold": self.threshold, "threshold_label": self.threshold_label,
            "net_benefit_at_threshold": self.net_benefit_at_threshold,
            "useful_range": self.useful_range(),
            "by_group": recs(self._by_group), "group_name": self.group_name,
            "notes": list(self.notes), "settings": dict(self.settings),
            "provenance": dict(self.provenance), "notice": NOTICE,
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
            f"  ({self.auc.method}; intercept and slope: Wald intervals)",
        ]
        lines += ["", "Calibration (observed fraction vs mean predicted, per bin):"]
        lines += [f"  {r.bin:>12}  predicted {r.mean_predicted:.3f}  observed "
                  f"{r.observed_fraction:.3f}  n = {r.count}"
                  for r in self._calibration.itertuples()]
        lines += ["", *self._decision_lines()]
        if self._by_group is not None:
            lines += ["", f"By {self.group_name}:", *_group_lines(self._by_group)]
        if self.notes:
            lines += ["", *(f"Note: {n}" for n in self.notes)]
        lines += ["", NOTICE]
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

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return (f"Validation(n={self.n}, auc={self.auc.value:.4f}, brier={self.brier.value:.4f}, "
                f"calibration_slope={self.calibration_slope.value:.3f})")

    def _repr_html_(self) -> str:
        from .report import group_table_html, metrics_table_html

        neg, pos = self.short_labels
        esc = html.escape
        head = (f"<p><b>Validation of predicted P({esc(pos)})</b> against {self.n:,} lesions "
                f"({self.n_positive:,} {esc(pos)}, {self.n - self.n_positive:,} {esc(neg)}).</p>")
        groups = ("" if self._by_group is None else
                  f"<p><b>By {esc(self.group_name)}</b></p>" + group_table_html(self))
        return (f"<div class='rnbayes-validation'>{head}{metrics_table_html(self)}{groups}"
                f"<p><small>{esc(NOTICE)}</small></p></div>")


def _fmt(x: Any, digits: int = 3) -> str:
    return "-" if x is None or (isinstance(x, float) and not np.isfinite(x)) else f"{x:.{digits}f}"


def _group_lines(df: pd.DataFrame) -> list[str]:
    out = [f"  {'group':<24} {'n':>6} {'pos':>5} {'AUC (CI)':>22} {'Brier':>6} {'slope':>6}"]
    for r in df.to_dict(orient="records"):
        auc = (f"{_fmt(r['auc'])} ({_fmt(r['auc_low'])}-{_fmt(r['auc_high'])})"
               if np.isfinite(r.get("auc", np.nan)) else "-")
        out.append(f"  {str(r['group'])[:24]:<24} {r['n']:>6} {r['n_positive']:>5} {auc:>22} "
                   f"{_fmt(r.get('brier')):>6} {_fmt(r.get('calibration_slope'), 2):>6}")
        if r.get("note"):
            out.append(f"  {'':<24} {r['note']}")
    return out
