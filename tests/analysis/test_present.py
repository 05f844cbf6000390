"""The posterior as people read it (issue 11, defects 3 and 4): the recommendation with its
threshold and the utilities it assumes, a quick credible interval, the evidence behind
each test's accuracy, the two priors named, findings as separate fields; and the
posterior of any node (marginals) and several cases side by side (compare)."""

from __future__ import annotations

import itertools
import json
import shutil

import numpy as np
import pytest
import yaml

import rnbayes
from rnbayes.analysis.strength import sample_size
from rnbayes.errors import ParameterError
from rnbayes.spec.utilities import load_utilities

RIM = {"enhancement_pattern": "thin_rim", "susceptibility_foci": "none", "months_since_srs": 6}


@pytest.mark.parametrize("utilities", [None, "asymptomatic", "symptomatic"])
@pytest.mark.parametrize("evidence", [{}, RIM, {"enhancement_pattern": "nodular"},
                                      {"rcbv": "elevated", "ktrans": "elevated"}])
def test_the_posterior_carries_its_recommendation(model, evidence, utilities):
    post = model.posterior(evidence, utilities=utilities)
    u = load_utilities(utilities)
    # independent reference: the action with the largest expected utility, by hand
    p = post.p_progression
    eu = {a: (1 - p) * row[0] + p * row[1] for a, row in zip(u.actions, u.table)}
    assert post.action == max(eu, key=eu.get)
    th = post.threshold
    assert th is not None and th.p == pytest.approx(min(
        (t.p for t in u.thresholds()), key=lambda x: abs(x - p)))
    side = "below" if p < th.p else "above"
    assert f"is {side} {th.p:.3f}" in post.recommendation
    assert u.describe() in post.recommendation and u.label(post.action) in post.recommendation
    d = post.to_dict()
    assert d["recommended_action"] == post.action and d["utilities_assumed"] == u.describe()


def test_the_recommendation_matches_the_tests_analysis(model):
    for utilities in ("asymptomatic", "symptomatic"):
        post = model.posterior(RIM, utilities=utilities)
        voi = model.value_of_information(RIM, utilities=utilities, pairs=False)
        assert post.action == voi.action


def test_quick_interval_brackets_the_point_and_is_reproducible(model):
    a = model.posterior(RIM, interval=True)
    b = model.posterior(RIM, interval=300, seed=1)
    assert a.interval_draws == 2000 and b.interval_draws == 300
    assert a.interval.low < a.p_progression < a.interval.high
    assert model.posterior(RIM, interval=300, seed=1) == b
    assert "95% CrI" in a.summary() and "2000 draws" in a.summary()
    assert model.posterior(RIM).interval is None
    with pytest.raises(ParameterError, match="'interval' parameter of posterior"):
        model.posterior(RIM, interval=1)


def test_a_quick_interval_agrees_with_the_full_sensitivity_run(model):
    quick = model.posterior(RIM, interval=800, seed=5).interval
    full = model.sensitivity(RIM, n_draws=800, seed=6, progress=False).interval
    assert abs(quick.low - full.low) < 0.08 and abs(quick.high - full.high) < 0.08


@pytest.mark.parametrize("n, expected", [
    ("14 patients", (14, "patients")), ("10 studies, >271 metastases", (271, "metastases")),
    ("18 studies, 455 patients, 447 lesions", (455, "patients")),
    ("59 (36 TTP, 23 RN)", (59, "cases")), (35, (35, "cases")),
    ("narrative review", None), ("case series (qualitative)", None)])
def test_sample_sizes_are_read_from_the_sources(n, expected):
    assert sample_size(n) == expected


