"""``rnbayes tests CASE.yaml ...``: rank the additional tests by value of information."""

from __future__ import annotations

import argparse
from typing import Any

from ._common import add_voi_options, case_command, emit_all, load, parse_test_ids, utilities_for


def register(sub: Any) -> None:
    p = case_command(sub, "tests", "rank additional tests by value of information",
                     "Rank additional tests (perfusion, PET, spectroscopy, follow-up MRI, ...) "
                     "by how much each would change the posterior and the decision, net of "
                     "its cost. Tests already done are listed apart, never ranked.")
    add_voi_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    tests = parse_test_ids(args.tests, "tests")
    cases, model = load(args)
    emit_all(cases, lambda c: model.value_of_information(
        c.evidence, tests=tests, utilities=utilities_for(args, c, "tests"), rank_by=args.rank_by,
        catalog=args.catalog), as_json=args.json)
    return 0
