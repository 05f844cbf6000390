"""``rnbayes sensitivity CASE.yaml ...``: how much the answer depends on the published
figures."""

from __future__ import annotations

import argparse
from typing import Any

from ._common import (
    add_draw_options,
    add_voi_options,
    case_command,
    check_draws,
    emit_all,
    load,
    parse_test_ids,
    utilities_for,
)


def register(sub: Any) -> None:
    p = case_command(sub, "sensitivity", "uncertainty and sensitivity of a case's P(TTP)",
                     "Credible interval of P(TTP) from parameter uncertainty, tornado, flip "
                     "points, prior curve and the robustness of the test ranking (the same "
                     "tests and --rank-by as 'rnbayes tests') for one or more case files.")
    add_draw_options(p, "parameter draws (default 10000)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    add_voi_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    check_draws(args, "sensitivity")
    tests = parse_test_ids(args.tests, "sensitivity")
    cases, model = load(args)
    emit_all(cases, lambda c: model.sensitivity(
        c.evidence, n_draws=args.draws, seed=args.seed, utilities=utilities_for(args, c, "sensitivity"),
        catalog=args.catalog, tests=tests, rank_by=args.rank_by,
        progress=False if args.no_progress else None), as_json=args.json)
    return 0
