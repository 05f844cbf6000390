"""``rnbayes tests`` and ``rnbayes report`` through the CLI entry point."""

from __future__ import annotations

import json

import pytest

from rnbayes.cli import main


@pytest.fixture
def case(tmp_path):
    p = tmp_path / "case.yaml"
    p.write_text("id: c1\nnotes: '<script>x</script>'\nevidence:\n"
                 "  months_since_srs: 3_to_9\n  primary_histology: nsclc\n")
    return p


def test_tests_text(case, capsys):
    assert main(["tests", str(case)]) == 0
    out = capsys.readouterr().out
    assert "case: c1" in out and "What if" in out and "Decision thresholds" in out
    assert "FET PET (TBR and time-activity curve)" in out and "Follow-up MRI in 6-12" in out
    assert "fet_pet" not in out and "follow_up_mri" not in out  # labels, not ids


def test_tests_json_rank_and_subset(case, capsys):
    code = main(["tests", str(case), "--json", "--rank-by", "mutual_information",
                      "--tests", "fet_pet,dsc_perfusion,swi"])
    assert code == 0
    d = json.loads(capsys.readouterr().out)
    mi = [r["mutual_information"] for r in d["table"]]
    assert mi == sorted(mi, reverse=True)
    assert {r["test"] for r in d["table"]} == {"fet_pet", "dsc_perfusion", "swi"}
    assert d["rank_by"] == "mutual_information"


