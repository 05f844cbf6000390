"""Case files name their utilities (checked when read), parameters are checked before any
work, and a catalogue must fit the network it is used with."""

from __future__ import annotations

import shutil

import pytest

import rnbayes
from rnbayes import ParameterError
from rnbayes.errors import CaseFileError, SchemaError, SemanticError
from rnbayes.spec.utilities import bundled_sets, load_utilities
from tests.helpers import ROOT

GOOD = ROOT / "tests" / "data" / "good"


def write_case(folder, text: str):
    p = folder / "c.yaml"
    p.write_text(text)
    return p


def test_utilities_beside_the_case_file_are_found_from_any_working_directory(
        tmp_path, monkeypatch):
    shutil.copy(ROOT / "priors" / "utilities_symptomatic.yaml", tmp_path / "mine.yaml")
    case = rnbayes.load_case(write_case(tmp_path, "utilities: mine.yaml\nevidence: {}\n"))
    assert case.utilities == str((tmp_path / "mine.yaml").resolve())
    monkeypatch.chdir(ROOT)  # not the case's folder
    voi = rnbayes.value_of_information(case.evidence, utilities=case.utilities, pairs=False)
    assert voi.utilities == load_utilities("symptomatic")


@pytest.mark.parametrize("name", ["symptomatic", "asymptomatic"])
def test_bundled_sets_by_name_in_a_case_file(tmp_path, name):
    case = rnbayes.load_case(write_case(tmp_path, f"utilities: {name}\nevidence: {{}}\n"))
    assert case.utilities == name
    assert bundled_sets() == ["asymptomatic", "symptomatic"]
    assert load_utilities("asymptomatic") == load_utilities()


def test_unknown_utilities_in_a_case_file_fail_when_it_is_read(tmp_path):
    with pytest.raises(CaseFileError, match=r"c\.yaml: utilities: no file 'symptomatc' beside the "
                                            r"case file, and not a bundled set among "
                                            r"\['asymptomatic', 'symptomatic'\]; did you mean "
                                            r"'symptomatic'"):
        rnbayes.load_case(write_case(tmp_path, "utilities: symptomatc\nevidence: {}\n"))


def test_a_malformed_utilities_file_named_by_a_case_fails_naming_that_file(tmp_path):
    (tmp_path / "u.yaml").write_text("utilities: [1\n")
    with pytest.raises(SchemaError, match=r"u\.yaml: malformed YAML at line 2"):
        rnbayes.load_case(write_case(tmp_path, "utilities: u.yaml\nevidence: {}\n"))


def test_unknown_case_keys_are_refused_and_known_ones_kept(tmp_path):
    with pytest.raises(CaseFileError, match=r"unknown top-level key 'utility'; did you mean "
                                            r"'utilities'"):
        rnbayes.load_case(write_case(tmp_path, "utility: symptomatic\nevidence: {}\n"))
    case = rnbayes.load_case(write_case(tmp_path, "id: 7\nnotes: n\nfigure: f\nevidence: {}\n"))
    assert (case.id, case.notes, case.figure) == ("7", "n", "f")


def test_a_folder_as_the_case_file_says_it_is_a_folder(tmp_path):
    with pytest.raises(CaseFileError, match="is a folder; give a case YAML file"):
        rnbayes.load_case(tmp_path)


def test_a_catalogue_that_reveals_the_diagnosis_is_refused(model, tmp_path):
    text = (ROOT / "networks" / "tests.yaml").read_text().replace(
        "reveals: [rcbv]", "reveals: [diagnosis]", 1)
    cat = tmp_path / "tests.yaml"
    cat.write_text(text)
    for call in (lambda: model.value_of_information({}, catalog=cat),
                 lambda: model.sensitivity({}, catalog=cat, n_draws=20, progress=False)):
        with pytest.raises(SemanticError, match=r"tests\.dsc_perfusion\.reveals\[0\]: 'diagnosis' "
                                                r"is the diagnosis the tests are meant to inform"):
            call()


def test_the_bundled_catalogue_on_another_network_suggests_giving_one(tmp_path):
    shutil.copy(GOOD / "network.yaml", tmp_path / "net.yaml")  # no tests.yaml beside it
    model = rnbayes.load_model(tmp_path / "net.yaml", GOOD / "priors")
    with pytest.raises(SemanticError, match=r"the bundled test catalogue does not fit network "
                                            r"'tiny' .*; give a catalogue of its tests with "
                                            r"catalog= \(or --catalog on the command line\)"):
        model.value_of_information({})
    voi = model.value_of_information({}, catalog=GOOD / "tests.yaml")
    assert len(voi.table) > 0


@pytest.mark.parametrize("kwargs,pattern", [
    ({"catalog": ROOT / "networks"}, r"The 'catalog' parameter .*\(a folder\)"),
    ({"utilities": ROOT / "priors"}, r"The 'utilities' parameter .*\(a folder\)"),
    ({"utilities": "symptomatc"}, r"Got 'symptomatc' instead\. Did you mean 'symptomatic'"),
    ({"rank_by": 3}, r"The 'rank_by' parameter .* Got 3 instead"),
])
def test_more_bad_parameters(model, kwargs, pattern):
    with pytest.raises(ParameterError, match=pattern):
        model.value_of_information({}, **kwargs)


def test_parameter_errors_quote_a_short_excerpt(model):
    with pytest.raises(ParameterError) as info:
        model.value_of_information({}, rank_by="x" * 10_000)
    assert len(str(info.value)) < 400


def test_a_priors_option_that_is_a_file_or_missing_says_so(tmp_path):
    with pytest.raises(SchemaError, match="is a file; give the folder of prior files"):
        rnbayes.load_model(None, ROOT / "priors" / "accuracy.yaml")
    with pytest.raises(SchemaError, match="no such folder"):
        rnbayes.load_model(None, tmp_path / "nope")
