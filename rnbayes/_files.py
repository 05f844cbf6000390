"""Files written atomically and never over an input: the one writer of every report, table
and network file that rnbayes writes (the CLI's ``--output`` and the Python API alike).

:func:`write_file` (text) and :func:`write_bytes` (bytes, after the caller's checks), or
:func:`replacing` / :func:`writing_text` for output written piece by piece (a cohort's rows):

* the output may not be any file the command read (case, network, priors, utilities,
  catalogue) -- compared with :func:`os.path.samefile`, so a symlink, a hard link or another
  spelling of the same path is caught;
* the text goes to a temporary file in the same folder, which then replaces the target
  (:func:`os.replace`, atomic on POSIX and Windows): a failure at any point leaves the old
  file as it was, never a truncated or empty one. A symlink is written through (the file it
  names is replaced, the link stays);
* text that cannot be encoded (a lone surrogate such as ``"\\ud83e"`` from the Python API)
  is written as a backslash escape rather than crashing.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TextIO

from ._params import fail


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether ``a`` and ``b`` are the same existing file (symlinks and hard links too)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_output(path: str | Path, inputs: Iterable[tuple[str, str | Path]], caller: str,
                 option: str = "--output") -> Path:
    """``path`` as the file to write: in an existing folder, not a folder itself, and none
    of the ``inputs`` (pairs of what it is and its path). Returns the path to replace (a
    symlink resolved to the file it names)."""
    target = Path(os.path.realpath(path))
    if target.is_dir():
        raise fail(option, caller, "a file, not a folder", str(path))
    if not target.parent.is_dir():
        raise fail(option, caller, "a file in an existing folder", str(path),
                   f" (no folder {str(Path(path).parent)!r})")
    for what, source in inputs:
        if same_file(target, source):
            raise fail(option, caller, "a file other than the inputs", str(path),
                       f" (it is the {what}, which would be overwritten)")
    return target


def write_file(path: str | Path, text: str, inputs: Iterable[tuple[str, str | Path]],
               caller: str, option: str = "--output") -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically, after :func:`check_output`."""
    target = check_output(path, inputs, caller, option)
    write_bytes(target, text.encode("utf-8", errors="backslashreplace"))
    return target


def write_bytes(target: str | Path, data: bytes) -> None:
    """Replace ``target`` by ``data`` through a temporary file in its folder, keeping the
    file's mode (a new file gets 0666 less the umask, as ``open`` would give it)."""
    with replacing(target) as tmp, open(tmp, "wb") as f:
        f.write(data)


@contextmanager
def replacing(target: str | Path) -> Iterator[str]:
    """A temporary file name in ``target``'s folder for a writer to fill (rows chunk by
    chunk, or a library that takes a file name, such as Parquet); when the block ends
    without an error the file is synced, given ``target``'s mode (a new file: 0666 less
    the umask) and renamed over ``target``; on any error it is deleted and ``target`` is
    left as it was. Call :func:`check_output` first."""
    target = Path(os.path.realpath(target))
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


@contextmanager
def writing_text(target: str | Path) -> Iterator[TextIO]:
    """A UTF-8 text stream (a character it cannot encode becomes a backslash escape) whose
    contents replace ``target`` when the block succeeds (see :func:`replacing`)."""
    with replacing(target) as tmp, open(tmp, "w", encoding="utf-8", errors="backslashreplace",
                                        newline="") as fh:
        yield fh
