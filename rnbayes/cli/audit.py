"""``rnbayes audit``: implied vs published accuracy and the review's directions; exit
status 1 if any check fails."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ._output import write_stdout


def register(sub: Any) -> None:
    p = sub.add_parser(
        "audit", help="implied vs published accuracy and the review's directions",
        description="For every test and finding, the model's implied sensitivity and "
                    "specificity (context and latent nodes at their priors) against the "
                    "published figure it was built from, with its interval and source; "
                    "combined readings; and every directional statement of the review. "
                    "Exit status 1 if any check fails.")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--comparators",
                   help="comparator YAML (default: audit.yaml beside the priors, else bundled)")
    p.add_argument("--network", help="network spec YAML (default: the bundled rn_vs_ttp)")
    p.add_argument("--priors", help="folder of prior-record YAML files (default: bundled)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..analysis.model import load_model  # the library: only when the command runs

    model = load_model(args.network, args.priors)
    result = model.audit(args.comparators)
    write_stdout((json.dumps(result.to_dict(), indent=2) if args.json else result.summary())
                 + "\n")
    return 0 if result.passed else 1
