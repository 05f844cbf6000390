"""Sensitivity analysis: reproducible draws, a tornado and flip points that a full rebuild of
the model (``with_records``) confirms, the prior curve, and parameter errors."""

import json

import numpy as np
import pandas as pd
import pytest

import rnbayes
from rnbayes.analysis.sensitivity import sensitivity
from rnbayes.analysis.sensitivity.draws import ancestral_records, build_subset
from rnbayes.analysis.sensitivity.parameters import p_rows, parameters
from rnbayes.errors import ParameterError, SemanticError
from rnbayes.spec.tables import build_tables, point_values
from rnbayes.spec.utilities import load_utilities
from tests.helpers import CASES

NODULAR = {"enhancement_pattern": "nodular", "rcbv": 2.5}
RIM = {"enhancement_pattern": "thin_rim"}


@pytest.fixture(scope="module")
def sens_nodular(model):
    return sensitivity(model, NODULAR, n_draws=3000, seed=7, progress=False)


def moved(model, par, value):
    """The ``with_records`` override that sets one parameter to ``value`` (a Dirichlet
    component with the other components rescaled proportionally)."""
    rec = model.records[par.record]
    if par.component is None:
        return value
    point = np.asarray(rec.point())
    v = point * (1 - value) / (1 - point[par.component])
    v[par.component] = value
    return dict(zip(rec.states, v))


def rebuilt(model, findings, par, value):
    """P(TTP) with the parameter at ``value``, by regenerating every table of the model.

    ``with_records`` would refuse a value that a latent test's shared latent cannot carry
    (a conventional-MRI sign's frequency at its 2.5% quantile, say); the analysis clips
    such a table just inside [0, 1], so the rebuild goes through ``build_tables`` (the same
    clipping) and ``with_tables`` when ``with_records`` refuses."""
    try:
        return model.with_records({par.record: moved(model, par, value)}).posterior(
            findings).p_progression
    except SemanticError:
        pass
    rec, points = model.records[par.record], point_values(model.records)
    new = moved(model, par, value)
    row = np.array([[new[s] for s in rec.states]]) if par.component is not None \
        else np.array([float(new)])
    tables = build_tables(model.spec, model.records,
                          lambda rid: row if rid == par.record else points(rid))
    return model.with_tables({n: t[0] for n, t in tables.items()}).posterior(
        findings).p_progression


def test_reproducible_with_seed(model):
    a = sensitivity(model, RIM, n_draws=100, seed=3, progress=False)
    b = sensitivity(model, RIM, n_draws=100, seed=3, progress=False)
    c = sensitivity(model, RIM, n_draws=100, seed=4, progress=False)
    assert np.array_equal(a.draws, b.draws) and a == b and a.interval == b.interval
    assert not np.array_equal(a.draws, c.draws) and a != c


def test_interval_brackets_point_sensibly(sens_nodular):
    s = sens_nodular
    lo, hi = s.interval
    assert 0.0 <= lo < s.median < hi <= 1.0 and s.interval.level == 0.95
    assert lo <= s.p_progression <= hi
    assert abs(s.mean - s.p_progression) < 0.1
    assert s.n_records_drawn > 10 and s.seed == 7


def test_level_sets_the_interval(model, sens_nodular):
    narrow = sensitivity(model, NODULAR, n_draws=3000, seed=7, level=0.5, progress=False)
    np.testing.assert_array_equal(narrow.draws, sens_nodular.draws)  # the same draws
    assert narrow.interval.level == 0.5 and narrow.interval.width < sens_nodular.interval.width
    assert (narrow.interval.low, narrow.interval.high) == tuple(
        np.quantile(narrow.draws, [0.25, 0.75]))


def test_tornado_rows_match_a_full_rebuild(model, sens_nodular):
    t = sens_nodular.tornado
    assert list(t["swing"].round(12)) == sorted(t["swing"].round(12), reverse=True)
    assert (t["source"].str.len() > 0).all()
    pars = {p.name: p for p in parameters(model, list(model.records))}
    kinds = set()
    for row in t.head(4).itertuples():  # the top rows, Beta and Dirichlet alike
        par = pars[row.parameter]
        kinds.add(par.component is None)
        assert rebuilt(model, NODULAR, par, row.value_low) == pytest.approx(row.low, abs=1e-12)
        assert rebuilt(model, NODULAR, par, row.value_high) == pytest.approx(row.high, abs=1e-12)


def check_flips(model, findings, sens, confirm) -> int:
    """Each reported flip value, moved just past on both sides, changes the action to the
    one stated; ``confirm(par, values) -> P(TTP)``. Returns how many flips were reported."""
    u = load_utilities()
    base = int(u.best_index(sens.p_progression))
    pars = {p.name: p for p in parameters(model, list(model.records))}
    assert len(sens.flip_points) > 0
    flipped = 0
    for r in sens.flip_points.itertuples():
        if np.isnan(r.flip_value):
            assert "no value" in r.statement and pd.isna(r.action_beyond)
            continue
        eps = 1e-5 * max(1.0, abs(r.flip_value))
        side = 1 if r.flip_value > r.point else -1
        before, after = confirm(pars[r.parameter], [r.flip_value - side * eps,
                                                    r.flip_value + side * eps])
        assert int(u.best_index(before)) == base
        assert u.actions[int(u.best_index(after))] == r.action_beyond != u.actions[base]
        flipped += 1
    return flipped


