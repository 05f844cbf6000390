"""``rnbayes audit``: a readable table, --json, exit 1 when a check fails, 2 for bad input."""

import json

from rnbayes.cli import main
from tests.helpers import edit_yaml


def test_cli_audit(capsys):
    assert main(["audit"]) == 0
    out = capsys.readouterr().out
    assert "PASSED" in out and "Kwee 2020" in out and "not a medical device" in out
    assert main(["audit", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["passed"] is True and d["failures"] == [] and d["model"]["name"] == "rn_vs_ttp"


def test_cli_audit_exits_1_when_a_check_fails(spec_copy, capsys):
    net, pri = spec_copy
    edit_yaml(pri / "accuracy.yaml", lambda d: d["records"]["dsc_sensitivity"]["distribution"]
              .update({"mean": 0.65, "ci95": [0.55, 0.75]}))
    assert main(["audit", "--network", str(net), "--priors", str(pri)]) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out and "rcbv: implied Sn" in out


def test_cli_audit_bad_comparator_file_is_one_line(tmp_path, capsys):
    assert main(["audit", "--comparators", str(tmp_path / "nope.yaml")]) == 2
    err = capsys.readouterr().err
    assert "file not found" in err and err.count("\n") == 1
