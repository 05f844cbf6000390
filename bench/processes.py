"""What runs in its own process: the CLI commands (wall time from outside, cold start every
run) and ``Model.sensitivity`` by number of draws (a fresh process per size, so its peak
resident memory is that size's own).

Run as ``python -m bench.processes sensitivity --draws N --warm R --out FILE`` for one
sensitivity child; :func:`sensitivity_scaling` and :func:`cli` drive them.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.config import CASE_EVIDENCE, CASE_FILE, ROOT, Config
from bench.timing import Spawner, interleave_processes, peak_rss, rss_now


def cli(cfg: Config, spawner: Spawner) -> dict[str, Any]:
    """``rnbayes --help``, ``rnbayes assess CASE`` and ``rnbayes report CASE`` with
    ``report_draws`` draws, as ``python -m rnbayes`` from the repository root (so the
    checkout's code runs), round-robin, each run a new process."""
    py = [sys.executable, "-m", "rnbayes"]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.html"
        report = f"rnbayes report --draws {cfg.report_draws}"

        def report_argv(draws: int) -> list[str]:
            return [*py, "report", str(CASE_FILE), "--draws", str(draws), "-o", str(out)]

        commands = {"rnbayes --help": [*py, "--help"],
                    "rnbayes assess": [*py, "assess", str(CASE_FILE)],
                    # the first call after installing or editing a data file: no model cached
                    "rnbayes assess, model not cached": ["env", "RNBAYES_CACHE_DIR=", *py,
                                                         "assess", str(CASE_FILE)],
                    report: report_argv(cfg.report_draws)}
        warm = {report: report_argv(200)}  # the uncounted round loads the same code, cheaply
        runs = interleave_processes(spawner, commands, ROOT, cfg.cli_rounds, cfg.cli_warmup, warm)
        report_ok = out.is_file() and out.stat().st_size > 0
    baseline = interleave_processes(spawner, {"python -c pass": [sys.executable, "-c", "pass"]},
                                    ROOT, cfg.cli_rounds, cfg.cli_warmup)
    return {"runs": {**runs, **baseline}, "case": CASE_FILE.name, "report_written": report_ok}


def sensitivity_scaling(cfg: Config, spawner: Spawner) -> list[dict[str, Any]]:
    """One child process per number of draws (and one with BLAS limited to one thread)."""
    import importlib.util

    plan = [(n, warm, False) for n, warm in cfg.sensitivity]
    if cfg.blas_one and importlib.util.find_spec("threadpoolctl") is not None:
        plan.append((10_000, 1, True))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, warm, one in plan:
            path = Path(tmp) / f"sens-{n}-{int(one)}.json"
            argv = [sys.executable, "-m", "bench.processes", "sensitivity", "--draws", str(n),
                    "--warm", str(warm), "--out", str(path)] + (["--blas-one"] if one else [])
            res = spawner.run(argv, ROOT, timeout=1200)
            if res["code"] != 0:
                raise RuntimeError(f"sensitivity child ({n} draws) failed: {res['stderr']}")
            row = json.loads(path.read_text())
            row["process_peak_mb"] = res["peak_mb"]
            rows.append(row)
    return rows


def _touch(s) -> None:
    """Every part of the result, in case some become lazily computed."""
    _ = (s.interval, s.p_decision_differs, s.tornado, s.flip_points, s.prior_curve,
         s.voi_intervals)


def _sensitivity_child(n: int, warm: int, blas_one: bool) -> dict[str, Any]:
    import contextlib

    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:  # optional (bench extra): no thread report, no limiting
        threadpool_info, threadpool_limits = list, None

    t0 = time.perf_counter()
    import rnbayes

    t_import = time.perf_counter() - t0
    model = rnbayes.load_model()
    model.posterior(CASE_EVIDENCE)
    rss_before = rss_now()
    if blas_one and threadpool_limits is None:
        raise SystemExit("--blas-one needs threadpoolctl (pip install threadpoolctl)")
    limit = threadpool_limits(1) if blas_one else contextlib.nullcontext()
    with limit:
        blas = [{"api": i.get("internal_api"), "threads": i.get("num_threads")}
                for i in threadpool_info()]
        times = []
        for seed in range(1 + warm):
            t = time.perf_counter()
            _touch(model.sensitivity(CASE_EVIDENCE, n_draws=n, seed=seed, progress=False))
            times.append(time.perf_counter() - t)
    return {"draws": n, "blas_one": blas_one, "blas": blas, "cold": times[0], "warm": times[1:],
            "rss_before_mb": rss_before, "peak_mb": peak_rss(), "import_s": t_import,
            "rnbayes": rnbayes.__file__}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.processes")
    sub = ap.add_subparsers(dest="what", required=True)
    s = sub.add_parser("sensitivity")
    s.add_argument("--draws", type=int, required=True)
    s.add_argument("--warm", type=int, default=0)
    s.add_argument("--blas-one", action="store_true")
    s.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    res = _sensitivity_child(args.draws, args.warm, args.blas_one)
    Path(args.out).write_text(json.dumps(res), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
