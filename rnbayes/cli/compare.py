"""``rnbayes compare A.yaml B.yaml ...``: cases side by side -- P(TTP) with a quick credible
interval, the recommendation, and the best next test of each."""

from __future__ import annotations

import argparse
import json
from typing import Any

from .._provenance import timestamp
from ._common import (
    QUICK,
    add_draw_options,
    add_voi_options,
    case_command,
    check_draws,
    load,
    parse_test_ids,
    utilities_option,
)
from ._output import write_stdout


def register(sub: Any) -> None:
    p = case_command(sub, "compare", "several cases side by side",
                     "Cases side by side: P(TTP) with a 95%% credible interval from a quick "
                     "run over parameter draws, the recommended action, the best next test, "
                     "and the findings that differ.")
    add_draw_options(p, f"parameter draws for each interval (default {QUICK})", default=QUICK)
    p.add_argument("--no-interval", action="store_true", help="no credible intervals (faster)")
    add_voi_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.no_interval:
        check_draws(args, "compare")
    tests = parse_test_ids(args.tests, "compare")
    cases, model = load(args)
    result = model.compare(cases, utilities=utilities_option(args, "compare"),
                           interval=False if args.no_interval else args.draws, seed=args.seed,
                           tests=tests, rank_by=args.rank_by)
    write_stdout((json.dumps({"generated": timestamp(), **result.to_dict()}, indent=2)
                  if args.json else result.summary()) + "\n")
    return 0
