"""Benchmark: rnbayes' public calls and kernels against pgmpy and pyAgrum; writes RESULTS.md.

Usage (from the repository root)::

    python bench/run.py            # full: two runs in fresh processes, a few minutes
    python bench/run.py --quick    # a few seconds; small samples, for the smoke test
    python bench/run.py --out /tmp/RESULTS.md --passes 1

Each run ("pass") times its contenders in interleaved rounds in one process (A, B, C, A, B,
C, ...) and reports medians; RESULTS.md pools the passes and gives the spread of every
ratio between them. Raw samples go to ``results.json`` beside the Markdown file; if
``bench/baseline.json`` exists its figures are shown as "before". Not a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, Python puts bench/ first on the path; put the checkout root there instead,
# so that this checkout's rnbayes is imported (not an installed copy) and bench/'s module
# names cannot shadow others.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)
elif str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def measure(quick: bool, spawner) -> dict:
    """One pass: every table, in one process."""
    import numpy as np

    import rnbayes
    from bench import adapter, environment, generic, processes, public
    from bench.config import CASE_EVIDENCE, FULL, QUICK
    from bench.nets import Query, bnlearn_query
    from bench.timing import Contender, interleave

    warnings.simplefilter("ignore")
    where = Path(rnbayes.__file__).resolve().parent
    _log(f"measuring rnbayes from {where}")
    if not where.is_relative_to(ROOT):
        print(f"bench: warning: rnbayes imported from {where}, not from this checkout {ROOT}",
              file=sys.stderr, flush=True)
    cfg = QUICK if quick else FULL
    out = {"env": environment.describe(quick), "config": cfg.__dict__}
    rng = np.random.default_rng(2024)
    model = rnbayes.load_model()
    _log("posterior by findings")
    out["posterior"] = public.posterior_scaling(model, cfg, rng)
    _log("value of information by findings")
    out["voi"] = public.voi_scaling(model, cfg, rng)
    _log("kernels on the default network")
    net = adapter.plain_network(model)
    tests = [tuple(n for n in nodes if n not in CASE_EVIDENCE)
             for nodes in adapter.candidate_tests(model).values()]
    queries = [Query("rn_vs_ttp (default)", net, model.target, dict(CASE_EVIDENCE),
                     [t for t in tests if t])]
    out["generic"] = [generic.run_query(queries[0], cfg)]
    for name in cfg.networks:
        _log(f"kernels on {name}")
        out["generic"].append(generic.run_query(bnlearn_query(name), cfg))
    _log("sourced-record draw kernel")
    n = cfg.n_draws
    sourced = interleave([Contender("rnbayes kernel", lambda: adapter.sourced_interval(
        model, CASE_EVIDENCE, n, 0))], cfg.draw_rounds, 0.0)
    out["sourced"] = {"times": sourced, "draws": n,
                      "records": adapter.n_sourced_records(model, CASE_EVIDENCE)}
    _log("sensitivity by draws (child processes)")
    out["sensitivity"] = processes.sensitivity_scaling(cfg, spawner)
    _log("CLI (child processes)")
    out["cli"] = processes.cli(cfg, spawner)
    out["env"]["load_after"] = os.getloadavg()
    return out


_T0 = time.perf_counter()


def _log(msg: str) -> None:
    print(f"bench [{time.perf_counter() - _T0:6.1f} s]: {msg} ...", file=sys.stderr, flush=True)


def run_passes(n: int, quick: bool) -> list[dict]:
    """``n`` passes, each in a fresh process (``--quick``: in this process)."""
    if quick:
        from bench.timing import Spawner

        spawner = Spawner(ROOT)  # before numpy & co. are imported here (see Spawner)
        try:
            return [measure(True, spawner) for _ in range(n)]
        finally:
            spawner.close()
    passes = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n):
            _log(f"run {i + 1} of {n}")
            path = Path(tmp) / f"pass{i}.json"
            subprocess.run([sys.executable, str(Path(__file__)), "--one-pass", str(path)],
                           cwd=ROOT, check=True)
            passes.append(json.loads(path.read_text()))
    return passes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python bench/run.py", description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="a few seconds, small samples")
    ap.add_argument("--passes", type=int, default=None,
                    help="independent runs (default 2; 1 with --quick)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md",
                    help="Markdown output (raw samples go to results.json beside it)")
    ap.add_argument("--baseline", type=Path, default=ROOT / "bench" / "baseline.json",
                    help="raw results shown as 'before' when the file exists")
    ap.add_argument("--baseline-label", default=None,
                    help="save this run as the baseline too, with this label")
    ap.add_argument("--from-json", type=Path,
                    help="no measuring: render the Markdown from a results.json of an earlier run")
    ap.add_argument("--one-pass", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one_pass:
        from bench.timing import Spawner

        spawner = Spawner(ROOT)  # before numpy & co. are imported here (see Spawner)
        try:
            args.one_pass.write_text(json.dumps(measure(args.quick, spawner)), encoding="utf-8")
        finally:
            spawner.close()
        return 0
    from bench import report

    if args.from_json:
        data = json.loads(args.from_json.read_text(encoding="utf-8"))
    else:
        passes = args.passes if args.passes is not None else (1 if args.quick else 2)
        data = {"passes": run_passes(max(1, passes), args.quick)}
    baseline = None
    if args.baseline_label:  # this run becomes the baseline; no "before" column today
        data["label"] = args.baseline_label
        args.baseline.write_text(json.dumps(data), encoding="utf-8")
    elif args.baseline.is_file():
        baseline = json.loads(args.baseline.read_text(encoding="utf-8"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    raw = args.out.with_name("results.json")
    if not (args.from_json and raw.resolve() == args.from_json.resolve()):
        raw.write_text(json.dumps(data), encoding="utf-8")
    text = report.render(data, baseline)
    from bench.cohort_section import keep_section  # issue 12's figures, from bench/cohort.py

    args.out.write_text(keep_section(args.out, text), encoding="utf-8")
    print(text)
    worst = report.worst_check(data)
    if not worst <= 1e-9:
        print(f"bench: contenders disagree by {worst:.2e} (> 1e-9): see 'max abs diff'",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