def test_flip_points_are_confirmed_by_a_full_rebuild(model, sens_nodular):
    def confirm(par, values):
        return [rebuilt(model, NODULAR, par, v) for v in values]

    assert check_flips(model, NODULAR, sens_nodular, confirm) >= 1
    methods = set(sens_nodular.flip_points["method"])
    assert methods <= {"exact one-way function", "grid search"}


#: cases covering every form of evidence and every generator on the path to the diagnosis
#: (tests/test_examples.py runs the posterior and VOI of every case)
SENSITIVITY_CASES = [c for c in CASES if c.stem in {
    "demo_numbers", "equivocal_enlarging_rim", "fig5d_sclc_peripheral_restriction",
    "fig5j_haemorrhage_mimic", "fig6_bottom_high_ktrans", "near_certain_progression"}]


def test_the_chosen_cases_exist():
    assert len(SENSITIVITY_CASES) == 6


@pytest.mark.parametrize("case", SENSITIVITY_CASES, ids=lambda p: p.stem)
def test_sensitivity_runs_on_example_cases(model, case):
    evidence = rnbayes.load_case(case).evidence
    sens = model.sensitivity(evidence, n_draws=200, seed=3, progress=False)
    lo, hi = sens.interval
    assert 0.0 <= lo <= hi <= 1.0 and not sens.tornado.empty
    ev = model.engine_evidence(model.findings(evidence))
    check_flips(model, evidence, sens, lambda par, values: p_rows(model, ev, [(par, np.array(values))]))


def test_prior_curve_passes_through_case_and_thresholds(sens_nodular):
    s = sens_nodular
    pc = s.prior_curve
    assert np.all(np.diff(pc["p_progression"]) >= -1e-12)
    assert abs(np.interp(s.prior_case, pc["prior_progression"], pc["p_progression"])
               - s.p_progression) < 2e-3
    for t in s.prior_thresholds:
        post = np.interp(t["prior_progression"], pc["prior_progression"], pc["p_progression"])
        assert abs(post - t["p_progression"]) < 5e-3


def test_prior_case_is_the_context_only_posterior(model, sens_nodular):
    ctx = model.posterior({}).p_progression  # NODULAR has no context findings
    assert sens_nodular.prior_case == pytest.approx(ctx, abs=1e-12)


def test_ranking_skips_observed_tests_and_matches_the_voi_table(model, sens_nodular):
    r = sens_nodular.ranking
    assert len(r) > 0 and "dsc_perfusion" not in set(r["test"])  # rCBV is known: done
    assert (r["value_low"] <= r["value_median"]).all()
    assert (r["value_median"] <= r["value_high"]).all()
    assert abs(r["p_first"].sum() + sens_nodular.p_no_test - 1.0) < 1e-9
    assert sens_nodular.voi_intervals is r
    voi = model.value_of_information(NODULAR, pairs=False)
    assert list(r["test"]) == list(voi.table["test"])  # the same ranking, the same order
    np.testing.assert_allclose(r["value_point"], voi.table["net_value"], atol=1e-9)


@pytest.mark.parametrize("rank_by, tests", [
    ("mutual_information", ["fet_pet", "swi", "dwi"]),
    ("evsi", ["asl_perfusion", "fet_pet", "dsc_perfusion", "follow_up_mri"]),
])
def test_ranking_honours_tests_and_rank_by(model, rank_by, tests):
    """Defect: the robustness table ranked by MI over every test whatever was asked."""
    s = sensitivity(model, RIM, n_draws=200, seed=2, progress=False, tests=tests,
                    rank_by=rank_by)
    voi = model.value_of_information(RIM, tests=tests, rank_by=rank_by, pairs=False)
    assert s.rank_by == rank_by and set(s.ranking["test"]) == set(tests)
    assert list(s.ranking["test"]) == list(voi.table["test"])
    np.testing.assert_allclose(s.ranking["value_point"], voi.table[rank_by], atol=1e-9)
    assert s.next_test == voi.next_test
    if voi.next_test is not None:
        assert voi.test_label(voi.next_test) in s.ranking_text()


