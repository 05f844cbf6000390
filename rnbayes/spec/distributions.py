"""How a published figure becomes a distribution: the conversions, as small tested functions.

Forms (the JSON Schema of ``records.json`` admits exactly one per record):

``beta``       ``counts: [k, n]`` -> Jeffreys Beta(k + 1/2, n - k + 1/2);
               ``mean`` + ``ci95`` -> moments, sd = CI width / 3.92;
               ``mean`` + ``n_eff`` -> Beta(m n, (1 - m) n).
``dirichlet``  ``counts: {state: c}`` -> Dirichlet(c + 1/2);
               ``mean: {state: p}`` + ``n_eff`` -> Dirichlet(p n).
``lognormal``  odds ratios: ``median`` + ``ci95``, or ``median`` + ``sigma`` (log scale).
               Each side of the median keeps its own log-scale spread (a two-piece
               log-normal), so the stated 2.5% and 97.5% points are honoured exactly: an
               interval that is not symmetric about the median on the log scale (e.g. the
               reciprocal of a published hazard-ratio interval) is not symmetrised.

The point value that feeds the tables is the mean (Beta, Dirichlet) or the median
(log-normal); the spread feeds the uncertainty analysis.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

#: width of a 95% normal interval in standard deviations (2 x 1.96, as sources round it)
CI95_WIDTH_SD = 3.92
#: Jeffreys prior pseudo-count added to every count
JEFFREYS = 0.5
#: a Dirichlet mean may sum to 1 within this (figures are quoted to a few decimals)
MEAN_SUM_TOL = 1e-6
#: the 97.5% point of the standard normal (a log-normal's interval is placed at it exactly)
Z95 = 1.959963984540054

Fail = Callable[[str, str, Any], Exception]


def beta_from_counts(k: float, n: float) -> dict[str, float]:
    """Jeffreys posterior of ``k`` events in ``n``.

    Examples
    --------
    >>> beta_from_counts(18, 21)
    {'a': 18.5, 'b': 3.5}
    """
    return {"a": k + JEFFREYS, "b": n - k + JEFFREYS}


def beta_from_ci(mean: float, low: float, high: float) -> dict[str, float]:
    """The Beta with this mean whose sd is the 95% interval's width / 3.92 (moments).

    Examples
    --------
    >>> p = beta_from_ci(0.5, 0.4, 0.6)
    >>> round(p["a"] / (p["a"] + p["b"]), 12), round(p["a"] + p["b"], 3)
    (0.5, 95.04)
    """
    sd = (high - low) / CI95_WIDTH_SD
    nu = mean * (1 - mean) / sd**2 - 1
    return {"a": mean * nu, "b": (1 - mean) * nu}


def beta_from_n_eff(mean: float, n_eff: float) -> dict[str, float]:
    """Beta(m n, (1 - m) n): a mean worth ``n_eff`` observations."""
    return {"a": mean * n_eff, "b": (1 - mean) * n_eff}


def dirichlet_from_counts(counts: Mapping[str, float]) -> tuple[tuple[str, ...], list[float]]:
    """States and Jeffreys concentrations ``c + 1/2``."""
    return tuple(str(s) for s in counts), [float(v) + JEFFREYS for v in counts.values()]


def dirichlet_from_mean(mean: Mapping[str, float], n_eff: float
                        ) -> tuple[tuple[str, ...], list[float]]:
    """States and concentrations ``p n``."""
    return tuple(str(s) for s in mean), [float(v) * n_eff for v in mean.values()]


def lognormal_from_ci(median: float, low: float, high: float) -> dict[str, float]:
    """Two-piece log-normal odds ratio with this median and 95% interval.

    ``sigma_lo`` and ``sigma_hi`` are the log-scale spreads below and above the median,
    each putting its end of the interval at the 2.5% or 97.5% point; a symmetric interval
    gives equal sigmas (the ordinary log-normal).

    Examples
    --------
    >>> p = lognormal_from_ci(1.0, math.exp(-Z95), math.exp(2 * Z95))
    >>> round(p["mu"], 12), round(p["sigma_lo"], 12), round(p["sigma_hi"], 12)
    (0.0, 1.0, 2.0)
    """
    mu = math.log(median)
    return {"mu": mu, "sigma_lo": (mu - math.log(low)) / Z95,
            "sigma_hi": (math.log(high) - mu) / Z95}


def lognormal_from_sigma(median: float, sigma: float) -> dict[str, float]:
    """Log-normal odds ratio with this median and log-scale ``sigma`` on both sides."""
    return {"mu": math.log(median), "sigma_lo": sigma, "sigma_hi": sigma}


def parse_distribution(d: Mapping[str, Any], fail: Fail
                       ) -> tuple[str, dict[str, Any], tuple[str, ...] | None]:
    """``(family, params, states)`` of a schema-valid distribution block.

    ``fail(sub_path, message, value)`` builds the error for an inconsistent block (a mean
    outside its own interval, more events than the total, ...): the JSON Schema checked
    the form already, these are the consistency checks it cannot express.
    """
    family = d["family"]
    if family == "beta":
        return family, _beta(d, fail), None
    if family == "lognormal":
        return family, _lognormal(d, fail), None
    states, alpha = _dirichlet(d, fail)
    return family, {"alpha": alpha}, states


def _beta(d: Mapping[str, Any], fail: Fail) -> dict[str, float]:
    if "counts" in d:
        k, n = (float(x) for x in d["counts"])
        if k > n:
            raise fail("counts", f"events {k:g} exceed total {n:g}", list(d["counts"]))
        return beta_from_counts(k, n)
    m = float(d["mean"])
    if "n_eff" in d:
        return beta_from_n_eff(m, float(d["n_eff"]))
    lo, hi = _pair(d["ci95"])
    if not lo <= m <= hi:
        raise fail("ci95", f"mean {m} lies outside the interval {list(d['ci95'])!r}",
                   list(d["ci95"]))
    params = beta_from_ci(m, lo, hi)
    if params["a"] <= 0 or params["b"] <= 0:
        raise fail("ci95", f"interval {list(d['ci95'])!r} is too wide for a Beta with mean {m}",
                   list(d["ci95"]))
    return params


def _dirichlet(d: Mapping[str, Any], fail: Fail) -> tuple[tuple[str, ...], list[float]]:
    if "counts" in d:
        return dirichlet_from_counts(d["counts"])
    mean = d["mean"]
    total = sum(float(v) for v in mean.values())
    if abs(total - 1) > MEAN_SUM_TOL:
        raise fail("mean", f"probabilities sum to {total:.6g}, expected 1", dict(mean))
    return dirichlet_from_mean(mean, float(d["n_eff"]))


def _lognormal(d: Mapping[str, Any], fail: Fail) -> dict[str, float]:
    med = float(d["median"])
    if "sigma" in d:
        return lognormal_from_sigma(med, float(d["sigma"]))
    lo, hi = _pair(d["ci95"])
    if not lo < med < hi:
        raise fail("ci95", f"median {med} must lie inside {list(d['ci95'])!r}", list(d["ci95"]))
    return lognormal_from_ci(med, lo, hi)


def _pair(values: Sequence[Any]) -> tuple[float, float]:
    lo, hi = values
    return float(lo), float(hi)
