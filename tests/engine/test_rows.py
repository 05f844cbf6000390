"""Batched evidence over many rows: every row's posterior equals the single-query engine,
brute-force enumeration and pgmpy VariableElimination, to 1e-9; on random networks, the
default network and bnlearn's alarm and hepar2, with random missingness and soft findings."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnbayes.engine import rows as R
from rnbayes.engine.network import DiscreteNetwork
from rnbayes.engine.pgmpy import variable_elimination
from rnbayes.engine.rowfold import FoldPlan
from rnbayes.engine.rows import MISSING, SOFT, RowEvidence, row_joint, row_query
from tests.helpers import TOL, random_network, ve_target


def random_rows(net: DiscreteNetwork, n: int, rng: np.random.Generator, *, exclude=(),
                p_missing: float = 0.4, p_soft: float = 0.0) -> RowEvidence:
    """Row evidence on every node but ``exclude``: missing, hard or soft at random."""
    codes, soft = {}, {}
    for v in net.nodes:
        if v in exclude:
            continue
        c = rng.integers(0, net.card[v], size=n)
        u = rng.random(n)
        c[u < p_missing] = MISSING
        c[(u >= p_missing) & (u < p_missing + p_soft)] = SOFT
        codes[v] = c
        if p_soft:
            soft[v] = rng.uniform(0.05, 1.0, size=(n, net.card[v]))
    return RowEvidence(codes, soft)


def row_dict(ev: RowEvidence, i: int) -> dict:
    """One row's evidence as the single-query engine takes it."""
    out = {}
    for v, c in ev.codes.items():
        if c[i] >= 0:
            out[v] = int(c[i])
        elif c[i] == SOFT:
            out[v] = ev.soft[v][i]
    return out


def check_against_single_queries(net, targets, ev, rows=None, *, enumerate_too=False):
    post, p_e = row_query(net, targets, ev)
    for i in range(ev.n) if rows is None else rows:
        e = row_dict(ev, i)
        e_t = {t: e.pop(t) for t in targets if t in e}  # evidence on a target: a likelihood
        for t, v in e_t.items():
            e[t] = np.eye(net.card[t])[v] if np.ndim(v) == 0 else v
        ref, ref_pe = net.query(targets, e)
        if ref_pe == 0:
            assert p_e[i] == 0 and np.isnan(post[i]).all()
            continue
        np.testing.assert_allclose(post[i], ref, atol=TOL, rtol=0)
        assert p_e[i] == pytest.approx(float(ref_pe), abs=TOL)
        if enumerate_too:
            brute, total = net.enumerate_joint(targets, e)
            np.testing.assert_allclose(post[i], brute, atol=TOL, rtol=0)
            assert p_e[i] == pytest.approx(total, abs=TOL)
    return post, p_e


@pytest.mark.parametrize("seed", range(8))
def test_random_networks_hard_soft_and_missing_match_enumeration(seed):
    net = random_network(seed, 9)
    rng = np.random.default_rng(seed)
    target = net.nodes[int(rng.integers(0, 9))]
    ev = random_rows(net, 60, rng, exclude={target}, p_soft=0.2)
    check_against_single_queries(net, [target], ev, enumerate_too=True)


@pytest.mark.parametrize("seed", range(4))
def test_joint_targets_and_observed_targets(seed):
    """Two targets, one of them observed in some rows: its evidence weights the joint."""
    net = random_network(100 + seed, 8)
    rng = np.random.default_rng(seed)
    targets = [net.nodes[2], net.nodes[5]]
    ev = random_rows(net, 40, rng, p_soft=0.1)
    check_against_single_queries(net, targets, ev, enumerate_too=True)


def test_default_network_against_single_queries_and_pgmpy(model, pgmpy_default):
    net = model.network
    rng = np.random.default_rng(3)
    ev = random_rows(net, 300, rng, exclude={"diagnosis", *model.spec.latent}, p_missing=0.5)
    post, _ = check_against_single_queries(net, ["diagnosis"], ev)
    _, ve = pgmpy_default
    for i in range(0, 300, 15):
        ref = ve_target(ve, net, "diagnosis", row_dict(ev, i))
        np.testing.assert_allclose(post[i], ref, atol=TOL, rtol=0)


def test_default_network_soft_findings(model):
    rng = np.random.default_rng(4)
    ev = random_rows(model.network, 200, rng, exclude={"diagnosis", *model.spec.latent},
                     p_missing=0.4, p_soft=0.2)
    check_against_single_queries(model.network, ["diagnosis"], ev)


