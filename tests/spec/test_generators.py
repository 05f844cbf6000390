"""CPT generators reproduce the published figures they are built from, and each is one
registered class (schema fragment, checks, references, build)."""

import itertools
import math
from types import MappingProxyType

import numpy as np
import pytest
from scipy.special import expit

import rnbayes
from rnbayes.spec.generators import GENERATORS, BuildContext
from rnbayes.spec.generators.latent_test import latent_solution
from rnbayes.spec.generators.logodds import solve_intercept
from rnbayes.spec.generators.noisy import NoisyMax
from rnbayes.spec.network import NodeSpec
from rnbayes.spec.refs import StateRef
from tests.helpers import ROOT

GOOD = ROOT / "tests" / "data" / "good"


@pytest.fixture(scope="module")
def tiny():
    return rnbayes.load_model(GOOD / "network.yaml", GOOD / "priors")


def test_registry_holds_one_class_per_generator():
    assert set(GENERATORS) == {"table", "logodds", "noisy_max", "noisy_or", "latent_test",
                               "risk_factor"}
    for name, cls in GENERATORS.items():
        assert cls.name == name and cls.schema["type"] == "object"


@pytest.mark.parametrize("node, sens, spec", [
    ("rcbv", "dsc_sensitivity", "dsc_specificity"),
    ("ktrans", "dce_sensitivity", "dce_specificity"),
    ("asl_cbf", "asl_sensitivity", "asl_specificity"),
    ("mrs_choline", "mrs_sensitivity", "mrs_specificity"),
    ("fet_tbr", "fet_tbr_sensitivity", "fet_tbr_specificity"),
    ("fet_curve", "fet_curve_sensitivity", "fet_curve_specificity"),
])
def test_latent_tests_keep_each_tests_published_accuracy_as_the_marginal(model, node, sens, spec):
    """Pooled accuracy is a marginal over the studies' case mix: with the maskers (blood
    products, bevacizumab) unobserved, the implied sensitivity and specificity are the
    records' exactly."""
    joint, _ = model.network.query(["diagnosis", node], {})
    cond = joint / joint.sum(axis=1, keepdims=True)
    d = model.states("diagnosis")
    k = model.states(node).index(model.spec.nodes[node].cpt.positive)
    assert math.isclose(cond[d.index("tumour_progression"), k], model.records[sens].point(),
                        abs_tol=1e-12)
    assert math.isclose(cond[d.index("radiation_necrosis"), 1 - k], model.records[spec].point(),
                        abs_tol=1e-12)


@pytest.mark.parametrize("node", ["rcbv", "ktrans", "asl_cbf"])
def test_masking_still_acts_per_case(model, node):
    """Blood products lower the sensitivity where they are present, and the case without
    them is above the published marginal."""
    h = model.states("haemorrhage")
    d = model.states("diagnosis").index("tumour_progression")
    k = model.states(node).index("elevated")

    def sn(ev):
        joint, _ = model.network.query(["diagnosis", node], ev)
        return (joint / joint.sum(axis=1, keepdims=True))[d, k]

    clean, bleeding = sn({"haemorrhage": h.index("absent")}), sn({"haemorrhage": h.index("present")})
    rec = model.records_for(node)[0].point()
    assert bleeding < rec < clean


@pytest.mark.parametrize("node, ttp, rn", [
    ("enhancement_pattern", "enhancement_given_ttp", "enhancement_given_rn"),
    ("cut_pepper", "cut_pepper_given_ttp", "cut_pepper_given_rn"),
    ("crosses_boundary", "crosses_boundary_given_ttp", "crosses_boundary_given_rn"),
    ("clustered_lesions", "clustered_given_ttp", "clustered_given_rn"),
    ("shape_change", "shape_change_given_ttp", "shape_change_given_rn"),
])
def test_conventional_signs_keep_their_frequencies_under_the_shared_latent(model, node, ttp, rn):
    joint, _ = model.network.query(["diagnosis", node], {})
    cond = joint / joint.sum(axis=1, keepdims=True)
    d = model.states("diagnosis")
    for rid, cls in ((ttp, "tumour_progression"), (rn, "radiation_necrosis")):
        rec = model.records[rid]
        if rec.family == "dirichlet":
            want = [rec.point()[rec.states.index(s)] for s in model.states(node)]
        else:
            i = model.states(node).index("present")
            want = [rec.point() if j == i else 1 - rec.point() for j in range(2)]
        np.testing.assert_allclose(cond[d.index(cls)], want, atol=1e-12)


def test_latent_test_keeps_accuracy_in_the_tiny_network(tiny):
    joint, _ = tiny.network.query(["d", "t"], {"m": 0})
    cond = joint / joint.sum(axis=1, keepdims=True)
    assert math.isclose(cond[1, 0], tiny.records["t_sensitivity"].point(), abs_tol=1e-12)
    assert math.isclose(cond[0, 1], tiny.records["t_specificity"].point(), abs_tol=1e-12)
    # the masker turns positives negative with its probability
    masked, _ = tiny.network.query(["t"], {"m": 1, "d": 1})
    plain, _ = tiny.network.query(["t"], {"m": 0, "d": 1})
    assert math.isclose(masked[0], plain[0] * (1 - tiny.records["t_masked"].point()), abs_tol=1e-12)


def test_latent_solution_inverts_the_mixture():
    rng = np.random.default_rng(1)
    for _ in range(100):
        a, b = rng.uniform(0.6, 0.99), rng.uniform(0.01, 0.4)
        s_true, f_true = rng.uniform(0.5, 1), rng.uniform(0, 0.5)
        s, f = latent_solution(a, b, a * s_true + (1 - a) * f_true,
                               1 - (b * s_true + (1 - b) * f_true))
        assert math.isclose(s, s_true, abs_tol=1e-12) and math.isclose(f, f_true, abs_tol=1e-12)


