"""Batch scoring: every row scores as model.posterior scores it; numbers, aliases and soft
cells follow the single-case rules; bad values are reported by row, column, value and
reason while every good row is scored; the best next test is value_of_information's; the
per-lesion interval equals an independent per-draw computation."""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rnbayes
from rnbayes import CohortError, RnbayesWarning
from rnbayes.analysis.cohort.interval import record_draws
from rnbayes.analysis.sensitivity.draws import build_subset
from rnbayes.spec.cohort import parse_cohort
from rnbayes.spec.tables import point_values
from tests.helpers import TOL


@pytest.fixture(scope="module")
def cohort(model):
    """300 simulated lesions with some findings written as numbers, one column aliased."""
    df = model.simulate(300, seed=11, missing="realistic").drop(columns="diagnosis")
    rng = np.random.default_rng(0)
    out = df.astype(object).where(df.notna(), None)
    rcbv = np.where(df["rcbv"] == "elevated", rng.uniform(2.2, 5, 300), rng.uniform(0.3, 2.1, 300))
    out["rcbv_ratio"] = np.where(df["rcbv"].isna(), np.nan, rcbv)
    out = out.drop(columns="rcbv")
    tbr = np.where(df["fet_tbr"] == "high", rng.uniform(2.2, 4, 300), rng.uniform(1, 2.15, 300))
    out["fet_tbr_max"] = np.where(df["fet_tbr"].isna(), np.nan, tbr)
    out = out.drop(columns="fet_tbr")
    out["months_since_srs"] = np.where(df["months_since_srs"].isna(), np.nan,
                                       rng.uniform(0, 30, 300).round(1))
    out.index = [f"r{i}" for i in range(300)]
    out.insert(0, "lesion_id", [f"L{i:03d}" for i in range(300)])
    return out


def row_evidence(row: pd.Series) -> dict:
    keys = {"rcbv_ratio": "rcbv"}
    return {keys.get(k, k): v for k, v in row.items() if k != "lesion_id" and v is not None
            and not (isinstance(v, float) and np.isnan(v))}


def test_every_row_scores_as_the_posterior_of_that_case(model, cohort):
    scored = model.score(cohort)
    assert list(scored.index) == list(cohort.index)
    assert list(scored["lesion_id"]) == list(cohort["lesion_id"])
    u = rnbayes.load_utilities()
    for label, row in cohort.iloc[::15].iterrows():
        p = model.posterior(row_evidence(row)).p_progression
        assert scored.loc[label, "p_progression"] == pytest.approx(p, abs=TOL)
        assert scored.loc[label, "action"] == u.best_action(p)
    assert (scored["error"] == "").all() and scored.attrs["errors"].empty


def test_csv_and_parquet_files_score_like_the_frame(model, cohort, tmp_path):
    ref = model.score(cohort)
    cohort.to_csv(tmp_path / "c.csv", index=False)
    cohort.astype(str).replace({"None": None, "nan": None}).to_parquet(tmp_path / "c.parquet")
    for name in ("c.csv", "c.parquet"):
        got = model.score(tmp_path / name)
        np.testing.assert_allclose(got["p_progression"], ref["p_progression"], atol=TOL, rtol=0)
        assert list(got["lesion_id"]) == list(ref["lesion_id"])


def test_soft_cells_and_discordant_measurements_follow_the_single_case_rules(model):
    df = pd.DataFrame({"rcbv": [{"elevated": 0.7, "not_elevated": 0.3}, "elevated"],
                       "fet_tbr_max": [3.0, 3.0], "fet_tbr_mean": [1.5, 2.5]})
    with pytest.warns(RnbayesWarning, match="fet_tbr: the measurements disagree.*1 rows"):
        scored = model.score(df)
    with pytest.warns(RnbayesWarning, match="disagree"):
        ref0 = model.posterior(df.iloc[0].to_dict()).p_progression
    ref1 = model.posterior(df.iloc[1].to_dict()).p_progression
    assert scored["p_progression"].tolist() == pytest.approx([ref0, ref1], abs=TOL)


