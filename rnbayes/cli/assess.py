"""``rnbayes assess CASE.yaml [--json]``: posterior and what drove it."""

from __future__ import annotations

import argparse
from typing import Any

from ._common import case_command, emit, load


def register(sub: Any) -> None:
    p = case_command(sub, "assess", "posterior P(TTP) vs P(RN) for a case file",
                     "Posterior P(TTP) vs P(RN) for a case file, with each finding's "
                     "contribution and a data-conflict score.")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    case, model = load(args)
    emit(case, model.posterior(case.evidence), as_json=args.json)
    return 0
