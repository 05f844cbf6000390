"""Prior records become the distributions their sources imply."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnbayes.errors import SchemaError
from rnbayes.spec.records import parse_record

SRC = {"first_author": "A", "year": 2020, "journal": "J", "doi": "10/x", "population": "p",
       "n": 10}


def rec(dist, basis="metastasis", **kw):
    d = {"quantity": "q", "basis": basis, "source": SRC, "distribution": dist, **kw}
    return parse_record("f.yaml", "r", d)


def test_beta_from_counts_is_jeffreys():
    r = rec({"family": "beta", "counts": [18, 21]})
    assert r.params == {"a": 18.5, "b": 3.5}
    assert math.isclose(r.point(), 18.5 / 22)


def test_beta_from_ci_matches_mean_and_spread():
    r = rec({"family": "beta", "mean": 0.816, "ci95": [0.706, 0.891]})
    a, b = r.params["a"], r.params["b"]
    assert math.isclose(a / (a + b), 0.816)
    sd = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    assert math.isclose(sd, (0.891 - 0.706) / 3.92, rel_tol=1e-9)


def test_lognormal_from_ci():
    r = rec({"family": "lognormal", "median": 1.0, "ci95": [0.36, 1.72]})
    assert math.isclose(r.point(), 1.0)
    assert math.isclose(r.quantile(0.975), math.exp(r.params["sigma"] * 1.959963984540054))


def test_dirichlet_mean_and_samples():
    r = rec({"family": "dirichlet", "mean": {"a": 0.2, "b": 0.8}, "n_eff": 10})
    np.testing.assert_allclose(r.point(), [0.2, 0.8])
    s = r.sample(np.random.default_rng(0), 500)
    assert s.shape == (500, 2)
    np.testing.assert_allclose(s.sum(axis=1), 1.0)


def test_judgement_needs_rationale():
    with pytest.raises(SchemaError, match="judgement record needs a 'rationale'"):
        rec({"family": "beta", "mean": 0.3, "n_eff": 10}, basis="judgement")


def test_derived_needs_derivation():
    with pytest.raises(SchemaError, match="needs a 'derivation'"):
        rec({"family": "beta", "mean": 0.3, "n_eff": 10}, basis="derived")


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 200), st.integers(1, 200))
def test_counts_give_valid_beta(k, extra):
    n = k + extra
    r = rec({"family": "beta", "counts": [k, n]})
    assert 0 < r.point() < 1
    lo, hi = r.quantile(0.025), r.quantile(0.975)
    assert 0 <= lo < r.point() < hi <= 1


@settings(max_examples=50, deadline=None)
@given(st.floats(0.05, 0.95), st.floats(0.005, 0.04))
def test_ci_beta_roundtrip(m, half):
    lo, hi = max(1e-3, m - half), min(1 - 1e-3, m + half)
    r = rec({"family": "beta", "mean": m, "ci95": [lo, hi]})
    assert math.isclose(r.point(), m, rel_tol=1e-9)


def test_short_citation_falls_back_to_the_journal_when_the_author_is_unknown():
    from rnbayes.spec.records import short_citation

    assert short_citation({"first_author": "Kwee", "year": 2020, "journal": "JMRI"}) == "Kwee 2020"
    assert short_citation({"first_author": "(not shown in stored abstract)", "year": 2014,
                           "journal": "Radiat Oncol"}) == "Radiat Oncol 2014"
    assert short_citation({"first_author": "(group)", "year": 2023,
                           "journal": "(not shown)"}) == "(group) 2023"
