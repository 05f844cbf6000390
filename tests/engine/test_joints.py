"""The one-query joints of a target with many tests, against brute-force enumeration and
pgmpy's VariableElimination, to 1e-9."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnbayes.engine import joints as engine_joints
from rnbayes.engine.joints import ResultJoints
from rnbayes.engine.network import DiscreteNetwork
from rnbayes.engine.pgmpy import variable_elimination
from rnbayes.spec.catalog import load_catalog
from tests.helpers import TOL, random_network, random_problem, ve_joint


def check_singles(net, target, ev, groups):
    rj = ResultJoints(net, target, ev, groups)
    ref_t, ref_pe = net.enumerate_joint([target], ev)
    np.testing.assert_allclose(rj.target_posterior, ref_t, atol=TOL, rtol=0)
    assert rj.p_evidence == pytest.approx(float(ref_pe), abs=TOL)
    for i, g in enumerate(groups):
        np.testing.assert_allclose(rj.single(i), net.enumerate_joint([target, *g], ev)[0],
                                   atol=TOL, rtol=0)
    for a, b in itertools.combinations(groups, 2):
        union = tuple(dict.fromkeys((*a, *b)))
        np.testing.assert_allclose(rj.joint(union), net.enumerate_joint([target, *union], ev)[0],
                                   atol=TOL, rtol=0)


def check_pairs(net, target, ev, groups):
    rj = ResultJoints(net, target, ev, groups)
    joints, starts, pairs, unions = rj.pair_joints()
    assert pairs == list(itertools.combinations(range(len(groups)), 2))
    for k, ((i, j), union) in enumerate(zip(pairs, unions)):
        assert union == tuple(dict.fromkeys((*groups[i], *groups[j])))
        ref, _ = net.enumerate_joint([target, *union], ev)
        np.testing.assert_allclose(joints[:, starts[k]:starts[k + 1]],
                                   ref.reshape(ref.shape[0], -1), atol=TOL, rtol=0)


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(3, 8))
def test_result_joints_match_enumeration(seed, n_nodes):
    check_singles(*random_problem(seed, n_nodes))


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(3, 8))
def test_pair_joints_match_enumeration(seed, n_nodes):
    check_pairs(*random_problem(seed, n_nodes))


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(3, 8))
def test_result_joints_fallback_matches_enumeration(seed, n_nodes):
    net, target, ev, groups = random_problem(seed, n_nodes)
    old = engine_joints.JOINT_LIMIT
    engine_joints.JOINT_LIMIT = 1  # every request becomes its own query
    try:
        fresh = net.with_cpts({})  # layouts planned under the small limit
        check_singles(fresh, target, ev, groups)
        check_pairs(fresh, target, ev, groups)
    finally:
        engine_joints.JOINT_LIMIT = old


def test_result_joints_with_no_candidates_give_the_posterior():
    net = random_network(5, 4)
    rj = ResultJoints(net, net.nodes[0], {}, [])
    np.testing.assert_allclose(rj.target_posterior, net.enumerate_joint([net.nodes[0]])[0])
    assert rj.singles.shape == (net.card[net.nodes[0]], 0)


DEFAULT_EVIDENCE = [
    {},
    {"enhancement_pattern": 1, "rcbv": 0, "months_since_srs": 2},
    # observed parents of test nodes (kernels sliced), soft evidence on a latent's child
    {"bevacizumab": 1, "haemorrhage": 0, "rcbv": np.array([0.2, 0.7])},
    {"primary_histology": 2, "central_restricted_diffusion": 1, "follow_up_course": 0},
]


def default_groups(evidence):
    return [g for g in (tuple(n for n in t.reveals if n not in evidence)
                        for t in load_catalog().tests) if g]


@pytest.mark.parametrize("evidence", DEFAULT_EVIDENCE)
def test_default_network_test_joints_match_pgmpy(model, pgmpy_default, evidence):
    _, engine = pgmpy_default
    net = model.network
    groups = default_groups(evidence)
    rj = ResultJoints(net, "diagnosis", evidence, groups)
    hard = {n: net.states[n][v] for n, v in evidence.items() if np.ndim(v) == 0}
    for i, g in enumerate(groups):
        if len(hard) < len(evidence):  # pgmpy has no likelihood evidence: enumerate
            ref, _ = net.enumerate_joint(["diagnosis", *g], evidence)
        else:
            ref = ve_joint(engine, net, ["diagnosis", *g], hard)
        np.testing.assert_allclose(rj.single(i), ref, atol=TOL, rtol=0)


@pytest.mark.parametrize("evidence", DEFAULT_EVIDENCE[:3])
def test_default_network_pair_joints_match_references(model, pgmpy_default, evidence):
    """Tests sharing a node (two reveal ktrans) or a latent ancestor are handled apart."""
    _, engine = pgmpy_default
    net = model.network
    hard = {n: net.states[n][v] for n, v in evidence.items() if np.ndim(v) == 0}
    rj = ResultJoints(net, "diagnosis", evidence, default_groups(evidence))
    joints, starts, pairs, unions = rj.pair_joints()
    for k in range(0, len(pairs), 4):
        if len(hard) < len(evidence):
            ref, _ = net.enumerate_joint(["diagnosis", *unions[k]], evidence)
        else:
            ref = ve_joint(engine, net, ["diagnosis", *unions[k]], hard)
        np.testing.assert_allclose(joints[:, starts[k]:starts[k + 1]],
                                   ref.reshape(ref.shape[0], -1), atol=TOL, rtol=0)


@pytest.mark.parametrize("name,target,evidence,tests", [
    ("alarm", "LVFAILURE", {"HR": "HIGH", "BP": "LOW", "SAO2": "LOW"},
     ["HISTORY", "CVP", "PCWP", "STROKEVOLUME", "LVEDVOLUME", "CO", "HREKG", "HRSAT"]),
    ("hepar2", "Cirrhosis", {"ast": "a149_40", "fatigue": "present", "age": "age31_50"},
     ["alt", "bilirubin", "ggtp", "ESR", "platelet", "spleen", "jaundice", "ascites"]),
])
def test_bnlearn_test_joints_match_pgmpy(bnlearn, name, target, evidence, tests):
    net, pg = bnlearn(name)
    engine = variable_elimination(pg)
    ev = {k: net.states[k].index(v) for k, v in evidence.items()}
    groups = [(t,) for t in tests] + [(tests[0], tests[3]), (tests[4], tests[5])]
    rj = ResultJoints(net, target, ev, groups)
    for i, g in enumerate(groups):
        np.testing.assert_allclose(rj.single(i), ve_joint(engine, net, [target, *g], evidence),
                                   atol=TOL, rtol=0)


def test_new_tables_never_meet_old_kernels():
    """Regression (review 3.2): after a table was replaced, ResultJoints for a *different*
    group set reused the old kernel ([[0.63,0.07],[0.06,0.24]] against the true
    [[0.21,0.49],[0.18,0.12]]). Now the replacement is a new network with its own plans."""
    net = DiscreteNetwork(
        states={"d": ("a", "b"), "x": ("neg", "pos"), "y": ("neg", "pos")},
        parents={"d": (), "x": ("d",), "y": ("d",)},
        cpts={"d": np.array([0.7, 0.3]), "x": np.array([[0.9, 0.2], [0.1, 0.8]]),
              "y": np.array([[0.6, 0.5], [0.4, 0.5]])})
    ResultJoints(net, "d", {}, [("x",), ("y",)]).pair_joints()  # kernels built and cached
    new = net.with_cpts({"x": np.array([[0.3, 0.6], [0.7, 0.4]])})
    np.testing.assert_allclose(ResultJoints(new, "d", {}, [("x",)]).single(0),
                               [[0.21, 0.49], [0.18, 0.12]], atol=1e-12)
    check_singles(new, "d", {}, [("x",), ("y",)])
    check_pairs(new, "d", {}, [("y",), ("x",)])
    check_singles(net, "d", {}, [("y",), ("x",)])  # the old network is untouched


@pytest.mark.parametrize("node,why", [("n9", "not a node"), ("n0", "the target"),
                                      ("n1", "already observed")])
def test_result_joints_reject_bad_test_nodes(node, why):
    net = random_network(4, 4)
    with pytest.raises(ValueError, match=f"'{node}' is {why}"):
        ResultJoints(net, "n0", {"n1": 0}, [("n2",), (node,)])
