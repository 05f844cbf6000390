"""``rnbayes report CASE.yaml ... -o report.html [--format html|md|json]``.

One case: one report (a Markdown report's charts are written beside it as PNG files).
Several cases: one report each in the folder ``-o`` names (default: the current folder),
or with ``--combined`` one document with a summary table first. ``--reference REF.yaml``
adds how each case's answer differs from a reference case's.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from ._output import check_output, write_stdout

if TYPE_CHECKING:
    from ..analysis.model import Model
    from ..spec.case import Case

SUFFIX = {"html": ".html", "md": ".md", "json": ".json"}


def register(sub: Any) -> None:
    p = case_command(sub, "report", "self-contained case report (HTML, Markdown or JSON)",
                     "Write a case report: the answer first (P(TTP) with its interval, the "
                     "recommendation and its assumption, the best next test), then findings, "
                     "contributions, ranked tests with a chart, what-if, decision thresholds, "
                     "sensitivity and provenance. Several cases: one report each, or one "
                     "combined document.", json_flag=False)
    p.add_argument("-o", "--output", help="output file; for several cases a folder (default: "
                   "standard output for one case, the current folder for several)")
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="html, md or json (default: from the output suffix, else html)")
    p.add_argument("--combined", action="store_true",
                   help="several cases in one document, with a summary table first")
    p.add_argument("--reference", metavar="REF.yaml",
                   help="a reference case: the report shows how each case's answer differs")
    add_draw_options(p, "parameter draws for the sensitivity section (default 10000)")
    p.add_argument("--no-sensitivity", action="store_true",
                   help="leave out the sensitivity section (and the credible interval)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    add_voi_options(p)
    p.set_defaults(func=run)


def outputs(args: argparse.Namespace, cases: list[Case]) -> list[Path] | None:
    """Where each case's report goes (None: standard output, or one combined file)."""
    if len(cases) == 1 or args.combined:
        if args.output:
            check_output(args.output, [], "rnbayes report")
        return None
    folder = Path(args.output or ".")
    if not folder.is_dir():
        raise fail("--output", "rnbayes report", "an existing folder when several cases are "
                   "given without --combined", args.output)
    fmt = args.format or "html"
    return [folder / f"{Path(c.path).stem or c.id}{SUFFIX[fmt]}" for c in cases]


def run(args: argparse.Namespace) -> int:
    if not args.no_sensitivity:
        check_draws(args, "report")
    tests = parse_test_ids(args.tests, "report")
    from tqdm.auto import tqdm  # the library: only when a report is built

    from ..spec.case import load_case

    cases, model = load(args)
    ref = load_case(args.reference) if args.reference else None
    targets = outputs(args, cases)
    inputs = read_files(args, cases, model)
    for target in targets or ([Path(args.output)] if args.output else []):
        check_output(target, inputs, "rnbayes report")
    quiet = args.no_progress
    items = []
    for case in tqdm(cases, desc="rnbayes report", unit="case", leave=False, delay=2.0,
                     disable=quiet or len(cases) < 2 or not sys.stderr.isatty()):
        u = utilities_for(args, case, "report")
        voi = model.value_of_information(case.evidence, tests=tests, utilities=u,
                                         rank_by=args.rank_by, catalog=args.catalog)
        sens = None if args.no_sensitivity else model.sensitivity(
            case.evidence, n_draws=args.draws, seed=args.seed, utilities=u, tests=tests,
            rank_by=args.rank_by, catalog=args.catalog, progress=False if quiet else None)
        reference = None if ref is None else model.compare(
            [ref, case], utilities=args.utilities, interval=False, tests=tests,
            rank_by=args.rank_by)
        items.append((case, model.posterior(case.evidence, utilities=u), voi, sens, reference))
    write(args, items, targets)
    return 0


def write(args: argparse.Namespace, items: list, targets: list[Path] | None) -> None:
    """Each report to its file, the combined document, or one report to standard output."""
    from ..report import build_report
    from ..report.files import combined_document, format_of, save, write_report

    if targets is not None:
        for (case, post, voi, sens, reference), path in zip(items, targets):
            write_report(path, post, voi, sens, case=case, format=args.format,
                         reference=reference)
            print(f"wrote {path}", file=sys.stderr)
        return
    out = Path(args.output) if args.output else None
    fmt = format_of(out, args.format, "rnbayes report") if out else (args.format or "html")
    if len(items) > 1:
        doc = combined_document([x[:4] for x in items], format=fmt,
                                figure_stem=out.stem if out else None)
        if out is None:
            write_stdout(doc.text)
        else:
            save(out, doc)
    elif out is None:
        case, post, voi, sens, reference = items[0]
        write_stdout(build_report(post, voi, sens, case=case, format=fmt, reference=reference))
    else:
        case, post, voi, sens, reference = items[0]
        write_report(out, post, voi, sens, case=case, format=fmt, reference=reference)
    if out is not None:
        print(f"wrote {out} ({fmt})", file=sys.stderr)


def read_files(args: argparse.Namespace, cases: list[Case],
               model: Model) -> list[tuple[str, str | Path]]:
    """Every file the report reads, with what it is (none may be overwritten)."""
    from ..spec.catalog import default_catalog_path
    from ..spec.records import record_files
    from ..spec.utilities import resolve_utilities

    out: list[tuple[str, str | Path]] = [("case file", c.path) for c in cases if c.path]
    if args.reference:
        out.append(("reference case file", args.reference))
    if model.network_path is not None:
        out.append(("network spec", model.network_path))
    if model.priors_path is not None:
        out += [("prior records file", f) for f in record_files(model.priors_path)]
    out.append(("test catalogue", args.catalog or model.catalog_path() or default_catalog_path()))
    for u in {args.utilities, *(c.utilities for c in cases)}:
        file = resolve_utilities(u, "rnbayes report", "--utilities").file
        if file:
            out.append(("utilities file", file))
    return out
