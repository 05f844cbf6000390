"""``rnbayes report CASE.yaml -o report.html [--format html|md|json]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..analysis.model import load_model
from ..report.document import FORMATS, build_report
from ..spec.case import load_case
from ..spec.utilities import load_utilities
from .assess import add_draw_options, add_model_options, case_command
from .sensitivity import check_draws
from .tests import add_voi_options, test_names


def register(sub) -> None:
    p = case_command(sub, "report", "self-contained case report (HTML, Markdown or JSON)",
                     "Write a case report: findings, posterior, contributions, ranked tests "
                     "with a chart, what-if table, decision thresholds and provenance.",
                     json_flag=False)
    p.add_argument("-o", "--output", help="output file (default: standard output)")
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="html, md or json (default: from the output suffix, else html)")
    add_draw_options(p, "parameter draws for the sensitivity section (default 10000)")
    p.add_argument("--no-sensitivity", action="store_true",
                   help="leave out the sensitivity section")
    add_voi_options(p)
    add_model_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    fmt = args.format
    if fmt is None:
        suffix = Path(args.output).suffix.lower().lstrip(".") if args.output else ""
        fmt = {"md": "md", "markdown": "md", "json": "json"}.get(suffix, "html")
    if args.output and not Path(args.output).resolve().parent.is_dir():
        raise OSError(f"output folder does not exist: {str(Path(args.output).parent)!r}")
    case = load_case(args.case)
    model = load_model(args.network, args.priors)
    utilities = load_utilities(args.utilities) if args.utilities else None
    sens = None
    if not args.no_sensitivity:
        check_draws(args.draws)
        sens = model.sensitivity(case.evidence, n_draws=args.draws, seed=args.seed,
                                 utilities=utilities, progress=False)
    text = build_report(model, case, format=fmt, utilities=utilities,
                        tests=test_names(args.tests), catalog=args.catalog, rank_by=args.rank_by,
                        sensitivity=sens)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output} ({fmt})", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0

