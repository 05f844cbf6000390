"""Model.validate on the model's own synthetic cohorts, scored by the batched engine: the
model is calibrated (slope within 0.9-1.1 at n = 20,000) and its AUC matches the exact
expected AUC computed by enumerating every evidence pattern; bad input is one line."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rnbayes import CohortError, RnbayesWarning, Validation
from rnbayes.analysis.cohort.exact import exact_patterns
from tests.helpers import TOL

#: the findings recorded in the reduced scenario: context reduced to time since SRS and
#: histology, the conventional signs, and DWI, DSC, FET PET and follow-up as the advanced
#: findings (1.4 million patterns, small enough to enumerate exactly); every other node
#: (including any added to the network later) is never recorded
KEEP = ("months_since_srs", "primary_histology", "enhancement_pattern", "cut_pepper",
        "crosses_boundary", "clustered_lesions", "shape_change", "t1_t2_mismatch",
        "central_restricted_diffusion", "rcbv", "fet_tbr", "fet_curve", "follow_up_course")


def test_own_synthetic_cohort_is_calibrated_with_the_exact_auc(model):
    hidden = tuple(n for n in model.observable if n not in KEEP)
    groups = {n: model.spec.nodes[n].group for n in model.nodes}
    ex = exact_patterns(model.network, target="diagnosis", missing="realistic",
                        hide=(*model.spec.latent, *hidden), groups=groups)
    assert ex.prevalence == pytest.approx(model.prior_progression)
    df = model.simulate(20_000, seed=12, missing="realistic", hide=hidden)
    scored = model.score(df)
    np.testing.assert_allclose(scored["p_progression"], ex.score(df), atol=TOL, rtol=0)
    v = model.validate(df, outcome="diagnosis", n_boot=1000, seed=1)
    assert 0.9 <= v.calibration_slope.value <= 1.1
    assert v.calibration_intercept.low < 0 < v.calibration_intercept.high
    assert v.auc.low < ex.auc < v.auc.high
    assert v.brier.low < ex.brier < v.brier.high


def test_full_network_at_n_20000_is_calibrated_by_imaging_available(model):
    df = model.simulate(20_000, seed=31, missing="realistic")
    v = model.validate(df, outcome="diagnosis", n_boot=200)
    assert isinstance(v, Validation) and v.n == 20_000
    assert 0.9 <= v.calibration_slope.value <= 1.1
    assert v.provenance.digest == model.digest
    tiers = v.by_imaging.set_index("group")
    assert list(tiers.index) == ["conventional MRI only", "+ DWI/SWI", "+ perfusion", "+ PET"]
    assert tiers["n"].sum() == 20_000
    assert v.threshold == pytest.approx(
        next(t.p for t in __import__("rnbayes").load_utilities().thresholds()
             if t.above == "treat_as_progression"))


def test_rows_with_bad_findings_are_left_out_with_a_note(model):
    df = model.simulate(600, seed=2, missing="realistic").astype(object)
    df.loc[3, "rcbv"] = "very high"
    with pytest.warns(RnbayesWarning, match="1 of 600 rows left out for bad values"):
        v = model.validate(df, outcome="diagnosis", n_boot=0)
    assert v.n == 599 and "1 of 600 rows left out" in v.notes[-1]


@pytest.mark.parametrize("outcome, words", [
    (["tumour_progression", "TTP", "radiation_necrosis"],
     "must hold 'radiation_necrosis' or 'tumour_progression' in every row; other values at "
     "row 2 ('TTP')"),
    (["tumour_progression", None, 1], "other values at rows 2 (None), 3 (1)"),
    (["tumour_progression"] * 3, "only one outcome"),
])
def test_outcome_problems_are_one_line(model, outcome, words):
    df = pd.DataFrame({"truth": outcome, "rcbv": ["elevated", "not_elevated", None]})
    with pytest.raises(CohortError) as err:
        model.validate(df, outcome="truth", n_boot=0)
    assert words in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(CohortError, match="outcome 'truht' is not a column; did you mean"):
        model.validate(df, outcome="truht")
