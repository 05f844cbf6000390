"""Compiled models kept between processes, so a command-line call does not rebuild one.

Building a model (reading and validating the YAML, deriving every table, solving the
calibrated intercepts) takes longer than a command's whole analysis. The built model is
immutable, so it is pickled into the user's cache folder and read back by the next
process -- but only under a key that covers everything it was built from: the content
and path of every file read, rnbayes' own code and schemas, and the Python and numpy
versions. An edited file, another rnbayes or another numpy gives another key, so a stale
model is never reused (the key is checked again inside the file).

The cache folder is ``$RNBAYES_CACHE_DIR`` if set (empty: no cache), else the platform's
user cache folder for rnbayes (``$XDG_CACHE_HOME/rnbayes`` or ``~/.cache/rnbayes`` on
Linux). It must belong to the user and be writable by nobody else; otherwise, or when it
cannot be created or written, models are simply built every time. Only the newest
:data:`KEEP` models are kept.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

#: cached models kept (the oldest are removed)
KEEP = 8
#: bump when the file layout changes
FORMAT = 1
_PACKAGE = Path(__file__).resolve().parents[1]


def cache_dir() -> Path | None:
    """The folder for cached models, or None when caching is off."""
    env = os.environ.get("RNBAYES_CACHE_DIR")
    if env is not None:
        return Path(env) if env.strip() else None
    try:
        from platformdirs import user_cache_dir  # optional: the platform convention

        return Path(user_cache_dir("rnbayes", appauthor=False))
    except ImportError:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        return Path(base) / "rnbayes"


@cache
def code_digest() -> str:
    """Hash of rnbayes' code and schema files (once per process)."""
    h = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in (".py", ".json") and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(_PACKAGE)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def key_of(files: Sequence[Path]) -> str:
    """The key of a model built from ``files``: their paths and contents, rnbayes' code,
    the Python and numpy versions."""
    import numpy as np

    h = hashlib.sha256(f"{FORMAT}|{sys.version_info[:2]}|{np.__version__}|".encode())
    h.update(code_digest().encode())
    for f in files:
        h.update(str(f).encode() + b"\0")
        try:
            h.update(f.read_bytes())
        except OSError:
            h.update(b"<missing>")
        h.update(b"\0")
    return h.hexdigest()[:32]


def _private(path: Path) -> bool:
    """True when ``path`` belongs to this user and nobody else can write to it."""
    if not hasattr(os, "getuid"):  # not POSIX: the user's profile folder
        return True
    st = path.stat()
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def load_or_build(files: Sequence[Path], build: Callable[[], T]) -> T:
    """The model built from ``files``: from the cache when it holds one under the same key,
    else ``build()`` (stored for the next process when the folder allows)."""
    folder = cache_dir()
    if folder is None:
        return build()
    key = key_of(files)
    path = folder / f"model-{key}.pickle"
    found = _read(path, key)
    if found is not None:
        return found
    value = build()
    _write(folder, path, key, value)
    return value


def _read(path: Path, key: str) -> Any:
    try:
        if not path.is_file() or not _private(path.parent) or not _private(path):
            return None
        stored_key, value = pickle.loads(path.read_bytes())
    except Exception:  # a damaged or foreign file (any unpickling error): build afresh
        return None
    return value if stored_key == key else None


def _write(folder: Path, path: Path, key: str, value: Any) -> None:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(folder):
            return
        data = pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".model-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)  # readers see the old file or the whole new one
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        old = sorted(folder.glob("model-*.pickle"), key=lambda p: p.stat().st_mtime)
        for stale in old[:-KEEP]:
            stale.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError):
        return  # a read-only or full disk: no cache, same answers
