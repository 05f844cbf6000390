"""Model.save read back by independent readers, and load_network: any network file in,
the full analysis out.

* pyAgrum reads what Model.save writes and gives the model's exact posteriors (its engine
  is checked against pgmpy and enumeration in tests/engine) to 1e-9 on 20 random cases:
  .bifxml on the real tables; .bif, .net and .uai on float32-exact copies (pyAgrum
  parses their numbers as float32), .uai only on a network where no node has two parents
  (pyAgrum 3.3 reads UAI tables with the first parent fastest, against the format);
  .xdsl through pgmpy's XDSLReader (SMILE's order).
* load_network on the saved default network gives the original's posteriors and value
  of information (every format), and every format gives the same records, tables and so
  the same sensitivity with the same seed; on asia and alarm written to disk, pgmpy's
  posteriors, every observable node a candidate test at cost 0, and sensitivity.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest

import rnbayes
from rnbayes.errors import ParameterError, SpecError
from rnbayes.spec.formats import NetworkData, network_data_from_pgmpy, write_network

gum = pytest.importorskip("pyagrum")
FORMATS = {"bif": ".bif", "xmlbif": ".bifxml", "xdsl": ".xdsl", "net": ".net", "uai": ".uai"}
N_CASES = 20


def _cases(model, seed: int, n: int = N_CASES) -> list[dict[str, str]]:
    """Hard evidence on random observable nodes, forward-sampled from the model (never
    impossible), by state name."""
    rng = np.random.default_rng(seed)
    net, out = model.network, []
    for _ in range(n):
        sample: dict[str, int] = {}
        for node in net.nodes:
            col = np.asarray(net.cpts[node])[(slice(None), *(sample[p] for p in net.parents[node]))]
            sample[node] = int(rng.choice(len(col), p=col / col.sum()))
        seen = rng.choice(list(model.observable), size=int(rng.integers(1, 8)), replace=False)
        out.append({str(node): net.states[str(node)][sample[str(node)]] for node in seen})
    return out


def _exact_target(model, cases) -> np.ndarray:
    """P(target states | case) by the model's exact engine (checked against pgmpy and
    enumeration in tests/engine): the reference the independent readers must meet."""
    out = []
    for ev in cases:
        idx = {n: model.states(n).index(s) for n, s in ev.items()}
        out.append(model.network.query([model.target], idx)[0])
    return np.array(out)


def _pyagrum_target(path, model, cases, name=str, state=None) -> np.ndarray:
    bn = gum.loadBN(str(path))
    out = []
    for ev in cases:
        ie = gum.LazyPropagation(bn)
        ie.setEvidence({name(n): state(n, s) if state else s for n, s in ev.items()})
        ie.makeInference()
        out.append(ie.posterior(name(model.target)).toarray())
    return np.array(out)


def _float32_exact(model, bits: int = 20):
    """The model with every table rounded to multiples of 2**-bits (float32 holds them
    exactly), each column summing to exactly 1."""
    tables = {}
    for n in model.nodes:
        a = np.round(np.asarray(model.network.cpts[n]) * 2**bits) / 2**bits
        flat = a.reshape(a.shape[0], -1)
        for col in flat.T:
            k = col.argmax()
            col[k] = 1.0 - (col.sum() - col[k])
        tables[n] = flat.reshape(a.shape)
    return model.with_tables(tables)


def _uai_names(model):
    """UAI keeps no names: variable i is the i-th node in the order saved; rnbayes reads
    it as ``v<i>`` with states ``s<j>``."""
    names = {n: f"v{i}" for i, n in enumerate(model.network.nodes)}
    return names.__getitem__, lambda n, s: f"s{model.states(n).index(s)}"


def _pyagrum_uai_names(model):
    """pyAgrum reads UAI variable i as ``"i"`` and its states by index."""
    names = {n: str(i) for i, n in enumerate(model.network.nodes)}
    return names.__getitem__, lambda n, s: model.states(n).index(s)


# -- Model.save, read by independent readers ----------------------------------------------
def test_pyagrum_reads_saved_bifxml_to_full_precision(model, tmp_path):
    cases = _cases(model, seed=1)
    got = _pyagrum_target(model.save(tmp_path / "rn.bifxml"), model, cases)
    assert np.max(np.abs(got - _exact_target(model, cases))) < 1e-9


@pytest.mark.parametrize("fmt", ["bif", "net"])
def test_pyagrum_reads_saved_bif_and_net_on_float32_exact_tables(model, fmt, tmp_path):
    exact = _float32_exact(model)
    cases = _cases(exact, seed=2)
    got = _pyagrum_target(exact.save(tmp_path / f"rn{FORMATS[fmt]}"), exact, cases)
    assert np.max(np.abs(got - _exact_target(exact, cases))) < 1e-9


def test_pyagrum_reads_saved_uai_where_no_node_has_two_parents(tmp_path):
    rng = np.random.default_rng(5)
    names = [f"n{i}" for i in range(9)]
    parents = {n: ((names[int(rng.integers(0, i))],) if i else ()) for i, n in enumerate(names)}
    states = {n: tuple(f"s{j}" for j in range(2 + i % 3)) for i, n in enumerate(names)}
    cpts = {n: rng.dirichlet(np.ones(len(states[n])), size=len(states[parents[n][0]])).T
            if parents[n] else rng.dirichlet(np.ones(len(states[n]))) for n in names}
    data = NetworkData("tree", states=states, parents=parents, cpts=cpts,
                       groups={"n0": "target"})
    tree = _float32_exact(rnbayes.load_network(write_network(data, tmp_path / "tree.xdsl")))
    cases = _cases(tree, seed=3)
    path = tree.save(tmp_path / "tree.uai")
    got = _pyagrum_target(path, tree, cases, *_pyagrum_uai_names(tree))
    assert np.max(np.abs(got - _exact_target(tree, cases))) < 1e-9


def test_pgmpy_reads_saved_xdsl_in_smiles_order(model, tmp_path):
    from pgmpy.inference import VariableElimination
    from pgmpy.readwrite import XDSLReader

    from rnbayes.spec.formats.xdsl import smile_ids

    # pgmpy reads the SMILE ids, not the original names kept in <property> (a state
    # such as '2_to_3' is written 's_2_to_3'): the cases are put in its ids
    state_id = {n: smile_ids(list(model.states(n)), "s_") for n in model.nodes}
    cases = [{n: state_id[n][s] for n, s in ev.items()} for ev in _cases(model, seed=4)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ve = VariableElimination(XDSLReader(str(model.save(tmp_path / "rn.xdsl"))).get_model())
        got = np.array([[ve.query([model.target], evidence=ev, show_progress=False)
                         .get_value(**{model.target: state_id[model.target][s]})
                         for s in model.states(model.target)] for ev in cases])
    assert all(smile_ids(list(model.nodes), "n_")[n] == n for n in model.nodes)
    assert np.max(np.abs(got - _exact_target(model, _cases(model, seed=4)))) < 1e-9


def test_save_never_replaces_a_file_unless_asked(model, tmp_path):
    path = tmp_path / "rn.net"
    path.write_text("mine")
    with pytest.raises(SpecError, match="file exists; pass overwrite=True"):
        model.save(path)
    assert path.read_text() == "mine"
    model.save(path, overwrite=True)
    assert rnbayes.load_network(path).target == "diagnosis"
    with pytest.raises(SpecError, match="unknown format 'dot'"):
        model.save(tmp_path / "rn.dot", format="dot")


# -- load_network on the saved default network --------------------------------------------
@pytest.fixture(scope="module")
def saved(model, tmp_path_factory):
    folder = tmp_path_factory.mktemp("saved")
    return {fmt: model.save(folder / f"rn{suffix}") for fmt, suffix in FORMATS.items()}


@pytest.fixture(scope="module")
def loaded(saved):
    name, _ = _uai_names(rnbayes.load_model())
    return {fmt: rnbayes.load_network(path, **({"target": name("diagnosis"),
                                                 "positive": "s1"} if fmt == "uai" else {}))
            for fmt, path in saved.items()}


def test_every_format_gives_the_originals_posteriors(model, loaded):
    cases = _cases(model, seed=6)
    want = [model.posterior(ev) for ev in cases]
    name, state = _uai_names(model)
    for fmt, net in loaded.items():
        for ev, w in zip(cases, want):
            if fmt == "uai":
                ev = {name(n): state(n, s) for n, s in ev.items()}
            got = net.posterior(ev)
            assert abs(got.p_progression - w.p_progression) < 1e-9, fmt
            np.testing.assert_allclose(got.contributions["log10_lr"], w.contributions["log10_lr"],
                                       atol=1e-9)


def test_every_named_format_gives_the_originals_value_of_information(model, loaded):
    ev = {"enhancement_pattern": "thin_rim", "months_since_srs": "9_to_18"}
    want = model.value_of_information(ev)
    cols = ["mutual_information", "expected_abs_change", "p_action_change", "evsi", "net_value"]
    for fmt, net in loaded.items():
        if fmt == "uai":
            continue
        got = net.value_of_information(ev, catalog=rnbayes.load_catalog(),
                                       utilities=rnbayes.load_utilities())
        assert list(got.table["test"]) == list(want.table["test"]), fmt
        np.testing.assert_allclose(got.table[cols], want.table[cols], atol=1e-9)
        np.testing.assert_allclose(got.pairs["sequence_value"], want.pairs["sequence_value"],
                                   atol=1e-9)


def test_without_a_catalogue_every_observable_node_is_a_test_at_cost_0(loaded):
    voi = loaded["xdsl"].value_of_information({"enhancement_pattern": "thin_rim"}, pairs=False)
    latent = {"conventional_impression", "hypercellular_tumour", "tumour_vascularity",
              "fet_pattern"}
    # a test already done is listed apart, not ranked
    assert set(voi.table["test"]) | set(voi.done["test"]) == set(loaded["xdsl"].observable)
    assert list(voi.done["test"]) == ["enhancement_pattern"]
    assert not latent & set(voi.table["test"]) and (voi.table["cost"] == 0).all()
    assert (voi.table["evsi"] <= voi.evpi + 1e-12).all()
    assert voi.action == "call_radiation_necrosis" and voi.thresholds[0].p == pytest.approx(0.5)
    text = voi.summary()
    assert "every observable node of rn.xdsl at cost 0 (no catalogue given)" in text
    assert "1 for a correct call, 0 for a wrong one" in text
    assert "cost 0" in voi._repr_html_()


def test_every_format_gives_the_same_parameter_model(loaded):
    """Same records (ids aside for UAI), same Dirichlet alphas and tables: so sensitivity,
    seeded, gives the same draws in every format (run once below)."""
    ref = loaded["xdsl"]
    for fmt, net in loaded.items():
        assert len(net.records) == len(ref.records), fmt
        for a, b in zip(net.records.values(), ref.records.values()):
            assert a.params["alpha"] == b.params["alpha"], fmt
        for a, b in zip(net.network.nodes, ref.network.nodes):
            np.testing.assert_array_equal(net.network.cpts[a], ref.network.cpts[b])


@pytest.mark.slow
def test_sensitivity_of_the_saved_network_states_its_ess(model, loaded):
    """Runs on the file; differs from the original's, which draws the sourced records:
    a file has none, so each table column is Dirichlet(ess x p)."""
    ev = {"enhancement_pattern": "thin_rim", "rcbv": "not_elevated"}
    sens = loaded["net"].sensitivity(ev, n_draws=400, seed=3, progress=False,
                                     catalog=rnbayes.load_catalog(), utilities=rnbayes.load_utilities())
    assert sens.interval.low <= sens.p_progression <= sens.interval.high
    assert abs(sens.p_progression - model.posterior(ev).p_progression) < 1e-12
    assert set(sens.tornado["source"]) == {"rn.net (ess 10)"}
    assert sens.n_records_drawn > len(model.records)  # a record per column, not per source


# -- asia and alarm written to disk --------------------------------------------------------
def _renormalised(pg, name) -> NetworkData:
    data = network_data_from_pgmpy(pg, name=name)
    return dataclasses.replace(data, cpts={n: t / t.sum(axis=0, keepdims=True)
                                           for n, t in data.cpts.items()})


def _pgmpy_on_data(data: NetworkData, target: str, cases) -> np.ndarray:
    """P(target states | case) by pgmpy's VariableElimination on ``data``'s tables."""
    from pgmpy.factors.discrete import TabularCPD
    from pgmpy.inference import VariableElimination
    from pgmpy.models import DiscreteBayesianNetwork

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pg = DiscreteBayesianNetwork([(p, n) for n in data.nodes for p in data.parents[n]])
        for n in data.nodes:
            ps = list(data.parents[n])
            pg.add_cpds(TabularCPD(n, data.card(n), np.asarray(data.cpts[n]).reshape(data.card(n), -1),
                                   evidence=ps or None, evidence_card=[data.card(q) for q in ps] or None,
                                   state_names={v: list(data.states[v]) for v in [n, *ps]}))
        ve = VariableElimination(pg)
        res = [ve.query([target], evidence=ev, show_progress=False) for ev in cases]
    return np.array([[r.get_value(**{target: s}) for s in data.states[target]] for r in res])


@pytest.mark.parametrize("name, target, positive", [("asia", "lung", "yes"),
                                                    ("alarm", "LVFAILURE", "TRUE")])
def test_bnlearn_networks_from_disk_match_pgmpy(bnlearn, name, target, positive, tmp_path):
    data = _renormalised(bnlearn(name)[1], name)
    pos = data.states[target].index(positive)
    for fmt in ("bif", "xmlbif", "xdsl", "net", "uai"):
        path = write_network(data, tmp_path / f"{name}{FORMATS[fmt]}")
        if fmt == "uai":  # no names: variable i, state j
            index = {n: i for i, n in enumerate(data.nodes)}
            net = rnbayes.load_network(path, target=f"v{index[target]}", positive=f"s{pos}")
        else:  # 'yes' and 'TRUE' are read as the positive state
            net = rnbayes.load_network(path, target=target)
            assert net.positive == positive
        cases = _cases(net, seed=7, n=N_CASES)
        named = cases if fmt != "uai" else [
            {data.nodes[int(n[1:])]: data.states[data.nodes[int(n[1:])]][int(s[1:])]
             for n, s in ev.items()} for ev in cases]
        want = _pgmpy_on_data(data, target, named)[:, pos]
        got = np.array([net.posterior(ev).p_progression for ev in cases])
        assert np.max(np.abs(got - want)) < 1e-9, fmt
        assert net.posterior(cases[0]).outcome_words[0] == f"{net.target}={net.positive}"


def test_asia_analyses_are_the_same_in_every_format(bnlearn, tmp_path):
    data = _renormalised(bnlearn("asia")[1], "asia")
    ev = {"smoke": "yes", "dysp": "yes"}
    results = {}
    for fmt in ("bif", "xmlbif", "xdsl", "net"):
        net = rnbayes.load_network(write_network(data, tmp_path / f"asia{FORMATS[fmt]}"),
                                   target="lung")
        voi = net.value_of_information(ev)
        sens = net.sensitivity(ev, n_draws=500, seed=11, progress=False)
        results[fmt] = (voi, sens)
        # the tests done are listed apart; every other node is ranked
        assert set(voi.table["test"]) == {"asia", "tub", "bronc", "either", "xray"}
        assert set(voi.done["test"]) == {"smoke", "dysp"}
    ref_voi, ref_sens = results["bif"]
    for voi, sens in results.values():
        np.testing.assert_allclose(voi.table["evsi"], ref_voi.table["evsi"], atol=1e-12)
        assert (sens.interval.low, sens.interval.high) == (ref_sens.interval.low,
                                                           ref_sens.interval.high)
        np.testing.assert_array_equal(sens.draws, ref_sens.draws)


def test_alarm_value_of_information_and_sensitivity_run(bnlearn, tmp_path):
    data = _renormalised(bnlearn("alarm")[1], "alarm")
    net = rnbayes.load_network(write_network(data, tmp_path / "alarm.xdsl"),
                               target="LVFAILURE", positive="TRUE", ess=50)
    ev = {"HISTORY": "TRUE", "HRBP": "HIGH"}
    voi = net.value_of_information(ev, pairs=3)
    assert len(voi.table) + len(voi.done) == len(net.nodes) - 1  # all but the target
    assert len(voi.done) == 2 and voi.table.iloc[0]["evsi"] > 0
    sens = net.sensitivity(ev, n_draws=300, seed=0, progress=False)
    assert sens.interval.low <= sens.p_progression <= sens.interval.high
    assert sens.tornado["source"].eq("alarm.xdsl (ess 50)").all()
    narrow = rnbayes.load_network(tmp_path / "alarm.xdsl", target="LVFAILURE", positive="TRUE",
                                  ess=5000).sensitivity(ev, n_draws=300, seed=0, progress=False)
    assert narrow.interval.high - narrow.interval.low < sens.interval.high - sens.interval.low


# -- errors and what-ifs ---------------------------------------------------------------
def test_a_file_that_does_not_name_its_target_says_how_to_give_it(saved):
    with pytest.raises(ParameterError) as err:
        rnbayes.load_network(saved["uai"])
    msg = str(err.value)
    assert "target='NODE'" in msg and "--target NODE" in msg and "\n" not in msg
    with pytest.raises(ParameterError, match=r"positive='STATE' \(command line: --positive"):
        rnbayes.load_network(saved["uai"], target="v9")
    with pytest.raises(SpecError, match="no such file"):
        rnbayes.load_network(saved["xdsl"].with_name("missing.xdsl"))
    with pytest.raises(SpecError, match=r"cannot tell the format from the suffix '\.txt'"):
        rnbayes.load_network(saved["xdsl"].with_suffix(".txt"))


def test_numbers_need_the_spec_cut_offs_a_file_does_not_hold(loaded):
    with pytest.raises(rnbayes.EvidenceError, match="does not take a number"):
        loaded["bif"].posterior({"rcbv": 2.5})


def test_what_if_on_a_loaded_network(loaded, model):
    net = loaded["xmlbif"]
    what_if = net.with_records({"P(months_since_srs)": {"lt_3": 0.7, "3_to_9": 0.1,
                                                        "9_to_18": 0.1, "gt_18": 0.1}})
    np.testing.assert_allclose(what_if.network.cpts["months_since_srs"], [0.7, 0.1, 0.1, 0.1])
    assert what_if.digest != net.digest and what_if.default_catalog is net.default_catalog
    # the loaded model is untouched (its table is the file's, renormalised: equal to 1e-15)
    assert net.network.cpts["months_since_srs"][0] == pytest.approx(
        model.network.cpts["months_since_srs"][0], abs=1e-15)


def test_saved_files_carry_the_models_labels_and_tests_use_them(model, saved, loaded):
    from rnbayes.spec.formats import read_network

    for fmt in ("bif", "xmlbif", "xdsl", "net"):  # UAI holds only numbers
        labels = read_network(saved[fmt]).labels
        assert {n: labels[n] for n in model.nodes} == {n: model.labels.node(n)
                                                       for n in model.nodes}, fmt
    voi = loaded["xdsl"].value_of_information({"enhancement_pattern": "thin_rim"}, pairs=False)
    assert set(voi.table["label"]) == {model.labels.node(t) for t in voi.table["test"]}
