"""What the commands share: the model and draw options, case-file commands, output.

A case command takes one or more case files, or folders of them (every ``*.yaml`` in a
folder, in name order), and prints one block per case; with ``--json``, one JSON object
for one case and a list for several.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._params import DRAWS_WHY, MAX_DRAWS, MEASURES, check_int, fail
from .._provenance import timestamp
from ..errors import CaseFileError
from ._output import write_stdout

if TYPE_CHECKING:
    from ..analysis.model import Model
    from ..results.base import Result
    from ..spec.case import Case
    from ..spec.utilities import Utilities

# The library (numpy, pandas, the model, the results) is imported inside the functions
# that use it, so that building the parser -- all ``rnbayes --help`` does -- stays fast.

#: between the blocks of several cases in text output
RULE = "=" * 100
#: draws of a quick credible interval (``assess --interval``, ``compare``): the library's
#: ``analysis.interval.QUICK_DRAWS``, written here so building the parser imports no numpy
QUICK = 2000


def case_command(sub: Any, name: str, summary: str, description: str, *,
                 json_flag: bool = True) -> argparse.ArgumentParser:
    """A sub-command taking case files (or folders), the model options and ``--json``
    (unless told otherwise)."""
    p = sub.add_parser(name, help=summary, description=description)
    p.add_argument("cases", nargs="+", metavar="CASE",
                   help="case YAML file(s) with an 'evidence:' mapping, or folder(s) of them")
    if json_flag:
        p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--network", help="network spec YAML (default: the bundled rn_vs_ttp), or a "
                   "network file of another tool: .xdsl, .net, .bif, .xmlbif/.bifxml, .uai")
    p.add_argument("--priors", help="folder of prior-record YAML files (default: bundled)")
    add_network_file_options(p)
    return p


def add_network_file_options(p: argparse.ArgumentParser) -> None:
    """What a network file may not say: the target node, its positive state, and how
    certain its tables are."""
    g = p.add_argument_group("network files (--network net.xdsl etc.)")
    g.add_argument("--target", help="the node to analyse (default: the node in group "
                   "'target', as rnbayes writes it)")
    g.add_argument("--positive", help="the target state P(...) refers to (default: the "
                   "marked target's last state, else a state named yes/true/present/positive)")
    g.add_argument("--ess", type=float, default=None,
                   help="equivalent sample size of each table column for sensitivity "
                   "(default: load_network's)")


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
    from ..spec.case import load_case

    cases = [load_case(p) for p in case_files(args.cases)]
    return cases, model_for(args)


def model_for(args: argparse.Namespace) -> Model:
    """``--network`` as a model; the file options only with a network file."""
    from ..analysis.files import load_network
    from ..analysis.model import load_model
    from ..spec.loaded import DEFAULT_ESS

    command = f"rnbayes {args.command}"
    if args.network is None or Path(args.network).suffix.lower() in (".yaml", ".yml"):
        for opt in ("target", "positive"):
            if getattr(args, opt, None) is not None:
                raise fail(f"--{opt}", command, "given only with a network file (--network "
                           "net.xdsl, .net, .bif, .xmlbif, .uai)", getattr(args, opt))
        return load_model(args.network, args.priors)
    if args.priors is not None:
        raise fail("--priors", command, "given only with a network spec YAML (a network "
                   "file carries its own tables)", args.priors)
    return load_network(args.network, target=args.target, positive=args.positive,
                        ess=DEFAULT_ESS if args.ess is None else args.ess)


def utilities_option(args: argparse.Namespace, command: str) -> Utilities | None:
    """``--utilities`` resolved (here, so a misspelt set name is named as the option), or
    None when it is not given."""
    if not getattr(args, "utilities", None):
        return None
    from ..spec.utilities import resolve_utilities

    return resolve_utilities(args.utilities, f"rnbayes {command}", "--utilities")


def utilities_for(args: argparse.Namespace, case: Case, command: str) -> Utilities | str | None:
    """``--utilities``, else the case file's ``utilities:`` (checked when the case was
    read), else None (the default)."""
    given = utilities_option(args, command)
    return case.utilities if given is None else given


def case_json(case: Case, result: Result) -> dict[str, Any]:
    return {"generated": timestamp(),
            "case": {"id": case.id, "notes": case.notes, "path": case.path},
            **result.to_dict()}


def emit_all(cases: Sequence[Case], run: Callable[[Case], Result], *, as_json: bool) -> None:
    """Run each case and print its block, or all of them as JSON. A text block is written in
    one piece as soon as its case is done, so a long batch shows progress; JSON is built
    whole first, then written in one piece."""
    if as_json:
        docs = [case_json(c, run(c)) for c in cases]
        write_stdout(json.dumps(docs[0] if len(docs) == 1 else docs, indent=2) + "\n")
        return
    for k, case in enumerate(cases):
        result = run(case)
        head = f"\n{RULE}\n\n" if k else ""
        head += f"case: {case.id}\n" + (f"notes: {case.notes}\n" if case.notes else "")
        write_stdout(f"{head}\n{result.summary()}\n")

