"""The bundled network spec: valid, every number sourced, and mutations of it rejected with
errors that name the file, the path and the value."""

import numpy as np
import pytest

import rnbayes
from rnbayes.errors import SchemaError, SemanticError, SpecError
from rnbayes.spec.network import topological_order
from rnbayes.spec.refs import ref_ids
from tests.helpers import ROOT, edit_yaml


def test_default_spec_is_valid_and_tables_sum_to_one(model):
    for n in model.nodes:
        arr = model.network.cpts[n]
        assert np.all(arr >= 0)
        assert np.max(np.abs(arr.sum(axis=0) - 1)) < 1e-9


def test_every_table_entry_traces_to_a_sourced_record(model):
    used = set()
    for n in model.nodes:
        refs = model.spec.nodes[n].cpt.refs()
        assert refs, f"{n} has no records"
        for _, ref in refs:
            for rid in ref_ids(ref):
                rec = model.records[rid]
                used.add(rid)
                assert rec.sources or rec.basis == "judgement"
                if rec.basis == "judgement":
                    assert rec.rationale
                for s in rec.sources:
                    assert s["first_author"] and s["year"] and s["population"] and s["n"]
                    assert any(k in s for k in ("doi", "pmid", "url", "citation"))
    unused = set(model.records) - used
    assert not unused, f"records not used by any table: {sorted(unused)}"


def test_judgement_and_glioma_records_are_wide(model):
    for rec in model.records.values():
        if rec.basis in ("judgement", "glioma") and rec.family == "beta":
            assert rec.params["a"] + rec.params["b"] <= 45, rec.id


def test_priors_readme_lists_every_record(model):
    text = (ROOT / "priors" / "README.md").read_text()
    missing = [rid for rid in model.records if f"`{rid}`" not in text]
    assert not missing, f"priors/README.md does not list {missing}"


def test_describe_names_sources(model):
    text = model.describe("rcbv")
    assert "Kwee 2020" in text and "2.1" in text
    assert "judgement" in model.describe("susceptibility_foci")


def test_order_keeps_a_parents_first_file_as_written_and_finds_cycles(model):
    assert model.nodes == tuple(model.spec.nodes)
    for n in model.nodes:
        assert all(model.nodes.index(p) < model.nodes.index(n) for p in model.parents(n))
    nodes = dict(model.spec.nodes)
    reordered = {k: nodes[k] for k in reversed(list(nodes))}  # children first
    order = topological_order("x.yaml", reordered)
    assert set(order) == set(nodes)
    for n in order:
        assert all(order.index(p) < order.index(n) for p in nodes[n].parents)