def test_bad_values_are_reported_and_every_good_row_is_scored(model):
    df = pd.DataFrame({
        "lesion_id": ["a", "b", "c", "d", "e"],
        "rcbv_ratio": [2.5, "high", None, 1.0, -3.0],
        "enhancement_pattern": ["nodular", "nodularr", "thin_rim", 3, None],
        "months_since_srs": [6, 8, 30, 12, 2],
    }, index=[10, 11, 12, 13, 14])
    with pytest.warns(RnbayesWarning, match="3 of 5 rows not scored"):
        scored = model.score(df)
    assert list(scored.index) == [10, 11, 12, 13, 14]
    bad = scored["p_progression"].isna()
    assert bad.tolist() == [False, True, False, True, True]
    errors = scored.attrs["errors"]
    assert errors[["row", "id", "column"]].values.tolist() == [
        [2, "b", "enhancement_pattern"], [2, "b", "rcbv_ratio"], [4, "d", "enhancement_pattern"],
        [5, "e", "rcbv_ratio"]]
    reasons = errors.set_index(["row", "column"])["reason"]
    assert "did you mean 'nodular'" in reasons[(2, "enhancement_pattern")]
    assert "['elevated', 'not_elevated']" in reasons[(2, "rcbv_ratio")]
    assert "does not take a number" in reasons[(4, "enhancement_pattern")]
    assert "must be >= 0" in reasons[(5, "rcbv_ratio")] and "-3" in reasons[(5, "rcbv_ratio")]
    assert "rcbv_ratio=high" in scored.loc[11, "error"]
    good = model.posterior({"rcbv": 2.5, "enhancement_pattern": "nodular",
                            "months_since_srs": 6}).p_progression
    assert scored.loc[10, "p_progression"] == pytest.approx(good, abs=TOL)
    with pytest.raises(CohortError, match=r"row 2, column 'enhancement_pattern'"):
        model.score(df, errors="raise")


def test_impossible_findings_are_an_error_row(model):
    fixed = model.with_tables({"cut_pepper": [[1.0, 1.0], [0.0, 0.0]]})
    df = pd.DataFrame({"cut_pepper": ["absent", "present"]})
    with pytest.warns(RnbayesWarning, match="1 of 2 rows not scored"):
        scored = fixed.score(df)
    assert "impossible together" in scored["error"][0] and np.isnan(scored["p_progression"][0])
    assert scored["error"][1] == "" and np.isfinite(scored["p_progression"][1])


@pytest.mark.parametrize("columns, kwargs, words", [
    (["rcbv_rati"], {}, "unknown column 'rcbv_rati'; did you mean 'rcbv_ratio'"),
    (["tumour_vascularity"], {}, "latent node, which is never observed"),
    (["rcbv", "rcbv_ratio"], {}, "columns 'rcbv' and 'rcbv_ratio' both give 'rcbv'"),
    (["rcbv"], {"id_column": "lesion"}, "id_column 'lesion' is not a column"),
    (["rcbv"], {"passthrough": ["site"]}, "passthrough column 'site' is not a column"),
])
def test_column_problems_raise_one_line(model, columns, kwargs, words):
    df = pd.DataFrame({c: ["elevated"] for c in columns})
    with pytest.raises(CohortError) as err:
        model.score(df, **kwargs)
    assert words in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("ids, words", [
    (["a", "b", "a"], "repeats ids: 'a' at rows 1, 3"),
    (["a", None, "c"], "is blank at row 2"),
])
def test_ids_must_be_given_and_unique(model, ids, words):
    with pytest.raises(CohortError, match=words):
        model.score(pd.DataFrame({"lesion_id": ids, "rcbv": ["elevated"] * 3}))


def test_other_columns_are_carried_through_and_an_empty_table_refused(model):
    df = pd.DataFrame({"site": ["x", "y"], "diagnosis": ["radiation_necrosis"] * 2,
                       "rcbv": ["elevated", None]})
    scored = model.score(df, passthrough=["site"])
    assert list(scored.columns[:2]) == ["site", "diagnosis"]
    with pytest.raises(CohortError, match="no rows"):
        model.score(df.iloc[:0], passthrough=["site"])


def test_best_next_test_is_value_of_informations_first(model):
    df = model.simulate(60, seed=5, missing="realistic").drop(columns="diagnosis")
    scored = model.score(df, next_test=True)
    for i in range(0, 60, 3):
        ev = {k: v for k, v in df.iloc[i].items() if pd.notna(v)}
        table = model.value_of_information(ev, pairs=False).table
        top = table.iloc[0]
        row = scored.iloc[i]
        if top["net_value"] > 0:
            assert row["next_test"] == top["test"]
            assert row["next_test_evsi"] == pytest.approx(top["evsi"], abs=TOL)
            assert row["next_test_net_value"] == pytest.approx(top["net_value"], abs=TOL)
        else:
            assert row["next_test"] == "none" and row["next_test_net_value"] == 0
    assert (scored["next_test"] != "none").any()


