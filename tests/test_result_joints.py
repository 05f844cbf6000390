"""The compiled query paths (constant folding, matrix-product steps) and the one-query
joints of a target with many tests are verified against brute-force enumeration and
pgmpy's VariableElimination, to 1e-9."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnbayes.engine import joints as _testjoints
from rnbayes.engine import network as _inference
from rnbayes.engine.fold import fold
from rnbayes.engine.joints import ResultJoints
from rnbayes.engine.network import DiscreteNetwork
from rnbayes.engine.pgmpy import example_network, variable_elimination, ve_query
from rnbayes.spec.catalog import load_tests

TOL = 1e-9


def random_network(seed: int, n_nodes: int, max_parents: int = 3) -> DiscreteNetwork:
    rng = np.random.default_rng(seed)
    names = [f"n{i}" for i in range(n_nodes)]
    states, parents, cpts = {}, {}, {}
    for i, n in enumerate(names):
        card = int(rng.integers(2, 4))
        states[n] = tuple(f"s{k}" for k in range(card))
        ps = tuple(p for p in names[:i] if rng.random() < 0.5)[:max_parents]
        parents[n] = ps
        shape = tuple(len(states[p]) for p in ps)
        cpts[n] = np.moveaxis(rng.dirichlet(np.full(card, 0.7), size=shape or None), -1, 0)
    return DiscreteNetwork(states, parents, cpts)


def random_evidence(net: DiscreteNetwork, rng: np.random.Generator, exclude: set[str]):
    ev: dict[str, object] = {}
    for n in net.nodes:
        if n in exclude or rng.random() > 0.35:
            continue
        if rng.random() < 0.3:
            ev[n] = rng.uniform(0.05, 1.0, size=net.card[n])  # soft
        else:
            ev[n] = int(rng.integers(0, net.card[n]))
    return ev


def random_problem(seed: int, n_nodes: int):
    net = random_network(seed, n_nodes)
    rng = np.random.default_rng(seed + 1)
    target = net.nodes[int(rng.integers(0, n_nodes))]
    ev = random_evidence(net, rng, {target})
    free = [n for n in net.nodes if n != target and n not in ev]
    groups = []
    for _ in range(int(rng.integers(1, 5))):
        if not free:
            break
        size = int(rng.integers(1, min(3, len(free)) + 1))
        groups.append(tuple(rng.choice(free, size=size, replace=False)))
    return net, target, ev, groups


# -- folding -----------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 7))
def test_folded_query_matches_enumeration(seed, n_nodes):
    net = random_network(seed, n_nodes)
    rng = np.random.default_rng(seed + 7)
    k = int(rng.integers(1, min(3, n_nodes) + 1))
    targets = [str(t) for t in rng.choice(net.nodes, size=k, replace=False)]
    ev = random_evidence(net, rng, set(targets))
    post, p_e = net.query(targets, ev)
    ref, ref_pe = net.enumerate_joint(targets, ev)
    np.testing.assert_allclose(post, ref, atol=TOL, rtol=0)
    assert float(p_e) == pytest.approx(float(ref_pe), abs=TOL)


def test_fold_keeps_sum_over_eliminated_variables():
    net = random_network(3, 6)
    factors = [(net.cpts[n], (n, *net.parents[n])) for n in net.nodes]
    keep = {"n2", "n5"}
    folded = fold(factors, keep, net.card, cap=1)
    # the cap only forbids growth: every variable appearing in a single factor is gone
    whole, _ = net.enumerate_joint(["n2", "n5"])
    from rnbayes.engine.fold import _einsum
    np.testing.assert_allclose(_einsum(folded, ("n2", "n5")), whole, atol=TOL)


def test_replacing_a_table_recompiles_the_folded_query():
    net = random_network(11, 5)
    target = net.nodes[-1]
    before, _ = net.query([target])
    root = net.nodes[0]
    net.cpts[root] = net.cpts[root][::-1].copy()
    after, _ = net.query([target])
    ref, _ = net.enumerate_joint([target])
    np.testing.assert_allclose(after, ref, atol=TOL)
    assert before.shape == after.shape


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(3, 7))
def test_matrix_product_steps_match_enumeration(seed, n_nodes):
    """With every pairwise step forced onto the matrix-product path."""
    net = random_network(seed, n_nodes)
    rng = np.random.default_rng(seed + 3)
    targets = [str(t) for t in rng.choice(net.nodes, size=2, replace=False)]
    ev = random_evidence(net, rng, set(targets))
    old = _inference.MATMUL_FROM
    _inference.MATMUL_FROM = 1
    try:
        post, _ = net.query(targets, ev)
    finally:
        _inference.MATMUL_FROM = old
    ref, _ = net.enumerate_joint(targets, ev)
    np.testing.assert_allclose(post, ref, atol=TOL, rtol=0)


def test_matmul_step_matches_einsum():
    rng = np.random.default_rng(0)
    eq = "abcd,cbef->eadf"
    size = dict(zip("abcdef", (3, 2, 4, 2, 3, 2)))
    x = rng.random([size[c] for c in "abcd"])
    y = rng.random([size[c] for c in "cbef"])
    step = _inference._MatmulStep(eq, size)
    np.testing.assert_allclose(step(x, y), np.einsum(eq, x, y), atol=1e-12)


# -- joints of the target with every test ------------------------------------------------

def _check(net, target, ev, groups):
    rj = ResultJoints(net, target, ev, groups)
    ref_t, ref_pe = net.enumerate_joint([target], ev)
    np.testing.assert_allclose(rj.target_posterior, ref_t, atol=TOL, rtol=0)
    assert rj.p_evidence == pytest.approx(float(ref_pe), abs=TOL)
    for i, g in enumerate(groups):
        ref, _ = net.enumerate_joint([target, *g], ev)
        np.testing.assert_allclose(rj.single(i), ref, atol=TOL, rtol=0)
    for a, b in itertools.combinations(groups, 2):
        union = tuple(dict.fromkeys((*a, *b)))
        ref, _ = net.enumerate_joint([target, *union], ev)
        np.testing.assert_allclose(rj.joint(union), ref, atol=TOL, rtol=0)


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(3, 8))
def test_result_joints_match_enumeration(seed, n_nodes):
    net, target, ev, groups = random_problem(seed, n_nodes)
    _check(net, target, ev, groups)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(3, 8))
def test_result_joints_fallback_matches_enumeration(seed, n_nodes):
    net, target, ev, groups = random_problem(seed, n_nodes)
    old = _testjoints.JOINT_LIMIT
    _testjoints.JOINT_LIMIT = 1  # every request becomes its own query
    try:
        _check(net, target, ev, groups)
        _check_pairs(net, target, ev, groups)
    finally:
        _testjoints.JOINT_LIMIT = old


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


@pytest.mark.parametrize("evidence", DEFAULT_EVIDENCE)
def test_default_network_test_joints_match_pgmpy(model, pgmpy_default, evidence):
    _, engine = pgmpy_default
    net = model.network
    catalog = load_tests()
    groups = [g for g in (tuple(n for n in t.reveals if n not in evidence) for t in catalog.tests)
              if g]
    rj = ResultJoints(net, "diagnosis", evidence, groups)
    hard = {n: net.states[n][v] for n, v in evidence.items() if np.ndim(v) == 0}
    soft = {n: v for n, v in evidence.items() if np.ndim(v) != 0}
    if soft:  # pgmpy takes soft evidence as virtual evidence; compare with enumeration there
        for i, g in enumerate(groups[:3]):
            ref, _ = net.enumerate_joint(["diagnosis", *g], evidence)
            np.testing.assert_allclose(rj.single(i), ref, atol=TOL, rtol=0)
        return
    for i, g in enumerate(groups):
        ref = _pgmpy_joint(engine, net, ["diagnosis", *g], hard)
        np.testing.assert_allclose(rj.single(i), ref, atol=TOL, rtol=0)


def _pgmpy_joint(engine, net, order, evidence):
    """pgmpy's joint query, axes and states in the engine's order."""
    f = ve_query(engine, order, evidence)
    vals = np.moveaxis(np.asarray(f.values), [f.variables.index(v) for v in order],
                       range(len(order)))
    idx = np.ix_(*[[[str(s) for s in f.state_names[v]].index(s) for s in net.states[v]]
                   for v in order])
    return vals[idx]


@pytest.mark.parametrize("name,target,evidence,tests", [
    ("alarm", "LVFAILURE", {"HR": "HIGH", "BP": "LOW", "SAO2": "LOW"},
     ["HISTORY", "CVP", "PCWP", "STROKEVOLUME", "LVEDVOLUME", "CO", "HREKG", "HRSAT"]),
    ("hepar2", "Cirrhosis", {"ast": "a149_40", "fatigue": "present", "age": "age31_50"},
     ["alt", "bilirubin", "ggtp", "ESR", "platelet", "spleen", "jaundice", "ascites"]),
])
def test_bnlearn_test_joints_match_pgmpy(name, target, evidence, tests):
    net, pg = example_network(name)
    engine = variable_elimination(pg)
    ev = {k: net.states[k].index(v) for k, v in evidence.items()}
    groups = [(t,) for t in tests] + [(tests[0], tests[3]), (tests[4], tests[5])]
    rj = ResultJoints(net, target, ev, groups)
    for i, g in enumerate(groups):
        ref = _pgmpy_joint(engine, net, [target, *g], evidence)
        np.testing.assert_allclose(rj.single(i), ref, atol=TOL, rtol=0)


def _check_pairs(net, target, ev, groups):
    rj = ResultJoints(net, target, ev, groups)
    joints, starts, pairs, unions = rj.pair_joints()
    assert pairs == list(itertools.combinations(range(len(groups)), 2))
    for k, ((i, j), union) in enumerate(zip(pairs, unions)):
        assert union == tuple(dict.fromkeys((*groups[i], *groups[j])))
        ref, _ = net.enumerate_joint([target, *union], ev)
        np.testing.assert_allclose(joints[:, starts[k]:starts[k + 1]], ref.reshape(ref.shape[0], -1),
                                   atol=TOL, rtol=0)


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(3, 8))
def test_pair_joints_match_enumeration(seed, n_nodes):
    net, target, ev, groups = random_problem(seed, n_nodes)
    _check_pairs(net, target, ev, groups)


@pytest.mark.parametrize("evidence", DEFAULT_EVIDENCE[:3])
def test_default_network_pair_joints_match_pgmpy(model, pgmpy_default, evidence):
    """Tests sharing a node (two reveal ktrans) or a latent ancestor are handled apart."""
    _, engine = pgmpy_default
    net = model.network
    hard = {n: net.states[n][v] for n, v in evidence.items() if np.ndim(v) == 0}
    soft = len(hard) < len(evidence)
    groups = [g for g in (tuple(n for n in t.reveals if n not in evidence)
                          for t in load_tests().tests) if g]
    rj = ResultJoints(net, "diagnosis", evidence, groups)
    joints, starts, pairs, unions = rj.pair_joints()
    for k in range(0, len(pairs), 4):
        # pgmpy has no likelihood evidence; there the engine's own (verified) query is the check
        ref = rj._query(unions[k]) if soft else \
            _pgmpy_joint(engine, net, ["diagnosis", *unions[k]], hard)
        np.testing.assert_allclose(joints[:, starts[k]:starts[k + 1]],
                                   ref.reshape(ref.shape[0], -1), atol=TOL, rtol=0)


def test_replacing_a_table_rebuilds_the_kernels():
    net = DiscreteNetwork(
        states={"d": ("a", "b"), "x": ("neg", "pos"), "y": ("neg", "pos")},
        parents={"d": (), "x": ("d",), "y": ("d",)},
        cpts={"d": np.array([0.7, 0.3]), "x": np.array([[0.9, 0.2], [0.1, 0.8]]),
              "y": np.array([[0.6, 0.5], [0.4, 0.5]])})
    groups = [("x",), ("y",)]
    ResultJoints(net, "d", {}, groups).pair_joints()
    net.cpts["x"] = np.array([[0.3, 0.6], [0.7, 0.4]])  # kernels of x are now stale
    _check(net, "d", {}, groups)
    _check_pairs(net, "d", {}, groups)


def test_result_joints_refuse_batched_tables():
    net = random_network(2, 4)
    batched = {n: np.stack([t, t]) for n, t in net.cpts.items()}
    with pytest.raises(ValueError, match="point tables"):
        ResultJoints(net.with_cpts(batched), net.nodes[0], {}, [(net.nodes[-1],)])


@pytest.mark.parametrize("node,why", [("n9", "not a node"), ("n0", "the target"),
                                      ("n1", "already observed")])
def test_result_joints_reject_bad_test_nodes(node, why):
    net = random_network(4, 4)
    with pytest.raises(ValueError, match=f"'{node}' is {why}"):
        ResultJoints(net, "n0", {"n1": 0}, [("n2",), (node,)])


def test_plan_cache_stays_bounded(monkeypatch):
    monkeypatch.setattr(_inference, "CACHE_LIMIT", 8)
    net = random_network(9, 6)
    for target in net.nodes:
        for other in net.nodes:
            if other != target:
                post, _ = net.query([target], {other: 0})
                ref, _ = net.enumerate_joint([target], {other: 0})
                np.testing.assert_allclose(post, ref, atol=TOL)
    assert len(net._cache) <= 8


def test_replacing_all_tables_at_once_recompiles():
    net = random_network(13, 5)
    target = net.nodes[-1]
    net.query([target])
    ResultJoints(net, net.nodes[0], {}, [(target,)])
    net.cpts = {n: np.ascontiguousarray(t[::-1]) for n, t in net.cpts.items()}
    _check(net, net.nodes[0], {}, [(target,)])
    np.testing.assert_allclose(net.query([target])[0], net.enumerate_joint([target])[0],
                               atol=TOL)
