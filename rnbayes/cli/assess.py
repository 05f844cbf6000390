"""``rnbayes assess CASE.yaml [--json]``: posterior and what drove it."""

from __future__ import annotations

import argparse
import json

from ..analysis.model import load_model
from ..spec.case import load_case


def add_model_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--network", help="network spec YAML (default: the bundled rn_vs_ttp)")
    p.add_argument("--priors", help="folder of prior-record YAML files (default: bundled)")


def case_command(sub, name: str, summary: str, description: str, *,
                 json_flag: bool = True) -> argparse.ArgumentParser:
    """A sub-command taking one case file (and ``--json`` unless told otherwise)."""
    p = sub.add_parser(name, help=summary, description=description)
    p.add_argument("case", help="case YAML with an 'evidence:' mapping")
    if json_flag:
        p.add_argument("--json", action="store_true", help="machine-readable output")
    return p


def add_draw_options(p: argparse.ArgumentParser, draws_help: str) -> None:
    p.add_argument("--draws", type=int, default=10_000, help=draws_help)
    p.add_argument("--seed", type=int, default=0, help="random seed for the draws (default 0)")


def register(sub) -> None:
    p = case_command(sub, "assess", "posterior P(TTP) vs P(RN) for a case file",
                     "Posterior P(TTP) vs P(RN) for a case file, with each finding's "
                     "contribution and a data-conflict score.")
    add_model_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    case = load_case(args.case)
    model = load_model(args.network, args.priors)
    emit(case, model.posterior(case.evidence), as_json=args.json)
    return 0


def emit(case, result, *, as_json: bool) -> None:
    """Print a result for a case: its ``summary()`` under a case header, or JSON."""
    if as_json:
        out = {"case": {"id": case.id, "notes": case.notes, "path": case.path},
               **result.to_dict()}
        print(json.dumps(out, indent=2))
        return
    print(f"case: {case.id}")
    if case.notes:
        print(f"notes: {case.notes}")
    print()
    print(result.summary())
