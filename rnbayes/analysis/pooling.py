"""Pooled prior records re-derived from their study-level inputs (``priors/pooling.yaml``).

:func:`pool_all` redoes, for every pool of a :class:`~rnbayes.spec.pooling.PoolingDocument`,
the arithmetic its record's derivation describes (the methods are listed in
:mod:`rnbayes.spec.pooling`); :func:`record_targets` sets the result beside the numbers
written in the record, so a test can check one against the other.

DerSimonian-Laird is written out here (a dozen lines) because neither numpy nor scipy
ships it and the point is to show the arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..spec.distributions import Z95
from ..spec.pooling import Pool, ProportionStudy, RatioStudy, load_pooling
from ..spec.records import Record


@dataclass(frozen=True)
class Pooled:
    """A pooled estimate: ``point`` with a 95% interval, on the natural scale.

    ``sigma`` is the standard error on the pooling scale (logit for a proportion, log for
    a ratio); ``tau2`` the between-study variance.
    """

    record: str
    point: float
    low: float
    high: float
    sigma: float
    tau2: float = 0.0
    details: Mapping[str, Any] = field(default_factory=dict)


def dersimonian_laird(y: np.ndarray, v: np.ndarray) -> dict[str, float]:
    """DerSimonian-Laird random-effects mean of estimates ``y`` with variances ``v``.

    Examples
    --------
    >>> r = dersimonian_laird(np.array([0.0, 1.0]), np.array([0.1, 0.1]))
    >>> round(r["mu"], 6), round(r["tau2"], 6)
    (0.5, 0.4)
    """
    y, v = np.asarray(y, float), np.asarray(v, float)
    w = 1.0 / v
    ybar = float((w * y).sum() / w.sum())
    q = float((w * (y - ybar) ** 2).sum())
    df = len(y) - 1
    c = float(w.sum() - (w ** 2).sum() / w.sum())
    tau2 = max(0.0, (q - df) / c) if df > 0 and c > 0 else 0.0
    ws = 1.0 / (v + tau2)
    mu = float((ws * y).sum() / ws.sum())
    return {"mu": mu, "se": math.sqrt(1.0 / ws.sum()), "tau2": tau2, "q": q,
            "i2": max(0.0, (q - df) / q) if q > 0 else 0.0}


def logit_cell(events: float, total: float) -> tuple[float, float]:
    """Logit of a proportion and its variance, 0.5 added to each cell.

    Examples
    --------
    >>> y, v = logit_cell(53, 100)
    >>> round(y, 6), round(v, 6)
    (0.118952, 0.039744)
    """
    a, b = events + 0.5, total - events + 0.5
    return math.log(a / b), 1.0 / a + 1.0 / b


def log_ratio(study: RatioStudy, measure: str) -> tuple[float, float]:
    """Log ratio and its variance: from the estimate and its interval or ``se_log``, or
    from the 2x2 table (an odds ratio or a risk ratio, 0.5 added to each cell)."""
    if study.exposed is not None and study.unexposed is not None:
        de = study.design_effect
        a, n1 = (x / de for x in study.exposed)
        c, n0 = (x / de for x in study.unexposed)
        if measure == "or":
            ya, va = logit_cell(a, n1)
            yc, vc = logit_cell(c, n0)
            return ya - yc, va + vc
        y = math.log((a + 0.5) / (n1 + 1.0)) - math.log((c + 0.5) / (n0 + 1.0))
        return y, 1 / (a + 0.5) - 1 / (n1 + 1.0) + 1 / (c + 0.5) - 1 / (n0 + 1.0)
    assert study.estimate is not None
    y = math.log(study.estimate)
    if study.ci95 is not None:
        lo, hi = study.ci95
        return y, ((math.log(hi) - math.log(lo)) / (2 * Z95)) ** 2
    assert study.se_log is not None
    return y, study.se_log ** 2


def _expit(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _ratio_result(name: str, mu: float, se: float, tau2: float = 0.0, **details: Any) -> Pooled:
    return Pooled(name, math.exp(mu), math.exp(mu - Z95 * se), math.exp(mu + Z95 * se), se, tau2,
                  details)


def _proportion_re(pool: Pool, done: Mapping[str, Pooled]) -> Pooled:
    studies = [s for s in pool.studies if isinstance(s, ProportionStudy)]
    yv = np.array([logit_cell(s.events, s.total) for s in studies])
    tau2 = dersimonian_laird(yv[:, 0], yv[:, 1])["tau2"]
    loc = [i for i, s in enumerate(studies) if s.design in pool.location]
    w = 1.0 / (yv[loc, 1] + tau2)
    mu = float((w * yv[loc, 0]).sum() / w.sum())
    se = math.sqrt(1.0 / w.sum())
    return Pooled(pool.record, _expit(mu), _expit(mu - Z95 * se), _expit(mu + Z95 * se), se, tau2,
                  {"logit_mu": mu, "n_location": len(loc), "n_studies": len(studies)})


def _effect_re(pool: Pool, done: Mapping[str, Pooled]) -> Pooled:
    yv = np.array([log_ratio(s, pool.measure) for s in pool.studies if isinstance(s, RatioStudy)])
    r = dersimonian_laird(yv[:, 0], yv[:, 1])
    mu = -r["mu"] if pool.transform == "reciprocal" else r["mu"]
    return _ratio_result(pool.record, mu, r["se"], r["tau2"], q=r["q"])


def _log_mean_sd(pool: Pool, done: Mapping[str, Pooled]) -> Pooled:
    y = np.log([s.estimate for s in pool.studies if isinstance(s, RatioStudy)])
    return _ratio_result(pool.record, float(y.mean()), float(y.std(ddof=1)))


def _two_by_two(pool: Pool, done: Mapping[str, Pooled]) -> Pooled:
    y, v = log_ratio(pool.study, pool.measure)
    if pool.transform == "reciprocal":
        y = -y
    tau2 = done[pool.add_tau2_from].tau2 if pool.add_tau2_from else 0.0
    return _ratio_result(pool.record, y, math.sqrt(v + tau2), tau2)


def _odds_chain(pool: Pool, done: Mapping[str, Pooled]) -> Pooled:
    assert pool.numerator and pool.reference and pool.stratum and pool.overall
    num, nv = logit_cell(*pool.numerator)
    ref_pool = done[pool.reference]
    ys, vs = logit_cell(*pool.stratum)
    ya, va = logit_cell(*pool.overall)
    ref = ref_pool.details["logit_mu"] + ys - ya
    # the stratum is part of the overall group, so the two are positively correlated;
    # adding their variances overstates the spread (the conservative side)
    var = nv + ref_pool.sigma ** 2 + vs + va
    return _ratio_result(pool.record, num - ref, math.sqrt(var), reference_logit=ref)


METHODS: dict[str, Callable[[Pool, Mapping[str, Pooled]], Pooled]] = {
    "proportion_re": _proportion_re, "effect_re": _effect_re, "log_mean_sd": _log_mean_sd,
    "two_by_two": _two_by_two, "odds_chain": _odds_chain}


def pool_all(pools: Mapping[str, Pool]) -> dict[str, Pooled]:
    """Every pool, in order (later ones may use earlier ones' results).

    Examples
    --------
    >>> pooled = pool_all(load_pooling().pools)
    >>> p = pooled["p_ttp_enlarging_lesion"]
    >>> print(f"{p.point:.3f} ({p.low:.3f}-{p.high:.3f})")
    0.562 (0.398-0.713)
    """
    out: dict[str, Pooled] = {}
    for name, pool in pools.items():
        out[name] = METHODS[pool.method](pool, out)
    return out


def load_pools(path: str | Path | None = None) -> dict[str, Pooled]:
    """Pool every entry of a pooling document (default: the bundled ``pooling.yaml``)."""
    return pool_all(load_pooling(path).pools)


def record_targets(pooled: Pooled, record: Record) -> dict[str, tuple[float, float]]:
    """``{quantity: (from the pool, as written in the record)}`` for a record's numbers:
    its mean (beta) or median (log-normal), and its ci95 or sigma where written."""
    pool_values = {"mean": pooled.point, "median": pooled.point, "ci95_low": pooled.low,
                   "ci95_high": pooled.high, "sigma": pooled.sigma}
    return {k: (pool_values[k], v) for k, v in record.figures().items()}
