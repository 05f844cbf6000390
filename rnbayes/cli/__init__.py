"""Stage 6: the command-line interface, ``rnbayes <command> ...``.

One module per command (``assess``, ``tests``, ``sensitivity``, ``report``, ``compare``,
``audit``), each with ``register(subparsers)``; shared options live in :mod:`._common`.
Errors that rnbayes raises for bad input (and OS errors such as an unwritable file) are
printed as one line and exit with code 2; ``rnbayes audit`` exits with 1 when a check fails.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import warnings

from .._provenance import __version__
from ..errors import RnbayesError, RnbayesWarning
from . import assess, audit, compare, report, score, sensitivity, simulate, tests, update, validate

#: command modules, in the order of ``rnbayes --help``
COMMANDS = (assess, tests, sensitivity, report, compare, audit, score, validate, update, simulate)

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rnbayes",
        description="Radiation necrosis vs tumour progression after radiosurgery "
                    "(research use only; not a medical device).",
    )
    parser.add_argument("--version", action="version", version=f"rnbayes {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the exit code (0; 1 for a failed audit; 2 for bad input)."""
    args = build_parser().parse_args(argv)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", RnbayesWarning)
            code = args.func(args)
        for w in caught:
            if issubclass(w.category, RnbayesWarning):
                _say(f"rnbayes: warning: {w.message}")
        return int(code or 0)
    # Exit codes beyond 0: 2 for bad input, an OS error or a closed standard output (one
    # line on standard error); 141 when the reader of a pipe goes away (`rnbayes tests
    # c.yaml | head -1`), quietly, as the shell reports a process that SIGPIPE ends
    # (128 + 13). Every write to a file or to standard output goes through ._output.
    except BrokenPipeError:
        _silence_stdout()
        return 141
    except (RnbayesError, OSError) as exc:
        _say(f"rnbayes: error: {exc}")
        return 2
    except KeyboardInterrupt:
        _say("rnbayes: interrupted")
        return 130


def _say(line: str) -> None:
    """One line on standard error (when there is one)."""
    if sys.stderr is not None:
        print(line, file=sys.stderr)


def _silence_stdout() -> None:
    """Point standard output at the null device, so that flushing it at exit does not
    raise BrokenPipeError again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
