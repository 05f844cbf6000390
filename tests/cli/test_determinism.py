"""Two processes with different hash seeds write byte-identical output.

Set and dict iteration order of strings changes with PYTHONHASHSEED; the engine once let it
choose the elimination order (so JSON numbers differed in the last bits) and tied rows kept
whatever order they came in. Each process runs the command-line entry point several times
(one interpreter start per seed keeps the test cheap): the JSON report (posterior, value of
information and sensitivity, every number to the last bit), the Markdown report and
``tests --json``. The generation time stamps are fixed with SOURCE_DATE_EPOCH (as for
reproducible builds), so the files must be identical byte for byte.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.helpers import ROOT

CASE = ROOT / "examples" / "cases" / "demo_numbers.yaml"
DRIVER = """
import contextlib, io, sys
from rnbayes.cli import main
case, out = sys.argv[1], sys.argv[2]
assert main(["report", case, "--format", "json", "--draws", "100", "-o", out + "/r.json"]) == 0
assert main(["report", case, "--format", "md", "--no-sensitivity", "-o", out + "/r.md"]) == 0
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    assert main(["tests", case, "--json"]) == 0
open(out + "/tests.json", "w", encoding="utf-8").write(buf.getvalue())
"""


@pytest.mark.slow
def test_outputs_are_identical_across_hash_seeds(tmp_path):
    procs = {}
    for seed in ("1", "2"):
        (tmp_path / seed).mkdir()
        procs[seed] = subprocess.Popen(
            [sys.executable, "-c", DRIVER, str(CASE), str(tmp_path / seed)], cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "86400"}, stderr=subprocess.PIPE)
    for p in procs.values():
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err.decode()
    for name in ("r.json", "r.md", "tests.json"):
        a, b = ((tmp_path / seed / name).read_text(encoding="utf-8") for seed in ("1", "2"))
        assert len(a) > 1000
        assert a == b, f"{name} differs"
