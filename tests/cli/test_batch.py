"""The CLI for a tumour board (issue 11, items 3, 4, 6, 10-12): several case files or a
folder, the recommendation and its assumption in ``assess``, ``--interval``, reports per
case or combined, a reference case, ``compare``, timestamps in JSON, and no progress text
when stderr is not a terminal."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

import rnbayes
from rnbayes.cli import main
from rnbayes.spec.utilities import load_utilities
from tests.helpers import ROOT

CASES = ROOT / "examples" / "cases"


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "cases"
    d.mkdir()
    (d / "a.yaml").write_text("id: a\nevidence: {enhancement_pattern: thin_rim}\n")
    (d / "b.yaml").write_text("id: b\nevidence: {enhancement_pattern: nodular, rcbv: 2.5}\n")
    return d


def test_assess_takes_several_files_and_folders(folder, capsys):
    assert main(["assess", str(folder), str(CASES / "demo_numbers.yaml")]) == 0
    out = capsys.readouterr().out
    assert [line for line in out.splitlines() if line.startswith("case: ")] == \
        ["case: a", "case: b", "case: demo_numbers"]
    assert out.count("Recommended: ") == 3 and out.count("not a medical device") == 3
    assert main(["assess", str(folder), "--json"]) == 0
    docs = json.loads(capsys.readouterr().out)
    assert [d["case"]["id"] for d in docs] == ["a", "b"]
    assert all(d["generated"].endswith("Z") and d["recommended_action"] for d in docs)


def test_an_empty_folder_is_one_clear_line(tmp_path, capsys):
    assert main(["assess", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "no case files (*.yaml) in the folder" in err and err.count("\n") == 1


def test_assess_states_the_recommendation_and_its_assumption(capsys):
    path = str(CASES / "equivocal_enlarging_rim.yaml")
    case = rnbayes.load_case(path)
    post = rnbayes.load_model().posterior(case.evidence)
    action = load_utilities().label(load_utilities().best_action(post.p_progression))
    assert main(["assess", path]) == 0
    out = capsys.readouterr().out
    assert f"Recommended: {action}" in out
    assert "Utilities assumed: asymptomatic lesion (default)" in out
    assert main(["assess", path, "--utilities", "asymptomatic"]) == 0
    assert "Utilities assumed: asymptomatic lesion (default)" in capsys.readouterr().out
    assert main(["assess", path, "--utilities", "symptomatic", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["utilities_assumed"] == "symptomatic lesion" and d["threshold"]["p_progression"]


def test_assess_interval_prints_the_credible_interval_next_to_the_headline(capsys):
    path = str(CASES / "fig1b_nodular.yaml")
    assert main(["assess", path, "--interval", "--draws", "300"]) == 0
    first = capsys.readouterr().out.split("\n\n", 1)[1].splitlines()[0]
    p = rnbayes.load_model().posterior(rnbayes.load_case(path).evidence).p_progression
    assert first.startswith(f"P(tumour progression) = {p:.3f} (95% CrI 0.")
    assert main(["assess", path, "--interval", "--draws", "300", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["interval"]["n_draws"] == 300 and d["interval"]["low"] < d["p_progression"]
    assert main(["assess", path, "--interval", "--draws", "1"]) == 2


def test_tests_and_sensitivity_take_several_cases(folder, capsys):
    assert main(["tests", str(folder), "--json"]) == 0
    docs = json.loads(capsys.readouterr().out)
    assert len(docs) == 2 and all("p_progression" in d and "already_done" in d for d in docs)
    assert main(["sensitivity", str(folder / "b.yaml"), "--draws", "60", "--no-progress",
                 "--tests", "fet_pet,asl_perfusion", "--rank-by", "evsi", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["rank_by"] == "evsi" and {r["test"] for r in d["ranking"]} == {"fet_pet",
                                                                          "asl_perfusion"}


def test_report_one_file_per_case_into_a_folder(folder, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    assert main(["report", str(folder), "-o", str(out), "--no-sensitivity",
                 "--format", "md"]) == 0
    assert sorted(p.name for p in out.glob("*.md")) == ["a.md", "b.md"]
    assert (out / "a-test-values.png").is_file()
    assert main(["report", str(folder), "-o", str(out / "x.html"), "--no-sensitivity"]) == 2
    assert "an existing folder" in capsys.readouterr().err


def test_report_combined_has_a_summary_table(folder, tmp_path):
    out = tmp_path / "all.html"
    assert main(["report", str(folder), "--combined", "-o", str(out), "--no-sensitivity"]) == 0
    page = out.read_text()
    assert page.index("Summary") < page.index("Case: a") < page.index("Case: b")
    assert page.count("The answer") == 2


def test_combined_markdown_writes_each_cases_charts_under_its_own_name(folder, tmp_path):
    out = tmp_path / "all.md"
    assert main(["report", str(folder), "--combined", "-o", str(out), "--no-sensitivity"]) == 0
    links = re.findall(r"\]\(<([^>]+)>\)", out.read_text())
    assert links == ["all-1-test-values.png", "all-2-test-values.png"]
    assert all((tmp_path / name).is_file() for name in links)


def test_compare_prints_many_cases_one_row_each(capsys):
    assert main(["compare", str(CASES), "--no-interval"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:2] == ["case", "P(TTP)"] and len(lines[0]) <= 130
    assert any(line.startswith("near_certain_progression") for line in lines)


def test_report_with_a_reference_case(folder, tmp_path):
    out = tmp_path / "r.md"
    assert main(["report", str(folder / "a.yaml"), "--reference", str(folder / "b.yaml"),
                 "-o", str(out), "--no-sensitivity"]) == 0
    md = out.read_text()
    assert "## Compared with the reference case (b)" in md and "Findings that differ" in md


def test_report_never_overwrites_a_case_file(folder, capsys):
    case = folder / "a.yaml"
    before = case.read_text()
    assert main(["report", str(case), "-o", str(case), "--no-sensitivity"]) == 2
    assert case.read_text() == before and "a file other than the inputs" in capsys.readouterr().err
    ref = folder / "b.yaml"
    before = ref.read_text()
    assert main(["report", str(case), "--reference", str(ref), "-o", str(ref),
                 "--no-sensitivity"]) == 2
    assert ref.read_text() == before and "reference case file" in capsys.readouterr().err


def test_compare_prints_cases_side_by_side(folder, capsys):
    assert main(["compare", str(folder), "--draws", "200"]) == 0
    out = capsys.readouterr().out
    head = out.splitlines()[0]
    assert "a" in head.split() and "b" in head.split()
    for row in ("P(TTP)", "95% credible interval", "recommended", "best next test",
                "Findings that differ"):
        assert row in out, row
    assert main(["compare", str(folder), "--no-interval", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert [c["case"] for c in d["cases"]] == ["a", "b"] and d["generated"]


def test_no_progress_text_when_stderr_is_not_a_terminal(folder, tmp_path):
    """A log file gets the one 'wrote' line per report, never progress frames."""
    r = subprocess.run([sys.executable, "-m", "rnbayes", "report", str(folder / "a.yaml"),
                        "-o", str(tmp_path / "r.json"), "--draws", "2000"],
                       capture_output=True, text=True, cwd=ROOT, check=True)
    assert r.stderr.strip().splitlines() == [f"wrote {tmp_path / 'r.json'} (json)"]
    assert "\r" not in r.stderr
