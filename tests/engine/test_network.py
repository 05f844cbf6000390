"""Exact inference on an immutable network: against pgmpy VariableElimination and
brute-force enumeration, to 1e-9; and the network cannot change under its users."""

import dataclasses
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnbayes.engine import network as engine_network
from rnbayes.engine.network import DiscreteNetwork, check_tables
from rnbayes.engine.pgmpy import variable_elimination
from tests.helpers import TOL, random_evidence, random_network, ve_target

DEFAULT_QUERIES = [
    {},
    {"enhancement_pattern": 1},
    {"enhancement_pattern": 0, "rcbv": 1, "months_since_srs": 2},
    {"central_restricted_diffusion": 0, "primary_histology": 1, "haemorrhage": 0},
    {"rcbv": 0, "ktrans": 0, "asl_cbf": 0, "bevacizumab": 0},
    {"fet_tbr": 0, "fet_curve": 1, "susceptibility_foci": 1, "follow_up_course": 2},
    {"tumour_vascularity": 0, "mrs_choline": 1},
    # the nodes added for clinical fidelity: risk-factor children of the diagnosis, the
    # shared conventional-MRI and FET latents, haemorrhage by histology, adjacent RT
    {"targeted_therapy": 1, "enhancement_pattern": 0, "cut_pepper": 0},
    {"srs_platform": 1, "v12_cm3": 1, "haemorrhage": 0, "rcbv": 1},
    {"fet_tbr": 1, "fet_curve": 0, "delayed_contrast": 0, "prior_radiotherapy": 3},
    {"conventional_impression": 1, "fet_pattern": 0, "mrs_choline": 0, "targeted_therapy": 2},
]
NEW_NODE_QUERIES = DEFAULT_QUERIES[7:]
SOFT_QUERY = {"rcbv": np.array([0.7, 0.3]), "enhancement_pattern": 1,
              "central_restricted_diffusion": np.array([0.2, 0.5, 0.3])}


def literal_enumeration(net, targets, evidence):
    """The joint by a Python loop over every configuration: a reference for the reference."""
    keep = net.ancestors([*targets, *evidence])
    order = [n for n in net.nodes if n in keep]
    acc = np.zeros([net.card[t] for t in targets])
    for cfg in itertools.product(*[range(net.card[n]) for n in order]):
        pos = dict(zip(order, cfg))
        p = 1.0
        for n in order:
            p *= net.cpts[n][(pos[n], *(pos[q] for q in net.parents[n]))]
            v = evidence.get(n)
            if v is not None:
                p *= (float(pos[n] == v) if np.ndim(v) == 0 else float(v[pos[n]]))
        acc[tuple(pos[t] for t in targets)] += p
    return acc / acc.sum()


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 6))
def test_enumerate_joint_is_the_literal_sum(seed, n_nodes):
    net = random_network(seed, n_nodes)
    rng = np.random.default_rng(seed + 5)
    targets = [str(t) for t in rng.choice(net.nodes, size=min(2, n_nodes), replace=False)]
    ev = random_evidence(net, rng, set(targets))
    np.testing.assert_allclose(net.enumerate_joint(targets, ev)[0],
                               literal_enumeration(net, targets, ev), atol=1e-12)


@pytest.mark.parametrize("evidence", DEFAULT_QUERIES)
def test_default_network_matches_pgmpy_ve(model, pgmpy_default, evidence):
    _, engine = pgmpy_default
    post, _ = model.network.query(["diagnosis"], evidence)
    np.testing.assert_allclose(post, ve_target(engine, model.network, "diagnosis", evidence),
                               atol=TOL, rtol=0)


@pytest.mark.parametrize("evidence", [*DEFAULT_QUERIES[:5], *NEW_NODE_QUERIES[:3], SOFT_QUERY])
def test_default_network_matches_enumeration(model, evidence):
    """Hard evidence, and soft (likelihood) evidence in the last case."""
    net = model.network
    post, p_e = net.query(["diagnosis"], evidence)
    ref, ref_pe = net.enumerate_joint(["diagnosis"], evidence)
    np.testing.assert_allclose(post, ref, atol=TOL, rtol=0)
    assert abs(float(p_e) - ref_pe) < TOL


