"""Stage 1 of validation: every kind of document against its JSON Schema.

The good documents in ``tests/data/good`` load; each bad document in
``tests/data/bad/<kind>`` raises the error its first two lines name, in one line that
starts with the file name.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

import rnbayes
from rnbayes.errors import CaseFileError, SchemaError, SemanticError, SpecError
from rnbayes.spec import schema
from rnbayes.spec.catalog import load_catalog
from rnbayes.spec.columns import load_columns
from rnbayes.spec.comparators import load_comparators
from rnbayes.spec.generators import GENERATORS, network_schema
from rnbayes.spec.labels import load_labels
from rnbayes.spec.missingness import load_missingness
from rnbayes.spec.pooling import load_pooling
from rnbayes.spec.records import document_kind, load_records
from rnbayes.spec.utilities import load_utilities
from tests.helpers import ROOT

DATA = Path(__file__).resolve().parent.parent / "data"
GOOD = DATA / "good"
ERRORS = {"SchemaError": SchemaError, "SemanticError": SemanticError,
          "CaseFileError": CaseFileError}


def expectation(path: Path) -> tuple[type[Exception], str]:
    head = path.read_text().splitlines()[:2]
    kind = re.fullmatch(r"# error: (\w+)", head[0]).group(1)
    return ERRORS[kind], re.fullmatch(r"# match: (.*)", head[1]).group(1)


def load(kind: str, path: Path, tmp_path: Path) -> object:
    if kind == "network":
        return rnbayes.load_model(path, GOOD / "priors")
    if kind == "records":
        folder = tmp_path / "priors"
        folder.mkdir()
        (folder / path.name).write_text(path.read_text())
        return load_records(folder)
    if kind == "tests":
        return load_catalog(path)
    if kind == "utilities":
        return load_utilities(path)
    if kind == "pooling":
        return load_pooling(path)
    if kind == "audit":
        return load_comparators(path)
    if kind == "labels":
        return load_labels(path)
    if kind == "missingness":
        return load_missingness(path)
    if kind == "columns":
        spec = rnbayes.load_model().spec
        return load_columns(path).check([*spec.observable, *spec.measures])
    return rnbayes.load_case(path)


BAD = sorted((DATA / "bad").glob("*/*.yaml"))


@pytest.mark.parametrize("path", BAD, ids=[f"{p.parent.name}/{p.stem}" for p in BAD])
def test_bad_document_is_one_clear_line(path, tmp_path):
    error, pattern = expectation(path)
    with pytest.raises(error) as info:
        load(path.parent.name, path, tmp_path)
    message = str(info.value)
    assert type(info.value) is error, f"{type(info.value).__name__}: {message}"
    assert re.search(pattern, message), message
    assert "\n" not in message
    assert path.name in message  # the file is named
    assert isinstance(info.value, (SpecError, ValueError))


def test_every_kind_of_bad_document_is_covered():
    kinds = {p.parent.name for p in BAD}
    assert kinds == set(schema.KINDS)
    assert len(list((DATA / "bad" / "network").glob("*.yaml"))) >= 10


def test_good_documents_load():
    model = rnbayes.load_model(GOOD / "network.yaml", GOOD / "priors")
    assert set(model.nodes) == {"c", "m", "d", "v", "t", "x", "y", "z", "u", "w", "r"}
    assert {model.spec.nodes[n].cpt.name for n in model.nodes} == set(GENERATORS)
    assert load_catalog(GOOD / "tests.yaml").ids == ("t_test", "xy_session")
    assert load_utilities(GOOD / "utilities.yaml").reasoning["treat_as_necrosis"]
    pools = load_pooling(GOOD / "priors" / "pooling.yaml").pools
    assert {p.method for p in pools.values()} == {"proportion_re", "effect_re", "log_mean_sd",
                                                  "two_by_two", "odds_chain"}
    comparators = load_comparators(GOOD / "priors" / "audit.yaml")
    assert {c.kind for c in comparators.combinations} == {
        "likelihood_ratio", "less_than_product", "combined_specificity", "bayes_accuracy"}
    assert len(comparators.directions) == 6 and comparators.tests[0].comparators[1].role == "context"
    case = rnbayes.load_case(GOOD / "case.yaml")
    assert case.utilities == "symptomatic" and case.expected["direction"] == "tumour_progression"


def test_schema_errors_carry_file_path_value_and_expected_form(tmp_path):
    path = DATA / "bad" / "records" / "mean_out_of_range.yaml"
    with pytest.raises(SchemaError) as info:
        load("records", path, tmp_path)
    e = info.value
    assert (e.file, e.path, e.value, e.expected) == (path.name, "records.r.distribution.mean",
                                                     1.4, "a number in (0, 1)")


@pytest.mark.parametrize("kind", schema.KINDS)
def test_schemas_are_valid_draft_2020_12(kind):
    Draft202012Validator.check_schema(schema.schema(kind))


def test_network_schema_is_up_to_date_with_the_generator_registry():
    """Each generator class holds its schema fragment; network.json must carry them all
    (regenerate with ``python -m rnbayes.spec.generators``)."""
    assert json.loads(schema.schema_text("network")) == network_schema()
    assert schema.schema("network")["$defs"]["cpt"]["properties"]["generator"]["enum"] == \
        list(GENERATORS)


def test_every_shipped_document_declares_schema_version_1():
    files = [*ROOT.glob("networks/*.yaml"), *ROOT.glob("priors/*.yaml"),
             *ROOT.glob("examples/cases/*.yaml")]
    assert len(files) > 20
    for f in files:
        assert yaml.safe_load(f.read_text()).get("schema_version") == 1, f


def test_the_record_loader_skips_pooling_and_audit_documents():
    """pooling.yaml and audit.yaml live among the priors but hold no records; each is
    read (and validated) where it is used."""
    for f in sorted((ROOT / "priors").glob("*.yaml")) + sorted((GOOD / "priors").glob("*.yaml")):
        doc = yaml.safe_load(f.read_text())
        want = {"pooling.yaml": "pooling", "audit.yaml": "audit"}.get(f.name)
        if want is None:
            want = "utilities" if "utilities" in doc else "records"
        assert document_kind(doc) == want, f
    records = load_records(GOOD / "priors")
    assert "p_d" in records and "pools" not in records
