"""Pooled prior records carry the arithmetic of their study-level inputs (priors/pooling.yaml)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit

from rnbayes.analysis.pooling import dersimonian_laird, load_pools, pool_all, record_targets
from rnbayes.spec.pooling import load_pooling
from tests.helpers import ROOT

POOLING = ROOT / "priors" / "pooling.yaml"


@pytest.fixture(scope="module")
def pools():
    return load_pools(POOLING)


def test_every_pool_feeds_a_record(pools, model):
    for name in pools:
        assert name in model.records, f"pooling.yaml entry {name!r} names no record"


@pytest.mark.parametrize("name", list(load_pooling(POOLING).pools))
def test_record_carries_its_pooled_value(pools, model, name):
    """The record's numbers are the pool's, to the rounding written in the record."""
    targets = record_targets(pools[name], model.records[name])
    assert len(targets) >= 2  # a centre and its spread
    for what, (pooled, written) in targets.items():
        tol = 0.006 if what == "sigma" else 0.0051 * max(1.0, abs(pooled))
        assert math.isclose(pooled, written, abs_tol=tol), (name, what, pooled, written)


def test_default_prior_interval_contains_the_non_surgical_cohorts(pools):
    prior = pools["p_ttp_enlarging_lesion"]
    for events, total in ((53, 100), (60, 101)):          # Skeie 2020, Ocana-Tienda 2022
        assert prior.low < events / total < prior.high
    assert prior.low < 0.5 < prior.high                     # the data do not settle RN vs TTP


def test_dersimonian_laird_against_hand_arithmetic():
    # two studies, equal variance 0.04: Q = 2 x 0.25^2 / 0.04 = 3.125, C = 50 - 25 = 25
    y, v = np.array([0.2, 0.7]), np.array([0.04, 0.04])
    w = 1 / v
    ybar = 0.45
    q = float((w * (y - ybar) ** 2).sum())                  # 3.125
    tau2 = (q - 1) / (w.sum() - (w ** 2).sum() / w.sum())  # 2.125 / 25 = 0.085
    r = dersimonian_laird(y, v)
    assert math.isclose(r["q"], q) and math.isclose(r["tau2"], tau2)
    assert math.isclose(r["mu"], ybar) and math.isclose(r["se"], math.sqrt((0.04 + tau2) / 2))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(-3, 3), st.floats(0.01, 2.0)), min_size=2, max_size=8))
def test_random_effects_mean_lies_within_the_studies(studies):
    y = np.array([s[0] for s in studies])
    v = np.array([s[1] for s in studies])
    r = dersimonian_laird(y, v)
    assert y.min() - 1e-9 <= r["mu"] <= y.max() + 1e-9
    assert r["tau2"] >= 0 and r["se"] > 0


def test_prior_pool_matches_a_direct_computation(pools):
    """Logit of each split with 0.5 added, tau^2 from all seven, weights on the two
    non-surgical cohorts: recomputed here without the module's helpers."""
    splits = [(53, 100), (60, 101), (11, 35), (36, 59), (23, 36), (8, 15), (73, 97)]
    y = np.array([math.log((k + .5) / (n - k + .5)) for k, n in splits])
    v = np.array([1 / (k + .5) + 1 / (n - k + .5) for k, n in splits])
    w = 1 / v
    q = (w * (y - (w * y).sum() / w.sum()) ** 2).sum()
    tau2 = max(0.0, (q - 6) / (w.sum() - (w ** 2).sum() / w.sum()))
    ws = 1 / (v[:2] + tau2)
    mu = (ws * y[:2]).sum() / ws.sum()
    assert math.isclose(pools["p_ttp_enlarging_lesion"].point, float(expit(mu)), rel_tol=1e-12)


def test_two_by_two_and_odds_chain_by_hand(pools):
    """Narloch's 2x2 table (1/16 late vs 10/19 early) with the prior pool's tau^2, and
    Fujimoto's late odds over the chained reference, each by hand."""
    late = math.log(1.5 / 15.5) - math.log(10.5 / 9.5)
    var = 1 / 1.5 + 1 / 15.5 + 1 / 10.5 + 1 / 9.5 + pools["p_ttp_enlarging_lesion"].tau2
    p = pools["or_months_9_to_18"]
    assert math.isclose(p.point, math.exp(late), rel_tol=1e-12)
    assert math.isclose(p.sigma, math.sqrt(var), rel_tol=1e-12)
    ref = (pools["p_ttp_enlarging_lesion"].details["logit_mu"]
           + math.log(10.5 / 9.5) - math.log(11.5 / 24.5))
    assert math.isclose(pools["or_months_gt_18"].point, math.exp(math.log(7.5 / 12.5) - ref),
                        rel_tol=1e-12)


def test_the_synthetic_pools_cover_every_method():
    """The tiny test document (tests/data/good) through every method: finite, ordered."""
    pooled = pool_all(load_pooling(ROOT / "tests" / "data" / "good" / "priors" /
                                   "pooling.yaml").pools)
    assert set(pooled) == {"p_d", "or_c_high", "or_r_s2", "or_r_s1", "or_chain"}
    for p in pooled.values():
        assert p.low < p.point < p.high and p.sigma > 0
    # 2x2 odds ratio 12/18 vs 6/24 (each +0.5), reciprocal: by hand
    y = math.log(12.5 / 18.5) - math.log(6.5 / 24.5)
    assert math.isclose(pooled["or_r_s1"].point, math.exp(-y), rel_tol=1e-12)