def test_a_test_with_few_patients_says_so_where_it_ranks(model):
    # ASL against DSC alone, so that the weakly evidenced test is the one ranked first
    voi = model.value_of_information(RIM, tests=["asl_perfusion", "dsc_perfusion"])
    asl = voi.table.set_index("test").loc["asl_perfusion"]
    assert asl["evidence"] == "14 patients (Lai 2015)" and asl["weak_evidence"]
    assert not voi.table.set_index("test").loc["dsc_perfusion", "weak_evidence"]
    assert voi.next_test == "asl_perfusion"
    note = "ASL perfusion (CBF): accuracy rests on 14 patients (Lai 2015)"
    assert voi.evidence_note("asl_perfusion") == note and note in voi.summary()


def test_the_evidence_note_follows_the_records_not_the_code(tmp_path, spec_copy):
    """Change the study size in the priors (data) and the note changes with it."""
    net, pri = spec_copy
    shutil.copy(rnbayes.spec.resources.data_dir("networks") / "tests.yaml", net.parent)
    path = pri / "accuracy.yaml"
    path.write_text(path.read_text().replace('n: "14 patients"', 'n: "140 patients"'))
    m = rnbayes.load_model(net, pri)
    row = m.value_of_information(RIM, pairs=False).table.set_index("test").loc["asl_perfusion"]
    assert row["evidence"] == "140 patients (Lai 2015)" and not row["weak_evidence"]


def test_the_two_priors_are_named_for_what_they_are(model):
    post = model.posterior(RIM)
    assert f"P(TTP) before any finding (the model's population prior): " \
           f"{post.prior_progression:.3f}" in post.summary()
    sens = model.sensitivity(RIM, n_draws=100, progress=False)
    assert "prior from the clinical context (P(TTP) given only" in sens.summary()
    assert f"is {sens.prior_case:.3f}" in sens.prior_text()


def test_findings_keep_state_number_and_likelihood_apart(model):
    ev = {"rcbv": 1.4, "months_since_srs": 9, "enhancement_pattern": "thin_rim",
          "ktrans": {"elevated": 0.6, "not_elevated": 0.4}}
    c = model.posterior(ev).contributions.set_index("node")
    assert (c.loc["rcbv", "state"], c.loc["rcbv", "value"]) == ("not_elevated", 1.4)
    assert c.loc["rcbv", "label"] == "rCBV (DSC perfusion): not elevated (rCBV ratio 1.4)"
    assert c.loc["months_since_srs", "label"] == "Time since SRS: 9 to 18 months (9 months)"
    assert c.loc["enhancement_pattern", "value"] is None
    assert c.loc["ktrans", "state"] is None
    assert c.loc["ktrans", "likelihood"] == {"elevated": 0.6, "not_elevated": 0.4}
    assert c.loc["ktrans", "label"] == \
        "Ktrans (DCE perfusion): elevated 0.6 / not elevated 0.4"
    d = json.loads(json.dumps(model.posterior(ev).to_dict()))
    row = next(r for r in d["contributions"] if r["node"] == "months_since_srs")
    assert row["state"] == "9_to_18" and row["value"] == 9  # the number as given


def test_marginals_match_brute_force_enumeration(model):
    """P(state | findings) of every node against the joint summed by brute force."""
    ev = {"enhancement_pattern": "nodular", "rcbv": "elevated",
          "susceptibility_foci": {"multiple_small_foci": 0.3, "none": 0.7}}
    nodes = ["diagnosis", "asl_cbf", "tumour_vascularity", "rcbv", "susceptibility_foci"]
    m = model.marginals(ev, nodes=nodes)
    engine_ev = model.engine_evidence(model.findings(ev))
    small = ["enhancement_pattern", "rcbv", "susceptibility_foci", "diagnosis", "asl_cbf",
             "tumour_vascularity"]
    joint, _ = model.network.enumerate_joint(small, {})
    weights = np.ones_like(joint)
    for node, e in engine_ev.items():
        axis = small.index(node)
        lik = np.eye(joint.shape[axis])[e] if np.ndim(e) == 0 else np.asarray(e)
        shape = [1] * joint.ndim
        shape[axis] = -1
        weights = weights * lik.reshape(shape)
    post = joint * weights
    post /= post.sum()
    for node in nodes:
        axis = small.index(node)
        expected = post.sum(axis=tuple(i for i in range(post.ndim) if i != axis))
        np.testing.assert_allclose(m.of(node).to_numpy(), expected, atol=1e-9)
    assert m.p("diagnosis", "tumour_progression") == pytest.approx(
        model.posterior(ev).p_progression, abs=1e-12)
    assert m.p_before("rcbv", "elevated") == pytest.approx(
        model.marginals({}, nodes=["rcbv"]).p("rcbv", "elevated"))
    assert "CBF (ASL perfusion)" in m.summary()


