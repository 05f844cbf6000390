"""Batched exact inference over parameter draws, generic over networks: against pgmpy
VariableElimination draw by draw, to 1e-9."""

import numpy as np
import pytest

from rnbayes.engine.draws import absorb_roots, batched_posterior, dirichlet_tables
from rnbayes.engine.pgmpy import variable_elimination, ve_query

QUERIES = {
    "alarm": ("LVFAILURE", {"HR": "HIGH", "BP": "LOW", "SAO2": "LOW"}),
    "hepar2": ("Cirrhosis", {"ast": "a149_40", "fatigue": "present", "age": "age31_50"}),
    "pathfinder": ("Fault", {"F39": "Scanty", "F74": "Patent"}),
}


def _set_tables(pg, tables):
    for n, arr in tables.items():
        pg.get_cpds(n).values = np.array(arr, dtype=float)


def _ve(pg, target, evidence):
    return np.asarray(ve_query(variable_elimination(pg), [target], evidence).values, dtype=float)


@pytest.mark.parametrize("name", ["alarm", "hepar2", pytest.param("pathfinder",
                                                                  marks=pytest.mark.slow)])
def test_bnlearn_point_and_draws_match_pgmpy(bnlearn, name):
    net, pg = bnlearn(name)
    target, ev_names = QUERIES[name]
    ev = {k: net.states[k].index(v) for k, v in ev_names.items()}
    ours = batched_posterior(net, [target], ev, {})[0]
    assert np.max(np.abs(ours - _ve(pg, target, ev_names))) < 1e-9
    nodes = sorted(net.ancestors([target, *ev]))
    draws = dirichlet_tables(net, nodes, np.random.default_rng(3), 3)
    post = batched_posterior(net, [target], ev, draws)
    assert post.shape == (3, net.card[target])
    try:
        for b in range(3):
            _set_tables(pg, {n: t[b] for n, t in draws.items()})
            assert np.max(np.abs(post[b] - _ve(pg, target, ev_names))) < 1e-9
    finally:  # the pgmpy model is shared by the session
        _set_tables(pg, {n: net.cpts[n] for n in nodes})


def test_absorb_roots_is_exact_with_soft_and_hard_evidence(model):
    ev = model.engine_evidence(model.findings(
        {"primary_histology": "melanoma", "fractionation": {"single_fraction": 0.3,
                                                            "hypofractionated": 0.9},
         "susceptibility_foci": "none"}))
    small, _, ev2 = absorb_roots(model.network, model.network.cpts, ev, ["diagnosis"])
    assert len(small.nodes) < len(model.network.nodes)
    a, _ = small.query(["diagnosis"], ev2)
    b, _ = model.network.enumerate_joint(["diagnosis"], ev)
    assert np.max(np.abs(a - b)) < 1e-12


def test_dirichlet_tables_are_distributions_around_the_point(bnlearn):
    net, _ = bnlearn("asia")
    draws = dirichlet_tables(net, list(net.nodes), np.random.default_rng(0), 2000,
                             concentration=200.0)
    for n, t in draws.items():
        assert t.shape == (2000, *net.cpts[n].shape)
        np.testing.assert_allclose(t.sum(axis=1), 1.0, atol=1e-12)
        np.testing.assert_allclose(t.mean(axis=0), net.cpts[n], atol=0.02)