def test_default_network_random_evidence_matches_pgmpy_and_enumeration(model, pgmpy_default):
    """Random hard evidence on any observable or latent node (the new ones included):
    the posterior of the diagnosis and of a random unobserved node, against pgmpy to 1e-9,
    and against enumeration where the ancestral set is small enough to sum literally."""
    _, engine = pgmpy_default
    net = model.network
    rng = np.random.default_rng(11)
    nodes = [n for n in model.nodes if n != "diagnosis"]
    checked = enumerated = 0
    for _ in range(12):
        k = int(rng.integers(1, 7))
        ev = {n: int(rng.integers(net.card[n])) for n in rng.choice(nodes, size=k, replace=False)}
        _, p_e = net.query([], ev)
        if not float(p_e) > 0:
            continue
        free = [n for n in model.nodes if n not in ev]
        for target in ("diagnosis", str(rng.choice(free))):
            post, _ = net.query([target], ev)
            np.testing.assert_allclose(post, ve_target(engine, net, target, ev), atol=TOL, rtol=0)
            anc = net.ancestors([target, *ev])
            if np.prod([net.card[a] for a in anc if a not in ev], dtype=float) <= 2e6:
                np.testing.assert_allclose(post, net.enumerate_joint([target], ev)[0],
                                           atol=TOL, rtol=0)
                enumerated += 1
            checked += 1
    assert checked >= 16 and enumerated >= 4


def test_joint_query_over_several_targets(model):
    net = model.network
    joint, _ = net.query(["diagnosis", "rcbv", "ktrans"], {"enhancement_pattern": 2})
    ref, _ = net.enumerate_joint(["diagnosis", "rcbv", "ktrans"], {"enhancement_pattern": 2})
    assert joint.shape == (2, 2, 2)
    np.testing.assert_allclose(joint, ref, atol=TOL, rtol=0)


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
def test_bundled_networks_match_pgmpy_and_enumeration(name, bnlearn):
    net, pg = bnlearn(name)
    assert not check_tables(net)
    engine = variable_elimination(pg)
    for target, ev in _random_queries(net, np.random.default_rng(7), 12):
        post, p_e = net.query([target], ev)
        if not p_e > 0:
            continue
        np.testing.assert_allclose(post, ve_target(engine, net, target, ev), atol=TOL, rtol=0)
        np.testing.assert_allclose(post, net.enumerate_joint([target], ev)[0], atol=TOL, rtol=0)


def test_asia_full_joint_by_enumeration(bnlearn):
    net, _ = bnlearn("asia")
    nodes = list(net.nodes)
    joint, _ = net.query(nodes[:3], {})
    np.testing.assert_allclose(joint, literal_enumeration(net, nodes[:3], {}), atol=TOL, rtol=0)


@pytest.mark.parametrize("name", ["hepar2", pytest.param("pathfinder", marks=pytest.mark.slow)])
def test_compiled_queries_on_larger_networks_match_pgmpy(name, bnlearn):
    """The folded, compiled point-query path on hepar2 and pathfinder, random queries."""
    net, pg = bnlearn(name)
    engine = variable_elimination(pg)
    checked = 0
    for target, ev in _random_queries(net, np.random.default_rng(5), 10, max_configs=float("inf")):
        post, p_e = net.query([target], ev)
        if not p_e > 0:
            continue
        np.testing.assert_allclose(post, ve_target(engine, net, target, ev), atol=TOL, rtol=0)
        checked += 1
    assert checked >= 5


def test_batched_tables_give_one_answer_per_draw(model):
    net = model.network
    draws = np.random.default_rng(0).dirichlet([2, 2, 2], size=(5, 2)).transpose(0, 2, 1)
    post, _ = net.query(["diagnosis"], {"enhancement_pattern": 1},
                        cpts={"enhancement_pattern": draws})
    assert post.shape == (5, 2)
    for i in range(5):
        ref, _ = net.with_cpts({"enhancement_pattern": draws[i]}).query(
            ["diagnosis"], {"enhancement_pattern": 1})
        np.testing.assert_allclose(post[i], ref, atol=TOL, rtol=0)


