"""Published figures become the distributions their sources imply."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from rnbayes.spec.distributions import (
    beta_from_ci,
    beta_from_counts,
    beta_from_n_eff,
    dirichlet_from_counts,
    dirichlet_from_mean,
    lognormal_from_ci,
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
    # sigma = log width / 3.92: the reported interval sits at about the 2.5% and 97.5%
    # quantiles when it is symmetric on the log scale
    q = stats.norm.cdf((math.log(2.9) - math.log(0.8)) / 2, scale=p["sigma"])
    assert abs(q - 0.975) < 0.001
