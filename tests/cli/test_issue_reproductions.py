"""The reproductions of the hardening issue through the command line: each is one line on
standard error and exit code 2 (or, where the input is valid, the right answer)."""

from __future__ import annotations

import json
import re
import shutil

import pytest

import rnbayes
from rnbayes.cli import main
from rnbayes.errors import CaseFileError
from tests.helpers import ROOT

NET, TESTS = ROOT / "networks" / "rn_vs_ttp.yaml", ROOT / "networks" / "tests.yaml"
GOOD = ROOT / "tests" / "data" / "good"


def bomb() -> str:
    text = "evidence:\n  b0: &b0 [" + ",".join(["xxxxxxxxx"] * 9) + "]\n"
    return text + "".join(f"  b{i}: &b{i} [" + ",".join([f"*b{i - 1}"] * 9) + "]\n"
                          for i in range(1, 9))


def bad_catalog(tmp_path) -> str:
    p = tmp_path / "cat.yaml"
    p.write_text(TESTS.read_text().replace("reveals: [rcbv]", "reveals: [diagnosis]", 1))
    return str(p)


def latin1(tmp_path, source) -> str:
    p = tmp_path / source.name
    p.write_bytes(source.read_bytes() + "# caf\u00e9\n".encode("latin-1"))
    return str(p)


REPRODUCTIONS = [
    # (case file text, extra arguments, pattern of the one line)
    (bomb(), [], r"more than 100000 values once aliases are expanded at line \d+"),
    ("evidence: " + "[" * 5000 + "]" * 5000 + "\n", [], r"nesting depth|nested more than"),
    ("evidence:\n  rcbv: 1" + "0" * 400 + "\n", [], r"the number '10+\.\.\.0+' is too large"),
    ("evidence:\n  rcbv: 1.4\n  rcbv: 3.0\n", [], r"duplicate key 'rcbv' at lines 2 and 3"),
    ("evidence: {rcbv: 1.4}\nevidence: {rcbv: 3.0}\n", [], r"duplicate key 'evidence' at lines 1 and 2"),
    ("evidence:\n  rcbv: {elevated: 0.7}\n", [], r"needs a likelihood for every state .* missing "
                                                 r"\['not_elevated'\]"),
    ("evidence:\n  rcbv: 1e308\n", [], r"evidence\['rcbv'\] must be <= 30"),
    ("evidence:\n  months_since_srs: 1e308\n", [], r"must be <= 360 \(months\)"),
    ("evidence:\n  months_since_srs: 400\n", [], r"must be <= 360 \(months\).*days or weeks"),
    ("evidence:\n  lesion_diameter_cm: 24\n", [], r"must be <= 10 \(cm\).*in mm\?"),
    ("evidence:\n  months_since_srs: 9:30\n", [], r"must be a number \(months\) or one of .* got '9:30'"),
    ("evidence:\n  haemorrhage: true\n", [], r"one of \['present', 'absent'\]; got true"),
    ("id: null\nevidence: {}\n", [], r"id: expected a text or an integer; got None"),
    ("utilities: symptomatc\nevidence: {}\n", [], r"not a bundled set .* did you mean 'symptomatic'"),
    ("evidence:\n  rcbv: 1.4\x07\n", [], r"line 2, column 12: character 0x0007 is not allowed"),
    ("evidence: {}\n", ["--utilities", "symptomatc"],
     r"The '--utilities' parameter of rnbayes tests .* Did you mean 'symptomatic'"),
    ("evidence: {}\n", ["--catalog", "{bad_catalog}"], r"'diagnosis' is the diagnosis the tests"),
    ("evidence: {}\n", ["--utilities", "{latin1_utilities}"],
     r"not a UTF-8 text file \(byte 0xe9 at line \d+, column 6\)"),
    ("evidence: {}\n", ["--catalog", "{latin1_catalog}"], r"not a UTF-8 text file"),
    ("evidence: {}\n", ["--network", "{latin1_network}"], r"not a UTF-8 text file"),
    ("evidence: {x: pos}\n", ["--network", "{network_alone}", "--priors", str(GOOD / "priors")],
     r"bundled test catalogue does not fit network 'tiny' .*--catalog"),
]


@pytest.mark.parametrize("text,extra,pattern", REPRODUCTIONS,
                         ids=[f"{i:02d}" for i in range(len(REPRODUCTIONS))])
def test_reproduction_is_one_line_exit_2(tmp_path, capsys, text, extra, pattern):
    case = tmp_path / "c.yaml"
    case.write_text(text)
    fill = {"bad_catalog": lambda: bad_catalog(tmp_path),
            "latin1_utilities": lambda: latin1(tmp_path, ROOT / "priors" / "utilities.yaml"),
            "latin1_catalog": lambda: latin1(tmp_path, TESTS),
            "latin1_network": lambda: latin1(tmp_path, NET),
            "network_alone": lambda: shutil.copy(GOOD / "network.yaml", tmp_path)}
    argv = [fill[a[1:-1]]() if a.startswith("{") else a for a in extra]
    assert main(["tests", str(case), *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("rnbayes: error: "), err
    assert re.search(pattern, err), err
    assert len(err) < 600


def test_draws_beyond_the_bound_are_one_line(tmp_path, capsys):
    case = tmp_path / "c.yaml"
    case.write_text("evidence: {}\n")
    assert main(["sensitivity", str(case), "--draws", "10000000000"]) == 2
    assert "must be an int in the range [2, 100000]" in capsys.readouterr().err


def test_a_folder_as_the_case_file(tmp_path, capsys):
    # On the command line a folder is a batch of case files; an empty one says so ...
    assert main(["assess", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "no case files (*.yaml) in the folder" in err and err.count("\n") == 1
    # ... and in Python a folder is not a case file.
    with pytest.raises(CaseFileError, match="is a folder; give a case YAML file"):
        rnbayes.load_case(tmp_path)


@pytest.mark.parametrize("text,expected", [
    ("evidence:\n  immunotherapy: yes\n", {"immunotherapy": "yes"}),
    ("evidence:\n  rcbv: 2.5e0\n", {"rcbv": "elevated"}),
    ("evidence:\n  rcbv: {elevated: 0.7, not_elevated: 0}\n", {"rcbv": "elevated"}),
])
def test_natural_yaml_is_read_as_meant(tmp_path, capsys, text, expected):
    case = tmp_path / "c.yaml"
    case.write_text(text)
    assert main(["assess", str(case), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)["p_progression"]
    ref = tmp_path / "ref.yaml"
    ref.write_text("evidence: " + json.dumps(expected) + "\n")
    assert main(["assess", str(ref), "--json"]) == 0
    assert got == pytest.approx(json.loads(capsys.readouterr().out)["p_progression"], abs=1e-12)


def test_utilities_asymptomatic_names_the_default(tmp_path, capsys):
    case = tmp_path / "c.yaml"
    case.write_text("evidence: {enhancement_pattern: thin_rim}\n")
    outs = []
    for extra in ([], ["--utilities", "asymptomatic"]):
        assert main(["tests", str(case), "--json", "--tests", "dwi", *extra]) == 0
        outs.append(json.loads(capsys.readouterr().out)["utilities"])
    assert outs[0] == outs[1]


def test_implausible_but_possible_values_warn_on_stderr(tmp_path, capsys):
    case = tmp_path / "c.yaml"
    case.write_text("evidence:\n  lesion_diameter_cm: 7\n")
    assert main(["assess", str(case)]) == 0
    err = capsys.readouterr().err
    assert err.startswith("rnbayes: warning: evidence['lesion_diameter_cm'] = 7 (cm) is outside "
                          "the usual range (up to 5)")
