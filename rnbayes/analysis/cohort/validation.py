"""Validate predicted P(TTP) against known outcomes: one function, one result object.

:func:`validate_predictions` takes plain arrays (predicted probabilities and outcomes,
optionally a group per lesion) and returns a :class:`~rnbayes.results.validation.Validation`
holding every number the plots and the report need, so neither computes anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ...errors import CohortError
from ...results.base import Provenance
from ...results.validation import Validation
from . import metrics as M
from .inputs import DEFAULT_LABELS, check_predictions

#: thresholds of the decision curve
THRESHOLDS = np.round(np.arange(1, 100) / 100.0, 2)
#: bins of the prediction histogram under the calibration plot
HIST_BINS = 50
STRATEGIES = ("uniform", "quantile", "distinct")


def validate_predictions(
    p: Any,
    y: Any,
    *,
    groups: Any = None,
    threshold: float | None = None,
    n_boot: int = 2000,
    seed: int = 0,
    labels: Sequence[str] = DEFAULT_LABELS,
    n_bins: int = 10,
    strategy: str = "uniform",
    level: float = 0.95,
    min_group_size: int = 30,
    min_group_events: int = 5,
    group_name: str = "group",
    threshold_label: str = "",
    provenance: Provenance | None = None,
) -> Validation:
    """Discrimination, accuracy, calibration and decision curve of predicted P(TTP).

    Parameters
    ----------
    p : array-like of float
        Predicted probability of the positive outcome (tumour progression), in [0, 1].
    y : array-like
        True outcome per lesion: ``labels[1]`` / 1 (tumour_progression) or ``labels[0]`` /
        0 (radiation_necrosis).
    groups : array-like, optional
        A group per lesion (e.g. the imaging available); the metrics are repeated per
        group. Categorical order is kept; missing values form "(not recorded)".
    threshold : float, optional
        Decision threshold on P(TTP) (e.g. where the utilities switch to treating as
        progression); marked on the decision curve and reported.
    n_boot, seed, level : int, int, float
        Stratified percentile bootstrap for the AUC and Brier intervals.
    labels : (str, str)
        Names of the negative and positive outcomes.
    n_bins, strategy : int, str
        Bins of the calibration table and of the Brier decomposition: ``"uniform"``
        (equal width), ``"quantile"`` (equal counts) or ``"distinct"`` (one bin per
        distinct predicted value; ``n_bins`` ignored).
    min_group_size, min_group_events : int
        A group with fewer lesions, or fewer of either outcome, is listed with its counts
        and a note but no metrics.
    group_name, threshold_label : str
        Words for the report ("imaging available", "surveillance -> treat_as_progression").
    provenance : Provenance, optional
        The model that made the predictions (default: none named).

    Returns
    -------
    Validation

    Raises
    ------
    CohortError
        Empty input, lengths differing, p outside [0, 1] or missing, outcomes other than
        the two labels, a single outcome class, or a bad setting (one line each).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> p = rng.uniform(0, 1, 400)
    >>> y = (rng.uniform(0, 1, 400) < p).astype(int)     # outcomes drawn from p: calibrated
    >>> v = validate_predictions(p, y, n_boot=200, threshold=0.65)
    >>> 0.7 < v.auc.value < 0.9 and v.auc.low < v.auc.value < v.auc.high
    True
    >>> 0.7 < v.calibration_slope.value < 1.3
    True
    >>> list(v.calibration.columns[:5])
    ['bin', 'bin_low', 'bin_high', 'mean_predicted', 'observed_fraction']
    """
    settings = _check_settings(n_boot=n_boot, seed=seed, n_bins=n_bins, strategy=strategy,
                               level=level, threshold=threshold, min_group_size=min_group_size,
                               min_group_events=min_group_events)
    data = check_predictions(p, y, labels=labels, groups=groups)
    pp, yy = data.p, data.y
    overall = _core(pp, yy, settings, seed=seed)
    calib, bin_ids = M.calibration_table(pp, yy, n_bins=n_bins, strategy=strategy, level=level)
    decomp = M.brier_decomposition(pp, yy, bin_ids)
    decomp["binning"] = _binning_words(strategy, n_bins, len(calib))
    from sklearn.metrics import roc_curve  # scikit-learn loads slowly: only when used

    fpr, tpr, thr = roc_curve(yy, pp)
    edges = np.linspace(0.0, 1.0, HIST_BINS + 1)
    hist = pd.DataFrame({
        "bin_low": edges[:-1], "bin_high": edges[1:],
        "n_positive": np.histogram(pp[yy == 1], bins=edges)[0],
        "n_negative": np.histogram(pp[yy == 0], bins=edges)[0],
    })
    nb_at = None
    if threshold is not None:
        nb_at = M.net_benefit(pp, yy, np.array([threshold])).iloc[0].to_dict()
    by_group = None
    if data.groups is not None:
        by_group = _by_group(pp, yy, data.groups, data.group_order, settings, seed)
    notes = tuple(n for n in [overall["note"]] if n)
    return Validation(
        n=len(pp), n_positive=int(yy.sum()), labels=(str(labels[0]), str(labels[1])),
        auc=overall["auc"], brier=overall["brier"], brier_decomposition=decomp,
        calibration_intercept=overall["intercept"], calibration_slope=overall["slope"],
        threshold=threshold, threshold_label=threshold_label, net_benefit_at_threshold=nb_at,
        group_name=group_name, notes=notes, settings={**settings, **_versions()},
        provenance=provenance or Provenance.of("", "", seed=seed),
        _calibration=calib, _net_benefit=M.net_benefit(pp, yy, THRESHOLDS), _by_group=by_group,
        _roc=pd.DataFrame({"fpr": fpr, "tpr": tpr, "threshold": thr}), _histogram=hist,
    )


def _versions() -> dict[str, str]:
    """Versions of the libraries behind the metrics (rnbayes' own are in the provenance)."""
    import scipy
    import sklearn

    return {"scikit_learn_version": sklearn.__version__, "scipy_version": scipy.__version__}


def _check_settings(**s: Any) -> dict[str, Any]:
    def integer(name: str, low: int) -> None:
        v = s[name]
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < low:
            raise CohortError(f"{name} must be an integer >= {low}; got {v!r}")

    integer("n_boot", 0)
    integer("seed", 0)
    integer("n_bins", 2)
    integer("min_group_size", 2)
    integer("min_group_events", 1)
    if s["strategy"] not in STRATEGIES:
        raise CohortError(f"strategy must be one of {list(STRATEGIES)}; got {s['strategy']!r}")
    lv = s["level"]
    if isinstance(lv, bool) or not isinstance(lv, (int, float)) or not 0 < lv < 1:
        raise CohortError(f"level must be a number between 0 and 1 (e.g. 0.95); got {lv!r}")
    t = s["threshold"]
    if t is not None and (isinstance(t, bool) or not isinstance(t, (int, float, np.floating))
                          or not 0 < float(t) < 1):
        raise CohortError(f"threshold must be a probability strictly between 0 and 1, or None; "
                          f"got {t!r}")
    return {k: (float(v) if k in ("level", "threshold") and v is not None else v) for k, v in s.items()}


def _binning_words(strategy: str, n_bins: int, used: int) -> str:
    if strategy == "distinct":
        return f"one bin per distinct predicted value ({used} bins); within-bin term is zero"
    kind = "equal-width" if strategy == "uniform" else "equal-count (quantile)"
    return f"{n_bins} {kind} bins of predicted P ({used} non-empty), the calibration table's bins"


def _core(p: np.ndarray, y: np.ndarray, settings: dict[str, Any], *, seed: int) -> dict[str, Any]:
    auc, brier = M.auc_and_brier(p, y, n_boot=settings["n_boot"], seed=seed, level=settings["level"])
    intercept = M.calibration_intercept(p, y, level=settings["level"])
    slope, note = M.calibration_slope(p, y, level=settings["level"])
    return {"auc": auc, "brier": brier, "intercept": intercept, "slope": slope, "note": note}


def _by_group(p: np.ndarray, y: np.ndarray, groups: np.ndarray, order: Sequence[str],
              settings: dict[str, Any], seed: int) -> pd.DataFrame:
    rows = []
    seeds = np.random.SeedSequence(seed).generate_state(max(len(order), 1))
    for k, g in enumerate(order):
        sel = groups == g
        n, n_pos = int(sel.sum()), int(y[sel].sum())
        row: dict[str, Any] = {"group": g, "n": n, "n_positive": n_pos,
                               "prevalence": n_pos / n if n else float("nan")}
        note = _too_small(n, n_pos, settings)
        if not note:
            m = _core(p[sel], y[sel], settings, seed=int(seeds[k]))
            row.update({"auc": m["auc"].value, "auc_low": m["auc"].low, "auc_high": m["auc"].high,
                        "brier": m["brier"].value, "brier_low": m["brier"].low,
                        "brier_high": m["brier"].high,
                        "calibration_intercept": m["intercept"].value,
                        "calibration_intercept_low": m["intercept"].low,
                        "calibration_intercept_high": m["intercept"].high,
                        "calibration_slope": m["slope"].value,
                        "calibration_slope_low": m["slope"].low,
                        "calibration_slope_high": m["slope"].high})
            note = m["note"]
            if settings["threshold"] is not None:
                row["net_benefit"] = float(M.net_benefit(p[sel], y[sel],
                                                         np.array([settings["threshold"]]))["model"][0])
        row["note"] = note
        rows.append(row)
    cols = ["group", "n", "n_positive", "prevalence", "auc", "auc_low", "auc_high", "brier",
            "brier_low", "brier_high", "calibration_intercept", "calibration_intercept_low",
            "calibration_intercept_high", "calibration_slope", "calibration_slope_low",
            "calibration_slope_high"]
    if settings["threshold"] is not None:
        cols.append("net_benefit")
    return pd.DataFrame(rows).reindex(columns=[*cols, "note"])


def _too_small(n: int, n_pos: int, s: dict[str, Any]) -> str:
    need = (f"metrics need at least {s['min_group_size']} lesions with at least "
            f"{s['min_group_events']} of each outcome")
    if n == 0:
        return "no lesions in this group"
    if n_pos == 0 or n_pos == n:
        return f"only one outcome in this group (n = {n}), so AUC and calibration are undefined"
    if n < s["min_group_size"]:
        return f"too few lesions (n = {n}); {need}"
    if min(n_pos, n - n_pos) < s["min_group_events"]:
        return f"too few of one outcome ({n_pos} positive, {n - n_pos} negative); {need}"
    return ""
