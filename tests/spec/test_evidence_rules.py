"""Input rules for evidence: soft evidence needs every state and is rescaled, yes/no nodes
take true/false, numbers as text, and every measured number has a possible range (an
error outside it) and a usual one (a warning outside it)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from rnbayes import EvidenceError, RnbayesWarning
from rnbayes.errors import ImplausibleValueWarning


def p(model, evidence) -> float:
    return model.posterior(evidence).p_progression


def test_soft_evidence_with_a_missing_state_is_refused_naming_it(model):
    """{'elevated': 0.6} alone used to be read as a certain 'elevated'."""
    with pytest.raises(EvidenceError) as info:
        model.posterior({"rcbv": {"elevated": 0.6}})
    message = str(info.value)
    assert "needs a likelihood for every state of ['elevated', 'not_elevated']" in message
    assert "missing ['not_elevated']" in message and "give 0" in message


def test_a_ruled_out_state_is_given_as_zero(model):
    assert p(model, {"rcbv": {"elevated": 0.6, "not_elevated": 0}}) == pytest.approx(
        p(model, {"rcbv": "elevated"}), abs=1e-12)


@pytest.mark.parametrize("scale", [1e-323, 1e-300, 1e-8, 1.0, 1e8, 1e150, 1e300])
def test_only_likelihood_ratios_matter_at_any_scale(model, scale):
    """Vectors are divided by their largest value: a denormal 1e-323 or 1e150 on three
    nodes behaves like any other scale (it used to change the answer or be 'impossible')."""
    lik = {"elevated": 2 * scale, "not_elevated": scale}
    if scale == 1e-323:
        lik = {"elevated": 1e-323, "not_elevated": 1e-323}
        assert p(model, {"rcbv": lik}) == pytest.approx(p(model, {}), abs=1e-12)
        return
    ev = {n: lik for n in ("rcbv", "ktrans", "asl_cbf")}
    ref = {n: {"elevated": 1.0, "not_elevated": 0.5} for n in ev}
    assert p(model, ev) == pytest.approx(p(model, ref), rel=1e-12)


@pytest.mark.parametrize("value,pattern", [
    ({"elevated": math.inf, "not_elevated": 1}, r"\['elevated'\] must be a finite number >= 0"),
    ({"elevated": math.nan, "not_elevated": 1}, r"finite number >= 0; got nan"),
    ({"elevated": -0.1, "not_elevated": 1}, r"finite number >= 0; got -0\.1"),
    ({"elevated": 10 ** 400, "not_elevated": 1}, r"finite number >= 0; got 1000.*\.\.\."),
    ({"elevated": True, "not_elevated": 1}, r"finite number >= 0; got True"),
    ({"elevated": "0.5", "not_elevated": 1}, r"finite number >= 0; got '0\.5'"),
    ({"elevated": 0.0, "not_elevated": 0}, r"all zero"),
    ({"elevatd": 0.5, "not_elevated": 0.5}, r"unknown state 'elevatd'; did you mean 'elevated'"),
])
def test_bad_likelihoods_are_one_line(model, value, pattern):
    with pytest.raises(EvidenceError, match=pattern) as info:
        model.posterior({"rcbv": value})
    assert "\n" not in str(info.value) and len(str(info.value)) < 300


@pytest.mark.parametrize("value,state", [(True, "yes"), (False, "no"), (np.bool_(True), "yes")])
def test_true_and_false_mean_yes_and_no_for_yes_no_nodes(model, value, state):
    assert model.findings({"immunotherapy": value})["immunotherapy"].state == state
    assert p(model, {"immunotherapy": value}) == p(model, {"immunotherapy": state})


def test_true_for_another_node_lists_the_states(model):
    with pytest.raises(EvidenceError, match=r"must be one of \['present', 'absent'\]; got true "
                                             r"\(a true/false value: give a state name\)"):
        model.posterior({"haemorrhage": True})


@pytest.mark.parametrize("text", ["2.5e0", " 2.5 ", "25e-1"])
def test_numbers_written_as_text_are_numbers_for_measured_nodes(model, text):
    assert model.findings({"rcbv": text})["rcbv"].state == "elevated"
    assert p(model, {"rcbv": text}) == p(model, {"rcbv": 2.5})


@pytest.mark.parametrize("key,text", [("months_since_srs", "9:30"), ("rcbv", "high")])
def test_other_text_for_a_measured_node_says_numbers_are_accepted(model, key, text):
    with pytest.raises(EvidenceError, match=rf"evidence\['{key}'\] must be a number \(.*\) or "
                                            rf"one of \[.*\]; got '{text}'"):
        model.posterior({key: text})


@pytest.mark.parametrize("value", [10 ** 400, -(10 ** 400), math.inf, "inf", "nan", 1e308])
def test_numbers_beyond_float_or_the_range_are_refused(model, value):
    with pytest.raises(EvidenceError, match=r"evidence\['rcbv'\] must be") as info:
        model.posterior({"rcbv": value})
    assert len(str(info.value)) < 300


def test_every_measured_number_has_a_documented_range(model):
    for key, m in model.spec.measures.items():
        assert m.minimum is not None and m.maximum is not None, key
        assert m.plausible is not None and m.plausible.reason.strip(), key
        assert m.minimum <= min(m.cutpoints) and max(m.cutpoints) <= m.maximum, key
        assert m.plausible.contains(float(np.mean(m.cutpoints))), key


@pytest.mark.parametrize("key,value,unit", [
    ("months_since_srs", 400, "months"), ("lesion_diameter_cm", 24, "cm"), ("rcbv", 31, "ratio"),
    ("fet_tbr_max", 25, "TBRmax"), ("fet_tbr_mean", 16, "TBRmean"), ("lesion_quotient", 6, "ratio"),
])
def test_impossible_numbers_are_errors_that_say_why(model, key, value, unit):
    m = model.spec.measures[key]
    with pytest.raises(EvidenceError) as info:
        model.posterior({key: value})
    message = str(info.value)
    assert f"must be <= {m.maximum:g} ({unit}" in message and m.plausible.reason in message


def test_usual_numbers_give_no_warning_and_unusual_ones_a_named_warning(model):
    for key, m in model.spec.measures.items():
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            model.posterior({key: m.plausible.maximum})  # the edge of the usual range
        unusual = (m.plausible.maximum + m.maximum) / 2
        with pytest.warns(ImplausibleValueWarning, match=rf"evidence\['{key}'\] = .* outside "
                                                         r"the usual range \(up to"):
            post = model.posterior({key: unusual})
        assert post.p_progression == p(model, {key: m.to_state(unusual)})
    assert issubclass(ImplausibleValueWarning, RnbayesWarning)


def test_sexagesimal_time_from_a_case_file_is_not_570(model, tmp_path):
    import rnbayes

    f = tmp_path / "c.yaml"
    f.write_text("evidence:\n  months_since_srs: 9:30\n")
    case = rnbayes.load_case(f)
    assert case.evidence == {"months_since_srs": "9:30"}
    with pytest.raises(EvidenceError, match=r"must be a number \(months\)"):
        model.posterior(case.evidence)


def test_unquoted_yes_in_a_case_file_is_the_state_yes(model, tmp_path):
    import rnbayes

    f = tmp_path / "c.yaml"
    f.write_text("evidence:\n  immunotherapy: yes\n  bevacizumab: no\n  rcbv: 2.5e0\n")
    case = rnbayes.load_case(f)
    assert case.evidence == {"immunotherapy": "yes", "bevacizumab": "no", "rcbv": 2.5}
    assert p(model, case.evidence) == p(model, {"immunotherapy": "yes", "bevacizumab": "no",
                                                "rcbv": "elevated"})