def test_logodds_effects_are_exact_odds_ratios(model):
    arr = model.network.cpts["diagnosis"]
    k = model.states("diagnosis").index("tumour_progression")
    odds = arr[k] / arr[1 - k]
    cpt = model.spec.nodes["diagnosis"].cpt
    for i, parent in enumerate(model.parents("diagnosis")):
        for state, rid in cpt.effects[parent].items():
            j = model.states(parent).index(state)
            r = model.states(parent).index(
                next(s for s in model.states(parent) if s not in cpt.effects[parent]))
            ratio = np.take(odds, j, axis=i) / np.take(odds, r, axis=i)
            np.testing.assert_allclose(ratio, model.records[rid].point(), rtol=1e-10)


def test_intercept_is_calibrated_to_the_baseline_record(model, tiny):
    """The calibrated prior equals the baseline record (an independent figure)."""
    assert math.isclose(model.prior_progression,
                        model.records["p_ttp_enlarging_lesion"].point(), abs_tol=1e-12)
    assert math.isclose(tiny.prior_progression, tiny.records["p_d"].point(), abs_tol=1e-12)


def test_solve_intercept_meets_its_target():
    rng = np.random.default_rng(0)
    lor = rng.normal(0, 2, size=(300, 50))
    w = rng.dirichlet(np.ones(50), size=300)
    target = rng.uniform(0.01, 0.99, size=300)
    c = solve_intercept(lor, w, target)
    assert np.max(np.abs((w * expit(c[:, None] + lor)).sum(axis=1) - target)) < 1e-12


class _Rec:
    states = ("off", "on")


def test_noisy_max_binary_is_leaky_noisy_or():
    # two causes with activation 0.3 and 0.6, leak 0.1: P(off) = 0.9 * (1-0.3)^x1 * (1-0.6)^x2
    gen = NoisyMax(order=("off", "on"),
                   causes=MappingProxyType({"a": {"yes": StateRef("c1", "on")},
                                            "b": {"yes": StateRef("c2", "on")}}),
                   leak=StateRef("leak", "on"))
    vals = {"c1": np.array([0.3]), "c2": np.array([0.6]), "leak": np.array([0.1])}
    nodes = {n: NodeSpec(n, "context", "", ("no", "yes"), (), False, gen) for n in ("a", "b")}
    child = NodeSpec("x", "advanced", "", ("off", "on"), ("a", "b"), False, gen)
    out = gen.build(BuildContext(child, {**nodes, "x": child}, vals.__getitem__,
                                 {k: _Rec() for k in vals}, {}))[0]
    for x1, x2 in itertools.product([0, 1], [0, 1]):
        p_off = 0.9 * (0.7 ** x1) * (0.4 ** x2)
        assert math.isclose(out[0, x1, x2], p_off, abs_tol=1e-12)
        assert math.isclose(out[1, x1, x2], 1 - p_off, abs_tol=1e-12)


def test_noisy_max_takes_the_highest_level(model, tiny):
    # an active cause can only raise the chance of a level or a higher one
    node = "central_restricted_diffusion"
    cpt, parents = model.network.cpts[node], model.parents(node)
    causes = model.spec.nodes[node].cpt.causes
    per = model.states(node).index("peripheral_or_solid")
    none = model.states(node).index("none")

    def entry(level, mimics_on):
        idx = []
        for p in parents:
            if p == "diagnosis":
                idx.append(model.states(p).index("tumour_progression"))
            else:  # binary mimics: the state listed as a cause, or the other one
                cause = model.states(p).index(next(iter(causes[p])))
                idx.append(cause if mimics_on else 1 - cause)
        return cpt[(level, *idx)]

    assert entry(per, True) > entry(per, False)
    assert entry(none, True) < entry(none, False)
    # in the tiny network y's highest level c3 only becomes likelier with d = yes
    y = tiny.network.cpts["y"]
    np.testing.assert_allclose(y[:, 1], tiny.records["y_given_yes"].point(), atol=1e-12)


def test_hypercellular_tumour_needs_tumour(model):
    cpt = model.network.cpts["hypercellular_tumour"]  # (state, diagnosis, histology)
    present = model.states("hypercellular_tumour").index("present")
    rn = model.states("diagnosis").index("radiation_necrosis")
    ttp = model.states("diagnosis").index("tumour_progression")
    sclc = model.states("primary_histology").index("sclc")
    assert (cpt[present, rn, :] == 0).all()
    assert cpt[present, ttp, sclc] == model.records["hypercellular_given_sclc_tumour"].point()
    assert (cpt[present, ttp, [i for i in range(cpt.shape[2]) if i != sclc]] == 0).all()


def test_table_rows_fixed_and_dirichlet(tiny):
    z = tiny.network.cpts["z"]  # (z, d, c)
    assert z[1, 0, 0] == 1.0  # fixed: d = no, c = low -> down
    np.testing.assert_allclose(z[:, 0, 1], tiny.records["z_given_no_high"].point())
    np.testing.assert_allclose(z[0, 1, :], tiny.records["z_up_given_yes"].point())


def test_tiny_network_matches_pgmpy(tiny):
    from rnbayes.engine.pgmpy import variable_elimination, ve_query

    engine = variable_elimination(tiny.to_pgmpy())
    for ev in ({}, {"t": "pos"}, {"x": "pos", "y": "c3", "z": "up"}):
        ours = tiny.posterior(ev).p_progression
        f = ve_query(engine, ["d"], ev)
        assert abs(f.values[[str(s) for s in f.state_names["d"]].index("yes")] - ours) < 1e-9
