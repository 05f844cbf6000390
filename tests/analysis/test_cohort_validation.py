"""Validation metrics against independent hand computations; bad input; result views."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize
from scipy.special import expit, logit
from sklearn.metrics import brier_score_loss, roc_auc_score

from rnbayes import RnbayesError
from rnbayes.analysis.cohort import metrics as M
from rnbayes.analysis.cohort.validation import validate_predictions
from rnbayes.errors import CohortError


def _calibrated(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    p = rng.beta(1.2, 2.5, n)
    return p, (rng.uniform(size=n) < p).astype(int)


# -- metrics against hand computations -------------------------------------------------
def test_auc_is_the_mann_whitney_count_with_ties_half():
    p = np.array([0.1, 0.4, 0.4, 0.8, 0.2, 0.4, 0.9, 0.35])
    y = np.array([0, 0, 1, 1, 0, 1, 1, 0])
    pos, neg = p[y == 1], p[y == 0]
    wins = sum((a > b) + 0.5 * (a == b) for a, b in itertools.product(pos, neg))
    v = validate_predictions(p, y, n_boot=0)
    assert v.auc.value == pytest.approx(wins / (len(pos) * len(neg)), abs=1e-15)
    assert v.brier.value == pytest.approx(np.mean((p - y) ** 2), abs=1e-15)


def test_each_bootstrap_resample_matches_scikit_learn():
    p, y = _calibrated(300, 1)
    p = np.round(p, 2)  # ties
    aucs, briers = M.bootstrap_auc_brier(p, y, n_boot=25, seed=7)
    pos, neg = p[y == 1], np.sort(p[y == 0])
    for b, (ip, ineg) in enumerate(M.stratified_resamples(len(pos), len(neg), 25, 7)):
        ps = np.concatenate([pos[ip], neg[ineg]])
        ys = np.r_[np.ones(len(ip)), np.zeros(len(ineg))]
        assert aucs[b] == pytest.approx(roc_auc_score(ys, ps), abs=1e-12)
        assert briers[b] == pytest.approx(brier_score_loss(ys, ps), abs=1e-12)


def test_bootstrap_is_seeded_and_stratified_interval_contains_estimate():
    p, y = _calibrated(500, 2)
    a = validate_predictions(p, y, n_boot=300, seed=5)
    b = validate_predictions(p, y, n_boot=300, seed=5)
    c = validate_predictions(p, y, n_boot=300, seed=6)
    assert (a.auc.low, a.auc.high) == (b.auc.low, b.auc.high)
    assert (a.auc.low, a.auc.high) != (c.auc.low, c.auc.high)
    assert a.auc.low < a.auc.value < a.auc.high and a.brier.low < a.brier.value < a.brier.high


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20), st.booleans()), min_size=4, max_size=60))
def test_murphy_identity_holds_exactly_with_one_bin_per_distinct_value(pairs):
    p = np.array([a / 20 for a, _ in pairs])
    y = np.array([int(b) for _, b in pairs])
    if len(set(y)) < 2:
        return
    _, bins = M.calibration_table(p, y, n_bins=10, strategy="distinct")
    d = M.brier_decomposition(p, y, bins)
    brier = brier_score_loss(y, p)
    assert d["reliability"] - d["resolution"] + d["uncertainty"] == pytest.approx(brier, abs=1e-12)
    assert abs(d["within_bin"]) < 1e-12


def test_decomposition_and_table_match_a_hand_loop_over_uniform_bins():
    p, y = _calibrated(400, 3)
    v = validate_predictions(p, y, n_boot=0, n_bins=5)
    edges = np.linspace(0, 1, 6)
    rel = res = 0.0
    rows = []
    for k in range(5):
        sel = (p > edges[k]) & (p <= edges[k + 1]) if k else (p <= edges[1])
        if sel.any():
            rel += sel.sum() * (p[sel].mean() - y[sel].mean()) ** 2
            res += sel.sum() * (y[sel].mean() - y.mean()) ** 2
            rows.append((sel.sum(), p[sel].mean(), y[sel].mean()))
    d = v.brier_decomposition
    assert d["reliability"] == pytest.approx(rel / len(p), abs=1e-12)
    assert d["resolution"] == pytest.approx(res / len(p), abs=1e-12)
    assert d["uncertainty"] == pytest.approx(y.mean() * (1 - y.mean()), abs=1e-12)
    cal = v.calibration
    np.testing.assert_allclose(cal[["count", "mean_predicted", "observed_fraction"]].to_numpy(),
                               np.array(rows), atol=1e-12)
    assert (cal["observed_low"] <= cal["observed_fraction"]).all()
    assert (cal["observed_fraction"] <= cal["observed_high"]).all()


def test_intercept_and_slope_match_direct_likelihood_maximisation():
    p, y = _calibrated(800, 4)
    p = expit(0.7 * logit(p) - 0.3)  # miscalibrate on purpose
    x = logit(p)

    def nll2(b):
        z = b[0] + b[1] * x
        return float(np.sum(np.logaddexp(0, z) - y * z))

    def nll1(a):
        z = a[0] + x
        return float(np.sum(np.logaddexp(0, z) - y * z))

    ref2 = minimize(nll2, [0.0, 1.0], method="Nelder-Mead", options={"xatol": 1e-9, "fatol": 1e-12})
    ref1 = minimize(nll1, [0.0], method="Nelder-Mead", options={"xatol": 1e-9, "fatol": 1e-12})
    v = validate_predictions(p, y, n_boot=0)
    assert v.calibration_slope.value == pytest.approx(ref2.x[1], abs=1e-5)
    assert v.calibration_intercept.value == pytest.approx(ref1.x[0], abs=1e-5)
    # logits shrunk by 0.7: the recalibration slope (about 1 / 0.7) shows it
    assert v.calibration_slope.low > 1.0


def test_intercept_recovers_a_pure_shift_of_the_logits():
    p, y = _calibrated(20_000, 9)
    v = validate_predictions(expit(logit(p) - 0.5), y, n_boot=0)
    assert v.calibration_intercept.low < 0.5 < v.calibration_intercept.high
    assert v.calibration_slope.low < 1.0 < v.calibration_slope.high


def test_calibrated_predictions_have_slope_near_one_and_overconfident_ones_below():
    p, y = _calibrated(20_000, 5)
    good = validate_predictions(p, y, n_boot=0)
    over = validate_predictions(expit(2 * logit(p)), y, n_boot=0)
    assert 0.9 < good.calibration_slope.value < 1.1
    assert good.calibration_intercept.low < 0 < good.calibration_intercept.high
    assert 0.4 < over.calibration_slope.value < 0.6


def test_net_benefit_against_counts_by_hand():
    p = np.array([0.05, 0.3, 0.6, 0.7, 0.2, 0.9, 0.65, 0.4])
    y = np.array([0, 0, 1, 0, 1, 1, 1, 0])
    v = validate_predictions(p, y, n_boot=0, threshold=0.65)
    nb = v.net_benefit.set_index("threshold")
    for t in (0.1, 0.3, 0.5, 0.65, 0.7):
        act = p >= t
        tp, fp = np.sum(act & (y == 1)), np.sum(act & (y == 0))
        assert nb.loc[t, "model"] == pytest.approx(tp / 8 - fp / 8 * t / (1 - t), abs=1e-12)
        assert nb.loc[t, "treat_all"] == pytest.approx(0.5 - 0.5 * t / (1 - t), abs=1e-12)
    assert v.net_benefit_at_threshold["model"] == pytest.approx(nb.loc[0.65, "model"], abs=1e-12)
    perfect = validate_predictions(y.astype(float), y, n_boot=0)
    np.testing.assert_allclose(perfect.net_benefit["model"], 0.5, atol=1e-12)


# -- groups ----------------------------------------------------------------------------
def test_small_and_single_class_groups_are_reported_without_metrics():
    p, y = _calibrated(600, 6)
    order = ["conventional MRI only", "+ DWI/SWI", "+ perfusion", "+ PET"]
    g = np.array(["+ DWI/SWI"] * 600, dtype=object)
    g[:200] = "conventional MRI only"
    g[200:210] = "+ PET"
    y[200:210] = 0
    g[210:222] = "+ perfusion"
    groups = pd.Categorical(g, categories=order)
    v = validate_predictions(p, y, groups=groups, n_boot=50, threshold=0.5,
                             group_name="imaging available")
    bg = v.by_group.set_index("group")
    assert list(bg.index) == order
    assert "only one outcome" in bg.loc["+ PET", "note"] and np.isnan(bg.loc["+ PET", "auc"])
    assert "too few lesions (n = 12)" in bg.loc["+ perfusion", "note"]
    sel = g == "+ DWI/SWI"
    assert bg.loc["+ DWI/SWI", "auc"] == pytest.approx(roc_auc_score(y[sel], p[sel]), abs=1e-12)
    assert bg.loc["+ DWI/SWI", "n"] == sel.sum()
    assert "too few lesions" in v.summary()


def test_missing_group_labels_form_their_own_group():
    p, y = _calibrated(100, 7)
    g = ["a"] * 50 + [None] * 50
    v = validate_predictions(p, y, groups=g, n_boot=0, min_group_size=10)
    assert list(v.by_group["group"]) == ["a", "(not recorded)"]


# -- bad input: one clear line each ----------------------------------------------------
@pytest.mark.parametrize("p, y, kwargs, words", [
    ([], [], {}, "no lesions"),
    ([0.1, 0.2], [0, 1, 1], {}, "p has 2 values but y has 3"),
    ([0.1, 1.2, np.nan, -0.1, 2, 3, 4, 5], [0, 1] * 4, {},
     "bad values at rows 1 (1.2), 2 (nan), 3 (-0.1), 4 (2.0), 5 (3.0) and 2 more"),
    ([0.1, "high", 0.3], [0, 1, 0], {}, "row 1 ('high')"),
    ([0.1, 0.2, 0.3], ["tumour_progression", "TTP", None], {},
     "bad values at rows 1 ('TTP'), 2 (None)"),
    ([0.1, 0.2, 0.3], [1, 1, 1], {}, "only one outcome (tumour_progression"),
    ([0.1, 0.2], [0, 1], {"groups": ["a"]}, "groups has 1 values but p has 2"),
    ([0.1, 0.2], [0, 1], {"threshold": 1.0}, "threshold must be a probability"),
    ([0.1, 0.2], [0, 1], {"strategy": "deciles"}, "strategy must be one of"),
    ([0.1, 0.2], [0, 1], {"n_boot": -1}, "n_boot must be an integer"),
    ([0.1, 0.2], [0, 1], {"labels": ("rn",)}, "labels must be two different"),
])
def test_bad_input_raises_one_line(p, y, kwargs, words):
    with pytest.raises(CohortError) as err:
        validate_predictions(p, y, **kwargs)
    msg = str(err.value)
    assert words in msg and "\n" not in msg
    assert isinstance(err.value, RnbayesError)


def test_bad_rows_are_named_by_the_series_index():
    p = pd.Series([0.2, 0.5, 7.0], index=["L1", "L2", "L3"])
    with pytest.raises(CohortError, match=r"row L3 \(7.0\)"):
        validate_predictions(p, [0, 1, 1])


def test_separated_outcomes_give_a_note_not_a_crash():
    v = validate_predictions([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1], n_boot=20)
    assert v.auc.value == 1.0 and np.isnan(v.calibration_slope.value)
    assert "separate the outcomes" in v.notes[0]


# -- views -----------------------------------------------------------------------------
def test_views_are_json_safe_tidy_and_copies():
    p, y = _calibrated(300, 8)
    v = validate_predictions(p, y, groups=["x", "<b>y</b>"] * 150, n_boot=50, threshold=0.6,
                             min_group_size=20)
    json.dumps(v.to_dict(), allow_nan=False)
    fr = v.to_frame()
    assert set(fr["group"]) == {"all", "x", "<b>y</b>"} and len(fr) == 12
    assert "<b>y</b>" not in v._repr_html_() and "&lt;b&gt;y&lt;/b&gt;" in v._repr_html_()
    table = v.calibration
    table.loc[:, "count"] = -1
    assert (v.calibration["count"] > 0).all()
    assert "not a medical device" in v.summary()