def test_target_cannot_also_be_evidence():
    net = DiscreteNetwork({"a": ("x", "y")}, {"a": ()}, {"a": np.array([0.5, 0.5])})
    with pytest.raises(ValueError, match="both a target and observed"):
        net.query(["a"], {"a": 0})


def test_impossible_evidence_has_zero_probability():
    net = DiscreteNetwork({"a": ("x", "y"), "b": ("u", "v")}, {"a": (), "b": ("a",)},
                          {"a": np.array([1.0, 0.0]), "b": np.array([[1.0, 0.5], [0.0, 0.5]])})
    assert float(net.query(["a"], {"b": 1})[1]) == 0.0


# -- immutability ------------------------------------------------------------------------

def test_tables_cannot_be_changed_in_place_or_replaced():
    net = random_network(11, 4)
    root = net.nodes[0]
    with pytest.raises(ValueError, match="read-only"):
        net.cpts[root][0] = 0.5
    with pytest.raises(TypeError):
        net.cpts[root] = net.cpts[root][::-1]  # type: ignore[index]
    with pytest.raises((TypeError, dataclasses.FrozenInstanceError)):
        net.cpts |= {root: net.cpts[root][::-1]}  # the review's stale-plan reproduction
    with pytest.raises(dataclasses.FrozenInstanceError):
        net.states = {}  # type: ignore[misc]


def test_the_caller_keeps_no_handle_on_the_tables():
    table = np.array([0.3, 0.7])
    net = DiscreteNetwork({"a": ("x", "y")}, {"a": ()}, {"a": table})
    table[0] = 0.9  # the caller's array, not the network's
    np.testing.assert_allclose(net.query(["a"])[0], [0.3, 0.7])


def test_with_cpts_gives_a_new_network_with_fresh_plans():
    """Regression (review 3.2, ``cpts |=``): a replaced table must never meet a plan
    compiled from the old one. The old network keeps its answer; the new one is exact."""
    net = random_network(11, 5)
    target = net.nodes[-1]
    before, _ = net.query([target])
    root = net.nodes[0]
    new = net.with_cpts({root: net.cpts[root][::-1]})
    after, _ = new.query([target])
    np.testing.assert_allclose(after, new.enumerate_joint([target])[0], atol=TOL)
    np.testing.assert_allclose(net.query([target])[0], before, atol=0)
    np.testing.assert_allclose(before, net.enumerate_joint([target])[0], atol=TOL)
    assert len(new._plans) == 1 and new._plans is not net._plans


def test_a_network_refuses_batched_tables_and_misordered_parents():
    net = random_network(2, 4)
    with pytest.raises(ValueError, match="batched tables go to query"):
        net.with_cpts({net.nodes[0]: np.stack([net.cpts[net.nodes[0]]] * 2)})
    with pytest.raises(ValueError, match="must come before it"):
        DiscreteNetwork({"b": ("u", "v"), "a": ("x", "y")}, {"b": ("a",), "a": ()},
                        {"b": np.full((2, 2), 0.5), "a": np.array([0.5, 0.5])})
    with pytest.raises(ValueError, match="unknown node"):
        net.with_cpts({"nope": np.array([1.0])})


def test_plan_cache_stays_bounded_and_least_recently_used_goes_first(monkeypatch):
    monkeypatch.setattr(engine_network, "CACHE_LIMIT", 8)
    net = random_network(9, 6)
    first = net.folded([net.nodes[-1]], {}, {})
    for target in net.nodes:
        for other in net.nodes:
            if other != target:
                net.folded([net.nodes[-1]], {}, {})  # used again and again: stays
                post, _ = net.query([target], {other: 0})
                np.testing.assert_allclose(post, net.enumerate_joint([target], {other: 0})[0],
                                           atol=TOL)
    assert len(net._plans) <= 8
    assert net.folded([net.nodes[-1]], {}, {}) is first
