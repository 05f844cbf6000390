"""The benchmark runs and writes well-formed output.

Runs ``python bench/run.py --quick`` once into a temporary folder. No timing assertions:
speed is reported by the benchmark, not tested here. (The script itself exits non-zero when
two contenders disagree by more than 1e-9, so a zero exit also means they agreed.)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SECTIONS = ["## Targets of issue 13", "## Posterior by number of findings",
            "## Value of information by number of findings", "## Sensitivity by number of draws",
            "## Command line", "## Generic engine", "## How each contender is used"]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "RESULTS.md"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--out", str(out),
         "--baseline", str(out.with_name("no-baseline.json"))],
        cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


def _tables(text: str) -> list[list[str]]:
    tables, cur = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            cur.append(line)
        elif cur:
            tables.append(cur)
            cur = []
    return tables + ([cur] if cur else [])


def test_every_section_and_target_is_written(quick_run):
    text = quick_run.read_text(encoding="utf-8")
    for heading in SECTIONS:
        assert heading in text
    targets = _tables(text.split("## Targets of issue 13")[1])[0]
    keys = {row.split("|")[1].strip() for row in targets[2:]}
    assert keys == {"1", "2", "3", "4", "5"}
    assert "Machine:" in text and "pgmpy" in text and "commit" in text


def test_tables_are_well_formed(quick_run):
    tables = _tables(quick_run.read_text(encoding="utf-8"))
    assert len(tables) >= 8
    for table in tables:
        width = table[0].count("|")
        assert set(table[1].replace("|", "")) == {"-"}
        assert all(row.count("|") == width for row in table), table[0]
        assert len(table) > 2, table[0]


def test_raw_results_hold_samples_for_every_contender(quick_run):
    data = json.loads(quick_run.with_name("results.json").read_text(encoding="utf-8"))
    (one,) = data["passes"]
    rows = one["posterior"] + one["voi"] + [g[s] for g in one["generic"]
                                            for s in ("posterior", "voi", "draws")]
    for row in rows:
        assert row["times"], row
        for samples in row["times"].values():
            assert samples and all(t > 0 for t in samples)
    assert {r["draws"] for r in one["sensitivity"]}
    assert all(len(runs) >= 1 for runs in one["cli"]["runs"].values())
    assert one["cli"]["report_written"]
