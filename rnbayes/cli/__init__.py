"""Stage 6: the command-line interface, ``rnbayes <command> ...``.

One module per command (``assess``, ``tests``, ``sensitivity``, ``report``, ``compare``,
``audit``), each with ``register(subparsers)``; shared options live in :mod:`._common`.
Errors that rnbayes raises for bad input (and OS errors such as an unwritable file) are
printed as one line and exit with code 2; ``rnbayes audit`` exits with 1 when a check fails.
"""

from __future__ import annotations

import argparse
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
                print(f"rnbayes: warning: {w.message}", file=sys.stderr)
        return int(code or 0)
    except BrokenPipeError:  # output piped into e.g. `head`
        sys.stderr.close()
        return 0
    except (RnbayesError, OSError) as exc:
        print(f"rnbayes: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("rnbayes: interrupted", file=sys.stderr)
        return 130
