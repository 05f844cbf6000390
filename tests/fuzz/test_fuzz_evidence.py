"""Fuzzing evidence: valid and invalid findings over every node, state and measured number.

Invariants: either an rnbayes error of one line, or a valid result -- posteriors in [0, 1]
summing to 1, and for value of information MI >= 0, EVSI >= 0 and EVSI <= EVPI. Warnings
other than rnbayes' own (numpy overflow or invalid value) are failures.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import rnbayes
from rnbayes import RnbayesError, RnbayesWarning
from tests.fuzz import fuzz

MODEL = rnbayes.load_model()
SPEC = MODEL.spec
OBSERVABLE = list(SPEC.observable)
MEASURES = dict(SPEC.measures)
TOL = 1e-9

GARBAGE = st.one_of(st.none(), st.booleans(), st.text(max_size=12), st.lists(st.integers(), max_size=3),
                    st.integers(-(10 ** 400), 10 ** 400), st.floats(allow_nan=True, allow_infinity=True))
LIKELIHOOD = st.one_of(st.floats(0, 1), st.sampled_from([0.0, 1e-323, 5e-324, 1e-300, 1e150, 1e300]),
                       st.integers(0, 10 ** 6))


def number_for(key: str) -> st.SearchStrategy:
    """Numbers across and beyond the measure's range (and some that are not numbers)."""
    m = MEASURES[key]
    lo, hi = m.minimum, m.maximum
    return st.one_of(
        st.floats(lo, hi),  # possible values, usual or not
        st.floats(lo - 10, hi * 3, allow_nan=False),  # around the edges
        st.sampled_from([*m.cutpoints, lo, hi, m.plausible.maximum, -0.0, 1e308, -1e308]),
        st.integers(-(10 ** 400), 10 ** 400),
        st.floats(allow_nan=True, allow_infinity=True),
        st.from_regex(r"\A-?[0-9]{1,3}(\.[0-9]{0,2})?(e[0-9])?\Z"),  # numbers as text
    )


def soft_for(node: str) -> st.SearchStrategy:
    states = SPEC.states(node)
    full = st.fixed_dictionaries({s: LIKELIHOOD for s in states})
    partial = st.dictionaries(st.sampled_from(states), LIKELIHOOD, max_size=len(states))
    return st.one_of(full, full, partial)


@st.composite
def evidence(draw, valid_only: bool = False) -> dict:
    keys = draw(st.lists(st.sampled_from(OBSERVABLE + list(MEASURES)), unique=True, max_size=8))
    out = {}
    for key in keys:
        node = MEASURES[key].node if key in MEASURES else key
        forms = [st.sampled_from(SPEC.states(node))]
        if key in MEASURES:
            forms.append(number_for(key))
        forms.append(soft_for(node))
        if not valid_only:
            forms.append(GARBAGE)
        out[key] = draw(st.one_of(forms))
    if not valid_only and draw(st.booleans()):
        out[draw(st.sampled_from([SPEC.target, "tumour_vascularity", "nonsense", ""]))] = "x"
    return out


def call(f, *args, **kw):
    """``f(...)``, or None when it raised an rnbayes error (checked to be one line).
    rnbayes' own warnings are allowed; any other warning is raised as an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", RnbayesWarning)
        try:
            return f(*args, **kw)
        except RnbayesError as exc:
            message = str(exc)
            assert "\n" not in message and 0 < len(message) < 1500, message
            return None


def check_posterior(post) -> None:
    assert 0.0 <= post.p_progression <= 1.0
    assert math.isclose(post.p_progression + post.p_necrosis, 1.0, abs_tol=1e-12)
    assert all(0.0 <= p <= 1.0 for p in post.contributions["p_progression_without"])
    assert math.isfinite(post.conflict) or post.conflict == math.inf


@fuzz(50)
@given(evidence())
def test_any_evidence_gives_a_valid_posterior_or_one_clear_error(ev):
    post = call(MODEL.posterior, ev)
    if post is not None:
        check_posterior(post)


@fuzz(25)
@given(evidence(valid_only=True))
def test_valid_forms_only_fail_for_impossible_or_out_of_range_findings(ev):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RnbayesWarning)
        try:
            check_posterior(MODEL.posterior(ev))
        except rnbayes.EvidenceError as exc:
            assert any(w in str(exc) for w in ("impossible", "must be", "needs a likelihood",
                                               "all zero", "given twice")), str(exc)


@fuzz(15)
@given(evidence(valid_only=True), st.sampled_from([False, 3]))
def test_value_of_information_invariants(ev, pairs):
    voi = call(MODEL.value_of_information, ev, pairs=pairs)
    if voi is None:
        return
    t = voi.table
    assert voi.evpi >= -TOL and 0.0 <= voi.p_positive <= 1.0
    assert (t["mutual_information"] >= -TOL).all()
    assert (t["evsi"] >= -TOL).all() and (t["evsi"] <= voi.evpi + TOL).all()
    assert t[["p_action_change", "expected_abs_change"]].apply(lambda c: c.between(-TOL, 1 + TOL)).all().all()
    for _, r in voi.what_if.iterrows():
        assert -TOL <= r.p_result <= 1 + TOL and -TOL <= r.p_positive_after <= 1 + TOL
    if not voi.pairs.empty:
        assert (voi.pairs["mi_joint"] >= -TOL).all()
        assert (voi.pairs["evsi_joint"] <= voi.evpi + TOL).all()
        assert (voi.pairs["evsi_joint"] >= -TOL).all()


@fuzz(15)
@given(st.sampled_from(list(MEASURES)), st.floats(0, 1), st.data())
def test_a_number_gives_the_same_answer_as_its_state(key, u, data):
    m = MEASURES[key]
    value = m.minimum + u * (m.maximum - m.minimum)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RnbayesWarning)
        a = MODEL.posterior({key: value}).p_progression
    b = MODEL.posterior({key: m.to_state(value)}).p_progression
    assert a == b


@fuzz(15)
@given(st.sampled_from(OBSERVABLE), st.data())
def test_soft_evidence_is_scale_free_and_between_its_hard_states(node, data):
    states = SPEC.states(node)
    raw = data.draw(st.lists(st.floats(0.01, 1.0), min_size=len(states), max_size=len(states)))
    scale = data.draw(st.sampled_from([1e-300, 1e-8, 1.0, 1e8, 1e290]))
    p = MODEL.posterior({node: dict(zip(states, raw))}).p_progression
    scaled = MODEL.posterior({node: {s: x * scale for s, x in zip(states, raw)}}).p_progression
    assert math.isclose(p, scaled, rel_tol=1e-9, abs_tol=1e-12)
    hard = [MODEL.posterior({node: s}).p_progression for s in states]
    assert min(hard) - 1e-12 <= p <= max(hard) + 1e-12
    assert np.isfinite(p)
