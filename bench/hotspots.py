"""Where the public calls spend their time: ``python bench/hotspots.py [--top N]``.

Profiles (cProfile) warm ``posterior`` at 25 findings, warm ``value_of_information``, one
``sensitivity`` call with 10,000 draws, and the CLI: ``-X importtime`` for start-up and
cProfile of ``rnbayes assess`` in a fresh process. Prints the top functions by own time and
by cumulative time (rnbayes' functions only, for the cumulative list). Not a benchmark:
profiling slows Python code more than numpy code, so use it for where, not how much.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)  # this checkout's rnbayes, not an installed one


def _rows(stats: pstats.Stats, key: str, top: int, only_rnbayes: bool) -> list[str]:
    stats.sort_stats(key)
    total = max(stats.total_tt, 1e-12)
    out = []
    for func in stats.fcn_list:  # type: ignore[attr-defined]
        file, line, name = func
        _, nc, tt, ct, _ = stats.stats[func]  # type: ignore[attr-defined]
        if only_rnbayes and "rnbayes" not in file:
            continue
        where = f"{Path(file).name}:{line}" if file != "~" else "built-in"
        value = ct if key == "cumulative" else tt
        out.append(f"  {100 * value / total:5.1f}%  {value:8.3f} s  {nc:>7}  {name} ({where})")
        if len(out) == top:
            break
    return out


def profile(label: str, fn, repeat: int, top: int) -> None:
    """Profile ``repeat`` warm calls, worker threads included (each new thread gets its own
    profiler; the statistics are merged, so shares are of CPU time summed over threads)."""
    fn()  # warm: plans compiled, files read once
    workers: list[cProfile.Profile] = []

    def start_in_thread(*_):
        prof = cProfile.Profile()
        workers.append(prof)
        prof.enable()

    threading.setprofile(start_in_thread)
    main = cProfile.Profile()
    main.enable()
    for _ in range(repeat):
        fn()
    main.disable()
    threading.setprofile(None)  # type: ignore[arg-type]
    stats = pstats.Stats(main, stream=io.StringIO())
    for prof in workers:
        stats.add(prof)
    print(f"\n## {label} ({repeat} calls, {stats.total_tt:.3f} s profiled, "  # type: ignore[attr-defined]
          f"{len(workers)} worker threads)")
    print("by own time:        share     time    calls  function")
    print("\n".join(_rows(stats, "tottime", top, False)))
    print("by cumulative time (rnbayes functions):")
    print("\n".join(_rows(stats, "cumulative", top + 3, True)))


def importtime(top: int) -> None:
    """Packages whose first import costs most in ``rnbayes --help`` (-X importtime: the
    largest cumulative time among each top-level package's modules)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "rnbayes", "--help"],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    by_package: dict[str, int] = {}
    total = 0
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if not m:
            continue
        package, cumulative = m.group(4).split(".")[0], int(m.group(2))
        by_package[package] = max(by_package.get(package, 0), cumulative)
        if len(m.group(3)) == 1:  # imported at top level
            total += cumulative
    rows = sorted(((us, name) for name, us in by_package.items() if name != "rnbayes"),
                  reverse=True)
    print(f"\n## `rnbayes --help` start-up: imports take {total / 1e3:.0f} ms in all; "
          "slowest packages (cumulative, -X importtime)")
    for us, name in rows[:top]:
        print(f"  {us / 1e3:8.1f} ms  {name}")


def assess_profile(top: int) -> None:
    case = ROOT / "examples" / "cases" / "equivocal_enlarging_rim.yaml"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "assess.prof"
        subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "rnbayes",
                        "assess", str(case)], cwd=ROOT, capture_output=True, check=True)
        stats = pstats.Stats(str(out), stream=io.StringIO())
    print(f"\n## `rnbayes assess` in a fresh process ({stats.total_tt:.3f} s profiled)")  # type: ignore[attr-defined]
    print("by cumulative time (rnbayes functions):")
    print("\n".join(_rows(stats, "cumulative", top + 3, True)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python bench/hotspots.py")
    ap.add_argument("--top", type=int, default=5)
    args = ap.parse_args(argv)
    import rnbayes
    from bench.config import CASE_EVIDENCE

    model = rnbayes.load_model()
    states = {n: model.states(n) for n in model.observable}
    full = {n: s[-1] for n, s in states.items()}  # all 25 findings, a possible combination
    model.posterior(full)

    def post():
        p = model.posterior(full)
        _ = p.contributions, p.conflict

    def voi():
        v = model.value_of_information(CASE_EVIDENCE)
        _ = v.table, v.what_if, v.best_pairs

    profile("posterior(), 25 findings, warm", post, 200, args.top)
    profile("value_of_information(), CLI case, warm", voi, 20, args.top)
    profile("sensitivity(n_draws=10_000), CLI case",
            lambda: model.sensitivity(CASE_EVIDENCE, n_draws=10_000, progress=False), 1, args.top)
    importtime(args.top)
    assess_profile(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
