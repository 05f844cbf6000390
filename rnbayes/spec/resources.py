"""Locate the data files (networks, priors, examples) shipped with rnbayes.

A wheel carries them under ``rnbayes/_data``; a source checkout keeps them at
the repository root beside the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def data_dir(kind: str) -> Path:
    """Return the folder holding ``kind`` (``networks``, ``priors`` or ``examples``)."""
    for candidate in (_PACKAGE / "_data" / kind, _PACKAGE.parent / kind):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"rnbayes data folder {kind!r} not found in {_PACKAGE / '_data'} or {_PACKAGE.parent}; "
        "reinstall rnbayes"
    )


def default_network_path() -> Path:
    return data_dir("networks") / "rn_vs_ttp.yaml"


def default_priors_dir() -> Path:
    return data_dir("priors")