def test_unknown_test_is_one_line_exit_2(case, capsys):
    assert main(["tests", str(case), "--tests", "fet_pett"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "The 'tests' parameter" in err and "Got 'fet_pett' instead. Did you mean 'fet_pet'?" in err


@pytest.mark.parametrize("text,msg", [
    ("utilities: [1\n", "malformed YAML"),
    ("utilities:\n  surveillance: {radiation_necrosis: 1, tumour_progression: x}\n"
     "  treat_as_necrosis: {radiation_necrosis: 1, tumour_progression: 0}\n"
     "  treat_as_progression: {radiation_necrosis: 0, tumour_progression: 1}\n",
     "utilities.surveillance.tumour_progression"),
])
def test_bad_utilities_is_one_line_exit_2(case, tmp_path, capsys, text, msg):
    u = tmp_path / "u.yaml"
    u.write_text(text)
    assert main(["tests", str(case), "--utilities", str(u)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and msg in err and err.startswith("rnbayes: error:")


def test_custom_utilities_change_the_answer(case, tmp_path, capsys):
    u = tmp_path / "u.yaml"
    u.write_text("utilities:\n"
                 "  surveillance: {radiation_necrosis: 50, tumour_progression: 50}\n"
                 "  treat_as_necrosis: {radiation_necrosis: 50, tumour_progression: 50}\n"
                 "  treat_as_progression: {radiation_necrosis: 50, tumour_progression: 50}\n")
    assert main(["tests", str(case), "--json", "--utilities", str(u)]) == 0
    d = json.loads(capsys.readouterr().out)
    assert all(r["evsi"] == 0 for r in d["table"])  # nothing to gain when all actions tie


@pytest.mark.parametrize("fmt,check", [
    ("html", lambda s: s.startswith("<!DOCTYPE html>") and "&lt;script&gt;" in s),
    ("md", lambda s: s.startswith("# rnbayes report: c1")),
    ("json", lambda s: json.loads(s)["case"]["id"] == "c1"),
])
def test_report_formats(case, tmp_path, fmt, check):
    """Only the format matters here: no sensitivity section (it runs 10,000 draws)."""
    out = tmp_path / f"r.{fmt}"
    assert main(["report", str(case), "-o", str(out), "--format", fmt,
                 "--no-sensitivity"]) == 0
    assert check(out.read_text())


def test_report_format_from_suffix(case, tmp_path):
    out = tmp_path / "r.json"
    assert main(["report", str(case), "-o", str(out), "--no-sensitivity"]) == 0
    data = json.loads(out.read_text())
    assert data["value_of_information"]["table"] and "sensitivity" not in data


def test_missing_case_exit_2(tmp_path, capsys):
    assert main(["tests", str(tmp_path / "nope.yaml")]) == 2
    assert "case file not found" in capsys.readouterr().err


def test_sensitivity_cli_text_json_and_bad_draws(tmp_path, capsys):
    case = tmp_path / "c.yaml"
    case.write_text("id: s\nevidence: {enhancement_pattern: nodular}\n")
    assert main(["sensitivity", str(case), "--draws", "300", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "95% credible interval" in out and "not a medical device" in out
    assert main(["sensitivity", str(case), "--draws", "300", "--json", "--no-progress"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert 0 <= d["interval"]["low"] <= d["interval"]["high"] <= 1
    assert main(["sensitivity", str(case), "--draws", "1"]) == 2
    err = capsys.readouterr().err
    assert ("The '--draws' parameter of rnbayes sensitivity must be an int in the range "
            "[2, 100000]. Got 1 instead.") in err and "Traceback" not in err


def test_report_cli_has_one_sensitivity_section_and_escapes_notes(tmp_path, capsys):
    case = tmp_path / "c.yaml"
    case.write_text("id: r\nnotes: '<script>alert(1)</script>'\n"
                    "evidence: {enhancement_pattern: thin_rim}\n")
    out = tmp_path / "r.html"
    assert main(["report", str(case), "-o", str(out), "--draws", "60"]) == 0
    text = out.read_text()
    assert text.count("Sensitivity to the published figures") == 1
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script" not in text.lower().replace("&lt;script", "")
    assert "not a medical device" in text
    js = tmp_path / "r.json"
    assert main(["report", str(case), "-o", str(js), "--draws", "60"]) == 0
    d = json.loads(js.read_text())
    assert "sensitivity" in d and 0 <= d["sensitivity"]["p_decision_differs"] <= 1


def test_bundled_symptomatic_utilities_by_name(tmp_path, capsys):
    case = tmp_path / "c.yaml"
    case.write_text("id: s\nevidence: {enhancement_pattern: thin_rim}\n")
    assert main(["tests", str(case), "--utilities", "symptomatic", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert [t["below"] for t in d["thresholds"]] == ["treat_as_necrosis"]
    assert main(["tests", str(case), "--utilities", "nonesuch"]) == 2
    assert "The '--utilities' parameter of rnbayes tests" in capsys.readouterr().err


def test_report_rejects_too_few_draws_without_traceback(tmp_path, capsys):
    case = tmp_path / "c.yaml"
    case.write_text("evidence: {enhancement_pattern: thin_rim}\n")
    assert main(["report", str(case), "--draws", "1", "-o", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert "The '--draws' parameter of rnbayes report" in err and "Traceback" not in err


@pytest.mark.parametrize("argv, message", [
    (["sensitivity", "{case}", "--seed", "-1", "--draws", "50", "--no-progress"],
     "The '--seed' parameter of rnbayes sensitivity must be an int in the range [0, inf). "
     "Got -1 instead."),
    (["tests", "{case}", "--tests", ",,"], "The '--tests' parameter of rnbayes tests must be "
                                           "comma-separated test ids. Got ',,' instead."),
    (["report", "{case}", "-o", "{tmp}/missing/r.html", "--draws", "50"],
     "must be a file in an existing folder"),
    (["tests", "{case}", "--catalog", "{tmp}/none.yaml"], "The 'catalog' parameter"),
])
def test_more_bad_options_are_one_line_errors(tmp_path, capsys, argv, message):
    case = tmp_path / "c.yaml"
    case.write_text("evidence: {enhancement_pattern: thin_rim}\n")
    argv = [a.format(case=case, tmp=tmp_path) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_case_files_utilities_are_used(tmp_path, capsys):
    case = tmp_path / "c.yaml"
    case.write_text("id: s\nutilities: symptomatic\nevidence: {enhancement_pattern: thin_rim}\n")
    assert main(["tests", str(case), "--json", "--tests", "dwi"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert [t["below"] for t in d["thresholds"]] == ["treat_as_necrosis"]


def test_cli_quick_draws_are_the_librarys():
    """The CLI writes the quick-interval default out (its parser imports no numpy); it must
    stay the library's."""
    from rnbayes.analysis.interval import QUICK_DRAWS
    from rnbayes.cli._common import QUICK

    assert QUICK == QUICK_DRAWS
