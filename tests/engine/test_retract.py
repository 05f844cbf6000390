"""Every finding left out in one pass (engine.retract) equals the k + 1 separate queries it
replaces, checked against brute-force enumeration and pgmpy VariableElimination to 1e-9."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnbayes.engine.network import DiscreteNetwork
from rnbayes.engine.retract import retract
from tests.helpers import TOL, random_evidence, random_network, ve_target


def _check_against_enumeration(net: DiscreteNetwork, target: str, ev: dict) -> None:
    r = retract(net, target, ev)
    assert r.nodes == tuple(ev)
    post, p_e = net.enumerate_joint([target], ev)
    np.testing.assert_allclose(r.joint, post * p_e, atol=TOL, rtol=0)
    for i, n in enumerate(ev):
        rest = {m: v for m, v in ev.items() if m != n}
        post_i, p_i = net.enumerate_joint([target], rest)
        np.testing.assert_allclose(r.without[i], post_i * p_i, atol=TOL, rtol=0)
        _, alone = net.enumerate_joint([], {n: ev[n]})
        assert abs(r.alone[i] - alone) < TOL


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 8))
def test_random_networks_match_enumeration(seed, n_nodes):
    """Hard and soft findings on random networks, any target."""
    net = random_network(seed, n_nodes)
    rng = np.random.default_rng(seed + 11)
    target = net.nodes[int(rng.integers(0, n_nodes))]
    _check_against_enumeration(net, target, random_evidence(net, rng, {target}))


@st.composite
def default_evidence(draw, model, max_size):
    """A subset of the observable nodes, each a state or a likelihood vector."""
    nodes = draw(st.lists(st.sampled_from(model.observable), unique=True, max_size=max_size))
    ev = {}
    for n in nodes:
        card = model.network.card[n]
        if draw(st.booleans()) and draw(st.booleans()):  # about a quarter soft
            ev[n] = np.array(draw(st.lists(st.floats(0.05, 1.0), min_size=card, max_size=card)))
        else:
            ev[n] = draw(st.integers(0, card - 1))
    return ev


def test_default_network_matches_enumeration(model):
    """Up to four findings (enumeration of the whole joint grows with the ancestral set)."""
    @settings(max_examples=30, deadline=None)
    @given(default_evidence(model, 4))
    def check(ev):
        post, _ = model.network.query([model.target], ev)
        if np.all(np.isfinite(post)):  # possible findings only
            _check_against_enumeration(model.network, model.target, ev)

    check()


def test_default_network_matches_pgmpy_ve(model, pgmpy_default):
    """Up to every observable node, hard findings (pgmpy takes state names)."""
    _, engine = pgmpy_default
    net, target = model.network, model.target

    @settings(max_examples=8, deadline=None)
    @given(st.lists(st.sampled_from(model.observable), unique=True, min_size=1, max_size=25),
           st.integers(0, 2**32 - 1))
    def check(nodes, seed):
        rng = np.random.default_rng(seed)
        ev = {n: int(rng.integers(net.card[n])) for n in nodes}
        post, _ = net.query([target], ev)
        if not np.all(np.isfinite(post)):
            return
        r = retract(net, target, ev)
        np.testing.assert_allclose(r.joint / r.joint.sum(), ve_target(engine, net, target, ev),
                                   atol=TOL, rtol=0)
        for i, n in enumerate(ev):
            rest = {m: v for m, v in ev.items() if m != n}
            np.testing.assert_allclose(r.without[i] / r.without[i].sum(),
                                       ve_target(engine, net, target, rest), atol=TOL, rtol=0)

    check()
    ev = {n: net.card[n] - 1 for n in model.observable}  # all 25, a possible combination
    r = retract(net, target, ev)
    for i, n in enumerate(ev):
        rest = {m: v for m, v in ev.items() if m != n}
        np.testing.assert_allclose(r.without[i] / r.without[i].sum(),
                                   ve_target(engine, net, target, rest), atol=TOL, rtol=0)


@pytest.mark.parametrize("name", ["asia", "alarm"])
def test_bnlearn_networks_match_pgmpy_ve(bnlearn, name):
    net, pg = bnlearn(name)
    from rnbayes.engine.pgmpy import variable_elimination

    engine = variable_elimination(pg)
    rng = np.random.default_rng(7)
    target = net.nodes[len(net.nodes) // 2]
    for _ in range(3):
        nodes = [str(n) for n in rng.choice([n for n in net.nodes if n != target], size=4,
                                            replace=False)]
        ev = {n: int(rng.integers(net.card[n])) for n in nodes}
        post, _ = net.query([target], ev)
        if not np.all(np.isfinite(post)):
            continue
        r = retract(net, target, ev)
        np.testing.assert_allclose(r.joint / r.joint.sum(), ve_target(engine, net, target, ev),
                                   atol=TOL, rtol=0)
        for i, n in enumerate(ev):
            rest = {m: v for m, v in ev.items() if m != n}
            np.testing.assert_allclose(r.without[i] / r.without[i].sum(),
                                       ve_target(engine, net, target, rest), atol=TOL, rtol=0)


def test_one_compiled_shape_serves_every_order_and_value(model):
    net = model.network.with_cpts({})  # a copy with an empty plan cache
    target = model.target
    a = retract(net, target, {"rcbv": 1, "enhancement_pattern": 0})
    compiled = len(net._plans)
    b = retract(net, target, {"enhancement_pattern": 2, "rcbv": 0})
    assert a.nodes == ("rcbv", "enhancement_pattern") and b.nodes == ("enhancement_pattern", "rcbv")
    assert len(net._plans) == compiled  # same observed nodes: nothing new compiled
    c = retract(net, target, {"enhancement_pattern": 0, "rcbv": 1})
    np.testing.assert_array_equal(c.without[::-1], a.without)


def test_target_cannot_be_observed(model):
    with pytest.raises(ValueError, match="target"):
        retract(model.network, model.target, {model.target: 0})
