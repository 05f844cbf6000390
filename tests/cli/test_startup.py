"""What the command line and a posterior load: ``--help`` builds the parser without the
library (no numpy), and a posterior with its summary and JSON needs neither matplotlib
nor scipy nor tqdm (they load in a fresh process only when a plot or draws are asked
for). Import sets, not timings: speed is measured in bench/."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys, json\n"
                          "print(json.dumps(sorted(sys.modules)))"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_help_does_not_import_the_library():
    loaded = _modules_after("import contextlib, io\nfrom rnbayes.cli import build_parser\n"
                            "with contextlib.redirect_stdout(io.StringIO()):\n"
                            "    try:\n        build_parser().parse_args(['--help'])\n"
                            "    except SystemExit:\n        pass")
    assert "numpy" not in loaded and "pandas" not in loaded
    assert not any(m.startswith("rnbayes.analysis") for m in loaded)


def test_a_posterior_summary_and_json_need_no_plotting_drawing_or_pgmpy():
    # pandas is loaded: the labelled contributions table is a DataFrame (issue 11);
    # a pandas-free posterior path is a follow-up of issue 13. The compiled model is
    # cached first, as after a user's first call (building its tables needs scipy).
    _modules_after("import rnbayes\nrnbayes.load_model()")
    loaded = _modules_after(
        "import rnbayes\n"
        "post = rnbayes.posterior({'enhancement_pattern': 'nodular', 'rcbv': 2.5})\n"
        "text = post.summary() + repr(post) + str(post.conflicting_findings)\n"
        "d = post.to_dict()\nassert d['contributions'] and 'nodular' in text")
    for heavy in ("matplotlib", "scipy", "pgmpy", "tqdm"):
        assert not any(m == heavy or m.startswith(heavy + ".") for m in loaded), heavy
