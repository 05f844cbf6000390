"""Unit tests of rnbayes.analysis.voi and rnbayes.spec.catalog."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import rnbayes
from rnbayes.analysis.voi import MEASURES, compute_voi, value_of_information
from rnbayes.engine.network import DiscreteNetwork
from rnbayes.errors import EvidenceError, SchemaError, SemanticError
from rnbayes.spec.catalog import TestSpec, load_tests
from rnbayes.spec.utilities import Utilities

U = Utilities(actions=("wait", "treat_no", "treat_yes"),
              table=np.array([[0.8, 0.6], [1.0, 0.0], [0.2, 1.0]]))


def tiny(prior=0.4, sn=0.8, sp=0.9):
    return DiscreteNetwork(
        states={"d": ("no", "yes"), "x": ("neg", "pos")}, parents={"d": (), "x": ("d",)},
        cpts={"d": np.array([1 - prior, prior]), "x": np.array([[sp, 1 - sn], [1 - sp, sn]])})


def test_single_test_matches_hand_computation():
    prior, sn, sp = 0.4, 0.8, 0.9
    voi = compute_voi(tiny(prior, sn, sp), "d", "yes", {}, [TestSpec("x", ("x",), cost=0.01)], U)
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
    voi = compute_voi(tiny(sn=0.7, sp=0.3), "d", "yes", {}, [TestSpec("x", ("x",))], U)
    row = voi.table.iloc[0]
    assert row["mutual_information"] == pytest.approx(0, abs=1e-12)
    assert row["evsi"] == pytest.approx(0, abs=1e-12)
    assert row["p_action_change"] == 0


def test_already_observed_has_zero_value():
    voi = compute_voi(tiny(), "d", "yes", {"x": 1}, [TestSpec("x", ("x",), cost=3.0)], U)
    row = voi.table.iloc[0]
    assert row["status"] == "already observed"
    assert row[["mutual_information", "evsi", "cost", "net_value"]].abs().max() == 0
    assert voi.what_if.empty


@pytest.fixture(scope="module")
def model():
    return rnbayes.load_model()


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
    assert np.allclose(t["net_value"], t["evsi"] - t["cost"])
    fu = t.set_index("test").loc["follow_up_mri"]
    spec = load_tests()["follow_up_mri"]
    assert fu["cost"] == pytest.approx(spec.cost + spec.waiting_loss * voi.p_positive)


@pytest.mark.parametrize("measure", MEASURES)
def test_rank_by_any_measure(model, measure):
    v = value_of_information(model, {}, rank_by=measure, pairs=False)
    assert list(v.table[measure]) == sorted(v.table[measure], reverse=True)


def test_rank_by_unknown_measure(model):
    with pytest.raises(ValueError, match="rank_by must be one of"):
        value_of_information(model, {}, rank_by="evsii")


def test_pairs(voi):
    bp = voi.best_pairs.set_index(["test_a", "test_b"])
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
    assert len(d["table"]) == len(voi.table)
    assert d["thresholds"] and d["notice"] == rnbayes.NOTICE
    text = voi.summary()
    assert voi.table.iloc[0]["test"] in text and "thresholds" in text
    assert "<table>" in voi._repr_html_()


def test_tests_subset_and_unknown(model):
    v = value_of_information(model, {}, tests=["fet_pet", "dsc_perfusion"])
    assert set(v.table["test"]) == {"fet_pet", "dsc_perfusion"}
    with pytest.raises(EvidenceError, match="did you mean 'fet_pet'"):
        value_of_information(model, {}, tests=["fet_pett"])


def write(tmp_path, text):
    p = tmp_path / "tests.yaml"
    p.write_text(text)
    return p


def test_catalog_errors_name_file_path_and_value(tmp_path, model):
    p = write(tmp_path, "tests:\n  a:\n    reveals: [rcbv]\n    utility_cost: {value: -1}\n")
    with pytest.raises(SchemaError, match=r"tests.yaml: tests.a.utility_cost.value: .*-1"):
        load_tests(p)
    p = write(tmp_path, "tests:\n  a:\n    reveals: []\n    utility_cost: {value: 1}\n")
    with pytest.raises(SchemaError, match=r"tests.a.reveals"):
        load_tests(p)
    p = write(tmp_path, "tests:\n  a:\n    reveals: [rcvb]\n    utility_cost: {value: 1}\n")
    with pytest.raises(SemanticError, match=r"tests.a.reveals\[0\].*did you mean 'rcbv'"):
        value_of_information(model, {}, catalog=p)
    p = write(tmp_path, "tests:\n  a:\n    reveals: [tumour_vascularity]\n"
                        "    utility_cost: {value: 1}\n")
    with pytest.raises(SemanticError, match="latent"):
        value_of_information(model, {}, catalog=p)
    with pytest.raises(SchemaError, match="file not found"):
        load_tests(tmp_path / "missing.yaml")


def test_bundled_catalog_documents_costs():
    cat = load_tests()
    assert {"fet_pet", "follow_up_mri", "perfusion_session", "dwi", "swi"} <= set(cat.ids)
    for t in cat:
        assert t.cost_basis == "judgement" and t.cost_reasoning
        assert t.sources and {"cost", "time", "patient_burden", "availability"} <= set(t.burden)
    assert cat["follow_up_mri"].waiting_loss > 0 and cat["follow_up_mri"].waiting_reasoning
    assert cat["fet_pet"].burden["cost"]["currency"] == "EUR"
