"""Synthetic cohorts: sampled frequencies match exact probabilities, missingness follows
the plan, and the model validated on its own cohorts is calibrated with the exact AUC."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy.stats import chisquare

from rnbayes.analysis.cohort.exact import exact_expected_auc, exact_patterns
from rnbayes.analysis.cohort.missingness import imaging_available
from rnbayes.analysis.cohort.sampling import simulate, simulate_model
from rnbayes.analysis.cohort.validation import validate_predictions
from rnbayes.engine.network import DiscreteNetwork
from rnbayes.errors import CohortError, SchemaError, SemanticError
from rnbayes.spec.missingness import load_missingness
from rnbayes.spec.resources import data_dir


def model_groups(model):
    return {n: model.spec.nodes[n].group for n in model.nodes}


def data_file(kind, name):
    return data_dir(kind) / name

N_MARGINAL = 200_000


@pytest.fixture(scope="module")
def big_cohort(model):
    return simulate_model(model, N_MARGINAL, seed=20240601)


def _within(freq: float, p: float, n: int, k: float = 4.0) -> bool:
    return abs(freq - p) <= k * np.sqrt(p * (1 - p) / n) + 1e-12


# -- sampling is right -------------------------------------------------------------------
def test_sampled_marginals_match_exact_marginals(model, big_cohort):
    """Every node's state frequencies at n = 200,000 within 4 SE of the engine's marginals."""
    assert list(big_cohort.columns) == [n for n in model.nodes if n not in model.spec.latent]
    for node in big_cohort.columns:
        exact, _ = model.network.query([node])
        freq = big_cohort[node].value_counts(normalize=True).reindex(model.states(node), fill_value=0)
        for state, p in zip(model.states(node), exact):
            assert _within(freq[state], p, N_MARGINAL), (node, state, freq[state], p)


def test_sampled_joints_with_the_diagnosis_match(model, big_cohort):
    """P(diagnosis, finding) cells within 4 SE: the tables are read the right way round."""
    dx = big_cohort["diagnosis"].cat.codes.to_numpy()
    for node in big_cohort.columns.drop("diagnosis"):
        exact, _ = model.network.query(["diagnosis", node])
        k = exact.shape[1]
        freq = np.bincount(dx * k + big_cohort[node].cat.codes.to_numpy(), minlength=2 * k) / N_MARGINAL
        for cell, p in zip(freq, exact.reshape(-1)):
            assert _within(cell, p, N_MARGINAL), (node, cell, p)


def _small_network(seed: int = 3):
    rng = np.random.default_rng(seed)
    states = {"a": ("a0", "a1", "a2"), "b": ("b0", "b1"), "c": ("c0", "c1", "c2", "c3"),
              "d": ("d0", "d1"), "e": ("e0", "e1", "e2")}
    parents = {"a": (), "b": (), "c": ("a", "b"), "d": ("c",), "e": ("a", "d")}
    cpts = {}
    for n, pa in parents.items():
        shape = (len(states[n]), *(len(states[p]) for p in pa))
        t = rng.gamma(1.0, size=shape)
        cpts[n] = t / t.sum(axis=0, keepdims=True)
    return states, parents, cpts


def test_full_joint_of_a_small_network_matches_brute_force():
    states, parents, cpts = _small_network()
    n = 100_000
    df = simulate(DiscreteNetwork(states, parents, cpts), n, seed=5, target="d", bundles={})
    cells, expected = [], []
    for combo in itertools.product(*(range(len(s)) for s in states.values())):
        x = dict(zip(states, combo))
        p = 1.0
        for node, pa in parents.items():
            p *= cpts[node][(x[node], *(x[q] for q in pa))]
        cells.append(tuple(states[k][x[k]] for k in states))
        expected.append(p * n)
    counts = df.value_counts().reindex(pd.MultiIndex.from_tuples(cells, names=list(states)),
                                       fill_value=0)
    assert counts.sum() == n
    assert chisquare(counts.to_numpy(), np.array(expected)).pvalue > 1e-3


# -- missingness -------------------------------------------------------------------------
def test_realistic_missingness_follows_the_yaml_by_bundle(model):
    doc = yaml.safe_load(data_file("networks", "missingness.yaml").read_text())
    n = 50_000
    df = simulate_model(model, n, seed=9, missing="realistic")
    full = simulate_model(model, n, seed=9)
    groups = model_groups(model)
    for node in df.columns.drop("diagnosis"):
        group = groups[node]
        if group in doc["groups"]:
            rate = 1 - doc["groups"][group]["p_available"]
            assert _within(df[node].isna().mean(), rate, n) if 0 < rate < 1 else (
                df[node].isna().mean() == rate), node
    tests = yaml.safe_load(data_file("networks", "tests.yaml").read_text())["tests"]
    for tid, entry in doc["tests"].items():
        nodes = tests[tid]["reveals"]
        gone = df[nodes].isna()
        assert (gone.all(axis=1) == gone.any(axis=1)).all(), tid  # a bundle goes as a whole
        assert _within(gone.iloc[:, 0].mean(), 1 - entry["p_available"], n), tid
    assert df["diagnosis"].notna().all() and df["enhancement_pattern"].notna().all()
    recorded = df.notna()
    assert (df[recorded].astype(object) == full[recorded].astype(object))[recorded].all().all()


def test_mcar_rate_and_mapping(model):
    df = simulate_model(model, 20_000, seed=2, missing=0.3)
    assert all(_within(df[c].isna().mean(), 0.3, 20_000) for c in df.columns.drop("diagnosis"))
    assert (df["fet_tbr"].isna() == df["fet_curve"].isna()).all()
    df = simulate_model(model, 20_000, seed=2, missing={"fet_pet": 1.0, "rcbv": 0.5})
    assert df["fet_tbr"].isna().all() and df["fet_curve"].isna().all()
    assert _within(df["rcbv"].isna().mean(), 0.5, 20_000) and df["ktrans"].notna().all()


def test_imaging_available_labels_the_most_specialised_imaging(model):
    df = simulate_model(model, 5_000, seed=4, missing="realistic")
    label = imaging_available(df)
    assert list(label.cat.categories) == ["conventional MRI only", "+ DWI/SWI", "+ perfusion", "+ PET"]
    pet = df["fet_tbr"].notna()
    perf = df[["rcbv", "ktrans", "asl_cbf"]].notna().any(axis=1)
    dwi = df[["central_restricted_diffusion", "susceptibility_foci"]].notna().any(axis=1)
    assert (label[pet] == "+ PET").all() and (label[perf & ~pet] == "+ perfusion").all()
    assert (label[dwi & ~perf & ~pet] == "+ DWI/SWI").all()
    assert (label[~dwi & ~perf & ~pet] == "conventional MRI only").all()


@pytest.mark.parametrize("kwargs, words", [
    ({"n": 0}, "n must be a positive whole number"),
    ({"n": 2.5}, "n must be a positive whole number"),
    ({"seed": -1}, "seed must be a non-negative integer"),
    ({"missing": "sometimes"}, "missing must be 'none', 'realistic'"),
    ({"missing": 1.5}, "missing must be"),
    ({"missing": {"rcbvv": 0.2}}, "unknown node or test 'rcbvv'; did you mean 'rcbv'"),
    ({"missing": {"fet_pet": 0.2, "fet_tbr": 0.1}}, "both cover ['fet_tbr']"),
    ({"missing": {"rcbv": "half"}}, "missing['rcbv'] must be a missing rate"),
    ({"hide": ["diagnosis"]}, "cannot be hidden"),
    ({"hide": ["perfusion"]}, "unknown node(s) ['perfusion']"),
])
def test_bad_settings_raise_one_line(model, kwargs, words):
    args = {"n": 10, "seed": 1, "target": "diagnosis", **kwargs}
    with pytest.raises(CohortError) as err:
        simulate(model.network, args.pop("n"), **args)
    assert words in str(err.value) and "\n" not in str(err.value)


def test_bad_networks_and_files_raise_one_line(tmp_path):
    states, parents, cpts = _small_network()
    net = DiscreteNetwork(states, parents, {**cpts, "d": cpts["d"] * 0.9})
    with pytest.raises(CohortError, match="table of d: columns sum to 1 only within"):
        simulate(net, 5, seed=1, target="d", bundles={})
    f = tmp_path / "m.yaml"
    f.write_text("tests:\n  dwi: {p_available: 0.9, basis: judgement}\n")
    with pytest.raises(SchemaError, match="missing required field 'reason'"):
        load_missingness(f)
    f.write_text("tests:\n  dsc_perfusion: {p_available: 0.5, basis: judgement, reason: r}\n"
                 "  perfusion_session: {p_available: 0.1, basis: judgement, reason: r}\n")
    with pytest.raises(SemanticError, match="both reveal 'rcbv'"):
        load_missingness(f)
    f.write_text("tests:\n  fet_pett: {p_available: 0.5, basis: judgement, reason: r}\n")
    with pytest.raises(SemanticError, match="unknown test 'fet_pett'; did you mean 'fet_pet'"):
        load_missingness(f)


# -- exact expected AUC ------------------------------------------------------------------
def test_exact_auc_matches_brute_force_over_patterns():
    """Enumerate (values x masks) by hand, group into patterns, AUC by pairwise sums."""
    states, parents, cpts = _small_network(7)
    net = DiscreteNetwork(states, parents, cpts)
    miss = {"a": 0.3, "e": 0.6}  # c, b recorded; d the target
    joint: dict[tuple, np.ndarray] = {}
    for combo in itertools.product(*(range(len(s)) for s in states.values())):
        x = dict(zip(states, combo))
        p = np.prod([cpts[n][(x[n], *(x[q] for q in parents[n]))] for n in states])
        for ma, me in itertools.product((0, 1), repeat=2):
            pm = (miss["a"] if ma else 1 - miss["a"]) * (miss["e"] if me else 1 - miss["e"])
            key = (None if ma else x["a"], x["b"], x["c"], None if me else x["e"])
            joint.setdefault(key, np.zeros(2))[x["d"]] += p * pm
    w = np.array(list(joint.values()))
    s = w[:, 1] / w.sum(axis=1)
    p1, p0 = w[:, 1] / w[:, 1].sum(), w[:, 0] / w[:, 0].sum()
    tie = np.isclose(s[:, None], s[None, :], rtol=0, atol=1e-12)  # b is irrelevant given c
    gt = (s[:, None] > s[None, :]) * ~tie + 0.5 * tie
    ref = float(p1 @ gt @ p0)
    ex = exact_patterns(net, target="d", missing=miss, bundles={})
    assert ex.n_patterns == len(joint) == 4 * 2 * 4 * 4
    assert ex.auc == pytest.approx(ref, abs=1e-12)
    assert exact_expected_auc(net, target="d", missing=miss, bundles={}) == ex.auc
    df = simulate(net, 30_000, seed=8, target="d", missing=miss, bundles={})
    v = validate_predictions(ex.score(df), df["d"], labels=("d0", "d1"), n_boot=500)
    assert v.auc.low < ex.auc < v.auc.high


def test_exact_enumeration_refuses_too_many_patterns(model):
    with pytest.raises(CohortError, match=r"needs [\d,]{17,} evidence patterns \(more than "
                                          r"max_patterns=2,000,000\); hide some findings"):
        exact_patterns(model.network, target="diagnosis", missing="realistic",
                       hide=model.spec.latent, groups=model_groups(model))
