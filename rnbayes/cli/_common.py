"""What the commands share: the model and draw options, case-file commands, output."""

from __future__ import annotations

import argparse
import json
from typing import Any

from .._params import check_int, fail
from ..analysis.model import Model, load_model
from ..analysis.sensitivity import DRAWS_WHY, MAX_DRAWS
from ..results.base import Result
from ..results.voi import MEASURES
from ..spec.case import Case, load_case
from ..spec.utilities import Utilities, resolve_utilities
from ._output import write_stdout


def case_command(sub: Any, name: str, summary: str, description: str, *,
                 json_flag: bool = True) -> argparse.ArgumentParser:
    """A sub-command taking one case file, the model options and ``--json`` (unless told
    otherwise)."""
    p = sub.add_parser(name, help=summary, description=description)
    p.add_argument("case", help="case YAML with an 'evidence:' mapping")
    if json_flag:
        p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--network", help="network spec YAML (default: the bundled rn_vs_ttp)")
    p.add_argument("--priors", help="folder of prior-record YAML files (default: bundled)")
    return p


def add_draw_options(p: argparse.ArgumentParser, draws_help: str) -> None:
    p.add_argument("--draws", type=int, default=10_000, help=draws_help)
    p.add_argument("--seed", type=int, default=0, help="random seed for the draws (default 0)")


def add_utilities_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--utilities", help="utilities YAML, or a bundled set: 'asymptomatic' (the "
                   "default, priors/utilities.yaml) or 'symptomatic' (default: the case "
                   "file's utilities:, else asymptomatic)")


def add_voi_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rank-by", choices=MEASURES, default="net_value",
                   help="measure to rank by (default: net_value)")
    p.add_argument("--tests", help="comma-separated test ids (default: every test)")
    p.add_argument("--catalog", help="test catalogue YAML (default: bundled networks/tests.yaml)")
    add_utilities_option(p)


def check_draws(args: argparse.Namespace, command: str) -> None:
    """``--draws`` (at least 2) and ``--seed`` (at least 0), before any work is done."""
    check_int(args.draws, "--draws", f"rnbayes {command}", minimum=2, maximum=MAX_DRAWS,
              why=DRAWS_WHY)
    check_int(args.seed, "--seed", f"rnbayes {command}", minimum=0)


def parse_test_ids(arg: str | None, command: str) -> list[str] | None:
    """``--tests a,b`` as a list of ids (None when not given)."""
    if arg is None:
        return None
    names = [t.strip() for t in arg.split(",") if t.strip()]
    if not names:
        raise fail("--tests", f"rnbayes {command}", "comma-separated test ids", arg)
    return names


def load(args: argparse.Namespace) -> tuple[Case, Model]:
    """The case file and the model named by the options."""
    return load_case(args.case), load_model(args.network, args.priors)


def utilities_for(args: argparse.Namespace, case: Case, command: str) -> Utilities | str | None:
    """``--utilities`` (checked here, so a misspelt set name is named as the option), else
    the case file's ``utilities:`` (checked when the case was read), else None (the default)."""
    if getattr(args, "utilities", None):
        return resolve_utilities(args.utilities, f"rnbayes {command}", "--utilities")
    return case.utilities


def emit(case: Case, result: Result, *, as_json: bool) -> None:
    """Print a result for a case: its ``summary()`` under a case header, or JSON -- built
    whole first, then written in one piece."""
    if as_json:
        out = {"case": {"id": case.id, "notes": case.notes, "path": case.path},
               **result.to_dict()}
        write_stdout(json.dumps(out, indent=2) + "\n")
        return
    head = f"case: {case.id}\n" + (f"notes: {case.notes}\n" if case.notes else "")
    write_stdout(f"{head}\n{result.summary()}\n")
