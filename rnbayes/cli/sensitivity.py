"""``rnbayes sensitivity CASE.yaml``: how much the answer depends on the published figures."""

from __future__ import annotations

import argparse
from typing import Any

from ._common import (
    add_draw_options,
    add_utilities_option,
    case_command,
    check_draws,
    emit,
    load,
    utilities_for,
)


def register(sub: Any) -> None:
    p = case_command(sub, "sensitivity", "uncertainty and sensitivity of a case's P(TTP)",
                     "Credible interval of P(TTP) from parameter uncertainty, tornado, flip "
                     "points, prior curve and test-ranking robustness for a case file.")
    add_draw_options(p, "parameter draws (default 10000)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    add_utilities_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    check_draws(args, "sensitivity")
    case, model = load(args)
    sens = model.sensitivity(case.evidence, n_draws=args.draws, seed=args.seed,
                             utilities=utilities_for(args, case, "sensitivity"),
                             progress=False if args.no_progress else None)
    emit(case, sens, as_json=args.json)
    return 0
