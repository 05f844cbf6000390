"""``rnbayes report CASE.yaml -o report.html [--format html|md|json]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..analysis.model import Model
from ..report import FORMATS, build_report
from ..spec.case import Case
from ..spec.catalog import default_catalog_path
from ..spec.records import record_files
from ..spec.utilities import Utilities, resolve_utilities
from ._common import (
    add_draw_options,
    add_voi_options,
    case_command,
    check_draws,
    load,
    parse_test_ids,
    utilities_for,
)
from ._output import check_output, write_file, write_stdout


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
    if args.output:  # early, for a bad folder; the inputs are checked once they are known
        check_output(args.output, [], "rnbayes report")
    if not args.no_sensitivity:
        check_draws(args, "report")
    tests = parse_test_ids(args.tests, "report")
    case, model = load(args)
    utilities = utilities_for(args, case, "report")
    inputs = _inputs(args, case, model, utilities)
    if args.output:
        check_output(args.output, inputs, "rnbayes report")
    voi = model.value_of_information(case.evidence, tests=tests, utilities=utilities,
                                     rank_by=args.rank_by, catalog=args.catalog)
    sens = None if args.no_sensitivity else model.sensitivity(
        case.evidence, n_draws=args.draws, seed=args.seed, utilities=utilities, progress=False)
    text = build_report(model.posterior(case.evidence), voi, sens, case=case, format=fmt)
    if args.output:
        write_file(args.output, text, inputs, "rnbayes report")
        print(f"wrote {args.output} ({fmt})", file=sys.stderr)
    else:
        write_stdout(text)
    return 0


def _inputs(args: argparse.Namespace, case: Case, model: Model,
            utilities: Utilities | str | None) -> list[tuple[str, str | Path]]:
    """Every file the report reads, with what it is (none may be overwritten)."""
    out: list[tuple[str, str | Path]] = [("case file", case.path)]
    if model.network_path is not None:
        out.append(("network spec", model.network_path))
    if model.priors_path is not None:
        out += [("prior records file", f) for f in record_files(model.priors_path)]
    catalog = args.catalog or model.catalog_path() or default_catalog_path()
    out.append(("test catalogue", catalog))
    u = resolve_utilities(utilities, "rnbayes report", "--utilities")
    if u.file:
        out.append(("utilities file", u.file))
    return out
