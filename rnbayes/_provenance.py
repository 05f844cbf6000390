"""What every result and report carries: the research-use notice and package versions.

A leaf module (it imports nothing from rnbayes), so any stage may use it.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from functools import lru_cache

__version__ = "0.1.0"

NOTICE = ("Research use only. rnbayes is not a medical device and must not be used to make "
          "clinical decisions.")

#: packages whose versions a result records
PACKAGES = ("rnbayes", "numpy", "pgmpy")


@lru_cache(maxsize=1)
def package_versions() -> dict[str, str]:
    """``{"rnbayes_version": "0.1.0", "numpy_version": ..., "pgmpy_version": ...}``."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in PACKAGES:
        try:
            out[f"{pkg}_version"] = version(pkg)
        except PackageNotFoundError:
            out[f"{pkg}_version"] = "not installed"
    return out


def generated_at() -> datetime:
    """When an output is generated (UTC): now, or ``SOURCE_DATE_EPOCH`` when that is set
    (reproducible builds: the same inputs then give byte-identical reports)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.now(timezone.utc).replace(microsecond=0)


def timestamp() -> str:
    """:func:`generated_at` as ISO 8601 (``2026-11-30T06:20:00Z``)."""
    return generated_at().strftime("%Y-%m-%dT%H:%M:%SZ")
