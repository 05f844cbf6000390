"""An immutable model: what-ifs make new models with their own tables, caches and digest.

Each of the review's stale-cache reproductions (CODE_REVIEW 3.2) has a regression test
here or in tests/analysis/test_model.py and tests/engine/.
"""

import dataclasses

import numpy as np
import pytest

import rnbayes
from rnbayes.errors import ParameterError
from rnbayes.spec.records import parse_record

THIN_RIM = {"enhancement_pattern": "thin_rim"}


def test_with_records_is_one_line_and_changes_the_digest(model):
    """The issue's what-if: ``model.with_records({"p_ttp_enlarging_lesion": 0.5}).posterior(ev)``."""
    before = model.posterior(THIN_RIM).p_progression
    what_if = model.with_records({"p_ttp_enlarging_lesion": 0.5})
    after = what_if.posterior(THIN_RIM)
    assert what_if.digest != model.digest and after.model_digest == what_if.digest
    # the pooled prior is 0.562: 0.5 lowers P(TTP | thin rim), a higher prior raises it
    assert model.prior_progression > 0.5 and after.p_progression < before
    higher = model.with_records({"p_ttp_enlarging_lesion": 0.7}).posterior(THIN_RIM)
    assert higher.p_progression > before
    assert model.posterior(THIN_RIM).p_progression == before  # the original is untouched
    assert isinstance(what_if, rnbayes.Model)


def test_prior_follows_the_overridden_record(model):
    """Regression (review 3.2: ``Model._prior`` stale after a table was replaced, 0.32
    against 0.68): the calibrated prior of a what-if equals the record's new value."""
    for value in (0.5, 0.68, 0.1):
        m = model.with_records({"p_ttp_enlarging_lesion": value})
        assert abs(m.prior_progression - value) < 1e-12
        assert abs(m.posterior({}).prior_progression - value) < 1e-12
    assert abs(model.prior_progression - model.records["p_ttp_enlarging_lesion"].point()) < 1e-12


def test_overriding_an_odds_ratio_and_a_dirichlet(model):
    late = {"months_since_srs": "gt_18"}
    stronger = model.with_records({"or_months_gt_18": 4.0})
    assert stronger.posterior(late).p_progression > model.posterior(late).p_progression
    rim = model.records["enhancement_given_rn"].states
    flat = {s: 1 / len(rim) for s in rim}
    both = model.with_records({"enhancement_given_rn": flat, "enhancement_given_ttp": flat})
    p = both.posterior(THIN_RIM).p_progression
    assert abs(p - both.prior_progression) < 1e-12  # the finding no longer discriminates


def test_a_record_object_replaces_the_record(model):
    new = parse_record("mine.yaml", "dsc_sensitivity", {
        "quantity": "q", "basis": "judgement", "rationale": "a what-if",
        "distribution": {"family": "beta", "mean": 0.8, "n_eff": 20}})
    m = model.with_records({"dsc_sensitivity": new})
    assert m.records["dsc_sensitivity"] is new
    # calibrate: marginal -- the sensitivity over the maskers' case mix is the record
    joint, _ = m.network.query(["diagnosis", "rcbv"], {})
    assert abs(joint[1, 0] / joint[1].sum() - 0.8) < 1e-12


@pytest.mark.parametrize("overrides, pattern", [
    ({"p_ttp_enlargin_lesion": 0.5}, r"record ids of this model\. Got 'p_ttp_enlargin_lesion'"
                                      r" instead\. Did you mean 'p_ttp_enlarging_lesion'\?"),
    ({"p_ttp_enlarging_lesion": 1.5}, r"a number in \(0, 1\) for the beta record"),
    ({"or_months_9_to_18": 0}, r"a number > 0 for the lognormal odds-ratio record"),
    ({"enhancement_given_rn": 0.5}, r"a mapping of each of .* for the dirichlet record"),
])
def test_bad_overrides_are_parameter_errors(model, overrides, pattern):
    with pytest.raises(ParameterError, match=pattern):
        model.with_records(overrides)


def test_with_tables_replaces_exactly_those_tables(model):
    uniform = np.full_like(model.network.cpts["enhancement_pattern"], 1 / 3)
    m = model.with_tables({"enhancement_pattern": uniform})
    np.testing.assert_array_equal(m.network.cpts["enhancement_pattern"], uniform)
    assert m.digest != model.digest and m.records_for("enhancement_pattern") == []
    assert abs(m.posterior(THIN_RIM).p_progression - m.prior_progression) < 1e-12
    assert "given directly" in m.describe("enhancement_pattern")
    # a later record what-if keeps the given table
    m2 = m.with_records({"p_ttp_enlarging_lesion": 0.5})
    np.testing.assert_array_equal(m2.network.cpts["enhancement_pattern"], uniform)
    with pytest.raises(ParameterError, match="enhancement_pattern: columns sum to 1 only"):
        model.with_tables({"enhancement_pattern": uniform * 2})
    with pytest.raises(ParameterError, match="table shape"):
        model.with_tables({"enhancement_pattern": uniform[:2]})
    with pytest.raises(ParameterError, match="Did you mean 'rcbv'"):
        model.with_tables({"rcbvv": uniform})


def test_a_model_cannot_be_changed(model):
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.records = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        model.records["x"] = model.records["p_ttp_enlarging_lesion"]  # type: ignore[index]
    with pytest.raises(TypeError):
        model.network.cpts["rcbv"] = model.network.cpts["rcbv"]  # type: ignore[index]
    with pytest.raises(ValueError, match="read-only"):
        model.network.cpts["rcbv"][0, 0, 0, 0] = 0.5


def test_each_what_if_has_its_own_compiled_queries(model):
    m = model.with_records({"p_ttp_enlarging_lesion": 0.5})
    assert m.network is not model.network and m.network._plans is not model.network._plans
    m.posterior(THIN_RIM)
    assert len(m.network._plans) > 0


def test_models_and_results_survive_pickling(model):
    """For multiprocessing and joblib: a copy answers the same and is as immutable."""
    import pickle

    copy = pickle.loads(pickle.dumps(model))
    assert copy.digest == model.digest and copy.posterior(THIN_RIM) == model.posterior(THIN_RIM)
    assert not copy.network.cpts["rcbv"].flags.writeable
    voi = model.value_of_information(THIN_RIM, pairs=False)
    assert pickle.loads(pickle.dumps(voi)) == voi
