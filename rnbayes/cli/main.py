"""Command-line entry point: ``rnbayes <command> ...``.

Each command lives in its own module exposing ``register(subparsers)``; errors
that rnbayes raises for bad input are printed as one line and exit with code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings

from ..errors import RnbayesError, RnbayesWarning

#: command name -> module implementing ``register(subparsers)``
COMMANDS = {
    "assess": "rnbayes.cli.assess",
    "tests": "rnbayes.cli.tests",
    "report": "rnbayes.cli.report",
    "sensitivity": "rnbayes.cli.sensitivity",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rnbayes",
        description="Radiation necrosis vs tumour progression after radiosurgery "
                    "(research use only; not a medical device).",
    )
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for module in COMMANDS.values():
        importlib.import_module(module).register(sub)
    return parser


def _version() -> str:
    from .. import __version__

    return f"rnbayes {__version__}"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