def test_marginals_of_every_node_sum_to_one_and_reject_unknown_nodes(model):
    m = rnbayes.marginals(RIM)
    assert set(m.nodes) == set(model.nodes)
    for node in m.nodes:
        assert m.of(node).sum() == pytest.approx(1.0, abs=1e-12)
    with pytest.raises(ParameterError, match="'nodes' parameter of marginals"):
        model.marginals(RIM, nodes=["rcbvv"])


def test_compare_puts_cases_side_by_side(model):
    cases = {"rim": RIM, "nodular": {"enhancement_pattern": "nodular", "rcbv": "elevated"}}
    c = model.compare(cases, interval=300)
    t = c.table.set_index("case")
    for name, ev in cases.items():
        post = model.posterior(ev, interval=300)
        voi = model.value_of_information(ev, pairs=False)
        assert t.loc[name, "p_progression"] == pytest.approx(post.p_progression, abs=1e-12)
        assert (t.loc[name, "interval_low"], t.loc[name, "interval_high"]) == \
            pytest.approx(tuple(post.interval), abs=1e-12)
        assert t.loc[name, "action"] == post.action
        assert t.loc[name, "next_test"] == voi.next_test
    side = c.side_by_side()
    assert list(side.columns) == ["rim", "nodular"] and "recommended" in side.index
    diff = c.differing_findings()
    assert "Enhancement pattern" in diff.index and "rCBV (DSC perfusion)" in diff.index
    assert json.loads(json.dumps(c.to_dict()))["cases"][0]["case"] == "rim"


def test_compare_takes_case_objects_and_each_cases_own_utilities(model):
    # A rim without the other signs sits where the two utility sets disagree.
    ev = {"enhancement_pattern": "thin_rim", "months_since_srs": 6}
    a = rnbayes.Case(evidence=ev, id="a")
    b = rnbayes.Case(evidence=ev, id="b", utilities="symptomatic")
    t = model.compare([a, b], interval=False).table.set_index("case")
    p = model.posterior(ev).p_progression
    default, symptomatic = load_utilities().best_action(p), load_utilities("symptomatic").best_action(p)
    assert default != symptomatic
    assert t.loc["a", "action"] == default
    assert t.loc["b", "action"] == symptomatic
    assert np.isnan(t.loc["a", "interval_low"])
    with pytest.raises(ParameterError, match="'cases' parameter of compare"):
        model.compare([], interval=False)


def test_every_pair_of_example_cases_compares(model):
    """Cheap smoke over real case files: names, no NaN probabilities."""
    from tests.helpers import CASES

    for a, b in itertools.islice(itertools.combinations(CASES, 2), 3):
        cases = [rnbayes.load_case(a), rnbayes.load_case(b)]
        t = model.compare(cases, interval=False).table
        assert list(t["case"]) == [c.id for c in cases] and t["p_progression"].notna().all()


def test_labels_yaml_documents_its_own_form():
    """The lead adds labels for new nodes at merge: the file says how."""
    text = (rnbayes.spec.resources.data_dir("networks") / "labels.yaml").read_text()
    assert "node_id: {label:" in text
    assert yaml.safe_load(text)["schema_version"] == 1
