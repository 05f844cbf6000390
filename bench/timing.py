"""Timing primitives: contenders in interleaved rounds in one process, whole processes
timed from outside (wall, CPU and peak memory of each run), and memory readings."""

from __future__ import annotations

import gc
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Contender:
    """One thing to time. ``fn()`` is timed as a whole unless ``self_timed``: then it
    returns the seconds of its own timed region (for cold calls whose set-up, such as a
    fresh model, must not be counted)."""

    name: str
    fn: Callable[[], Any]
    self_timed: bool = False


class Cycle:
    """Hands out items in turn (evidence variants for warm contenders)."""

    def __init__(self, items: list):
        self.items, self.i = items, 0

    def __call__(self):
        self.i = (self.i + 1) % len(self.items)
        return self.items[self.i]


def interleave(contenders: Sequence[Contender], rounds: int, min_sample: float = 0.01,
               max_number: int = 2000) -> dict[str, list[float]]:
    """Time contenders round-robin (A, B, C, A, B, C, ...): one sample of each per round,
    so machine load drifts hit all of them alike. Each sample is the mean of ``number``
    back-to-back calls, ``number`` chosen once (after a warm-up call) so that a sample lasts
    about ``min_sample`` seconds. Returns seconds per call, one entry per round."""
    numbers = {}
    for c in contenders:
        first = _sample(c, 1)  # warm-up (compiles plans, fills caches)
        if c.self_timed:
            numbers[c.name] = 1
            continue
        again = _sample(c, 1)
        numbers[c.name] = max(1, min(max_number, math.ceil(min_sample / max(min(first, again),
                                                                              1e-7))))
    out: dict[str, list[float]] = {c.name: [] for c in contenders}
    for _ in range(rounds):
        gc.collect()
        for c in contenders:
            out[c.name].append(_sample(c, numbers[c.name]))
    return out


def _sample(c: Contender, number: int) -> float:
    if c.self_timed:
        return sum(c.fn() for _ in range(number)) / number
    t0 = time.perf_counter()
    for _ in range(number):
        c.fn()
    return (time.perf_counter() - t0) / number


def timed(fn: Callable[[], Any]) -> float:
    """Seconds taken by one call."""
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def ratio_samples(num: list[float], den: list[float]) -> list[float]:
    """Per-round ratios num/den (the rounds were interleaved, so each pair shared the
    machine's state)."""
    return [a / b for a, b in zip(num, den) if b > 0]


def summary(xs: list[float]) -> dict[str, float]:
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "n": len(xs)}


# -- memory ----------------------------------------------------------------------------
def rss_now() -> float:
    """Resident set size of this process now, in MB."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return peak_rss()


def peak_rss() -> float:
    """Peak resident set size of this process so far, in MB: ``VmHWM`` (this program's
    own peak; ``ru_maxrss`` would include the parent's peak carried across fork+exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- whole processes -------------------------------------------------------------------
def run_process(argv: Sequence[str], cwd: Path, timeout: float = 600) -> dict[str, Any]:
    """Run a command to completion; its wall time, user+sys CPU and peak memory from the
    kernel's accounting of that one process (``wait4``). Output is discarded (stderr kept
    for the error message)."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(argv), cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _, status, ru = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read().decode(errors="replace").strip().splitlines()[-3:]
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "peak_mb": ru.ru_maxrss / 1024,
            "code": proc.returncode, "stderr": " | ".join(tail)}


class Spawner:
    """Starts the timed commands from a small helper process (``python -m bench.spawn``).

    Linux carries a parent's peak resident memory into its children across fork and exec,
    so a command started from this process (hundreds of MB once numpy, pandas and pgmpy are
    loaded) would report at least this process's peak. The helper starts small, so each
    command's reported peak is its own. Start it before anything large is imported.
    """

    def __init__(self, cwd: Path):
        # The commands run as after installation: byte-compiled files written and reused
        # (here in a private folder, even where PYTHONDONTWRITEBYTECODE is set for the
        # checkout), and rnbayes' compiled-model cache in a private folder too, filled by
        # the first (uncounted) run like a user's first call fills theirs.
        self.tmp = tempfile.TemporaryDirectory(prefix="rnbayes-bench-")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(self.tmp.name) / "pycache")
        env["RNBAYES_CACHE_DIR"] = str(Path(self.tmp.name) / "models")
        self.proc = subprocess.Popen([sys.executable, "-m", "bench.spawn"], cwd=cwd, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)

    def run(self, argv: Sequence[str], cwd: Path, timeout: float = 600) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps({"argv": list(argv), "cwd": str(cwd),
                                          "timeout": timeout}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the spawn helper exited")
        return json.loads(line)

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)
        self.tmp.cleanup()


def interleave_processes(spawner: Spawner, commands: dict[str, Sequence[str]], cwd: Path,
                         rounds: int, warmup: int = 1,
                         warm_commands: dict[str, Sequence[str]] | None = None
                         ) -> dict[str, list[dict[str, Any]]]:
    """Each command once per round, round-robin, after ``warmup`` uncounted rounds (which
    leave the byte-compiled files and the OS file cache warm, as for any second run). In
    those rounds ``warm_commands[name]``, when given, replaces an expensive command by a
    cheaper one that loads the same code."""
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in commands}
    for r in range(warmup + rounds):
        for name, argv in commands.items():
            if r < warmup and warm_commands and name in warm_commands:
                argv = warm_commands[name]
            res = spawner.run(argv, cwd)
            if res["code"] != 0:
                raise RuntimeError(f"{name} exited with {res['code']}: {res['stderr']}")
            if r >= warmup:
                out[name].append(res)
    return out
