"""Evidence forms and bad input: one clear error naming the bad value and the choices."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rnbayes
from rnbayes import EvidenceError


def test_numbers_convert_with_published_cutoffs(model):
    f = model.findings({"rcbv": 2.1, "months_since_srs": 9, "lesion_diameter_cm": 1.99,
                        "lesion_quotient": 0.65, "fet_tbr_max": 2.5})
    assert f["rcbv"].state == "not_elevated"  # > 2.1 is elevated
    assert f["months_since_srs"].state == "9_to_18"
    assert f["lesion_diameter_cm"].state == "lt_2"
    assert f["t1_t2_mismatch"].state == "high"
    assert f["fet_tbr"].state == "high"
    assert model.findings({"rcbv": 2.11})["rcbv"].state == "elevated"


def test_number_and_state_give_the_same_posterior(model):
    a = model.posterior({"rcbv": 3.0, "months_since_srs": 4})
    b = model.posterior({"rcbv": "elevated", "months_since_srs": "3_to_9"})
    assert a.p_progression == pytest.approx(b.p_progression, abs=1e-15)


def test_fet_max_and_mean_together(model):
    f = model.findings({"fet_tbr_max": 3.0, "fet_tbr_mean": 2.2})
    assert f["fet_tbr"].state == "high"


def test_discordant_fet_measurements_warn_and_count_as_uninformative(model):
    with pytest.warns(rnbayes.RnbayesWarning, match="disagree"):
        post = model.posterior({"fet_tbr_max": 3.0, "fet_tbr_mean": 1.5})
    # an all-ones likelihood leaves the prior: compare with the network queried directly
    assert post.p_progression == pytest.approx(float(model.network.query(["diagnosis"])[0][1]),
                                               abs=1e-12)


def test_soft_evidence_between_hard_states(model):
    hi = model.posterior({"rcbv": "elevated"}).p_progression
    lo = model.posterior({"rcbv": "not_elevated"}).p_progression
    mid = model.posterior({"rcbv": {"elevated": 0.6, "not_elevated": 0.4}}).p_progression
    assert lo < mid < hi


def test_soft_evidence_does_not_mutate_the_model(model):
    before = model.posterior({"enhancement_pattern": "nodular"}).p_progression
    model.posterior({"rcbv": {"elevated": 0.9, "not_elevated": 0.1}})
    after = model.posterior({"enhancement_pattern": "nodular"}).p_progression
    assert before == after
    tables = {k: v.copy() for k, v in model.network.cpts.items()}
    model.posterior({"ktrans": {"elevated": 1.0, "not_elevated": 0.2}, "rcbv": 1.0})
    for k, v in tables.items():
        np.testing.assert_array_equal(v, model.network.cpts[k])
    assert not any(t.flags.writeable for t in model.network.cpts.values())


@pytest.mark.parametrize("evidence, pattern", [
    ({"rcbvv": "elevated"}, r"unknown node 'rcbvv'.*did you mean 'rcbv'"),
    ({"enhancement_pattern": "ring"}, r"must be one of \['thin_rim', 'nodular', 'solid'\]; got 'ring'"),
    ({"rcbv": -1.0}, r"evidence\['rcbv'\] must be >= 0.*got -1\.0"),
    ({"months_since_srs": -2}, r"months_since_srs.*must be >= 0.*got -2"),
    ({"diagnosis": "tumour_progression"}, r"'diagnosis' is the diagnosis being inferred"),
    ({"tumour_vascularity": "high"}, r"latent node"),
    ({"enhancement_pattern": 3}, r"does not take a number.*thin_rim"),
    ({"rcbv": float("nan")}, r"finite number"),
    ({"rcbv": {"elevated": 0, "not_elevated": 0}}, r"all zero"),
    ({"rcbv": {"high": 1.0}}, r"unknown state 'high'"),
    ({"rcbv": {"elevated": -1, "not_elevated": 1}}, r">= 0"),
    ({"rcbv": ["elevated"]}, r"must be a state name"),
    ({"rcbv": "elevated", "fet_tbr_max": 3, "fet_tbr": "low"}, r"given twice"),
    ({"ktrans": 0.2}, r"does not take a number"),
])
def test_bad_evidence_gets_one_clear_error(model, evidence, pattern):
    with pytest.raises(EvidenceError, match=pattern) as info:
        model.posterior(evidence)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, ValueError)


def test_evidence_must_be_a_mapping(model):
    with pytest.raises(EvidenceError, match="must be a mapping"):
        model.posterior(["rcbv"])


def test_impossible_evidence_is_an_error(model):
    cpt = np.zeros_like(model.network.cpts["cut_pepper"])
    cpt[1] = 1.0  # cut pepper never present
    broken = model.with_tables({"cut_pepper": cpt})
    with pytest.raises(EvidenceError, match="impossible together"):
        broken.posterior({"cut_pepper": "present"})


def test_unknown_node_in_describe_and_states(model):
    with pytest.raises(EvidenceError, match="did you mean 'rcbv'"):
        model.states("rcb")


STATE_EVIDENCE = st.dictionaries(
    keys=st.sampled_from(["enhancement_pattern", "rcbv", "ktrans", "asl_cbf",
                          "central_restricted_diffusion", "susceptibility_foci", "fet_tbr",
                          "fet_curve", "follow_up_course", "primary_histology", "haemorrhage",
                          "bevacizumab", "months_since_srs", "cut_pepper", "mrs_choline"]),
    values=st.integers(min_value=0, max_value=6), max_size=8)


@settings(max_examples=60, deadline=None)
@given(STATE_EVIDENCE)
def test_posterior_invariants(model, raw):
    ev = {k: model.states(k)[v % len(model.states(k))] for k, v in raw.items()}
    post = model.posterior(ev)
    assert 0.0 <= post.p_progression <= 1.0
    assert math.isclose(post.p_progression + post.p_necrosis, 1.0, abs_tol=1e-12)
    assert len(post.contributions) == len(ev)
    for row in post.contributions.itertuples():
        assert 0.0 <= row.p_progression_without <= 1.0
    assert math.isfinite(post.conflict)


@settings(max_examples=40, deadline=None)
@given(st.floats(0.01, 0.99), st.floats(0.01, 0.99))
def test_soft_evidence_is_monotone(model, a, b):
    lo, hi = sorted([a, b])
    p_lo = model.posterior({"rcbv": {"elevated": lo, "not_elevated": 1 - lo}}).p_progression
    p_hi = model.posterior({"rcbv": {"elevated": hi, "not_elevated": 1 - hi}}).p_progression
    assert p_lo <= p_hi + 1e-12
