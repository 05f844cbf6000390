"""Property tests of the VOI measures over random small networks."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rnbayes.analysis.voi import compute_voi
from rnbayes.spec.catalog import CandidateTest
from rnbayes.spec.utilities import Utilities
from tests.helpers import random_network


def random_case(seed: int, n_nodes: int):
    net = random_network(seed, n_nodes, binary_first=True)
    rng = np.random.default_rng(seed + 11)
    names, states = list(net.nodes), net.states
    target = names[int(rng.integers(0, n_nodes))]
    if len(states[target]) != 2:
        target = names[0]
    others = [n for n in names if n != target]
    observed = [n for n in others if rng.random() < 0.3]
    evidence = {n: int(rng.integers(0, len(states[n]))) for n in observed}
    tests = [CandidateTest(f"t_{n}", (n,), cost=float(rng.uniform(0, 0.05))) for n in others]
    if len(others) >= 2:
        tests.append(CandidateTest("t_pair", (others[0], others[1]), cost=0.02))
    u = Utilities(actions=("a", "b", "c"), table=rng.uniform(0, 1, size=(3, 2)))
    return net, target, evidence, tests, u


def direct_mi(net, target, nodes, evidence):
    joint, _ = net.enumerate_joint([target, *nodes], evidence)
    j = joint.reshape(joint.shape[0], -1)
    pt, pr = j.sum(1), j.sum(0)
    total = 0.0
    for a in range(j.shape[0]):
        for b in range(j.shape[1]):
            if j[a, b] > 0:
                total += j[a, b] * math.log2(j[a, b] / (pt[a] * pr[b]))
    return total


cases = st.tuples(st.integers(0, 2**32 - 1), st.integers(2, 5))


@settings(max_examples=50, deadline=None)
@given(cases)
def test_mi_matches_direct_computation_and_bounds(args):
    net, target, evidence, tests, u = random_case(*args)
    voi = compute_voi(net, target, "s1", evidence, tests, u, pairs=False)
    t = voi.table.set_index("test")
    for spec in tests:
        nodes = [n for n in spec.reveals if n not in evidence]
        if not nodes:  # already done: listed apart, never ranked
            assert spec.id not in t.index and spec.id in set(voi.done["test"])
            continue
        row = t.loc[spec.id]
        expected = direct_mi(net, target, nodes, evidence)
        assert abs(row["mutual_information"] - expected) < 1e-9
        assert row["mutual_information"] >= 0
        assert row["evsi"] >= 0
        assert row["evsi"] <= voi.evpi + 1e-9
        assert 0 <= row["p_action_change"] <= 1 + 1e-12


@settings(max_examples=50, deadline=None)
@given(cases)
def test_observing_a_test_makes_it_worthless(args):
    net, target, evidence, tests, u = random_case(*args)
    spec = tests[0]
    node = spec.reveals[0]
    ev = {**evidence, node: 0}
    voi = compute_voi(net, target, "s1", ev, [spec], u, pairs=False)
    if len(spec.reveals) == 1:  # every node known: done, never ranked
        assert voi.table.empty and list(voi.done["test"]) == [spec.id]
    else:
        assert voi.table.iloc[0]["status"] == "partly observed"


@settings(max_examples=30, deadline=None)
@given(cases)
def test_pairs_bounds(args):
    net, target, evidence, tests, u = random_case(*args)
    voi = compute_voi(net, target, "s1", evidence, tests, u, pairs=True)
    single = voi.table.set_index("test")
    for r in voi.pairs.itertuples():
        assert r.evsi_joint <= voi.evpi + 1e-9
        assert r.evsi_joint >= max(single.loc[r.test_a, "evsi"],
                                   single.loc[r.test_b, "evsi"]) - 1e-9
        assert r.value_a_then_b >= single.loc[r.test_a, "net_value"] - 1e-9


def direct_sequence_value(net, target, first, second, evidence, u, p0):
    """Do ``first``, then decide whether to do ``second``, then act: by enumeration of the
    joint and a loop over every result (independent of the engine's pair joints)."""
    extra = tuple(n for n in second.reveals if n not in first.reveals)
    joint, _ = net.enumerate_joint([target, *first.reveals, *extra], evidence)
    t = joint.shape[0]
    n_a = math.prod(net.card[n] for n in first.reveals)
    j = joint.reshape(t, n_a, -1)
    total = 0.0
    for a in range(n_a):
        pa = j[:, a, :].sum()
        if pa <= 0:
            continue
        pa_pos = j[1, a, :].sum() / pa
        go = -second.total_cost(pa_pos)
        for b in range(j.shape[2]):
            pb = j[:, a, b].sum()
            if pb > 0:
                go += pb / pa * float(u.value(j[1, a, b] / pb))
        total += pa * max(float(u.value(pa_pos)), go)
    return total - first.total_cost(p0) - float(u.value(p0))


@settings(max_examples=40, deadline=None)
@given(cases)
def test_sequence_values_match_enumeration(args):
    """Both orders of every pair, with waiting losses, against a loop over the results."""
    net, target, evidence, tests, u = random_case(*args)
    rng = np.random.default_rng(args[0] + 3)
    tests = [CandidateTest(t.id, t.reveals, cost=t.cost,
                           waiting_loss=float(rng.uniform(0, 0.1))) for t in tests]
    voi = compute_voi(net, target, "s1", evidence, tests, u, pairs=True)
    by_id = {t.id: t for t in tests}
    for r in voi.pairs.itertuples():
        a, b = by_id[r.test_a], by_id[r.test_b]
        assert math.isclose(r.value_a_then_b, direct_sequence_value(
            net, target, a, b, evidence, u, voi.p_positive), abs_tol=1e-9)
        assert math.isclose(r.value_b_then_a, direct_sequence_value(
            net, target, b, a, evidence, u, voi.p_positive), abs_tol=1e-9)
