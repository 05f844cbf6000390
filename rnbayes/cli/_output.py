"""Standard output written in one piece and never with an encoding error (files go through
:mod:`rnbayes._files`: atomically, and never over an input)."""

from __future__ import annotations

import sys

from .._files import check_output, same_file, write_file

__all__ = ["StdoutClosed", "check_output", "same_file", "write_file", "write_stdout"]


class StdoutClosed(OSError):
    """Standard output is closed (``rnbayes ... >&-``): nothing can be written."""


def write_stdout(text: str) -> None:
    """Write ``text`` to standard output in one call, encodable whatever its encoding (a
    character it cannot hold becomes a backslash escape), and flush it."""
    out = sys.stdout
    if out is None or getattr(out, "closed", False):
        raise StdoutClosed("standard output is closed; nothing was written")
    encoding = getattr(out, "encoding", None) or "utf-8"
    out.write(text.encode(encoding, errors="backslashreplace").decode(encoding))
    out.flush()
