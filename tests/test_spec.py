"""Two-stage validation of network specs and prior records, and provenance of every number."""

import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

import rnbayes
from rnbayes import SpecError
from rnbayes.errors import SchemaError, SemanticError
from rnbayes.spec.generators import ref_ids, spec_record_refs

ROOT = Path(__file__).parent.parent
NETWORK = ROOT / "networks" / "rn_vs_ttp.yaml"
PRIORS = ROOT / "priors"


def _copy(tmp_path):
    net = tmp_path / "net.yaml"
    pri = tmp_path / "priors"
    shutil.copy(NETWORK, net)
    shutil.copytree(PRIORS, pri)
    return net, pri


def _edit(path, fn):
    doc = yaml.safe_load(path.read_text())
    fn(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


def _load(net, pri):
    from rnbayes.analysis.model import _load_cached

    _load_cached.cache_clear()
    return rnbayes.load_model(net, pri)


def test_default_spec_is_valid_and_tables_sum_to_one(model):
    for n in model.nodes:
        arr = model.network.cpts[n]
        assert np.all(arr >= 0)
        assert np.max(np.abs(arr.sum(axis=0) - 1)) < 1e-9


def test_every_table_entry_traces_to_a_sourced_record(model):
    used = set()
    for n in model.nodes:
        refs = spec_record_refs(model.spec.nodes[n])
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


def test_describe_names_sources(model):
    text = model.describe("rcbv")
    assert "Kwee 2020" in text and "2.1" in text
    assert "judgement" in model.describe("susceptibility_foci")


@pytest.mark.parametrize("mutate, error, pattern", [
    (lambda d: d["nodes"]["rcbv"].__setitem__("states", ["elevated"]), SchemaError,
     r"nodes\.rcbv\.states: expected a list of at least 2"),
    (lambda d: d["nodes"]["rcbv"]["cpt"].__setitem__("generator", "magic"), SchemaError,
     r"nodes\.rcbv\.cpt\.generator: must be one of .*got 'magic'"),
    (lambda d: d["nodes"]["cut_pepper"].__setitem__("parents", ["diagnosis", "nowhere"]),
     SemanticError, r"nodes\.cut_pepper\.parents: parent 'nowhere' is not a declared node"),
    (lambda d: d["nodes"]["diagnosis"]["parents"].append("follow_up_course"),
     SemanticError, r"the graph has a cycle: .*follow_up_course.*diagnosis"),
    (lambda d: d["nodes"]["rcbv"]["cpt"].__setitem__("sensitivity", "no_such_record"),
     SemanticError, r"nodes\.rcbv\.cpt\.sensitivity: expected the id of a beta record; "
                    r"got 'no_such_record'"),
    (lambda d: d["nodes"]["enhancement_pattern"]["cpt"]["rows"].pop(), SemanticError,
     r"matches 0 rows"),
    (lambda d: d.__setitem__("target", "diagnosiss"), SemanticError, r"'diagnosiss' is not a declared"),
    (lambda d: d["nodes"]["rcbv"]["measure"].__setitem__("cutpoints", [2.1, 1.0]), SchemaError,
     r"cutpoints: expected increasing numbers"),
    (lambda d: d["nodes"]["diagnosis"]["cpt"]["effects"]["fractionation"].__setitem__(
        "hypofractionated", "dsc_sensitivity"), SemanticError, r"expected lognormal"),
    (lambda d: d["nodes"]["hypercellular_tumour"]["cpt"]["rows"][-1]["probabilities"].__setitem__(
        "fixed", {"absent": 0.9}), SemanticError, r"'fixed' probabilities must lie in \[0, 1\] and sum to 1"),
    (lambda d: d["nodes"]["hypercellular_tumour"]["cpt"]["rows"][-1]["probabilities"].__setitem__(
        "reason", " "), SemanticError, r"needs a 'reason'"),
])
def test_bad_spec_errors_name_file_path_and_value(tmp_path, mutate, error, pattern):
    net, pri = _copy(tmp_path)
    _edit(net, mutate)
    with pytest.raises(error, match=pattern) as info:
        _load(net, pri)
    assert str(info.value).startswith("net.yaml: ")
    assert isinstance(info.value, SpecError)


@pytest.mark.parametrize("mutate, pattern", [
    (lambda d: d["records"]["dsc_sensitivity"]["distribution"].__setitem__("mean", 1.4),
     r"dsc_sensitivity\.distribution\.mean: expected a number in \(0, 1\); got 1\.4"),
    (lambda d: d["records"]["dsc_sensitivity"].pop("source"),
     r"dsc_sensitivity: a record with basis 'metastasis' needs a 'source'"),
    (lambda d: d["records"]["dsc_sensitivity"]["source"].pop("population"),
     r"source lacks population"),
    (lambda d: d["records"]["dsc_sensitivity"].__setitem__("basis", "hunch"),
     r"basis: must be one of"),
    (lambda d: d["records"]["dsc_sensitivity"]["distribution"].__setitem__("ci95", [0.9, 0.95]),
     r"mean 0\.816 lies outside the interval"),
])
def test_bad_prior_records(tmp_path, mutate, pattern):
    net, pri = _copy(tmp_path)
    _edit(pri / "accuracy.yaml", mutate)
    with pytest.raises(SchemaError, match=pattern) as info:
        _load(net, pri)
    assert "accuracy.yaml" in str(info.value)


def test_malformed_yaml_is_one_line(tmp_path):
    net, pri = _copy(tmp_path)
    net.write_text("name: x\nnodes: [unclosed\n")
    with pytest.raises(SchemaError, match=r"net\.yaml: malformed YAML at line \d+") as info:
        _load(net, pri)
    assert "\n" not in str(info.value)


def test_missing_spec_file(tmp_path):
    with pytest.raises(SchemaError, match="file not found"):
        _load(tmp_path / "nope.yaml", PRIORS)


def test_latent_must_be_able_to_reproduce_test_accuracy(tmp_path):
    net, pri = _copy(tmp_path)
    _edit(pri / "accuracy.yaml", lambda d: d["records"]["vascularity_high_given_ttp"][
        "distribution"].__setitem__("mean", 0.6))
    with pytest.raises(SemanticError, match="cannot reproduce this test's sensitivity"):
        _load(net, pri)


def test_model_digest_changes_with_any_number(tmp_path):
    net, pri = _copy(tmp_path)
    a = _load(net, pri).digest
    _edit(pri / "accuracy.yaml", lambda d: d["records"]["dce_sensitivity"]["distribution"]
          .__setitem__("mean", 0.75))
    b = _load(net, pri).digest
    assert a != b


def test_priors_readme_lists_every_record(model):
    text = (PRIORS / "README.md").read_text()
    missing = [rid for rid in model.records if f"`{rid}`" not in text]
    assert not missing, f"priors/README.md does not list {missing}"
