"""Batched engine: against pgmpy VariableElimination to 1e-9, and batched == looped."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnbayes.engine import draws as _batch
from rnbayes.engine.pgmpy import example_network, variable_elimination, ve_query
from rnbayes.spec.evidence import engine_evidence
from rnbayes.spec.network import point_values

QUERIES = {
    "alarm": ("LVFAILURE", {"HR": "HIGH", "BP": "LOW", "SAO2": "LOW"}),
    "hepar2": ("Cirrhosis", {"ast": "a149_40", "fatigue": "present", "age": "age31_50"}),
    "pathfinder": ("Fault", {"F39": "Scanty", "F74": "Patent"}),
}


def _pgmpy_with(pg, tables):
    for n, arr in tables.items():
        cpd = pg.get_cpds(n)
        cpd.values = np.asarray(arr, dtype=float).copy()
    return pg


def _ve(pg, target, evidence):
    f = ve_query(variable_elimination(pg), [target], evidence)
    return np.asarray(f.values, dtype=float)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_bnlearn_point_and_draws_match_pgmpy(name):
    net, pg = example_network(name)
    target, ev_names = QUERIES[name]
    for k, v in ev_names.items():
        assert v in net.states[k], (k, net.states[k])
    ev = {k: net.states[k].index(v) for k, v in ev_names.items()}
    # single point query
    ours = _batch.batched_posterior(net, [target], ev, {})[0]
    ref = _ve(pg, target, ev_names)
    assert np.max(np.abs(ours - ref)) < 1e-9
    # a few parameter draws over the ancestral set, checked draw by draw
    rng = np.random.default_rng(3)
    nodes = sorted(net.ancestors([target, *ev]))
    draws = _batch.dirichlet_tables(net, nodes, rng, 3)
    post = _batch.batched_posterior(net, [target], ev, draws)
    assert post.shape == (3, net.card[target])
    for b in range(3):
        pg_b = _pgmpy_with(pg, {n: t[b] for n, t in draws.items()})
        assert np.max(np.abs(post[b] - _ve(pg_b, target, ev_names))) < 1e-9
    _pgmpy_with(pg, {n: net.cpts[n] for n in nodes})


def test_default_network_draws_match_pgmpy(model, pgmpy_default):
    pg, _ = pgmpy_default
    findings = {"enhancement_pattern": "nodular", "rcbv": "elevated", "haemorrhage": "absent"}
    ev = engine_evidence(model.spec, model.findings(findings))
    rng = np.random.default_rng(11)
    rids = _batch.ancestral_records(model, ["diagnosis", *ev])
    draws = {r: model.records[r].sample(rng, 3) for r in rids}
    dn = _batch.drawn_network(model, ev, ["diagnosis"], draws=draws, batch=3)
    post = dn.query(["diagnosis"])
    full = model.build_tables(lambda r: draws[r] if r in draws
                              else point_values(model.records)(r))
    try:
        for b in range(3):
            _pgmpy_with(pg, {n: t[b] if t.shape[0] == 3 else t[0] for n, t in full.items()})
            assert np.max(np.abs(post[b] - _ve(pg, "diagnosis", findings))) < 1e-9
    finally:
        _pgmpy_with(pg, model.network.cpts)
    # and the point query
    ours = _batch.batched_posterior(model.network, ["diagnosis"], ev, {})[0]
    assert np.max(np.abs(ours - _ve(pg, "diagnosis", findings))) < 1e-9


def test_batched_equals_looped_single_draws(model):
    ev = engine_evidence(model.spec, model.findings({"enhancement_pattern": "thin_rim",
                                                     "months_since_srs": 10}))
    rng = np.random.default_rng(5)
    rids = _batch.ancestral_records(model, ["diagnosis", "ktrans", *ev])
    draws = {r: model.records[r].sample(rng, 40) for r in rids}
    dn = _batch.drawn_network(model, ev, ["diagnosis", "ktrans"], draws=draws, batch=40,
                              chunk=16, workers=2)
    joint = dn.query(["diagnosis", "ktrans"])
    for b in (0, 17, 39):
        one = {r: v[b:b + 1] for r, v in draws.items()}
        tabs = model.build_tables(lambda r, one=one: one[r] if r in one
                                  else point_values(model.records)(r))
        ref, _ = model.network.query(["diagnosis", "ktrans"], ev,
                                     cpts={n: t[0] for n, t in tabs.items()})
        assert np.max(np.abs(joint[b] - ref)) < 1e-12


def test_absorb_roots_is_exact_with_soft_and_hard_evidence(model):
    ev = engine_evidence(model.spec, model.findings(
        {"primary_histology": "melanoma", "fractionation": {"single_fraction": 0.3,
                                                            "hypofractionated": 0.9},
         "susceptibility_foci": "none"}))
    small, _, ev2 = _batch.absorb_roots(model.network, model.network.cpts, ev, ["diagnosis"])
    assert len(small.nodes) < len(model.network.nodes)
    a, _ = small.query(["diagnosis"], ev2)
    b, _ = model.network.query(["diagnosis"], ev)
    assert np.max(np.abs(a - b)) < 1e-12


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(1, 30),
       pattern=st.sampled_from(["thin_rim", "nodular", "solid"]))
def test_posteriors_are_distributions_per_draw(model, seed, n, pattern):
    ev = engine_evidence(model.spec, model.findings({"enhancement_pattern": pattern}))
    rng = np.random.default_rng(seed)
    rids = _batch.ancestral_records(model, ["diagnosis", "fet_tbr", *ev])
    draws = {r: model.records[r].sample(rng, n) for r in rids}
    dn = _batch.drawn_network(model, ev, ["diagnosis", "fet_tbr"], draws=draws, batch=n,
                              chunk=8)
    joint = dn.query(["diagnosis", "fet_tbr"])
    assert joint.shape == (n, 2, 2)
    assert np.all(joint >= 0) and np.all(joint <= 1)
    assert np.allclose(joint.sum(axis=(1, 2)), 1.0, atol=1e-12)


def test_solve_intercept_meets_its_target():
    from rnbayes.spec.generators import _expit, solve_intercept

    rng = np.random.default_rng(0)
    lor = rng.normal(0, 2, size=(300, 50))
    w = rng.dirichlet(np.ones(50), size=300)
    target = rng.uniform(0.01, 0.99, size=300)
    c = solve_intercept(lor, w, target, chunk=64)
    got = (w * _expit(c[:, None] + lor)).sum(axis=1)
    assert np.max(np.abs(got - target)) < 1e-12