def test_pattern_plans_agree_with_the_general_plan(model):
    """Enough rows that large observed-patterns get plans of their own."""
    net = model.network
    rng = np.random.default_rng(5)
    n = 6 * R.PATTERN_ROWS
    ev = random_rows(net, n, rng, exclude={"diagnosis", *model.spec.latent}, p_missing=0.1)
    groups = R._groups(net, ("diagnosis",), ev, None)
    assert len(groups) > 1  # some patterns were split off
    post, _ = check_against_single_queries(net, ["diagnosis"], ev, rows=range(0, n, 97))
    general = R.RowPlan(net, ("diagnosis",), *groups[-1][0])
    joint = general(ev)
    np.testing.assert_allclose(post, joint / joint.sum(axis=1, keepdims=True), atol=TOL)


@pytest.mark.parametrize("name, target", [("alarm", "LVFAILURE"), ("hepar2", "Cirrhosis")])
def test_bnlearn_networks_with_random_missingness_against_pgmpy(bnlearn, name, target):
    net, pg = bnlearn(name)
    rng = np.random.default_rng(6)
    ev = random_rows(net, 2000, rng, exclude={target}, p_missing=0.7)
    post, _ = check_against_single_queries(net, [target], ev, rows=range(0, 2000, 40))
    ve = variable_elimination(pg)
    for i in range(0, 2000, 200):
        np.testing.assert_allclose(post[i], ve_target(ve, net, target, row_dict(ev, i)),
                                   atol=TOL, rtol=0)


def test_impossible_rows_are_nan_with_zero_probability():
    net = DiscreteNetwork({"d": ("a", "b"), "x": ("n", "y")}, {"x": ("d",)},
                          {"d": [0.5, 0.5], "x": [[1.0, 1.0], [0.0, 0.0]]})
    post, p_e = row_query(net, ["d"], RowEvidence({"x": np.array([1, 0])}))
    assert p_e.tolist() == [0.0, 1.0] and np.isnan(post[0]).all()
    assert post[1].tolist() == [0.5, 0.5]


def test_batched_tables_answer_every_row_for_every_draw(bnlearn):
    net, _ = bnlearn("asia")
    rng = np.random.default_rng(7)
    target = "lung"
    draws = {v: np.moveaxis(rng.dirichlet(np.ones(net.card[v]), size=(5, *net.cpts[v].shape[1:])),
                            -1, 1) for v in ("smoke", "lung", "either")}
    ev = random_rows(net, 30, rng, exclude={target}, p_soft=0.2)
    joint = row_joint(net, [target], ev, tables=draws)
    assert joint.shape == (5, 30, 2)
    for b in range(5):
        one = net.with_cpts({v: t[b] for v, t in draws.items()})
        for i in range(30):
            ref, p_e = one.query([target], row_dict(ev, i))
            np.testing.assert_allclose(joint[b, i], ref * p_e, atol=TOL, rtol=0)


def test_bad_input_raises():
    net = random_network(1, 4)
    with pytest.raises(ValueError, match="unknown target"):
        row_query(net, ["zz"], RowEvidence({"n1": np.array([0])}))
    with pytest.raises(ValueError, match="codes of 'n1'"):
        row_query(net, ["n0"], RowEvidence({"n1": np.array([7])}))
    with pytest.raises(ValueError, match="soft rows but no"):
        row_query(net, ["n0"], RowEvidence({"n1": np.array([SOFT])}))


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(3, 7), st.floats(0.0, 0.9))
def test_fold_plan_keeps_every_marginal(seed, n_nodes, p_missing):
    """Folding planned on the structure gives the same answers as no folding."""
    net = random_network(seed, n_nodes)
    rng = np.random.default_rng(seed)
    ev = random_rows(net, 12, rng, exclude={net.nodes[0]}, p_missing=p_missing, p_soft=0.2)
    post, p_e = row_query(net, [net.nodes[0]], ev)
    assert np.all((p_e > 0) | np.isnan(post).all(axis=1))
    for i in range(12):
        brute, total = net.enumerate_joint([net.nodes[0]], row_dict(ev, i))
        if total > 0:
            np.testing.assert_allclose(post[i], brute, atol=TOL, rtol=0)


def test_fold_plan_runs_on_batched_tables():
    net = random_network(2, 6)
    order = list(net.nodes)
    plan = FoldPlan.build([(v, *net.parents[v]) for v in order], {order[0]}, net.card)
    single = plan.run([net.cpts[v] for v in order])
    batched = plan.run([np.stack([net.cpts[v]] * 3) for v in order])
    for (a, axes), (b, axes_b) in zip(single, batched):
        assert axes == axes_b and b.shape == (3, *a.shape)
        np.testing.assert_allclose(b[1], a, atol=1e-15)
