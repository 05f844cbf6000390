"""What the cohort commands (score, validate, update, simulate) share: the table argument
and model options, numeric options checked before any work, and writing output files
atomically without ever replacing a file the user has unless asked (``--force``)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .. import _files
from .._params import check_int, check_probability_level, fail
from ..errors import CohortError
from ._output import write_stdout

if TYPE_CHECKING:
    from ..analysis.model import Model


def cohort_command(sub: Any, name: str, summary: str, description: str, *,
                   table: bool = True) -> argparse.ArgumentParser:
    """A sub-command taking a cohort table (CSV or Parquet) and the model options."""
    p = sub.add_parser(name, help=summary, description=description)
    if table:
        p.add_argument("table", help="cohort table: CSV (.csv, .tsv) or Parquet, one row per "
                                     "lesion; columns are node names, measurement keys or "
                                     "aliases (networks/columns.yaml); blank = not recorded")
        p.add_argument("--id-column", help="the lesion id column (default: lesion_id, id, ... "
                                           "when present)")
        p.add_argument("--keep", help="comma-separated columns to carry through unscored")
        p.add_argument("--chunk-rows", type=int, default=200_000,
                       help="rows read at a time from a CSV or Parquet file (default 200000)")
        p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.add_argument("--network", help="network spec YAML (default: the bundled rn_vs_ttp)")
    p.add_argument("--priors", help="folder of prior-record YAML files (default: bundled)")
    p.add_argument("--force", action="store_true",
                   help="replace output files that already exist")
    return p


def model_of(args: argparse.Namespace) -> Model:
    from ..analysis.model import load_model

    return load_model(args.network, args.priors)


def keep_columns(args: argparse.Namespace) -> list[str]:
    return [c.strip() for c in (args.keep or "").split(",") if c.strip()]


def progress(args: argparse.Namespace) -> bool | None:
    return False if getattr(args, "no_progress", False) else None


def check_chunk_rows(args: argparse.Namespace, command: str) -> None:
    check_int(args.chunk_rows, "--chunk-rows", f"rnbayes {command}", minimum=1)


def check_level(value: float, command: str) -> None:
    check_probability_level(value, "--level", f"rnbayes {command}")


def check_output(path: str | None, command: str, force: bool,
                 inputs: Sequence[tuple[str, str]] = (), option: str = "--output",
                 others: Sequence[str | None] = ()) -> None:
    """An output file must be in an existing folder, must be none of the ``inputs`` (pairs
    of what it is and its path; not even with ``force``: :func:`rnbayes._files.check_output`)
    nor one of the command's ``others`` outputs, and, unless ``force``, must not exist yet."""
    if path is None:
        return
    target = _files.check_output(path, inputs, f"rnbayes {command}", option)
    if any(o is not None and os.path.realpath(o) == str(target) for o in others):
        raise fail(option, f"rnbayes {command}", "a file other than the command's other outputs",
                   path)
    if Path(path).exists() and not force:
        raise CohortError(f"{str(path)!r} already exists; choose another name or pass --force to "
                          "replace it")


@contextmanager
def atomic_output(path: str | None) -> Any:
    """A text stream for ``path`` (stdout when None), written through a temporary file
    renamed into place only when the block finishes without an error."""
    if path is None:
        yield sys.stdout
        return
    with _files.writing_text(path) as fh:
        yield fh


def write_text(path: str | None, text: str) -> None:
    if path is None:
        write_stdout(text)
    else:
        _files.write_bytes(path, text.encode("utf-8", errors="backslashreplace"))


def note(message: str) -> None:
    """One line for the user on stderr."""
    print(message, file=sys.stderr)


def writer_for(path: str | None) -> Callable[[TextIO, Any, bool], None]:
    """How to append a chunk of rows to an output stream (CSV; tab-separated for .tsv)."""
    sep = "\t" if path and path.lower().endswith(".tsv") else ","

    def write(fh: TextIO, frame: Any, header: bool) -> None:
        frame.to_csv(fh, sep=sep, index=False, header=header, lineterminator="\n")

    return write
