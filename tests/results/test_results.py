"""One result contract: provenance, JSON-safe to_dict, to_frame, summary, HTML, and an
``==`` that never raises."""

import json

import numpy as np
import pandas as pd
import pytest

from rnbayes import CredibleInterval, Provenance, Result
from rnbayes._provenance import NOTICE

EV = {"enhancement_pattern": "nodular", "rcbv": 2.5}


@pytest.fixture(scope="module")
def results(model):
    return {"posterior": model.posterior(EV),
            "voi": model.value_of_information(EV),
            "sensitivity": model.sensitivity(EV, n_draws=200, seed=1, progress=False)}


@pytest.mark.parametrize("kind", ["posterior", "voi", "sensitivity"])
def test_every_result_keeps_the_contract(results, model, kind):
    r = results[kind]
    assert isinstance(r, Result)
    d = json.loads(json.dumps(r.to_dict()))  # JSON-safe
    assert d["notice"] == NOTICE and d["model"]["digest"] == model.digest
    assert d["model"]["name"] == "rn_vs_ttp" and "numpy_version" in d["model"]
    assert d["evidence"] == {"enhancement_pattern": "nodular", "rcbv": 2.5}
    assert r.provenance.digest == r.model_digest == model.digest
    frame = r.to_frame()
    assert isinstance(frame, pd.DataFrame) and len(frame) > 0
    frame.iloc[0, 0] = "changed"  # a copy: the result is untouched
    assert r.to_frame().iloc[0, 0] != "changed"
    assert NOTICE in r.summary() and str(r) == r.summary()
    html = r._repr_html_()
    assert "<table" in html and "Research use only" in html


@pytest.mark.parametrize("kind", ["posterior", "voi", "sensitivity"])
def test_equality_never_raises(results, kind):
    r = results[kind]
    assert r == r and not (r != r)
    assert r != results["posterior" if kind != "posterior" else "voi"]
    assert (r == 3) is False
    with pytest.raises(TypeError):
        hash(r)


def test_equal_runs_compare_equal_and_different_ones_do_not(model):
    assert model.posterior(EV) == model.posterior(EV)
    assert model.posterior(EV) != model.posterior({"enhancement_pattern": "solid"})
    a = model.sensitivity(EV, n_draws=100, seed=2, progress=False)
    b = model.sensitivity(EV, n_draws=100, seed=2, progress=False)
    assert a == b and a.elapsed != 0  # elapsed time is not part of the result's identity


def test_provenance_records_seed_and_versions(results):
    assert results["sensitivity"].provenance.seed == 1
    assert results["posterior"].provenance.seed is None
    p = Provenance.of("n", "d", seed=3)
    assert p.to_dict()["seed"] == 3 and set(p.versions) >= {"rnbayes_version", "pgmpy_version"}


def test_credible_interval_unpacks_and_reads_like_the_old_dict(results):
    iv = results["sensitivity"].interval
    lo, hi = iv
    assert (lo, hi) == (iv.low, iv.high) == (iv["low"], iv["high"])
    assert iv.level == iv["level"] == 0.95 and len(iv) == 2
    with pytest.raises(KeyError, match=r"Sensitivity.median"):
        iv["median"]
    assert CredibleInterval(0.1, 0.2).to_dict() == {"level": 0.95, "low": 0.1, "high": 0.2}


def test_old_attribute_names_still_answer(results):
    voi, sens, post = results["voi"], results["sensitivity"], results["posterior"]
    assert voi.best_pairs is voi.pairs and voi.p_progression == voi.p_positive
    assert voi.thresholds[0]["p_progression"] == voi.thresholds[0].p
    assert sens.interval.low <= sens.median <= sens.interval.high
    assert post.p_necrosis == 1 - post.p_progression and post.favoured == "tumour_progression"
    assert voi.ranked("mutual_information").iloc[0]["mutual_information"] == \
        voi.table["mutual_information"].max()


def test_results_are_frozen(results):
    with pytest.raises(AttributeError):
        results["posterior"].p_progression = 0.5


def test_html_tables_escape_what_users_wrote():
    from rnbayes.results.render import html_table, jsonable

    html = html_table(pd.DataFrame({"x": ["<script>alert(1)</script>"], "p": [0.5]}))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert jsonable({"a": np.nan, "b": np.int64(2), "c": (np.float32(0.5),)}) == \
        {"a": None, "b": 2, "c": [0.5]}


def test_the_audit_keeps_the_contract(model):
    """The audit has no case: its evidence is empty; everything else as for the others."""
    a = model.audit()
    assert isinstance(a, Result) and a == model.audit() and a != model.posterior({})
    d = json.loads(json.dumps(a.to_dict()))
    assert d["notice"] == NOTICE and d["model"]["digest"] == model.digest == a.model_digest
    assert d["evidence"] == {} and d["passed"] is True and len(d["tests"]) == len(a.table)
    assert {"strata", "combinations", "directions", "failures", "comparators"} <= set(d)
    frame = a.to_frame()
    frame.iloc[0, 0] = "changed"
    assert a.to_frame().iloc[0, 0] != "changed"
    assert NOTICE in a.summary() and str(a) == a.summary() and "PASSED" in a.summary()
    html = a._repr_html_()
    assert html.count("<table") == 4 and "Research use only" in html and "&lt;=9 months" in html
    assert repr(a).startswith("Audit(passed=True")
    with pytest.raises(TypeError):
        hash(a)
