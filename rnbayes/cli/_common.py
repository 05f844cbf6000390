"""What the commands share: the model and draw options, case-file commands, output.

A case command takes one or more case files, or folders of them (every ``*.yaml`` in a
folder, in name order), and prints one block per case; with ``--json``, one JSON object
for one case and a list for several.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .._params import check_int, fail
from .._provenance import timestamp
from ..analysis.model import Model, load_model
from ..errors import CaseFileError
from ..results.base import Result
from ..results.voi import MEASURES
from ..spec.case import Case, load_case

#: between the blocks of several cases in text output
RULE = "=" * 100


def case_command(sub: Any, name: str, summary: str, description: str, *,
                 json_flag: bool = True) -> argparse.ArgumentParser:
    """A sub-command taking case files (or folders), the model options and ``--json``
    (unless told otherwise)."""
    p = sub.add_parser(name, help=summary, description=description)
    p.add_argument("cases", nargs="+", metavar="CASE",
                   help="case YAML file(s) with an 'evidence:' mapping, or folder(s) of them")
    if json_flag:
        p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--network", help="network spec YAML (default: the bundled rn_vs_ttp)")
    p.add_argument("--priors", help="folder of prior-record YAML files (default: bundled)")
    return p


def add_draw_options(p: argparse.ArgumentParser, draws_help: str, default: int = 10_000) -> None:
    p.add_argument("--draws", type=int, default=default, help=draws_help)
    p.add_argument("--seed", type=int, default=0, help="random seed for the draws (default 0)")


def add_utilities_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--utilities", help="utilities YAML, or a bundled set: 'asymptomatic' (the "
                   "default) or 'symptomatic' (default: the case file's, else asymptomatic)")


def add_ranking_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rank-by", choices=MEASURES, default="net_value",
                   help="measure to rank the tests by (default: net_value)")
    p.add_argument("--tests", help="comma-separated test ids (default: every test)")
    p.add_argument("--catalog", help="test catalogue YAML (default: bundled networks/tests.yaml)")


def add_voi_options(p: argparse.ArgumentParser) -> None:
    add_ranking_options(p)
    add_utilities_option(p)


def check_draws(args: argparse.Namespace, command: str) -> None:
    """``--draws`` (at least 2) and ``--seed`` (at least 0), before any work is done."""
    check_int(args.draws, "--draws", f"rnbayes {command}", minimum=2)
    check_int(args.seed, "--seed", f"rnbayes {command}", minimum=0)


def parse_test_ids(arg: str | None, command: str) -> list[str] | None:
    """``--tests a,b`` as a list of ids (None when not given)."""
    if arg is None:
        return None
    names = [t.strip() for t in arg.split(",") if t.strip()]
    if not names:
        raise fail("--tests", f"rnbayes {command}", "comma-separated test ids", arg)
    return names


def case_files(paths: Sequence[str]) -> list[Path]:
    """The case files named: files as given, folders as their ``*.yaml`` in name order."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted([*p.glob("*.yaml"), *p.glob("*.yml")])
            if not found:
                raise CaseFileError(f"no case files (*.yaml) in the folder {raw!r}")
            out += found
        else:
            out.append(p)
    return out


def load(args: argparse.Namespace) -> tuple[list[Case], Model]:
    """The case files (every one read and checked before any work) and the model."""
    cases = [load_case(p) for p in case_files(args.cases)]
    return cases, load_model(args.network, args.priors)


def utilities_for(args: argparse.Namespace, case: Case) -> str | None:
    """``--utilities``, else the case file's ``utilities:``, else None (the default)."""
    return getattr(args, "utilities", None) or case.utilities


def case_json(case: Case, result: Result) -> dict[str, Any]:
    return {"generated": timestamp(),
            "case": {"id": case.id, "notes": case.notes, "path": case.path},
            **result.to_dict()}


def emit_all(cases: Sequence[Case], run: Callable[[Case], Result], *, as_json: bool) -> None:
    """Run each case and print its block (or JSON): a result is printed as soon as it is
    ready, so a long batch shows progress."""
    if as_json:
        docs = [case_json(c, run(c)) for c in cases]
        print(json.dumps(docs[0] if len(docs) == 1 else docs, indent=2))
        return
    for k, case in enumerate(cases):
        result = run(case)
        if k:
            print(f"\n{RULE}\n")
        print(f"case: {case.id}")
        if case.notes:
            print(f"notes: {case.notes}")
        print()
        print(result.summary())
        sys.stdout.flush()


def emit(case: Case, result: Result, *, as_json: bool) -> None:
    """Print one result for one case: its ``summary()`` under a case header, or JSON."""
    emit_all([case], lambda _: result, as_json=as_json)
