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


def file_identity(path: str | Path) -> str:
    """How a report names a file without a machine path: a bundled file by its name
    (``utilities.yaml (bundled)``), any other by its name and content digest
    (``my_utilities.yaml (sha256 1a2b3c4d5e6f)``).

    Examples
    --------
    >>> file_identity(default_priors_dir() / "utilities.yaml")
    'utilities.yaml (bundled)'
    """
    import hashlib

    p = Path(path).resolve()
    for kind in ("networks", "priors", "examples"):
        try:
            if p.parent == data_dir(kind).resolve():
                return f"{p.name} (bundled)"
        except FileNotFoundError:  # pragma: no cover - an incomplete install
            continue
    try:
        digest = hashlib.sha256(p.read_bytes()).hexdigest()[:12]
    except OSError:
        return p.name
    return f"{p.name} (sha256 {digest})"
