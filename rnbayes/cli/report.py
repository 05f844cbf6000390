"""``rnbayes report CASE.yaml -o report.html [--format html|md|json]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .._params import FORMATS, fail
from ._common import (
    add_draw_options,
    add_voi_options,
    case_command,
    check_draws,
    load,
    parse_test_ids,
    utilities_for,
)


def register(sub: Any) -> None:
    p = case_command(sub, "report", "self-contained case report (HTML, Markdown or JSON)",
                     "Write a case report: findings, posterior, contributions, ranked tests "
                     "with a chart, what-if table, decision thresholds, sensitivity and "
                     "provenance.", json_flag=False)
    p.add_argument("-o", "--output", help="output file (default: standard output)")
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="html, md or json (default: from the output suffix, else html)")
    add_draw_options(p, "parameter draws for the sensitivity section (default 10000)")
    p.add_argument("--no-sensitivity", action="store_true",
                   help="leave out the sensitivity section")
    add_voi_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    fmt = args.format
    if fmt is None:
        suffix = Path(args.output).suffix.lower().lstrip(".") if args.output else ""
        fmt = {"md": "md", "markdown": "md", "json": "json"}.get(suffix, "html")
    if args.output and not Path(args.output).resolve().parent.is_dir():
        raise fail("--output", "rnbayes report", "a file in an existing folder", args.output,
                   f" (no folder {str(Path(args.output).parent)!r})")
    if not args.no_sensitivity:
        check_draws(args, "report")
    tests = parse_test_ids(args.tests, "report")
    case, model = load(args)
    utilities = utilities_for(args, case)
    voi = model.value_of_information(case.evidence, tests=tests, utilities=utilities,
                                     rank_by=args.rank_by, catalog=args.catalog)
    sens = None if args.no_sensitivity else model.sensitivity(
        case.evidence, n_draws=args.draws, seed=args.seed, utilities=utilities, progress=False)
    from ..report import build_report  # matplotlib and pandas: only when a report is built

    text = build_report(model.posterior(case.evidence), voi, sens, case=case, format=fmt)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output} ({fmt})", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
