"""Sensitivity analysis: exact one-way function, flip points, reproducibility, interval."""

import json
from pathlib import Path

import numpy as np
import pytest

import rnbayes
from rnbayes.analysis.sensitivity import _p_rows, _parameters, sensitivity
from rnbayes.engine.oneway import covary, one_way
from rnbayes.engine.pgmpy import example_network
from rnbayes.spec.evidence import engine_evidence
from rnbayes.spec.network import point_values
from rnbayes.spec.utilities import load_utilities

NODULAR = {"enhancement_pattern": "nodular", "rcbv": 2.5}
RIM = {"enhancement_pattern": "thin_rim"}


@pytest.fixture(scope="module")
def sens_nodular(model):
    return sensitivity(model, NODULAR, n_draws=3000, seed=7, progress=False)


def _brute(net, node, entry, theta, target, state, ev):
    tables = dict(net.cpts)
    tables[node] = covary(net.cpts[node], entry, theta)
    return net.with_cpts(tables).query([target], ev)[0][state]


@pytest.mark.parametrize("entry", [(1, 0), (0, 1), (2, 1)])
def test_one_way_matches_brute_force_default(model, entry):
    ev = engine_evidence(model.spec, model.findings({**NODULAR, "cut_pepper": "absent"}))
    f = one_way(model.network, "diagnosis", 1, ev, "enhancement_pattern", entry)
    for theta in (0.0, 0.05, 0.33, 0.7, 0.999):
        brute = _brute(model.network, "enhancement_pattern", entry, theta, "diagnosis", 1, ev)
        assert abs(float(f(theta)) - brute) < 1e-9


def test_one_way_matches_brute_force_alarm():
    net, _ = example_network("alarm")
    ev = {"HR": 2, "BP": 0}
    node = "STROKEVOLUME"
    entry = (0, 1, 0)
    f = one_way(net, "LVFAILURE", 0, ev, node, entry)
    for theta in (0.01, 0.2, 0.5, 0.9):
        assert abs(float(f(theta)) - _brute(net, node, entry, theta, "LVFAILURE", 0, ev)) < 1e-9


def test_reproducible_with_seed(model):
    a = sensitivity(model, RIM, n_draws=400, seed=3, progress=False)
    b = sensitivity(model, RIM, n_draws=400, seed=3, progress=False)
    c = sensitivity(model, RIM, n_draws=400, seed=4, progress=False)
    assert np.array_equal(a.draws, b.draws)
    assert a.interval == b.interval
    assert not np.array_equal(a.draws, c.draws)


def test_interval_brackets_point_sensibly(sens_nodular):
    s = sens_nodular
    iv = s.interval
    assert 0.0 <= iv["low"] < iv["median"] < iv["high"] <= 1.0
    assert iv["low"] <= s.p_progression <= iv["high"]
    assert abs(iv["mean"] - s.p_progression) < 0.1
    inside = np.mean((s.draws >= iv["low"]) & (s.draws <= iv["high"]))
    assert abs(inside - 0.95) < 0.01
    u = load_utilities()
    assert s.p_decision_differs == pytest.approx(
        np.mean(u.best_index(s.draws) != u.best_index(s.p_progression)))


def test_tornado_sorted_sourced_and_recomputed(model, sens_nodular):
    t = sens_nodular.tornado
    assert list(t["swing"]) == sorted(t["swing"], reverse=True)
    assert (t["source"].str.len() > 0).all()
    assert np.allclose(t["swing"], (t["high"] - t["low"]).abs())
    # recompute the top row by rebuilding the tables with that one record moved
    top = t.iloc[0]
    rec = model.records[top["record"]]
    ev = engine_evidence(model.spec, model.findings(NODULAR))
    par = next(p for p in _parameters(model, [rec.id]) if p["parameter"] == top["parameter"])
    p = _p_rows(model, ev, "diagnosis", [(par, np.array([top["value_low"], top["value_high"]]))])
    point = rec.point()
    if par["component"] is not None:
        v = point * (1 - top["value_low"]) / (1 - point[par["component"]])
        v[par["component"]] = top["value_low"]
        tabs = model.build_tables(lambda r: v[None] if r == rec.id
                                  else point_values(model.records)(r))
        ref = model.network.query(["diagnosis"], ev, cpts={n: a[0] for n, a in tabs.items()})
        assert abs(ref[0][1] - p[0]) < 1e-12
    assert p[0] == pytest.approx(top["low"], abs=1e-12)


def test_flip_points_actually_flip(model, sens_nodular):
    assert _check_flips(model, NODULAR, sens_nodular) >= 1