def test_first_in_each_draw_matches_a_ranking_on_that_draws_tables(model):
    """``p_first`` against an independent reference: for each draw, the full tables of
    that draw given to the model (``with_tables``) and its own value-of-information
    ranking (exact joints and the VOI table's sort, not the batched measures).
    (``with_records`` cannot stand in: some draws are clipped to keep the latent
    perfusion structure feasible, which a rebuilt model rejects.)"""
    ev, n, seed = {"enhancement_pattern": "thin_rim", "months_since_srs": 6}, 6, 4
    s = sensitivity(model, ev, n_draws=n, seed=seed, progress=False)
    engine_ev = model.engine_evidence(model.findings(ev))
    test_nodes = sorted({x for t in rnbayes.load_catalog() for x in t.reveals
                         if x not in engine_ev}, key=model.nodes.index)
    rids = ancestral_records(model, [model.target, *engine_ev, *test_nodes])
    rng = np.random.default_rng(seed)
    draws = {rid: model.records[rid].sample(rng, n) for rid in rids}
    points = point_values(model.records)
    firsts = []
    for d in range(n):
        tables = build_subset(model, lambda rid, d=d: draws[rid][d:d + 1] if rid in draws
                              else points(rid), list(model.nodes), set(draws))
        one = {k: (v[0] if v.ndim == model.network.cpts[k].ndim + 1 else v)
               for k, v in tables.items()}
        voi = model.with_tables(one).value_of_information(ev, pairs=False)
        firsts.append(voi.next_test)  # the first ranked test worth its cost, or None
    expected = {t: firsts.count(t) / n for t in set(firsts) if t is not None}
    got = {r.test: r.p_first for r in s.ranking.itertuples() if r.p_first > 0}
    assert len(expected) > 1  # the draws disagree, so the check has teeth
    assert got == pytest.approx(expected, abs=1e-12)
    assert s.p_no_test == pytest.approx(firsts.count(None) / n, abs=1e-12)


def test_to_dict_is_json_safe(sens_nodular):
    d = json.loads(json.dumps(sens_nodular.to_dict()))
    assert d["interval"]["level"] == 0.95 and d["tornado"][0]["parameter"]
    assert d["interval"]["median"] == pytest.approx(sens_nodular.median)
    assert "credible interval" in sens_nodular.summary()


@pytest.mark.parametrize("kwargs, pattern", [
    ({"n_draws": 1}, r"The 'n_draws' parameter of sensitivity must be an int in the range "
                     r"\[2, 100000\]\. Got 1 instead\.$"),
    ({"n_draws": 10 ** 10}, r"\[2, 100000\]\. Got 10000000000 instead\. \(draws are held in "
                            r"memory, about 4 KB each"),
    ({"n_draws": 10.5}, r"'n_draws' .* Got 10\.5 instead"),
    ({"seed": -1}, r"The 'seed' parameter of sensitivity must be an int in the range \[0, inf\)"),
    ({"seed": True}, r"'seed' .* Got True instead"),
    ({"level": 1.0}, r"The 'level' parameter of sensitivity must be a float in the range \(0, 1\)"),
    ({"utilities": "nonesuch"}, r"The 'utilities' parameter of sensitivity"),
    ({"catalog": "missing.yaml"}, r"The 'catalog' parameter of sensitivity"),
])
def test_bad_parameters(model, kwargs, pattern):
    with pytest.raises(ParameterError, match=pattern):
        sensitivity(model, RIM, progress=False, **kwargs)


def test_progress_can_be_silenced(model, capsys):
    sensitivity(model, RIM, n_draws=50, progress=False)
    assert capsys.readouterr().err == ""


def test_mixed_point_and_drawn_odds_ratios(model):
    """One odds ratio drawn, the rest at point values, with the context observed."""
    findings = {"months_since_srs": 10, "enhancement_pattern": "nodular"}
    ev = model.engine_evidence(model.findings(findings))
    par = parameters(model, ["or_months_9_to_18"])[0]
    p = p_rows(model, ev, [(par, np.array([0.5, 1.0, 4.0]))])
    assert np.all(np.diff(p) > 0)  # a larger odds ratio for late lesions raises P(TTP)
    assert p[2] == pytest.approx(rebuilt(model, findings, par, 4.0), abs=1e-12)


def test_case_mix_parameter_alone_matches_it_among_others(model):
    """A drawn case-mix record feeding the calibrated prior, with everything else at its
    point value (used to crash: the batch came only from the odds ratios and baseline).
    Histology is observed, so the mix moves the calibrated intercept and hence P(TTP)."""
    findings = {**NODULAR, "primary_histology": "melanoma"}
    ev = model.engine_evidence(model.findings(findings))
    pars = {p.name: p for p in parameters(model, ["mix_primary_histology",
                                                   "p_ttp_enlarging_lesion"])}
    mix, base = pars["mix_primary_histology[melanoma]"], pars["p_ttp_enlarging_lesion"]
    theta = np.array([0.05, 0.4])
    alone = p_rows(model, ev, [(mix, theta)])
    point = model.records["p_ttp_enlarging_lesion"].point()
    together = p_rows(model, ev, [(mix, theta), (base, np.array([point]))])
    np.testing.assert_allclose(alone, together[:2], atol=1e-12)
    assert together[2] == pytest.approx(model.posterior(findings).p_progression, abs=1e-12)
    assert alone[1] == pytest.approx(rebuilt(model, findings, mix, 0.4), abs=1e-12)
    assert abs(alone[1] - alone[0]) > 1e-6
