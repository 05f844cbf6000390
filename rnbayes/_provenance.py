"""What every result and report carries: the research-use notice and package versions.

A leaf module (it imports nothing from rnbayes), so any stage may use it.
"""

from __future__ import annotations

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
