"""Output safety: a report never overwrites an input, a failed write never leaves a
truncated or empty file, text that cannot be encoded is escaped, and a closed standard
output is an error rather than a silent success."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

import rnbayes
from rnbayes.cli import main
from rnbayes.cli._output import StdoutClosed, write_file, write_stdout
from tests.helpers import ROOT

CASE = "id: c\nevidence: {enhancement_pattern: nodular}\n"


@pytest.fixture
def case(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text(CASE)
    return p


def report(*argv) -> int:
    return main(["report", *map(str, argv), "--no-sensitivity"])


@pytest.mark.parametrize("name,extra", [("c.yaml", []), ("c.yaml", ["--format", "md"]),
                                        ("./c.yaml", [])])
def test_the_report_refuses_to_overwrite_its_case(case, capsys, monkeypatch, name, extra):
    monkeypatch.chdir(case.parent)
    assert report(case, "-o", name, *extra) == 2
    err = capsys.readouterr().err
    assert "must be a file other than the inputs" in err and "it is the case file" in err
    assert case.read_text() == CASE


def test_a_symlink_or_hard_link_to_an_input_is_refused(case, tmp_path, capsys):
    (tmp_path / "link.md").symlink_to(case)
    os.link(case, tmp_path / "hard.html")
    for out in ("link.md", "hard.html"):
        assert report(case, "-o", tmp_path / out) == 2
        assert "it is the case file" in capsys.readouterr().err
    assert case.read_text() == CASE


@pytest.mark.parametrize("which", ["network", "priors", "utilities", "catalog"])
def test_no_input_of_any_kind_is_overwritten(spec_copy, case, tmp_path, capsys, which):
    net, pri = spec_copy
    utilities = tmp_path / "u.yaml"
    utilities.write_text((ROOT / "priors" / "utilities.yaml").read_text())
    catalog = tmp_path / "tests.yaml"  # beside the network: the default catalogue
    catalog.write_text((ROOT / "networks" / "tests.yaml").read_text())
    target = {"network": net, "priors": pri / "accuracy.yaml", "utilities": utilities,
              "catalog": catalog}[which]
    before = target.read_bytes()
    code = report(case, "--network", net, "--priors", pri, "--utilities", utilities,
                  "-o", target)
    assert code == 2 and "must be a file other than the inputs" in capsys.readouterr().err
    assert target.read_bytes() == before


def test_a_failed_write_leaves_the_old_file_and_no_temporary(case, tmp_path, monkeypatch):
    out = tmp_path / "r.html"
    out.write_text("the good old report")
    out.chmod(0o640)

    def broken(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        write_file(out, "new", [], "test")
    assert out.read_text() == "the good old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.yaml", "r.html"]


def test_a_report_that_fails_writes_nothing(case, tmp_path, capsys):
    out = tmp_path / "r.html"
    out.write_text("the good old report")
    assert report(case, "-o", out, "--tests", "nonesuch") == 2
    assert out.read_text() == "the good old report"


def test_an_atomic_write_keeps_the_files_mode_and_writes_through_a_symlink(case, tmp_path):
    real = tmp_path / "real.html"
    real.write_text("old")
    real.chmod(0o640)
    (tmp_path / "link.html").symlink_to(real)
    assert report(case, "-o", tmp_path / "link.html") == 0
    assert (tmp_path / "link.html").is_symlink()
    assert real.read_text().startswith("<!DOCTYPE html>")
    assert real.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("fmt", ["html", "md", "json"])
def test_lone_surrogates_from_the_api_are_escaped_in_every_format(tmp_path, fmt):
    """Files cannot hold lone surrogates (the YAML loader refuses them); from Python they
    are written as backslash escapes, never a UnicodeEncodeError or an empty file."""
    ev = {"enhancement_pattern": "thin_rim"}
    case = rnbayes.Case(evidence=ev, id="\ud83e\udde0", notes="x\udcff")
    text = rnbayes.build_report(rnbayes.posterior(ev), rnbayes.value_of_information(ev),
                                case=case, format=fmt)
    out = write_file(tmp_path / f"r.{fmt}", text, [], "test")
    written = out.read_text(encoding="utf-8")
    assert "\\ud83e" in written and len(written) > 1000


def test_the_surrogate_case_file_of_the_issue_is_one_line_and_writes_nothing(tmp_path, capsys):
    case = tmp_path / "s.yaml"
    case.write_text('id: "\\ud83e\\udde0"\nevidence: {}\n')
    assert report(case, "-o", tmp_path / "r.html") == 2
    assert "malformed YAML at line 1" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


def test_stdout_in_a_narrow_encoding_gets_escapes_not_a_crash(monkeypatch):
    buf = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(buf, encoding="ascii"))
    write_stdout("P \u2265 0.5 \ud83e\n")
    assert buf.getvalue() == b"P \\u2265 0.5 \\ud83e\n"


def test_a_closed_stdout_is_an_error(monkeypatch, case, capsys):
    monkeypatch.setattr(sys, "stdout", None)
    with pytest.raises(StdoutClosed):
        write_stdout("x")
    assert main(["assess", str(case)]) == 2
    assert "standard output is closed" in capsys.readouterr().err


def test_closed_stdout_and_broken_pipe_exit_non_zero(case):
    closed = subprocess.run(f"{sys.executable} -m rnbayes assess {case} >&-", shell=True,
                            cwd=ROOT, capture_output=True, text=True)
    assert closed.returncode == 2, closed.stderr
    assert closed.stderr.strip() == "rnbayes: error: standard output is closed; nothing was written"
    with subprocess.Popen([sys.executable, "-m", "rnbayes", "report", str(case),
                           "--no-sensitivity"], cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as p:
        p.stdout.close()  # the reader goes away before the report is written
        err = p.stderr.read().decode()
        assert p.wait() == 141 and "Traceback" not in err and "Exception ignored" not in err
