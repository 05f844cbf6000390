"""Where and on what a run was measured: date, commit, machine, load, versions."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.config import ROOT

PACKAGES = ("numpy", "pandas", "scipy", "opt_einsum", "pgmpy", "pyAgrum", "PyYAML")


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _version(pkg: str) -> str:
    try:
        return metadata.version(pkg)
    except metadata.PackageNotFoundError:
        return "not installed"


def describe(quick: bool) -> dict[str, Any]:
    import rnbayes

    try:
        from threadpoolctl import threadpool_info

        blas = [f"{i.get('internal_api')} ({i.get('num_threads')} threads)"
                for i in threadpool_info()]
    except ImportError:
        blas = ["unknown"]
    dirty = bool(_git("status", "--porcelain", "--untracked-files=no", "--", "rnbayes",
                      "networks", "priors"))
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": _git("rev-parse", "--short", "HEAD"),
        # the code measured: the last commit that changed the library or its data
        "code_commit": _git("log", "-1", "--format=%h", "--", "rnbayes", "networks", "priors")
        + (" + uncommitted changes" if dirty else ""),
        "cpu": _cpu(), "cores": os.cpu_count(), "memory_gb": _memory_gb(),
        "os": platform.platform(), "python": platform.python_version(),
        "versions": {p: _version(p) for p in PACKAGES},
        "blas": blas, "rnbayes_file": str(Path(rnbayes.__file__).resolve().relative_to(ROOT))
        if Path(rnbayes.__file__).resolve().is_relative_to(ROOT) else rnbayes.__file__,
        "load_before": os.getloadavg(), "quick": quick,
    }