@pytest.mark.parametrize("mutate, error, pattern", [
    (lambda d: d["nodes"]["rcbv"].__setitem__("states", ["elevated"]), SchemaError,
     r"nodes\.rcbv\.states: expected a list of at least 2 distinct state names"),
    (lambda d: d["nodes"]["rcbv"].__setitem__("latnet", True), SchemaError,
     r"nodes\.rcbv: unknown key 'latnet'; did you mean 'latent'"),
    (lambda d: d["nodes"]["rcbv"]["cpt"].__setitem__("generator", "magic"), SchemaError,
     r"nodes\.rcbv\.cpt\.generator: must be one of .*got 'magic'"),
    (lambda d: d["nodes"]["rcbv"]["cpt"].pop("sensitivity"), SchemaError,
     r"nodes\.rcbv\.cpt\.sensitivity: missing required field 'sensitivity'"),
    (lambda d: d["nodes"]["cut_pepper"].__setitem__("parents", ["diagnosis", "nowhere"]),
     SemanticError, r"nodes\.cut_pepper\.parents: parent 'nowhere' is not a declared node"),
    (lambda d: d["nodes"]["diagnosis"]["parents"].append("follow_up_course"),
     SemanticError, r"the graph has a cycle: .*follow_up_course.*diagnosis"),
    (lambda d: d["nodes"]["rcbv"]["cpt"].__setitem__("sensitivity", "no_such_record"),
     SemanticError, r"nodes\.rcbv\.cpt\.sensitivity: expected the id of a beta record; "
                    r"got 'no_such_record'"),
    (lambda d: d["nodes"]["follow_up_course"]["cpt"]["rows"].pop(), SemanticError,
     r"matches 0 rows"),
    (lambda d: d["nodes"]["cut_pepper"].__setitem__("parents", ["conventional_impression",
                                                                 "haemorrhage"]),
     SemanticError, r"cut_pepper\.cpt\.given_positive: .*only parent"),
    (lambda d: d["nodes"]["rcbv"]["cpt"].__setitem__("calibrate", "sometimes"), SchemaError,
     r"rcbv\.cpt\.calibrate: must be one of \['conditional', 'marginal'\]; got 'sometimes'"),
    (lambda d: d["nodes"]["targeted_therapy"]["cpt"]["effects"].__setitem__("none", "or_v12_gt_10"),
     SemanticError, r"targeted_therapy\.cpt\.effects: one state must be the reference"),
    (lambda d: d["nodes"]["srs_platform"]["cpt"]["effects"].__setitem__("cyberknife", "or_v12_gt_10"),
     SemanticError, r"srs_platform\.cpt\.effects\.cyberknife: 'cyberknife' is not a state"),
    (lambda d: d["nodes"]["v12_cm3"].__setitem__("parents", ["months_since_srs"]), SemanticError,
     r"v12_cm3\.cpt\.outcome: a risk_factor node needs one binary parent"),
    (lambda d: d.__setitem__("target", "diagnosiss"), SemanticError,
     r"'diagnosiss' is not a declared"),
    (lambda d: d["nodes"]["rcbv"]["measure"].__setitem__("cutpoints", [2.1, 1.0]), SchemaError,
     r"cutpoints: expected increasing numbers"),
    (lambda d: d["nodes"]["diagnosis"]["cpt"]["effects"]["fractionation"].__setitem__(
        "hypofractionated", "dsc_sensitivity"), SemanticError, r"expected lognormal"),
    (lambda d: d["nodes"]["hypercellular_tumour"]["cpt"]["rows"][-1]["probabilities"].__setitem__(
        "fixed", {"absent": 0.9}), SemanticError,
     r"'fixed' probabilities must lie in \[0, 1\] and sum to 1"),
    (lambda d: d["nodes"]["hypercellular_tumour"]["cpt"]["rows"][-1]["probabilities"].__setitem__(
        "reason", " "), SchemaError, r"expected a 'reason' stating the logical constraint"),
    (lambda d: d["nodes"]["rcbv"]["cpt"].__setitem__("latent", "haemorrhage"), SemanticError,
     r"nodes\.rcbv\.cpt\.latent: 'haemorrhage' is not marked 'latent: true'"),
])
def test_bad_spec_errors_name_file_path_and_value(spec_copy, mutate, error, pattern):
    net, pri = spec_copy
    edit_yaml(net, mutate)
    with pytest.raises(error, match=pattern) as info:
        rnbayes.load_model(net, pri)
    assert str(info.value).startswith("net.yaml: ")
    assert isinstance(info.value, SpecError) and "\n" not in str(info.value)


@pytest.mark.parametrize("mutate, error, pattern", [
    (lambda d: d["records"]["dsc_sensitivity"]["distribution"].__setitem__("mean", 1.4),
     SchemaError, r"dsc_sensitivity\.distribution\.mean: expected a number in \(0, 1\); got 1\.4"),
    (lambda d: d["records"]["dsc_sensitivity"].pop("source"),
     SchemaError, r"dsc_sensitivity: a record with basis 'metastasis' needs a 'source'"),
    (lambda d: d["records"]["dsc_sensitivity"]["source"].pop("population"),
     SchemaError, r"source\.population: missing required field 'population'"),
    (lambda d: d["records"]["dsc_sensitivity"].__setitem__("basis", "hunch"),
     SchemaError, r"basis: must be one of"),
    (lambda d: d["records"]["dsc_sensitivity"]["distribution"].__setitem__("n_eff", 30),
     SchemaError, r"dsc_sensitivity\.distribution: ambiguous"),
    (lambda d: d["records"]["dsc_sensitivity"]["distribution"].__setitem__("ci95", [0.9, 0.95]),
     SemanticError, r"mean 0\.816 lies outside the interval"),
])
def test_bad_prior_records(spec_copy, mutate, error, pattern):
    net, pri = spec_copy
    edit_yaml(pri / "accuracy.yaml", mutate)
    with pytest.raises(error, match=pattern) as info:
        rnbayes.load_model(net, pri)
    assert str(info.value).startswith("accuracy.yaml: ")


def test_duplicate_record_ids_across_files(spec_copy):
    net, pri = spec_copy
    (pri / "extra.yaml").write_text((pri / "accuracy.yaml").read_text())
    with pytest.raises(SemanticError, match=r"record id '.*' is also defined in accuracy.yaml"):
        rnbayes.load_model(net, pri)


def test_missing_spec_file(tmp_path):
    with pytest.raises(SchemaError, match="file not found"):
        rnbayes.load_model(tmp_path / "nope.yaml", ROOT / "priors")


def test_latent_must_be_able_to_reproduce_test_accuracy(spec_copy):
    net, pri = spec_copy
    edit_yaml(pri / "accuracy.yaml", lambda d: d["records"]["vascularity_high_given_ttp"][
        "distribution"].__setitem__("mean", 0.6))
    with pytest.raises(SemanticError, match="cannot reproduce this test's published accuracy"):
        rnbayes.load_model(net, pri)
