"""Writing files so that nothing a user has is lost: every output goes to a temporary file
in the target's folder and is renamed over the target only when it is complete.

One writer for every stage (reports, cohort tables, prior-record folders). The temporary
file starts private (0600, as :func:`tempfile.mkstemp` makes it); it is given the mode a
new file normally gets (0666 less the umask) before the rename, so an output is as
readable as any file the user creates.

Examples
--------
>>> import pathlib, tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     target = pathlib.Path(d) / "out.txt"
...     atomic_write(target, "one\\n")
...     with atomic_stream(target) as fh:
...         _ = fh.write("two\\n")
...     target.read_text(), sorted(p.name for p in pathlib.Path(d).iterdir())
('two\\n', ['out.txt'])
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

__all__ = ["atomic_path", "atomic_stream", "atomic_write", "file_mode"]


def file_mode() -> int:
    """The mode a new file normally gets: 0666 less the process umask."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextmanager
def atomic_path(path: str | Path) -> Iterator[str]:
    """A temporary file name beside ``path``; renamed to ``path`` when the block finishes
    without an error, deleted otherwise (for writers that take a file name)."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, file_mode())
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@contextmanager
def atomic_stream(path: str | Path) -> Iterator[TextIO]:
    """A UTF-8 text stream whose contents replace ``path`` when the block succeeds (rows
    can be written chunk by chunk; nothing is held in memory)."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        yield fh


def atomic_write(path: str | Path, data: bytes | str) -> None:
    """Write ``data`` (bytes, or text as UTF-8) to ``path`` through a temporary file."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(path) as tmp:
        Path(tmp).write_bytes(payload)
