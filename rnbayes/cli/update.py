"""``rnbayes update TABLE --outcome truth -o site_priors/``: the prior records updated with a
site's own lesions, written as a priors folder a site keeps and loads
(``rnbayes ... --priors site_priors/`` or ``load_model(priors="site_priors/")``)."""

from __future__ import annotations

import argparse
from typing import Any

from .._params import fail
from ._cohort import check_chunk_rows, cohort_command, keep_columns, model_of, note
from ._output import write_stdout


def register(sub: Any) -> None:
    p = cohort_command(sub, "update", "update the prior records with a site's cohort",
                       "Bayesian update of the prior records with a cohort's counts (the "
                       "published figures as pseudo-counts, the site's lesions as counts; "
                       "missing findings by expectation-maximisation), written as a folder of "
                       "prior records.")
    p.add_argument("--outcome", required=True, help="column with the true diagnosis")
    p.add_argument("-o", "--output", required=True, help="folder for the updated prior records")
    p.add_argument("--weight", type=float, default=1.0,
                   help="multiplier of the published pseudo-counts (default 1: each record "
                        "weighs its own effective sample size; 'inf' keeps them)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..analysis.cohort.validate import update_cohort
    from ..spec.recordsio import write_priors

    check_chunk_rows(args, "update")
    if not args.weight > 0:
        raise fail("--weight", "rnbayes update", "a number > 0", args.weight)
    model = model_of(args)
    new, report = update_cohort(model, args.table, outcome=args.outcome, weight=args.weight,
                                id_column=args.id_column, passthrough=keep_columns(args),
                                chunksize=args.chunk_rows)
    files = write_priors(args.output, new.records, copy_from=model.priors_path,
                         overwrite=args.force)
    write_stdout(_table(model, new, report))
    note(f"rnbayes update: {len(report['updated'])} records updated from {report['n']:,} "
         f"lesions ({report['method']}); {len(report['left'])} left as published; wrote "
         f"{len(files)} files to {args.output}"
         + (f"; {report['bad_rows']:,} rows left out for bad values" if report["bad_rows"] else ""))
    return 0


def _table(model: Any, new: Any, report: dict[str, Any]) -> str:
    """Each updated record's first value, published and updated, and the records left as
    published with the reason."""
    import numpy as np

    rows = []
    for rid in report["updated"]:
        old, upd = model.records[rid].point(), new.records[rid].point()
        first = "" if np.ndim(old) == 0 else f" ({(model.records[rid].states or ('',))[0]})"
        rows.append((rid + first, float(np.atleast_1d(old)[0]), float(np.atleast_1d(upd)[0]),
                     report["updated"][rid][1]))
    w = max([len("record"), *(len(r[0]) for r in rows)])
    lines = [f"{'record':<{w}} {'published':>10} {'updated':>10} {'lesions':>8}"]
    lines += [f"{name:<{w}} {o:>10.3f} {u:>10.3f} {n:>8,}" for name, o, u, n in rows]
    lines += ["", f"left as published ({len(report['left'])}):"]
    lines += [f"  {rid}: {why}" for rid, why in report["left"].items()]
    return "\n".join(lines) + "\n"
