"""Value of information: hand-computed measures, invariants of the ranked table, pairs."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import rnbayes
from rnbayes.analysis.voi import compute_voi, value_of_information
from rnbayes.engine.network import DiscreteNetwork
from rnbayes.errors import EvidenceError, ParameterError
from rnbayes.results.voi import MEASURES
from rnbayes.spec.catalog import CandidateTest, load_catalog
from rnbayes.spec.utilities import Utilities

U = Utilities(actions=("wait", "treat_no", "treat_yes"),
              table=np.array([[0.8, 0.6], [1.0, 0.0], [0.2, 1.0]]))


def tiny(prior=0.4, sn=0.8, sp=0.9):
    return DiscreteNetwork(
        states={"d": ("no", "yes"), "x": ("neg", "pos")}, parents={"d": (), "x": ("d",)},
        cpts={"d": np.array([1 - prior, prior]), "x": np.array([[sp, 1 - sn], [1 - sp, sn]])})


def test_single_test_matches_hand_computation():
    prior, sn, sp = 0.4, 0.8, 0.9
    voi = compute_voi(tiny(prior, sn, sp), "d", "yes", {}, [CandidateTest("x", ("x",), cost=0.01)], U)
    row = voi.table.iloc[0]
    p_pos = prior * sn + (1 - prior) * (1 - sp)
    post_pos = prior * sn / p_pos
    post_neg = prior * (1 - sn) / (1 - p_pos)
    joint = {(1, 1): prior * sn, (1, 0): prior * (1 - sn), (0, 1): (1 - prior) * (1 - sp),
             (0, 0): (1 - prior) * sp}
    pt = {1: prior, 0: 1 - prior}
    pr = {1: p_pos, 0: 1 - p_pos}
    mi = sum(v * math.log2(v / (pt[t] * pr[r])) for (t, r), v in joint.items())
    evsi = p_pos * U.value(post_pos) + (1 - p_pos) * U.value(post_neg) - U.value(prior)
    assert row["mutual_information"] == pytest.approx(mi, abs=1e-12)
    assert row["evsi"] == pytest.approx(float(evsi), abs=1e-12)
    assert row["net_value"] == pytest.approx(float(evsi) - 0.01, abs=1e-12)
    assert row["expected_abs_change"] == pytest.approx(
        p_pos * (post_pos - prior) + (1 - p_pos) * (prior - post_neg), abs=1e-12)
    assert voi.evpi == pytest.approx(U.evpi(prior))


def test_useless_test_has_no_value():
    voi = compute_voi(tiny(sn=0.7, sp=0.3), "d", "yes", {}, [CandidateTest("x", ("x",))], U)
    row = voi.table.iloc[0]
    assert row["mutual_information"] == pytest.approx(0, abs=1e-12)
    assert row["evsi"] == pytest.approx(0, abs=1e-12)
    assert row["p_action_change"] == 0


def test_an_already_observed_test_is_listed_apart_never_ranked():
    voi = compute_voi(tiny(), "d", "yes", {"x": 1}, [CandidateTest("x", ("x",), cost=3.0)], U)
    assert voi.table.empty and list(voi.done["test"]) == ["x"]
    assert voi.what_if.empty and voi.next_test is None
    assert "No further test is worth its cost; recommended:" in voi.summary()
    assert "Already done (not ranked): x." in voi.summary()


@pytest.fixture(scope="module")
def voi(model):
    return value_of_information(model, {"months_since_srs": "3_to_9"})


def test_what_if_is_a_martingale(voi):
    for tid, g in voi.what_if.groupby("test"):
        assert g["p_result"].sum() == pytest.approx(1.0, abs=1e-9), tid
        assert (g["p_result"] * g["p_positive_after"]).sum() == pytest.approx(voi.p_positive,
                                                                             abs=1e-9)
        assert (g["changes_action"] == (g["action"] != voi.action)).all()


def test_fet_pet_what_if_covers_both_nodes(voi):
    fet = voi.what_if[voi.what_if["test"] == "fet_pet"]
    assert len(fet) == 4
    assert all("fet_tbr=" in r and "fet_curve=" in r for r in fet["result"])


def test_table_ranked_and_bounded(voi):
    t = voi.table
    assert list(t["net_value"]) == sorted(t["net_value"], reverse=True)
    assert (t["evsi"] >= 0).all() and (t["evsi"] <= voi.evpi + 1e-9).all()
    fu = t.set_index("test").loc["follow_up_mri"]
    spec = load_catalog()["follow_up_mri"]
    assert fu["net_value"] == pytest.approx(fu["evsi"] - spec.cost - spec.waiting_loss
                                            * voi.p_positive)


@pytest.mark.parametrize("measure", MEASURES)
def test_rank_by_any_measure(model, measure):
    v = value_of_information(model, {}, rank_by=measure, pairs=False)
    assert list(v.table[measure]) == sorted(v.table[measure], reverse=True)


@pytest.mark.parametrize("kwargs, pattern", [
    ({"rank_by": "evsii"}, r"The 'rank_by' parameter of value_of_information must be a str "
                           r"among \['net_value', .*\]\. Got 'evsii' instead\. Did you mean 'evsi'\?"),
    ({"pairs": "yes"}, r"The 'pairs' parameter of value_of_information must be a bool or an "
                       r"int in the range \[0, inf\)\. Got 'yes' instead\."),
    ({"tests": ["fet_pett"]}, r"The 'tests' parameter .* Did you mean 'fet_pet'\?"),
    ({"tests": 3}, r"The 'tests' parameter .* must be a name or a list of names"),
    ({"tests": []}, r"The 'tests' parameter .* must be a non-empty list of names\. Got \[\]"),
    ({"tests": "fet_pett"}, r"Got 'fet_pett' instead\. Did you mean 'fet_pet'\?"),
    ({"pairs": -1}, r"The 'pairs' parameter .* Got -1 instead"),
    ({"utilities": 3}, r"The 'utilities' parameter"),
    ({"catalog": 3}, r"The 'catalog' parameter"),
])
def test_bad_parameters_are_parameter_errors(model, kwargs, pattern):
    with pytest.raises(ParameterError, match=pattern) as info:
        value_of_information(model, {}, **kwargs)
    assert isinstance(info.value, ValueError) and "\n" not in str(info.value)


def test_one_test_name_is_accepted_as_a_list_of_one(model):
    """``tests="fet_pet"`` used to be read letter by letter ("unknown test 'f'")."""
    one = value_of_information(model, {}, tests="fet_pet")
    assert list(one.table["test"]) == ["fet_pet"]
    assert one == value_of_information(model, {}, tests=["fet_pet"])


def test_pairs(voi):
    bp = voi.pairs.set_index(["test_a", "test_b"])
    n = len(voi.table)
    assert len(bp) == n * (n - 1) // 2
    # DSC is part of the perfusion session: their union adds nothing to the session alone
    row = bp.loc[("perfusion_session", "dsc_perfusion")] if ("perfusion_session",
        "dsc_perfusion") in bp.index else bp.loc[("dsc_perfusion", "perfusion_session")]
    assert row["mi_interaction"] == "redundant"
    single = voi.table.set_index("test")
    assert row["mi_joint"] == pytest.approx(single.loc["perfusion_session", "mutual_information"])
    # the option to stop after the first test makes a sequence worth at least that test alone
    for (a, b), r in bp.iterrows():
        assert r["value_a_then_b"] >= single.loc[a, "net_value"] - 1e-9
        assert r["value_b_then_a"] >= single.loc[b, "net_value"] - 1e-9
        assert r["sequence_value"] == max(r["value_a_then_b"], r["value_b_then_a"])
        assert r["mi_joint"] >= max(single.loc[a, "mutual_information"],
                                    single.loc[b, "mutual_information"]) - 1e-9


def test_to_dict_is_json_safe_and_summary(voi):
    d = json.loads(json.dumps(voi.to_dict()))
    assert d["recommended_action"] == voi.action
    assert len(d["table"]) == len(voi.table) and len(d["best_pairs"]) == len(voi.pairs)
    assert d["thresholds"] and d["notice"] == rnbayes.NOTICE
    assert d["p_progression"] == voi.p_positive and "p_positive" not in d
    assert all("p_progression_after" in r and "result_states" in r for r in d["what_if"])
    assert d["utilities_assumed"] == "asymptomatic lesion (default)"
    text = voi.summary()
    assert voi.table.iloc[0]["label"] in text and "thresholds" in text
    assert voi.table.iloc[0]["test"] not in text  # people read labels, not ids


def test_tests_subset(model):
    v = value_of_information(model, {}, tests=["fet_pet", "dsc_perfusion"])
    assert set(v.table["test"]) == {"fet_pet", "dsc_perfusion"}


def test_pairs_among_the_top_k(model):
    v = value_of_information(model, {"months_since_srs": "3_to_9"}, pairs=3)
    top = set(v.table["test"].head(3))
    assert len(v.pairs) == 3 and set(v.pairs["test_a"]) | set(v.pairs["test_b"]) == top
    assert value_of_information(model, {}, pairs=False).pairs.empty


def test_symptomatic_utilities_by_name(model):
    v = value_of_information(model, {"enhancement_pattern": "thin_rim"}, utilities="symptomatic")
    assert [t.below for t in v.thresholds] == ["treat_as_necrosis"]


def test_evidence_errors_stay_evidence_errors(model):
    with pytest.raises(EvidenceError, match="did you mean 'rcbv'"):
        value_of_information(model, {"rcbvv": "elevated"})
