"""``rnbayes tests CASE.yaml``: rank the additional tests by value of information."""

from __future__ import annotations

import argparse

from ..analysis.model import load_model
from ..analysis.voi import MEASURES, value_of_information
from ..errors import EvidenceError
from ..spec.case import load_case
from .assess import add_model_options, case_command, emit


def add_voi_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rank-by", choices=MEASURES, default="net_value",
                   help="measure to rank by (default: net_value)")
    p.add_argument("--utilities", help="utilities YAML (default: bundled priors/utilities.yaml)")
    p.add_argument("--tests", help="comma-separated test ids (default: every test)")
    p.add_argument("--catalog", help="test catalogue YAML (default: bundled networks/tests.yaml)")


def test_names(arg: str | None) -> list[str] | None:
    if arg is None:
        return None
    names = [t.strip() for t in arg.split(",") if t.strip()]
    if not names:
        raise EvidenceError(f"--tests names no test; got {arg!r} (give comma-separated test ids)")
    return names


def register(sub) -> None:
    p = case_command(sub, "tests", "rank additional tests by value of information",
                     "Rank additional tests (perfusion, PET, spectroscopy, follow-up MRI, ...) "
                     "by how much each would change the posterior and the decision, net of "
                     "its cost.")
    add_voi_options(p)
    add_model_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    case = load_case(args.case)
    model = load_model(args.network, args.priors)
    voi = value_of_information(model, case.evidence, tests=test_names(args.tests),
                               utilities=args.utilities, rank_by=args.rank_by,
                               catalog=args.catalog)
    emit(case, voi, as_json=args.json)
    return 0
