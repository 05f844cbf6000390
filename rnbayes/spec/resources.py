"""Locate the data files (networks, priors, examples) shipped with rnbayes.

A wheel carries them under ``rnbayes/_data``; a source checkout keeps them at
the repository root beside the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


_FOUND: dict[tuple[Path, str], Path] = {}


def data_dir(kind: str) -> Path:
    """Return the folder holding ``kind`` (``networks``, ``priors`` or ``examples``)."""
    found = _FOUND.get((_PACKAGE, kind))  # looked up once: every analysis asks
    if found is not None:
        return found
    for candidate in (_PACKAGE / "_data" / kind, _PACKAGE.parent / kind):
        if candidate.is_dir():
            _FOUND[(_PACKAGE, kind)] = candidate
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


def cache_key(path: Path) -> str:
    """A file's key in a :class:`~rnbayes.spec.yamlio.FileCache`: the path itself when it is
    absolute and plain (no ``..``; one file per string), else the resolved path (so a
    relative path means the same file whatever the working directory later becomes)."""
    if path.is_absolute() and ".." not in path.parts:
        return str(path)
    return str(path.resolve())