def test_next_test_skips_what_a_lesion_already_has_even_softly(model):
    df = pd.DataFrame({"enhancement_pattern": ["nodular"], "months_since_srs": [7],
                       "rcbv": [{"elevated": 0.6, "not_elevated": 0.4}]})
    scored = model.score(df, next_test=True)
    ev = df.iloc[0].to_dict()
    top = model.value_of_information(ev, pairs=False).table.iloc[0]
    assert scored["next_test"][0] == (top["test"] if top["net_value"] > 0 else "none")
    assert scored["next_test"][0] != "dsc_perfusion"


def test_interval_equals_quantiles_of_independent_per_draw_queries(model):
    df = model.simulate(40, seed=6, missing="realistic").drop(columns="diagnosis")
    scored = model.score(df, interval=True, n_draws=200, seed=3, level=0.9)
    ev = parse_cohort(model.spec, df).evidence
    draws = record_draws(model, n_draws=200, seed=3)
    points = point_values(model.records)
    tabs = build_subset(model, lambda r: draws[r] if r in draws else points(r),
                        ["diagnosis", *ev.observed], set(draws))
    batched = {n: t for n, t in tabs.items() if t.ndim == 2 + len(model.parents(n))}
    for i in range(0, 40, 8):
        e = {v: int(c[i]) for v, c in ev.codes.items() if c[i] >= 0}
        post, _ = model.network.query(["diagnosis"], e, cpts=batched, batch=200)
        lo, hi = np.quantile(post[:, 1], [0.05, 0.95])
        assert scored["p_low"][i] == pytest.approx(lo, abs=TOL)
        assert scored["p_high"][i] == pytest.approx(hi, abs=TOL)
        assert lo <= scored["p_progression"][i] <= hi or hi - lo < 0.05


@functools.cache
def small_cohort() -> pd.DataFrame:
    return rnbayes.load_model().simulate(12, seed=2, missing=0.3).drop(columns="diagnosis")


@settings(max_examples=8, deadline=None)
@given(st.permutations(list(range(12))))
def test_scores_do_not_depend_on_row_order(order):
    model, df = rnbayes.load_model(), small_cohort()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RnbayesWarning)
        a = model.score(df)
        b = model.score(df.iloc[list(order)])
    np.testing.assert_allclose(b["p_progression"], a["p_progression"].iloc[list(order)],
                               atol=TOL, rtol=0)


def test_every_alias_scores_as_the_name_it_stands_for(model, cohort):
    from rnbayes.spec.columns import load_columns

    base = cohort.drop(columns="lesion_id").rename(columns={"rcbv_ratio": "rcbv"})
    aliases = load_columns().aliases
    assert aliases, "the bundled columns.yaml defines aliases"
    for alias, means in aliases.items():
        if means in base:
            col = base[means]
        else:  # a measurement not in the fixture: numbers on both sides of its cut-offs
            m = model.spec.measures[means]
            usual = m.plausible.maximum if m.plausible and m.plausible.maximum else np.inf
            top = min(2 * max(m.cutpoints), usual)
            col = pd.Series(np.linspace(0, top, len(base)), index=base.index)
        direct = model.score(pd.DataFrame({means: col}))
        aliased = model.score(pd.DataFrame({alias: col}))
        pd.testing.assert_series_equal(aliased["p_progression"], direct["p_progression"],
                                       check_exact=False, atol=TOL, obj=alias)
        assert (direct["error"] == "").all(), alias


def test_numbers_outside_the_usual_range_warn_with_their_rows_whatever_comes_first(model):
    usual = model.spec.measures["rcbv"].plausible
    assert usual is not None and usual.maximum is not None
    high = (usual.maximum + model.spec.measures["rcbv"].maximum) / 2  # possible, not usual
    df = pd.DataFrame({"rcbv": [2.5] * 40 + [high] * 7 + [2.6] * 3})
    with pytest.warns(rnbayes.RnbayesWarning) as caught:
        scored = model.score(df)
    texts = [str(w.message) for w in caught if "usual range" in str(w.message)]
    assert len(texts) == 1 and texts[0].endswith("(7 rows)"), texts
    with pytest.warns(rnbayes.ImplausibleValueWarning):
        single = model.posterior({"rcbv": high}).p_progression
    assert scored["p_progression"][45] == pytest.approx(single, abs=TOL)
    assert (scored["error"] == "").all()
