"""Reading YAML documents, and caching what is built from files while they are unchanged.

:func:`load_document` reads one file and checks it against its schema; a missing file or
malformed YAML is one line naming the file and the line.

:class:`FileCache` keeps objects built from files (a model, a utilities table, a tests
catalogue) keyed on the identity and modification of every file read -- path, mtime and
size -- so an edited file is re-read on the next call. A file modified within the last
two seconds is not trusted to show a later edit in its mtime (file systems store coarse
times: the "racy git" problem), so what was built from it is not cached.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml

from ..errors import SchemaError
from .schema import validate

T = TypeVar("T")

#: a file modified this recently (ns) may still change within the same mtime tick
RACY_NS = 2_000_000_000
#: libyaml's loader when PyYAML was built with it (10x faster), else the pure-Python one
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: str | Path, *, error: type[SchemaError] = SchemaError) -> Any:
    """Read a YAML file; a missing file or malformed YAML raises ``error`` in one line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError):
        raise error("file not found", file=str(path)) from None
    except UnicodeDecodeError:
        raise error("not a UTF-8 text file", file=str(path)) from None
    try:
        return yaml.load(text, Loader=SAFE_LOADER)  # a safe loader: plain data only
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error(f"malformed YAML at {where}: {problem}", file=str(path)) from None


def load_document(path: str | Path, kind: str, *,
                  error: type[SchemaError] = SchemaError) -> Any:
    """Read ``path`` and check it against the ``kind`` schema (stage 1 of validation).

    Errors after parsing name the file by its name (``net.yaml: nodes.rcbv: ...``).
    """
    doc = load_yaml(path, error=error)
    validate(doc, kind, Path(path).name, error=error)
    return doc


def file_stamp(paths: Sequence[Path]) -> tuple[tuple[str, int, int], ...]:
    """``(path, mtime_ns, size)`` of every file (``-1`` for a missing one)."""
    out = []
    for p in paths:
        try:
            st = os.stat(p)
            out.append((str(p), st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((str(p), -1, -1))
    return tuple(out)


class FileCache:
    """Objects built from files, reused while every file read is unchanged.

    Examples
    --------
    >>> import tempfile
    >>> cache = FileCache(4)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     f = Path(d) / "x.txt"
    ...     _ = f.write_text("1")
    ...     a = cache.get("x", lambda: [f], lambda: f.read_text())
    ...     _ = f.write_text("22")
    ...     b = cache.get("x", lambda: [f], lambda: f.read_text())
    >>> a, b
    ('1', '22')
    """

    def __init__(self, limit: int):
        self.limit = limit
        self._items: OrderedDict[Hashable, tuple[Any, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, files: Callable[[], Sequence[Path]],
            build: Callable[[], T]) -> T:
        """The object built for ``key``; rebuilt when any of ``files()`` changed."""
        stamp = file_stamp(files())
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and hit[0] == stamp:
                self._items.move_to_end(key)
                return hit[1]
        read_at = time.time_ns()
        value = build()
        if stamp == file_stamp(files()) and all(m >= 0 and read_at - m > RACY_NS
                                                for _, m, _ in stamp):
            with self._lock:
                self._items[key] = (stamp, value)
                self._items.move_to_end(key)
                while len(self._items) > self.limit:
                    self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