def _check_flips(model, findings, sens) -> int:
    """Each reported flip value, recomputed through the record on both sides, changes the
    action to the one stated; returns how many flips were reported."""
    u = load_utilities()
    ev = engine_evidence(model.spec, model.findings(findings))
    base = int(u.best_index(sens.p_progression))
    fp = sens.flip_points
    assert len(fp) > 0
    flipped = 0
    for r in fp.itertuples():
        rec_id = r.parameter.split("[")[0]
        par = next(p for p in _parameters(model, [rec_id]) if p["parameter"] == r.parameter)
        if r.flip_value is None or (isinstance(r.flip_value, float) and np.isnan(r.flip_value)):
            assert "no value" in r.statement
            continue
        v = float(r.flip_value)
        eps = 1e-5 * max(1.0, abs(v))
        side = 1 if v > r.point else -1
        before, after = _p_rows(model, ev, "diagnosis",
                                [(par, np.array([v - side * eps, v + side * eps]))])
        assert int(u.best_index(before)) == base
        assert int(u.best_index(after)) != base
        assert u.actions[int(u.best_index(after))] == r.action_beyond
        assert r.action_beyond != u.actions[base]
        flipped += 1
    return flipped


def test_prior_curve_passes_through_case_and_thresholds(sens_nodular):
    s = sens_nodular
    pc = s.prior_curve
    assert np.all(np.diff(pc["p_progression"]) >= -1e-12)
    p_at = np.interp(s.prior_case, pc["prior_progression"], pc["p_progression"])
    assert abs(p_at - s.p_progression) < 2e-3
    for t in s.prior_thresholds:
        post = np.interp(t["prior_progression"], pc["prior_progression"], pc["p_progression"])
        assert abs(post - t["p_progression"]) < 5e-3


def test_voi_intervals_skip_observed_and_are_valid(sens_nodular):
    v = sens_nodular.voi_intervals
    assert len(v) > 0
    assert not v["nodes"].str.fullmatch("rcbv").any()
    assert (v["mi_low"] <= v["mi_median"]).all() and (v["mi_median"] <= v["mi_high"]).all()
    assert (v["mi_low"] >= -1e-12).all() and (v["mi_high"] <= 1.0 + 1e-12).all()
    assert abs(v["p_best"].sum() - 1.0) < 1e-9


def test_to_dict_json_and_views(sens_nodular):
    d = json.loads(json.dumps(sens_nodular.to_dict()))
    assert d["interval"]["level"] == 0.95 and d["tornado"][0]["parameter"]
    assert "credible interval" in sens_nodular.summary()
    assert "<table>" in sens_nodular._repr_html_()


def test_bad_draws_rejected(model):
    with pytest.raises(ValueError, match="n_draws"):
        sensitivity(model, RIM, n_draws=1, progress=False)


def test_progress_can_be_silenced(model, capsys):
    sensitivity(model, RIM, n_draws=50, progress=False)
    assert capsys.readouterr().err == ""


def test_mixed_point_and_drawn_odds_ratios(model):
    """One odds ratio drawn, the rest at point values, with the context observed."""
    ev = engine_evidence(model.spec, model.findings({"months_since_srs": 10,
                                                     "enhancement_pattern": "nodular"}))
    par = next(p for p in _parameters(model, ["or_months_gt_9"]))
    theta = np.array([0.5, 1.0, 4.0])
    p = _p_rows(model, ev, "diagnosis", [(par, theta)])
    assert np.all(np.diff(p) > 0)  # a larger odds ratio for late lesions raises P(TTP)
    point = model.records["or_months_gt_9"].point()
    mid = _p_rows(model, ev, "diagnosis", [(par, np.array([point]))])[0]
    assert abs(mid - model.posterior({"months_since_srs": 10,
                                      "enhancement_pattern": "nodular"}).p_progression) < 1e-12


@pytest.mark.parametrize("case", sorted(
    (Path(__file__).parent.parent / "examples" / "cases").glob("*.yaml")), ids=lambda p: p.stem)
def test_sensitivity_runs_on_every_example_case(case):
    from rnbayes.spec.case import load_case

    model = rnbayes.load_model()
    evidence = load_case(case).evidence
    sens = model.sensitivity(evidence, n_draws=400, seed=3, progress=False)
    assert 0.0 <= sens.interval["low"] <= sens.interval["high"] <= 1.0
    assert not sens.tornado.empty
    _check_flips(model, evidence, sens)


def test_case_mix_parameter_alone_matches_it_among_others(model):
    """A drawn case-mix record feeding the calibrated prior, with everything else at its
    point value (used to crash: the batch came only from the odds ratios and baseline).
    Histology is observed, so the mix moves the calibrated intercept and hence P(TTP)."""
    ev = engine_evidence(model.spec, model.findings({**NODULAR, "primary_histology": "melanoma"}))
    pars = {p["parameter"]: p for p in _parameters(model, ["mix_primary_histology",
                                                            "p_ttp_enlarging_lesion"])}
    mix = pars["mix_primary_histology[melanoma]"]
    base = pars["p_ttp_enlarging_lesion"]
    theta = np.array([0.05, 0.4])
    alone = _p_rows(model, ev, "diagnosis", [(mix, theta)])
    point = model.records["p_ttp_enlarging_lesion"].point()
    together = _p_rows(model, ev, "diagnosis", [(mix, theta), (base, np.array([point]))])
    np.testing.assert_allclose(alone, together[:2], atol=1e-12)
    assert together[2] == pytest.approx(sensitivity_point(model, ev), abs=1e-12)
    assert abs(alone[1] - alone[0]) > 1e-6


def sensitivity_point(model, ev):
    return float(model.network.query(["diagnosis"], ev)[0][1])
