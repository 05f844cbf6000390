"""``rnbayes assess CASE.yaml ... [--interval] [--json]``: posterior, recommendation, and
what drove it."""

from __future__ import annotations

import argparse
from typing import Any

from ._common import (
    QUICK,
    add_draw_options,
    add_utilities_option,
    case_command,
    check_draws,
    emit_all,
    load,
    utilities_for,
)


def register(sub: Any) -> None:
    p = case_command(sub, "assess", "posterior P(TTP) vs P(RN) and the recommendation",
                     "Posterior P(TTP) vs P(RN) for one or more case files, with the "
                     "recommended action (and the utilities it assumes), each finding's "
                     "contribution and a data-conflict score.")
    p.add_argument("--interval", action="store_true",
                   help=f"also a 95%% credible interval of P(TTP) from a quick run over "
                        f"--draws parameter draws (default {QUICK})")
    add_draw_options(p, f"parameter draws for --interval (default {QUICK})", default=QUICK)
    add_utilities_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.interval:
        check_draws(args, "assess")
    cases, model = load(args)
    emit_all(cases, lambda c: model.posterior(
        c.evidence, utilities=utilities_for(args, c, "assess"),
        interval=args.draws if args.interval else False, seed=args.seed), as_json=args.json)
    return 0
