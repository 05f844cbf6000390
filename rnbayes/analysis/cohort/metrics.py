"""Validation metrics for predicted probabilities against binary outcomes.

scikit-learn computes every metric it has (``roc_auc_score``, ``roc_curve``,
``brier_score_loss``, ``calibration_curve``, ``LogisticRegression``). Hand-written here,
each with the reason: the vectorised stratified bootstrap (2,000 resamples through
``roc_auc_score`` cost seconds per cohort; the rank form below costs milliseconds and is
checked against ``roc_auc_score`` resample by resample in the tests), the Murphy
decomposition and the decision curve (not in scikit-learn), the offset-only
calibration intercept (``LogisticRegression`` has no offset term) and Wald standard
errors (``LogisticRegression`` reports none).

scikit-learn and scipy are imported when a metric is first computed, so ``import rnbayes``
does not pay for them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...results.validation import Estimate

#: predictions are clipped to [EPS, 1 - EPS] before taking logit(p)
EPS = 1e-12


# -- discrimination and overall accuracy with a stratified bootstrap ---------------------
def stratified_resamples(n_pos: int, n_neg: int, n_boot: int, seed: int):
    """Yield ``(i_pos, i_neg)``: indices of one resample of the positives (size n_pos, with
    replacement) and of the negatives (size n_neg), ``n_boot`` times, seeded."""
    rng = np.random.default_rng(seed)
    for _ in range(n_boot):
        yield rng.integers(0, n_pos, size=n_pos), rng.integers(0, n_neg, size=n_neg)


def bootstrap_auc_brier(p: np.ndarray, y: np.ndarray, *, n_boot: int, seed: int
                        ) -> tuple[np.ndarray, np.ndarray]:
    """AUC and Brier score in ``n_boot`` resamples stratified by outcome (positives resampled
    among positives, negatives among negatives, so every resample keeps the prevalence).

    The negatives are sorted once and resampled by position, so a resample's AUC is the
    Mann-Whitney count from one cumulative sum: for each drawn positive, the drawn
    negatives scored below it plus half of those tied, over n_pos x n_neg.
    """
    pos, neg = p[y == 1], np.sort(p[y == 0])
    n_pos, n_neg = len(pos), len(neg)
    lo = np.searchsorted(neg, pos, side="left")
    hi = np.searchsorted(neg, pos, side="right")
    sq_pos, sq_neg = (1.0 - pos) ** 2, neg ** 2
    cum = np.zeros(n_neg + 1, dtype=np.int64)
    aucs, briers = np.empty(n_boot), np.empty(n_boot)
    for b, (i_pos, i_neg) in enumerate(stratified_resamples(n_pos, n_neg, n_boot, seed)):
        d = np.bincount(i_neg, minlength=n_neg)
        np.cumsum(d, out=cum[1:])
        below2 = cum[lo[i_pos]] + cum[hi[i_pos]]  # 2 x (below + half tied)
        aucs[b] = below2.sum() / (2.0 * n_pos * n_neg)
        briers[b] = (sq_pos[i_pos].sum() + sq_neg[i_neg].sum()) / len(p)
    return aucs, briers


def percentile_ci(draws: np.ndarray, level: float) -> tuple[float, float]:
    a = (1.0 - level) / 2.0
    lo, hi = np.percentile(draws, [100 * a, 100 * (1 - a)])
    return float(lo), float(hi)


def auc_and_brier(p: np.ndarray, y: np.ndarray, *, n_boot: int, seed: int, level: float
                  ) -> tuple[Estimate, Estimate]:
    """ROC AUC (``roc_auc_score``) and Brier score (``brier_score_loss``) with percentile
    bootstrap intervals (stratified by outcome, seeded)."""
    from sklearn.metrics import brier_score_loss, roc_auc_score  # loaded when first needed

    auc = float(roc_auc_score(y, p))
    brier = float(brier_score_loss(y, p))
    if n_boot <= 0:
        return Estimate(auc, level=level), Estimate(brier, level=level)
    a, b = bootstrap_auc_brier(p, y, n_boot=n_boot, seed=seed)
    method = f"percentile bootstrap, {n_boot} resamples stratified by outcome, seed {seed}"
    return (Estimate(auc, *percentile_ci(a, level), level=level, method=method),
            Estimate(brier, *percentile_ci(b, level), level=level, method=method))


# -- Brier decomposition -----------------------------------------------------------------
def brier_decomposition(p: np.ndarray, y: np.ndarray, bin_ids: np.ndarray) -> dict[str, float]:
    """Murphy (1973) partition of the Brier score over bins.

    ``reliability`` = sum_k n_k (mean p_k - observed_k)^2 / N,
    ``resolution`` = sum_k n_k (observed_k - observed)^2 / N,
    ``uncertainty`` = observed (1 - observed), and ``within_bin`` = Brier - (reliability -
    resolution + uncertainty): the two within-bin terms of Stephenson, Coelho & Jolliffe
    (2008), exactly zero when every bin holds a single predicted value.
    """
    n = len(p)
    counts = np.bincount(bin_ids)
    keep = counts > 0
    mean_p = np.bincount(bin_ids, weights=p)[keep] / counts[keep]
    obs = np.bincount(bin_ids, weights=y.astype(float))[keep] / counts[keep]
    nk = counts[keep]
    base = float(y.mean())
    rel = float(np.sum(nk * (mean_p - obs) ** 2) / n)
    res = float(np.sum(nk * (obs - base) ** 2) / n)
    unc = base * (1.0 - base)
    brier = float(np.mean((p - y) ** 2))
    return {"reliability": rel, "resolution": res, "uncertainty": unc,
            "within_bin": brier - (rel - res + unc)}


# -- calibration -------------------------------------------------------------------------
def calibration_intercept(p: np.ndarray, y: np.ndarray, level: float = 0.95) -> Estimate:
    """Calibration-in-the-large: ``a`` in logit P(y = 1) = a + logit(p), logit(p) an offset.

    ``LogisticRegression`` cannot hold a coefficient fixed at 1 (no offset term), so the
    one-parameter maximum-likelihood equation sum(y - expit(a + logit p)) = 0 is solved
    with ``scipy.optimize.brentq`` (it is monotone in ``a``); Wald interval from the
    observed information sum q(1 - q).
    """
    from scipy.optimize import brentq
    from scipy.special import expit, logit

    off = logit(np.clip(p, EPS, 1 - EPS))

    def score(a: float) -> float:
        return float(np.sum(y - expit(a + off)))

    lo, hi = -50.0, 50.0
    if score(lo) <= 0 or score(hi) >= 0:  # cannot happen with both classes present
        return Estimate(float("nan"), level=level, method="not estimable")
    a = brentq(score, lo, hi, xtol=1e-12)
    q = expit(a + off)
    se = 1.0 / np.sqrt(np.sum(q * (1 - q)))
    z = _z(level)
    return Estimate(float(a), float(a - z * se), float(a + z * se), level=level,
                    method="maximum likelihood with logit(p) as offset; Wald interval")


def _unpenalised_logistic() -> Any:
    """``LogisticRegression`` without a penalty (scikit-learn 1.8 deprecated
    ``penalty=None`` in favour of ``C=np.inf``; older versions need ``penalty=None``)."""
    import sklearn
    from sklearn.linear_model import LogisticRegression

    major, minor = (int(x) for x in sklearn.__version__.split(".")[:2])
    if (major, minor) >= (1, 8):
        return LogisticRegression(C=np.inf, tol=1e-10, max_iter=1000)
    return LogisticRegression(penalty=None, tol=1e-10, max_iter=1000)


def calibration_slope(p: np.ndarray, y: np.ndarray, level: float = 0.95) -> tuple[Estimate, str]:
    """Slope ``b`` of the logistic recalibration logit P(y = 1) = c + b logit(p).

    Fitted with scikit-learn's ``LogisticRegression`` (no penalty); Wald interval from the
    inverse observed information. Returns ``(estimate, note)``; the note says why the slope
    is not estimable when the predictions separate the outcomes or are all equal.
    """
    import warnings

    from scipy.special import expit, logit
    from sklearn.exceptions import ConvergenceWarning

    x = logit(np.clip(p, EPS, 1 - EPS))
    if np.ptp(x) == 0:
        return Estimate(float("nan"), level=level), "every prediction is the same, so no slope"
    if x[y == 0].max() <= x[y == 1].min() or x[y == 1].max() <= x[y == 0].min():
        return (Estimate(float("nan"), level=level),
                "the predictions separate the outcomes completely, so the slope is not finite")
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        try:
            fit = _unpenalised_logistic().fit(x[:, None], y)
        except ConvergenceWarning:
            return Estimate(float("nan"), level=level), "the recalibration fit did not converge"
    b, c = float(fit.coef_[0, 0]), float(fit.intercept_[0])
    q = expit(c + b * x)
    w = q * (1 - q)
    info = np.array([[w.sum(), (w * x).sum()], [(w * x).sum(), (w * x * x).sum()]])
    se = float(np.sqrt(np.linalg.inv(info)[1, 1]))
    z = _z(level)
    return (Estimate(b, b - z * se, b + z * se, level=level,
                     method="logistic recalibration on logit(p) (scikit-learn, no penalty); "
                            "Wald interval"), "")


def _z(level: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + level / 2.0))


def calibration_table(p: np.ndarray, y: np.ndarray, *, n_bins: int, strategy: str,
                      level: float = 0.95) -> tuple[pd.DataFrame, np.ndarray]:
    """Calibration curve with counts, and the bin of every prediction.

    ``strategy`` ``"uniform"`` or ``"quantile"``: scikit-learn's ``calibration_curve``
    gives mean predicted and observed fraction per non-empty bin; the counts come from
    the same bin edges. ``"distinct"``: one bin per distinct predicted value (the Murphy
    identity then holds exactly). ``observed_low`` / ``observed_high``: Wilson interval of
    the observed fraction (``scipy.stats.binomtest``).
    """
    from scipy.stats import binomtest
    from sklearn.calibration import calibration_curve

    if strategy == "distinct":
        values, bin_ids = np.unique(p, return_inverse=True)
        edges_lo, edges_hi = values, values
    else:
        prob_true, prob_pred = calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
        edges = (np.linspace(0.0, 1.0, n_bins + 1) if strategy == "uniform"
                 else np.percentile(p, np.linspace(0, 100, n_bins + 1)))
        bin_ids = np.searchsorted(edges[1:-1], p)  # the rule calibration_curve uses
        edges_lo, edges_hi = edges[:-1], edges[1:]
    counts = np.bincount(bin_ids, minlength=len(edges_lo))
    keep = np.flatnonzero(counts > 0)
    n_pos = np.bincount(bin_ids, weights=y.astype(float), minlength=len(edges_lo))[keep]
    mean_p = np.bincount(bin_ids, weights=p, minlength=len(edges_lo))[keep] / counts[keep]
    observed = n_pos / counts[keep]
    if strategy != "distinct" and not (np.allclose(mean_p, prob_pred, rtol=0, atol=1e-12)
                                       and np.allclose(observed, prob_true, rtol=0, atol=1e-12)):
        raise RuntimeError("scikit-learn's calibration_curve binning no longer matches the counts "
                           "computed here; rnbayes needs updating for this scikit-learn version")
    cis = [binomtest(int(k), int(m)).proportion_ci(confidence_level=level, method="wilson")
           for k, m in zip(n_pos, counts[keep])]
    table = pd.DataFrame({
        "bin": [f"{a:.3g}" if a == b else f"{a:.3g}-{b:.3g}"
                for a, b in zip(edges_lo[keep], edges_hi[keep])],
        "bin_low": edges_lo[keep], "bin_high": edges_hi[keep],
        "mean_predicted": mean_p, "observed_fraction": observed,
        "observed_low": [c.low for c in cis], "observed_high": [c.high for c in cis],
        "count": counts[keep].astype(int), "n_positive": n_pos.astype(int),
    })
    return table, bin_ids


# -- decision curve --------------------------------------------------------------------
def net_benefit(p: np.ndarray, y: np.ndarray, thresholds: np.ndarray) -> pd.DataFrame:
    """Net benefit of acting (treating as positive) when p >= t, of acting on everyone,
    and of acting on no one, at each threshold t (Vickers & Elkin 2006):
    NB = TP/n - FP/n * t / (1 - t)."""
    t = np.asarray(thresholds, dtype=float)
    n = len(p)
    pos_sorted, neg_sorted = np.sort(p[y == 1]), np.sort(p[y == 0])
    tp = len(pos_sorted) - np.searchsorted(pos_sorted, t, side="left")
    fp = len(neg_sorted) - np.searchsorted(neg_sorted, t, side="left")
    odds = t / (1.0 - t)
    prev = len(pos_sorted) / n
    return pd.DataFrame({"threshold": t, "model": tp / n - fp / n * odds,
                         "treat_all": prev - (1.0 - prev) * odds, "treat_none": np.zeros_like(t)})
