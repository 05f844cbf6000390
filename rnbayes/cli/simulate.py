"""``rnbayes simulate --n 500 --seed 1 [--missing realistic] -o synthetic.csv``: a synthetic
cohort drawn from the model, with the diagnosis as a column."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .._files import replacing
from .._params import check_int
from ..errors import CohortError
from ._cohort import (
    atomic_output,
    check_output,
    cohort_command,
    model_of,
    note,
    writer_for,
)


def register(sub: Any) -> None:
    p = cohort_command(sub, "simulate", "a synthetic cohort drawn from the model",
                       "Draw lesions from the model (forward sampling) with the diagnosis as a "
                       "column and a chosen missingness pattern.", table=False)
    p.add_argument("--n", type=int, required=True, help="number of lesions")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--missing", default="none",
                   help="'none', 'realistic' (judgement rates in networks/missingness.yaml) "
                        "or a missing rate in [0, 1] for every test and finding")
    p.add_argument("--hide", help="comma-separated findings never recorded")
    p.add_argument("-o", "--output", help="output CSV or .parquet (default: standard output)")
    p.set_defaults(func=run)


def missing_of(text: str) -> Any:
    if text in ("none", "realistic"):
        return text
    try:
        return float(text)
    except ValueError:
        raise CohortError(f"--missing must be 'none', 'realistic' or a missing rate in [0, 1]; "
                          f"got {text!r}") from None


def run(args: argparse.Namespace) -> int:
    from ..analysis.cohort.sampling import check_count, simulate_model

    check_count(args.n)
    check_int(args.seed, "--seed", "rnbayes simulate", minimum=0)
    check_output(args.output, "simulate", args.force)
    hide = [h.strip() for h in (args.hide or "").split(",") if h.strip()]
    model = model_of(args)
    df = simulate_model(model, args.n, seed=args.seed, missing=missing_of(args.missing),
                        hide=hide)
    if args.output and Path(args.output).suffix.lower() in (".parquet", ".pq"):
        with replacing(args.output) as tmp:
            df.to_parquet(tmp)
    else:
        with atomic_output(args.output) as fh:
            writer_for(args.output)(fh, df, True)
    counts = df[model.target].value_counts()
    note(f"rnbayes simulate: {len(df):,} lesions (seed {args.seed}, missing {args.missing}): "
         + ", ".join(f"{counts.get(s, 0):,} {s}" for s in model.states(model.target))
         + (f" -> {args.output}" if args.output else ""))
    return 0
