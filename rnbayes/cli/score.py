"""``rnbayes score TABLE -o scored.csv [--interval] [--next-test] [--errors errors.csv]``.

The table is read and scored in chunks (a large CSV never sits in memory whole) and the
output written to a temporary file renamed into place at the end, so a failure leaves
no half-written output and no existing file is replaced without ``--force``. Rows with
bad values are not scored, keep their place with the reason in ``error``, and are listed
in ``--errors``; every good row is scored. Exit 2 when any row could not be scored.
"""

from __future__ import annotations

import argparse
import contextlib
import time
from typing import TYPE_CHECKING, Any

from ._cohort import (
    atomic_output,
    check_chunk_rows,
    check_level,
    check_output,
    cohort_command,
    keep_columns,
    model_of,
    note,
    progress,
    writer_for,
)
from ._common import add_draw_options, check_draws

if TYPE_CHECKING:  # pandas loads when the command runs, not for --help
    import pandas as pd

#: bad values shown on stderr when there is no --errors file
SHOW = 5


def register(sub: Any) -> None:
    p = cohort_command(sub, "score", "P(TTP) and the recommended action for every lesion",
                       "Score a cohort table: P(TTP), the recommended action and, on request, "
                       "a credible interval and the best next test for every lesion.")
    p.add_argument("-o", "--output", help="output CSV (default: standard output)")
    p.add_argument("--errors", help="CSV listing every bad value: row, id, column, value, reason")
    p.add_argument("--interval", action="store_true",
                   help="add p_low, p_high: the credible interval from parameter draws")
    p.add_argument("--next-test", action="store_true",
                   help="add next_test, next_test_evsi, next_test_net_value")
    p.add_argument("--level", type=float, default=0.95, help="credible level (default 0.95)")
    add_draw_options(p, "parameter draws per lesion for --interval (default 1000)")
    p.set_defaults(draws=1000)
    p.add_argument("--utilities", help="utilities YAML or a bundled set name ('symptomatic')")
    p.add_argument("--catalog", help="test catalogue YAML for --next-test")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from ..analysis.cohort.scoring import ScoreOptions, progress_bar, score_chunks
    from ..analysis.cohort.stream import frames_of
    from ..spec.cohort import check_ids
    from ..spec.utilities import resolve_utilities

    check_chunk_rows(args, "score")
    check_draws(args, "score")
    check_level(args.level, "score")
    table = [("cohort table", args.table)]
    check_output(args.output, "score", args.force, table)
    check_output(args.errors, "score", args.force, table, "--errors", others=(args.output,))
    model = model_of(args)
    opts = ScoreOptions(resolve_utilities(args.utilities, "score"), args.interval,
                        args.next_test, args.draws, args.seed, args.level, args.catalog)
    start = time.perf_counter()
    n = n_bad = 0
    errors, ids = [], []
    write = writer_for(args.output)
    with atomic_output(args.output) as out, progress_bar(None, progress(args), "scoring") as bar:
        chunks = score_chunks(model, frames_of(args.table, args.chunk_rows), opts,
                              id_column=args.id_column, passthrough=keep_columns(args),
                              on_rows=bar)
        for part, table in chunks:
            write(out, part, n == 0)
            n += len(part)
            n_bad += int((part["error"] != "").sum())
            errors.append(table.errors)
            if table.ids is not None:
                ids.append(table.ids)
        if len(ids) > 1:
            check_ids(pd.concat(ids, ignore_index=True), pd.RangeIndex(1, n + 1).to_numpy())
        _write_errors(args.errors, errors)
    where = args.output or "standard output"
    note(f"rnbayes score: {n - n_bad:,} of {n:,} lesions scored in "
         f"{time.perf_counter() - start:.1f} s -> {where}"
         + (f"; {n_bad:,} not scored (bad values or impossible findings; "
            f"{'listed in ' + args.errors if args.errors else 'see the error column'})"
            if n_bad else ""))
    if n_bad and not args.errors:
        bad = pd.concat(errors, ignore_index=True)
        for r in bad.head(SHOW).itertuples():
            note(f"  row {r.row}, column {r.column!r}, value {r.value!r}: {r.reason}")
        if len(bad) > SHOW:
            note(f"  ... and {len(bad) - SHOW:,} more (write them all with --errors FILE)")
    return 2 if n_bad else 0


def _write_errors(path: str | None, errors: list[pd.DataFrame]) -> None:
    if path is None:
        return
    import pandas as pd

    table = pd.concat(errors, ignore_index=True)
    with atomic_output(path) as fh, contextlib.suppress(BrokenPipeError):
        table.to_csv(fh, index=False, lineterminator="\n")
