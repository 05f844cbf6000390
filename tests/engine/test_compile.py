"""Compiled query shapes (constant folding, matrix-product steps) against enumeration."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnbayes.engine import compile as engine_compile
from rnbayes.engine.compile import MatmulStep, Program
from rnbayes.engine.fold import _einsum, fold
from tests.helpers import TOL, random_evidence, random_network


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
    folded = fold(factors, {"n2", "n5"}, net.card, cap=1)
    whole, _ = net.enumerate_joint(["n2", "n5"])
    np.testing.assert_allclose(_einsum(folded, ("n2", "n5")), whole, atol=TOL)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(3, 7))
def test_matrix_product_steps_match_enumeration(seed, n_nodes):
    """With every pairwise step forced onto the matrix-product path."""
    net = random_network(seed, n_nodes)
    rng = np.random.default_rng(seed + 3)
    targets = [str(t) for t in rng.choice(net.nodes, size=2, replace=False)]
    ev = random_evidence(net, rng, set(targets))
    old = engine_compile.MATMUL_FROM
    engine_compile.MATMUL_FROM = 1
    try:
        fresh = net.with_cpts({})  # plans compiled while the switch is on
        post, _ = fresh.query(targets, ev)
    finally:
        engine_compile.MATMUL_FROM = old
    np.testing.assert_allclose(post, net.enumerate_joint(targets, ev)[0], atol=TOL, rtol=0)


def test_matmul_step_matches_einsum():
    rng = np.random.default_rng(0)
    eq = "abcd,cbef->eadf"
    size = dict(zip("abcdef", (3, 2, 4, 2, 3, 2)))
    x = rng.random([size[c] for c in "abcd"])
    y = rng.random([size[c] for c in "cbef"])
    np.testing.assert_allclose(MatmulStep(eq, size)(x, y), np.einsum(eq, x, y), atol=1e-12)


def test_program_runs_any_number_of_operands():
    rng = np.random.default_rng(1)
    ops = [rng.random((2, 3)), rng.random((3, 4)), rng.random((4, 2)), rng.random(2)]
    eq = "ab,bc,cd,d->a"
    got = Program(eq, [o.shape for o in ops])(*ops)
    np.testing.assert_allclose(got, np.einsum(eq, *ops), atol=1e-12)
