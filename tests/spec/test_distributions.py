"""Published figures become the distributions their sources imply."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from rnbayes.spec.distributions import (
    Z95,
    beta_from_ci,
    beta_from_counts,
    beta_from_n_eff,
    dirichlet_from_counts,
    dirichlet_from_mean,
    lognormal_from_ci,
    lognormal_from_sigma,
)


def test_counts_give_the_jeffreys_posterior():
    assert beta_from_counts(18, 21) == {"a": 18.5, "b": 3.5}
    assert dirichlet_from_counts({"x": 2, "y": 0}) == (("x", "y"), [2.5, 0.5])


@settings(max_examples=50, deadline=None)
@given(st.floats(0.05, 0.95), st.floats(0.005, 0.04))
def test_beta_from_ci_has_the_mean_and_the_interval_width(m, half):
    lo, hi = max(1e-3, m - half), min(1 - 1e-3, m + half)
    p = beta_from_ci(m, lo, hi)
    a, b = p["a"], p["b"]
    assert math.isclose(a / (a + b), m, rel_tol=1e-9)
    sd = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    assert math.isclose(sd, (hi - lo) / 3.92, rel_tol=1e-9)


def test_n_eff_is_the_concentration():
    p = beta_from_n_eff(0.3, 20)
    assert math.isclose(p["a"] + p["b"], 20) and math.isclose(p["a"] / 20, 0.3)
    states, alpha = dirichlet_from_mean({"a": 0.2, "b": 0.8}, 10)
    assert states == ("a", "b") and alpha == pytest.approx([2.0, 8.0])


def test_lognormal_from_ci_puts_the_interval_at_its_quantiles():
    p = lognormal_from_ci(1.5, 0.8, 2.9)
    assert math.isclose(math.exp(p["mu"]), 1.5)
    # each end of the interval sits exactly at the 2.5% or 97.5% point of its side
    assert math.isclose(stats.norm.cdf(math.log(0.8), p["mu"], p["sigma_lo"]), 0.025)
    assert math.isclose(stats.norm.cdf(math.log(2.9), p["mu"], p["sigma_hi"]), 0.975)


@settings(max_examples=50, deadline=None)
@given(st.floats(0.05, 20.0), st.floats(1.01, 10.0), st.floats(1.01, 10.0))
def test_lognormal_sides_follow_their_own_interval_ends(median, down, up):
    p = lognormal_from_ci(median, median / down, median * up)
    assert math.isclose(p["sigma_lo"] * Z95, math.log(down), rel_tol=1e-9)
    assert math.isclose(p["sigma_hi"] * Z95, math.log(up), rel_tol=1e-9)
    assert (p["sigma_lo"] < p["sigma_hi"]) == (down < up) or math.isclose(down, up)


def test_lognormal_from_sigma_is_symmetric():
    p = lognormal_from_sigma(2.0, 0.4)
    assert p == {"mu": math.log(2.0), "sigma_lo": 0.4, "sigma_hi": 0.4}
