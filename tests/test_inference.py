"""Exact inference is verified: against pgmpy VariableElimination and brute-force enumeration."""

import itertools

import numpy as np
import pytest

from rnbayes.engine.network import DiscreteNetwork, check_tables
from rnbayes.engine.pgmpy import example_network, variable_elimination, ve_query

TOL = 1e-9


def _ve_target(engine, net, target, evidence_idx):
    ev = {n: net.states[n][i] for n, i in evidence_idx.items()}
    f = ve_query(engine, [target], ev)
    names = [str(s) for s in f.state_names[target]]
    return np.array([f.values[names.index(s)] for s in net.states[target]])


DEFAULT_QUERIES = [
    {},
    {"enhancement_pattern": 1},
    {"enhancement_pattern": 0, "rcbv": 1, "months_since_srs": 2},
    {"central_restricted_diffusion": 0, "primary_histology": 1, "haemorrhage": 0},
    {"rcbv": 0, "ktrans": 0, "asl_cbf": 0, "bevacizumab": 0},
    {"fet_tbr": 0, "fet_curve": 1, "susceptibility_foci": 1, "follow_up_course": 2},
    {"tumour_vascularity": 0, "mrs_choline": 1},
]


@pytest.mark.parametrize("evidence", DEFAULT_QUERIES)
def test_default_network_matches_pgmpy_ve(model, pgmpy_default, evidence):
    _, engine = pgmpy_default
    net = model.network
    post, _ = net.query(["diagnosis"], evidence)
    ref = _ve_target(engine, net, "diagnosis", evidence)
    np.testing.assert_allclose(post, ref, atol=TOL, rtol=0)


SOFT_QUERY = {"rcbv": np.array([0.7, 0.3]), "enhancement_pattern": 1,
              "central_restricted_diffusion": np.array([0.2, 0.5, 0.3])}


@pytest.mark.parametrize("evidence", [*DEFAULT_QUERIES[:5], SOFT_QUERY])
def test_default_network_matches_enumeration(model, evidence):
    """Hard evidence, and soft (likelihood) evidence in the last case."""
    net = model.network
    post, p_e = net.query(["diagnosis"], evidence)
    ref, ref_pe = net.enumerate_joint(["diagnosis"], evidence)
    np.testing.assert_allclose(post, ref, atol=TOL, rtol=0)
    assert abs(float(p_e) - ref_pe) < TOL


def test_joint_query_over_several_targets(model):
    net = model.network
    ev = {"enhancement_pattern": 2}
    joint, _ = net.query(["diagnosis", "rcbv", "ktrans"], ev)
    ref, _ = net.enumerate_joint(["diagnosis", "rcbv", "ktrans"], ev)
    assert joint.shape == (2, 2, 2)
    np.testing.assert_allclose(joint, ref, atol=TOL, rtol=0)


@pytest.fixture(scope="module")
def asia():
    return example_network("asia")


@pytest.fixture(scope="module")
def alarm():
    return example_network("alarm")


def _random_queries(net, rng, n, max_configs=20000):
    out = []
    nodes = list(net.nodes)
    while len(out) < n:
        target = nodes[rng.integers(len(nodes))]
        k = int(rng.integers(0, 4))
        ev_nodes = [x for x in rng.choice(nodes, size=k, replace=False) if x != target]
        ev = {x: int(rng.integers(net.card[x])) for x in ev_nodes}
        anc = net.ancestors([target, *ev])
        size = np.prod([net.card[a] for a in anc if a not in ev], dtype=float)
        if size <= max_configs:
            out.append((target, ev))
    return out


@pytest.mark.parametrize("name", ["asia", "alarm"])
def test_bundled_networks_match_pgmpy_and_enumeration(name, request):
    net, pg = request.getfixturevalue(name)
    assert not check_tables(net)
    engine = variable_elimination(pg)
    rng = np.random.default_rng(7)
    for target, ev in _random_queries(net, rng, 12):
        post, p_e = net.query([target], ev)
        if not p_e > 0:
            continue
        ve = _ve_target(engine, net, target, ev)
        np.testing.assert_allclose(post, ve, atol=TOL, rtol=0)
        brute, _ = net.enumerate_joint([target], ev)
        np.testing.assert_allclose(post, brute, atol=TOL, rtol=0)


def test_asia_full_joint_by_enumeration(asia):
    net, _ = asia
    nodes = list(net.nodes)
    joint, _ = net.query(nodes[:3], {})
    # independent brute force over all 2^8 configurations
    acc = np.zeros(joint.shape)
    for cfg in itertools.product(*[range(net.card[n]) for n in nodes]):
        pos = dict(zip(nodes, cfg))
        p = 1.0
        for n in nodes:
            p *= net.cpts[n][(pos[n], *(pos[q] for q in net.parents[n]))]
        acc[tuple(pos[n] for n in nodes[:3])] += p
    np.testing.assert_allclose(joint, acc, atol=TOL, rtol=0)


def test_batched_tables_give_one_answer_per_draw(model):
    net = model.network
    rng = np.random.default_rng(0)
    b = 5
    diag = np.stack([net.cpts["enhancement_pattern"]] * b)
    draws = rng.dirichlet([2, 2, 2], size=(b, 2)).transpose(0, 2, 1)  # (B, 3, 2)
    diag = draws
    post, _ = net.query(["diagnosis"], {"enhancement_pattern": 1},
                        cpts={"enhancement_pattern": diag})
    assert post.shape == (b, 2)
    for i in range(b):
        single = net.with_cpts({"enhancement_pattern": diag[i]})
        ref, _ = single.query(["diagnosis"], {"enhancement_pattern": 1})
        np.testing.assert_allclose(post[i], ref, atol=TOL, rtol=0)


def test_target_cannot_also_be_evidence():
    net = DiscreteNetwork({"a": ("x", "y")}, {"a": ()}, {"a": np.array([0.5, 0.5])})
    with pytest.raises(ValueError, match="both a target and observed"):
        net.query(["a"], {"a": 0})


def test_impossible_evidence_has_zero_probability():
    net = DiscreteNetwork(
        {"a": ("x", "y"), "b": ("u", "v")}, {"a": (), "b": ("a",)},
        {"a": np.array([1.0, 0.0]), "b": np.array([[1.0, 0.5], [0.0, 0.5]])},
    )
    _, p_e = net.query(["a"], {"b": 1})
    assert float(p_e) == 0.0


@pytest.mark.parametrize("name", ["hepar2", "pathfinder"])
def test_compiled_queries_on_larger_networks_match_pgmpy(name):
    """The folded, compiled point-query path on hepar2 and pathfinder, random queries."""
    net, pg = example_network(name)
    engine = variable_elimination(pg)
    rng = np.random.default_rng(5)
    checked = 0
    for target, ev in _random_queries(net, rng, 10, max_configs=float("inf")):
        post, p_e = net.query([target], ev)
        if not p_e > 0:
            continue
        np.testing.assert_allclose(post, _ve_target(engine, net, target, ev), atol=TOL, rtol=0)
        checked += 1
    assert checked >= 5
