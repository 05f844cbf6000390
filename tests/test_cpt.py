"""CPT generators reproduce the published figures they are built from."""

import itertools
import math

import numpy as np
import pytest

from rnbayes.spec.generators import latent_solution, noisy_max


@pytest.mark.parametrize("node, sens, spec", [
    ("rcbv", "dsc_sensitivity", "dsc_specificity"),
    ("ktrans", "dce_sensitivity", "dce_specificity"),
    ("asl_cbf", "asl_sensitivity", "asl_specificity"),
])
def test_latent_perfusion_keeps_each_tests_published_accuracy(model, node, sens, spec):
    net = model.network
    ev = {"haemorrhage": model.states("haemorrhage").index("absent"),
          "bevacizumab": model.states("bevacizumab").index("no")}
    joint, _ = net.query(["diagnosis", node], ev)
    cond = joint / joint.sum(axis=1, keepdims=True)
    d = model.states("diagnosis")
    s = model.states(node)
    assert math.isclose(cond[d.index("tumour_progression"), s.index("elevated")],
                        model.records[sens].point(), abs_tol=1e-12)
    assert math.isclose(cond[d.index("radiation_necrosis"), s.index("not_elevated")],
                        model.records[spec].point(), abs_tol=1e-12)


def test_latent_solution_inverts_the_mixture():
    rng = np.random.default_rng(1)
    for _ in range(100):
        a, b = rng.uniform(0.6, 0.99), rng.uniform(0.01, 0.4)
        s_true, f_true = rng.uniform(0.5, 1), rng.uniform(0, 0.5)
        sens = a * s_true + (1 - a) * f_true
        fpr = b * s_true + (1 - b) * f_true
        s, f = latent_solution(a, b, sens, 1 - fpr)
        assert math.isclose(s, s_true, abs_tol=1e-12) and math.isclose(f, f_true, abs_tol=1e-12)


def test_logodds_effects_are_exact_odds_ratios(model):
    arr = model.network.cpts["diagnosis"]  # (2, months, fract, prior_rt, size, hist, io, history)
    k = model.states("diagnosis").index("tumour_progression")
    odds = arr[k] / arr[1 - k]
    parents = model.parents("diagnosis")
    effects = model.spec.nodes["diagnosis"]["cpt"]["effects"]
    for i, parent in enumerate(parents):
        for state, rid in effects[parent].items():
            j = model.states(parent).index(state)
            ref = next(s for s in model.states(parent) if s not in effects[parent])
            r = model.states(parent).index(ref)
            ratio = np.take(odds, j, axis=i) / np.take(odds, r, axis=i)
            np.testing.assert_allclose(ratio, model.records[rid].point(), rtol=1e-10)


def test_intercept_is_calibrated_to_the_default_prior(model):
    assert math.isclose(model.prior_progression,
                        model.records["p_ttp_enlarging_lesion"].point(), abs_tol=1e-12)


def test_noisy_max_binary_is_leaky_noisy_or():
    # two causes with activation 0.3 and 0.6, leak 0.1: P(off) = 0.9 * (1-0.3)^x1 * (1-0.6)^x2
    records = {
        "c1": type("R", (), {"states": ("off", "on")})(),
    }
    vals = {"c1": np.array([[0.7, 0.3]]), "c2": np.array([[0.4, 0.6]]),
            "leak": np.array([[0.9, 0.1]])}
    for k in ("c2", "leak"):
        records[k] = records["c1"]
    spec = {"order": ["off", "on"], "causes": {"a": {"yes": "c1"}, "b": {"yes": "c2"}},
            "leak": "leak"}
    out = noisy_max(spec=spec, child_states=["off", "on"], parents=["a", "b"],
                    parent_states=[["no", "yes"], ["no", "yes"]], values=vals.__getitem__,
                    records=records)[0]
    for x1, x2 in itertools.product([0, 1], [0, 1]):
        p_off = 0.9 * (0.7 ** x1) * (0.4 ** x2)
        assert math.isclose(out[0, x1, x2], p_off, abs_tol=1e-12)
        assert math.isclose(out[1, x1, x2], 1 - p_off, abs_tol=1e-12)


def test_noisy_max_takes_the_highest_level(model):
    cpt = model.network.cpts["central_restricted_diffusion"]
    # peripheral restriction from tumour cannot be turned into central-only by a mimic
    states = model.states("central_restricted_diffusion")
    per = states.index("peripheral_or_solid")
    d = model.states("diagnosis").index("tumour_progression")
    assert model.parents("central_restricted_diffusion") == (
        "diagnosis", "hypercellular_tumour", "bevacizumab", "haemorrhage")
    off = (model.states("hypercellular_tumour").index("absent"), model.states("bevacizumab").index("no"),
           model.states("haemorrhage").index("absent"))
    on = tuple(1 - i for i in off)
    base = cpt[(per, d, *off)]
    with_mimics = cpt[(per, d, *on)]
    assert with_mimics >= base


def test_hypercellular_tumour_needs_tumour(model):
    cpt = model.network.cpts["hypercellular_tumour"]  # (state, diagnosis, histology)
    present = model.states("hypercellular_tumour").index("present")
    rn = model.states("diagnosis").index("radiation_necrosis")
    ttp = model.states("diagnosis").index("tumour_progression")
    sclc = model.states("primary_histology").index("sclc")
    assert (cpt[present, rn, :] == 0).all()
    assert cpt[present, ttp, sclc] == model.records["hypercellular_given_sclc_tumour"].point()
    others = [i for i in range(cpt.shape[2]) if i != sclc]
    assert (cpt[present, ttp, others] == 0).all()
