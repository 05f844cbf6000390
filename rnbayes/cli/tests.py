"""``rnbayes tests CASE.yaml``: rank the additional tests by value of information."""

from __future__ import annotations

import argparse
from typing import Any

from ._common import add_voi_options, case_command, emit, load, parse_test_ids, utilities_for


def register(sub: Any) -> None:
    p = case_command(sub, "tests", "rank additional tests by value of information",
                     "Rank additional tests (perfusion, PET, spectroscopy, follow-up MRI, ...) "
                     "by how much each would change the posterior and the decision, net of "
                     "its cost.")
    add_voi_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    tests = parse_test_ids(args.tests, "tests")
    case, model = load(args)
    voi = model.value_of_information(case.evidence, tests=tests,
                                     utilities=utilities_for(args, case, "tests"), rank_by=args.rank_by,
                                     catalog=args.catalog)
    emit(case, voi, as_json=args.json)
    return 0
