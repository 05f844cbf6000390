"""The CLI: readable and JSON output, and one-line errors with exit code 2."""

import json
import subprocess
import sys

import pytest

from rnbayes.cli import main
from tests.helpers import ROOT

CASES = ROOT / "examples" / "cases"


def test_assess_prints_posterior_contributions_conflict_and_notice(capsys):
    assert main(["assess", str(CASES / "fig1b_nodular.yaml")]) == 0
    out = capsys.readouterr().out
    assert "P(tumour progression)" in out
    assert "Enhancement pattern: nodular" in out and "enhancement_pattern" not in out
    assert "Data conflict" in out
    assert "Recommended: " in out and "Utilities assumed: asymptomatic lesion (default)" in out
    assert "not a medical device" in out


def test_assess_json(capsys):
    assert main(["assess", str(CASES / "demo_numbers.yaml"), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["case"]["id"] == "demo_numbers"
    assert abs(d["p_progression"] + d["p_necrosis"] - 1) < 1e-12
    assert {c["node"] for c in d["contributions"]} == {
        "enhancement_pattern", "rcbv", "months_since_srs", "lesion_diameter_cm", "fractionation"}


@pytest.mark.parametrize("content, pattern", [
    (None, "case file not found"),
    ("evidence: [unclosed\n", "malformed YAML at line"),
    ("- just a list\n", "expected a mapping with an 'evidence:' key"),
    ("evidence: {rcbvv: elevated}\n", "unknown node 'rcbvv'; did you mean 'rcbv'"),
    ("evidence: {enhancement_pattern: ring}\n", "must be one of"),
    ("evidence: {rcbv: -0.5}\n", "must be >= 0"),
    ("evidence: {diagnosis: radiation_necrosis}\n", "cannot be given as evidence"),
    ("evidence: {rcbv: elevated}\nnote: typo\n", "unknown top-level key"),
])
def test_bad_input_is_one_line_exit_2(tmp_path, capsys, content, pattern):
    path = tmp_path / "case.yaml"
    if content is not None:
        path.write_text(content)
    assert main(["assess", str(path)]) == 2
    err = capsys.readouterr().err
    assert pattern in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_console_script_runs_without_traceback(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("evidence: {rcbv: high}\n")
    r = subprocess.run([sys.executable, "-m", "rnbayes", "assess", str(path)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "one of ['elevated', 'not_elevated']; got 'high'" in r.stderr


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["assess"])
    assert info.value.code == 2
