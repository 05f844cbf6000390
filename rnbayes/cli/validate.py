"""``rnbayes validate TABLE --outcome truth -o validation.html``: discrimination,
calibration and decision curve against known outcomes (HTML report, or JSON for .json)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from .._params import fail
from ._cohort import (
    check_chunk_rows,
    check_level,
    check_output,
    cohort_command,
    keep_columns,
    model_of,
    note,
    progress,
    write_text,
)
from ._output import write_stdout

#: the TRIPOD items a note may fill (report/validation.py's TRIPOD_ITEMS; a test keeps them
#: equal, so --help need not import the report and pandas)
NOTE_KEYS = ("data_source", "participants", "outcome", "predictors", "missing_data", "not_done")


def register(sub: Any) -> None:
    p = cohort_command(sub, "validate", "validate P(TTP) against known outcomes",
                       "Score a cohort with known outcomes and report ROC AUC, Brier score, "
                       "calibration, the decision curve, and the same by imaging available.")
    p.add_argument("--outcome", required=True,
                   help="column with the true diagnosis (radiation_necrosis or "
                        "tumour_progression in every row)")
    p.add_argument("-o", "--output", help="report: .html (default) or .json; without it, the "
                                          "summary is printed")
    p.add_argument("--boot", type=int, default=2000, help="bootstrap resamples (default 2000)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    p.add_argument("--level", type=float, default=0.95, help="interval level (default 0.95)")
    p.add_argument("--utilities", help="utilities YAML or a bundled set name (the decision "
                                       "threshold on the decision curve)")
    p.add_argument("--title", default="Validation of rnbayes predictions", help="report title")
    p.add_argument("--note", action="append", default=[], metavar="KEY=TEXT",
                   help="a TRIPOD item for the report (" + ", ".join(NOTE_KEYS)
                        + "), e.g. --note data_source='Site A registry 2015-2023'")
    p.set_defaults(func=run)


def notes_of(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not key.strip():
            raise fail("--note", "rnbayes validate", "KEY=TEXT", item)
        out[key.strip()] = text.strip()
    return out


def run(args: argparse.Namespace) -> int:
    from ..analysis.cohort.validate import validate_cohort
    from ..report.validation import build_validation_report

    check_chunk_rows(args, "validate")
    check_level(args.level, "validate")
    check_output(args.output, "validate", args.force, [("cohort table", args.table)])
    notes = notes_of(args.note)
    model = model_of(args)
    v = validate_cohort(model, args.table, outcome=args.outcome, id_column=args.id_column,
                        passthrough=keep_columns(args), utilities=args.utilities,
                        n_boot=args.boot, seed=args.seed, level=args.level,
                        progress=progress(args), chunksize=args.chunk_rows)
    if args.output is None:
        write_stdout(v.summary() + "\n")
    elif Path(args.output).suffix.lower() == ".json":
        write_text(args.output, json.dumps(v.to_dict(), indent=2))
    else:
        write_text(args.output, build_validation_report(
            v, title=args.title, notes={"data_source": Path(args.table).name, **notes}))
    note(f"rnbayes validate: {v.n:,} lesions ({v.n_positive:,} {v.short_labels[1]}): AUC {v.auc}, "
         f"Brier {v.brier.value:.3f}, calibration slope {v.calibration_slope.value:.2f}, "
         f"intercept {v.calibration_intercept.value:+.2f}"
         + (f" -> {args.output}" if args.output else ""))
    return 0
