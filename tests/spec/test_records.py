"""Prior records: parsing, point values, draws, quantiles and what-if overrides."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnbayes.errors import SchemaError, SemanticError
from rnbayes.spec.records import parse_record, short_citation

SRC = {"first_author": "A", "year": 2020, "journal": "J", "doi": "10/x", "population": "p",
       "n": 10}


def rec(dist, basis="metastasis", **kw):
    d = {"quantity": "q", "basis": basis, "source": SRC, "distribution": dist, **kw}
    return parse_record("f.yaml", "r", d)


def test_beta_from_counts_is_jeffreys():
    r = rec({"family": "beta", "counts": [18, 21]})
    assert dict(r.params) == {"a": 18.5, "b": 3.5}
    assert math.isclose(r.point(), 18.5 / 22)


def test_lognormal_from_symmetric_ci():
    r = rec({"family": "lognormal", "median": 2.0, "ci95": [0.5, 8.0]})
    assert math.isclose(r.point(), 2.0)
    assert math.isclose(r.quantile(0.025), 0.5, rel_tol=1e-9)
    assert math.isclose(r.quantile(0.975), 8.0, rel_tol=1e-9)
    assert math.isclose(r.params["sigma_lo"], r.params["sigma_hi"], rel_tol=1e-12)


def test_lognormal_honours_an_asymmetric_ci():
    # the immunotherapy record: median 1 with the reciprocal of He 2020's HR interval; a
    # symmetrised interval would have put 0.46-2.19 on the table instead of 0.36-1.72
    r = rec({"family": "lognormal", "median": 1.0, "ci95": [0.36, 1.72]})
    assert math.isclose(r.point(), 1.0)
    assert math.isclose(r.quantile(0.025), 0.36, rel_tol=1e-9)
    assert math.isclose(r.quantile(0.975), 1.72, rel_tol=1e-9)
    draws = r.sample(np.random.default_rng(4), 200_000)
    lo, med, hi = np.quantile(draws, [0.025, 0.5, 0.975])
    assert abs(med - 1.0) < 0.01 and abs(lo - 0.36) < 0.01 and abs(hi - 1.72) < 0.03


def test_lognormal_from_sigma_is_symmetric_on_the_log_scale():
    r = rec({"family": "lognormal", "median": 0.5, "sigma": 0.7})
    assert math.isclose(r.quantile(0.025) * r.quantile(0.975), 0.25, rel_tol=1e-9)


def test_dirichlet_mean_and_samples():
    r = rec({"family": "dirichlet", "mean": {"a": 0.2, "b": 0.8}, "n_eff": 10})
    np.testing.assert_allclose(r.point(), [0.2, 0.8])
    s = r.sample(np.random.default_rng(0), 500)
    assert s.shape == (500, 2)
    np.testing.assert_allclose(s.sum(axis=1), 1.0)
    assert r.states == ("a", "b")


def test_judgement_needs_rationale_and_derived_needs_derivation():
    with pytest.raises(SchemaError, match="judgement record needs a 'rationale'"):
        rec({"family": "beta", "mean": 0.3, "n_eff": 10}, basis="judgement")
    with pytest.raises(SchemaError, match="needs a 'derivation'"):
        rec({"family": "beta", "mean": 0.3, "n_eff": 10}, basis="derived")


def test_inconsistent_figures_are_semantic_errors():
    with pytest.raises(SemanticError, match=r"interval .* is too wide for a Beta"):
        rec({"family": "beta", "mean": 0.05, "ci95": [0.0, 1.0]})
    with pytest.raises(SemanticError, match=r"median 2.0 must lie inside"):
        rec({"family": "lognormal", "median": 2.0, "ci95": [0.5, 1.5]})


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 200), st.integers(1, 200))
def test_counts_give_valid_beta(k, extra):
    r = rec({"family": "beta", "counts": [k, k + extra]})
    assert 0 < r.point() < 1
    lo, hi = r.quantile(0.025), r.quantile(0.975)
    assert 0 <= lo < r.point() < hi <= 1


def test_records_cannot_be_changed():
    r = rec({"family": "beta", "counts": [3, 10]})
    with pytest.raises(TypeError):
        r.params["a"] = 9.0  # type: ignore[index]
    with pytest.raises(AttributeError):
        r.basis = "judgement"  # type: ignore[misc]


@pytest.mark.parametrize("dist, value, point", [
    ({"family": "beta", "mean": 0.3, "ci95": [0.2, 0.4]}, 0.6, 0.6),
    ({"family": "lognormal", "median": 2.0, "sigma": 0.4}, 5.0, 5.0),
    ({"family": "lognormal", "median": 1.0, "ci95": [0.36, 1.72]}, 2.0, 2.0),
    ({"family": "dirichlet", "counts": {"a": 3, "b": 7}}, {"a": 0.5, "b": 0.5}, [0.5, 0.5]),
])
def test_with_point_moves_the_centre_and_keeps_the_spread(dist, value, point):
    r = rec(dist)
    w = r.with_point(value)
    np.testing.assert_allclose(w.point(), point, rtol=1e-12)
    if r.family == "beta":
        assert math.isclose(w.params["a"] + w.params["b"], r.params["a"] + r.params["b"])
    elif r.family == "lognormal":
        assert (w.params["sigma_lo"], w.params["sigma_hi"]) == (r.params["sigma_lo"],
                                                                r.params["sigma_hi"])
    else:
        assert math.isclose(sum(w.params["alpha"]), sum(r.params["alpha"]))
    assert "what_if" in w.raw and "what_if" not in r.raw
    assert w.label.endswith("(what-if)")


@pytest.mark.parametrize("dist, value", [
    ({"family": "beta", "counts": [3, 10]}, 1.5),
    ({"family": "beta", "counts": [3, 10]}, "0.5"),
    ({"family": "lognormal", "median": 2.0, "sigma": 0.4}, -1.0),
    ({"family": "dirichlet", "counts": {"a": 3, "b": 7}}, {"a": 0.5}),
    ({"family": "dirichlet", "counts": {"a": 3, "b": 7}}, {"a": 0.6, "b": 0.6}),
])
def test_with_point_rejects_values_of_the_wrong_form(dist, value):
    with pytest.raises(ValueError, match=r"for the (beta|lognormal odds-ratio|dirichlet) record"):
        rec(dist).with_point(value)


def test_short_citation_falls_back_to_the_journal_when_the_author_is_unknown():
    assert short_citation({"first_author": "Kwee", "year": 2020, "journal": "JMRI"}) == "Kwee 2020"
    assert short_citation({"first_author": "(not shown in stored abstract)", "year": 2014,
                           "journal": "Radiat Oncol"}) == "Radiat Oncol 2014"
    assert short_citation({"first_author": "(group)", "year": 2023,
                           "journal": "(not shown)"}) == "(group) 2023"
