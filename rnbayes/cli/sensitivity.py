"""``rnbayes sensitivity CASE.yaml``: how much the answer depends on the published figures."""

from __future__ import annotations

import argparse

from ..analysis.model import load_model
from ..errors import EvidenceError
from ..spec.case import load_case
from ..spec.utilities import load_utilities
from .assess import add_draw_options, add_model_options, case_command, emit


def register(sub) -> None:
    p = case_command(sub, "sensitivity", "uncertainty and sensitivity of a case's P(TTP)",
                     "Credible interval of P(TTP) from parameter uncertainty, tornado, flip "
                     "points, prior curve and test-ranking robustness for a case file.")
    add_draw_options(p, "parameter draws (default 10000)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.add_argument("--utilities", help="utilities YAML (default: bundled priors/utilities.yaml)")
    add_model_options(p)
    p.set_defaults(func=run)


def check_draws(n: int) -> None:
    """``--draws`` must allow an interval: at least 2 draws."""
    if n < 2:
        raise EvidenceError(f"--draws must be at least 2; got {n}")


def run(args: argparse.Namespace) -> int:
    from ..analysis.sensitivity import sensitivity

    check_draws(args.draws)
    case = load_case(args.case)
    model = load_model(args.network, args.priors)
    utilities = load_utilities(args.utilities) if args.utilities else None
    sens = sensitivity(model, case.evidence, n_draws=args.draws, seed=args.seed,
                       utilities=utilities, progress=not args.no_progress)
    emit(case, sens, as_json=args.json)
    return 0
