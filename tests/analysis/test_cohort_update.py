"""Local updating: data drawn from a shifted model move the records toward the shifted
values; an infinite weight or no data move nothing; complete data give exactly the
published pseudo-counts plus the counted lesions; the expected counts are a fixed point;
the records keep their sources, show the local data, and load back from YAML."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import rnbayes
from rnbayes import CohortError, ParameterError
from rnbayes.analysis.cohort.counts import LEFT_ALONE, expected_counts, record_sources
from rnbayes.analysis.cohort.update import prior_alpha
from rnbayes.analysis.cohort.validate import read_outcome_cohort, update_cohort
from rnbayes.engine.rows import RowEvidence
from rnbayes.spec.recordsio import write_priors

#: records moved by the shifted model, each halfway from its published point toward a less
#: informative value (a shift a latent test can always take: it is no more discriminating
#: than before), and the baseline P(TTP) and a case-mix share moved too
SHIFTED = ("mrs_sensitivity", "dsc_specificity", "cut_pepper_given_rn", "enhancement_given_ttp",
           "p_ttp_enlarging_lesion", "mix_immunotherapy")


def halfway(a, b):
    return (np.asarray(a, dtype=float) + np.asarray(b, dtype=float)) / 2


def shift_of(model) -> dict:
    pt = {r: model.records[r].point() for r in (*SHIFTED, "mrs_specificity", "dsc_sensitivity",
                                                 "cut_pepper_given_ttp", "enhancement_given_rn")}
    enh = halfway(pt["enhancement_given_ttp"], pt["enhancement_given_rn"])
    return {"mrs_sensitivity": float(halfway(pt["mrs_sensitivity"], 1 - pt["mrs_specificity"])),
            "dsc_specificity": float(halfway(pt["dsc_specificity"], 1 - pt["dsc_sensitivity"])),
            "cut_pepper_given_rn": float(halfway(pt["cut_pepper_given_rn"],
                                                 pt["cut_pepper_given_ttp"])),
            "enhancement_given_ttp": dict(zip(model.records["enhancement_given_ttp"].states,
                                              map(float, enh))),
            "p_ttp_enlarging_lesion": float(1 - pt["p_ttp_enlarging_lesion"]),
            "mix_immunotherapy": float(halfway(pt["mix_immunotherapy"], 0.5))}


def point(model, rid):
    return np.atleast_1d(model.records[rid].point())


@pytest.fixture(scope="module")
def shifted(model):
    return model.with_records(shift_of(model))


@pytest.fixture(scope="module")
def em_update(model, shifted):
    df = shifted.simulate(5000, seed=3, missing="realistic")
    return df, update_cohort(model, df, outcome="diagnosis")


def test_data_from_a_shifted_model_move_the_records_toward_it(model, shifted, em_update):
    _, (local, report) = em_update
    assert report["method"].startswith("expectation-maximisation")
    for rid in SHIFTED:
        before = np.abs(point(model, rid) - point(shifted, rid)).max()
        after = np.abs(point(local, rid) - point(shifted, rid)).max()
        assert after < 0.5 * before, (rid, before, after)
    unshifted = [r for r in report["updated"] if r not in SHIFTED and r != "mix_haemorrhage"]
    moved = max(np.abs(point(local, r) - point(model, r)).max() for r in unshifted)
    assert moved < 0.1


def test_complete_data_add_exactly_the_counted_lesions(model):
    df = model.simulate(3000, seed=8)  # every finding recorded
    local, report = update_cohort(model, df, outcome="diagnosis", weight=2.0)
    assert report["method"].startswith("counts") and report["iterations"] == 1
    ttp = df[df["diagnosis"] == "tumour_progression"]
    counts = ttp["enhancement_pattern"].value_counts()
    rec = model.records["enhancement_given_ttp"]
    want = 2.0 * prior_alpha(rec) + np.array([counts[s] for s in rec.states])
    np.testing.assert_allclose(local.records["enhancement_given_ttp"].params["alpha"], want,
                               rtol=1e-12)
    rn = df[df["diagnosis"] == "radiation_necrosis"]
    k = (rn["mrs_choline"] == "not_elevated").sum()
    a, b = prior_alpha(model.records["mrs_specificity"])
    new = local.records["mrs_specificity"].params
    assert (new["a"], new["b"]) == pytest.approx((2 * a + k, 2 * b + len(rn) - k), rel=1e-12)
    k = (rn["cut_pepper"] == "present").sum()  # a per-class finding: its counts among RN
    a, b = prior_alpha(model.records["cut_pepper_given_rn"])
    new = local.records["cut_pepper_given_rn"].params
    assert (new["a"], new["b"]) == pytest.approx((2 * a + k, 2 * b + len(rn) - k), rel=1e-12)
    mix = model.records["mix_srs_platform"]  # a modifier's mix: its counts over every lesion
    counts = df["srs_platform"].value_counts()
    want = 2.0 * prior_alpha(mix) + np.array([counts[s] for s in mix.states])
    np.testing.assert_allclose(local.records["mix_srs_platform"].params["alpha"], want,
                               rtol=1e-12)
    p = (df["diagnosis"] == "tumour_progression").sum()
    base = local.records["p_ttp_enlarging_lesion"]
    a, b = prior_alpha(model.records["p_ttp_enlarging_lesion"])
    assert float(base.point()) == pytest.approx((2 * a + p) / (2 * (a + b) + len(df)), rel=1e-12)


def test_the_expected_counts_are_a_fixed_point(model, em_update):
    df, (local, _) = em_update
    col = read_outcome_cohort(model, df, "diagnosis")
    ev = col.evidence()
    ev = RowEvidence({**ev.codes, "diagnosis": col.outcome()}, ev.soft)
    sources, _ = record_sources(model)
    table, _ = expected_counts(local, ev, {s.nodes for src in sources.values() for s in src})
    for rid in ("mix_bevacizumab", "dsc_specificity", "mrs_sensitivity"):
        src = sources[rid][0]
        counts, n = table[src.nodes]
        idx = np.asarray(src.state_of)
        c = np.bincount(idx[idx >= 0], weights=counts[idx >= 0], minlength=2)
        post = prior_alpha(model.records[rid]) + c
        assert float(local.records[rid].point()) == pytest.approx(post[0] / post.sum(), abs=1e-6)
        assert local.records[rid].raw["local_update"]["n"] == n


def test_infinite_weight_and_no_data_move_nothing(model):
    df = model.simulate(400, seed=4, missing="realistic")
    kept = model.update(df, outcome="diagnosis", weight=float("inf"))
    heavy = model.update(df, outcome="diagnosis", weight=1e9)
    empty = model.update(df.iloc[:0], outcome="diagnosis")
    for m, tol in ((kept, 0.0), (empty, 1e-15), (heavy, 1e-6)):
        for node in model.nodes:
            np.testing.assert_allclose(m.network.cpts[node], model.network.cpts[node], atol=tol)
    assert empty.records["mrs_sensitivity"].raw["local_update"]["n"] == 0
    with pytest.raises(ParameterError, match="weight"):
        model.update(df, outcome="diagnosis", weight=0)


def test_records_keep_their_sources_and_show_the_local_data(model, em_update):
    _, (local, report) = em_update
    assert local.digest != model.digest and model.records["mrs_sensitivity"].raw.get(
        "local_update") is None
    rec = local.records["dsc_specificity"]
    assert rec.sources == model.records["dsc_specificity"].sources
    lu = rec.raw["local_update"]
    assert lu["weight"] == 1.0 and lu["prior"] == dict(model.records["dsc_specificity"].raw[
        "distribution"])
    assert set(lu["counts"]) == {"event", "no event"} and lu["n"] > 0
    assert "+ local data (n=" in rec.label and "+ local data" in local.sources.to_string()
    for rid, why in report["left"].items():
        assert local.records[rid] == model.records[rid], rid
        assert why in LEFT_ALONE.values() or "cannot be built" in why
    assert "or_immunotherapy" in report["left"] and "dwi_given_rn" in report["left"]


def test_updated_priors_are_written_loaded_and_never_overwritten(model, em_update, tmp_path):
    _, (local, _) = em_update
    out = tmp_path / "site_priors"
    files = write_priors(out, local.records, copy_from=model.priors_path)
    assert {f.name for f in files} == {f.name for f in model.priors_path.glob("*.yaml")}
    again = rnbayes.load_model(model.network_path, out)
    assert again.digest == local.digest
    for node in model.nodes:
        np.testing.assert_allclose(again.network.cpts[node], local.network.cpts[node], atol=1e-12)
    before = {f.name: f.read_text() for f in out.iterdir()}
    with pytest.raises(CohortError, match=r"already holds accuracy\.yaml"):
        write_priors(out, model.records, copy_from=model.priors_path)
    assert before == {f.name: f.read_text() for f in out.iterdir()}


def test_outcome_values_other_than_the_two_states_name_the_rows(model):
    df = pd.DataFrame({"truth": ["radiation_necrosis", "TTP", None, "tumour_progression"],
                       "rcbv": ["elevated"] * 4})
    with pytest.raises(CohortError, match=r"outcome column 'truth' must hold 'radiation_necrosis'"
                                          r" or 'tumour_progression'.*rows 2 \('TTP'\), 3 \(None\)"):
        model.update(df, outcome="truth")
