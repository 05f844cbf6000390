"""Scoring a cohort: P(TTP), the recommended action, and optionally a credible interval and
the best next test for every lesion, through the batched engine.

Every row is checked first (:mod:`rnbayes.spec.cohort`); rows with a bad value are not
scored but stay in the output, in their place, with the reason in ``error``, and every
good row is scored. The output keeps the input's index and row order, its id column and
any carried-through columns.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..._params import check_choice, check_int, check_probability_level
from ...engine.rows import row_query
from ...errors import CohortError, RnbayesWarning
from ...spec.catalog import Catalog
from ...spec.cohort import CohortTable
from ...spec.cohortio import as_frame
from ...spec.compiled import CompiledModel
from ...spec.utilities import Utilities, resolve_utilities
from .interval import score_intervals
from .nexttest import best_next_tests
from .stream import checked_chunks, frames_of

IMPOSSIBLE = "the findings are impossible together under the model (probability 0)"
RESULT_COLUMNS = ("p_progression", "action")


@dataclass(frozen=True)
class ScoreOptions:
    """What to compute for every lesion."""

    utilities: Utilities
    interval: bool = False
    next_test: bool = False
    n_draws: int = 1000
    seed: int = 0
    level: float = 0.95
    catalog: Catalog | str | Path | None = None
    progress: bool | None = None


@contextmanager
def progress_bar(total: int | None, show: bool | None, what: str) -> Any:
    """A tqdm bar on stderr (shown when asked, or by default when stderr is a terminal;
    ``total`` None when unknown); yields the update function."""
    show = sys.stderr.isatty() if show is None else show
    if not show or total == 0:
        yield lambda k: None
        return
    from tqdm import TqdmWarning

    with warnings.catch_warnings():  # in Jupyter without ipywidgets: a text bar, not a warning
        warnings.simplefilter("ignore", TqdmWarning)
        from tqdm.auto import tqdm

        bar = tqdm(total=total, desc=what, unit=" lesions", file=sys.stderr, leave=False)
    with bar:
        yield bar.update


def score_table(model: CompiledModel, table: CohortTable, opts: ScoreOptions,
                on_rows: Callable[[int], None] | None = None) -> pd.DataFrame:
    """The result columns for every row of a checked table (NaN / "" for bad rows)."""
    good = np.flatnonzero(~table.bad)
    ev = table.evidence.rows(good)
    out = pd.DataFrame(index=table.index)
    p = np.full(table.n, np.nan)
    reason = np.where(table.bad, _first_reasons(table), "").astype(object)
    if len(good):
        post, p_e = row_query(model.network, [model.target], ev, on_chunk=on_rows)
        ok = p_e > 0
        p[good[ok]] = post[ok, model.positive_index]
        reason[good[~ok]] = IMPOSSIBLE
    u = opts.utilities
    scored = np.isfinite(p)
    out["p_progression"] = p
    out["action"] = pd.Series(np.where(scored, np.asarray(u.actions, dtype=object)[
        u.best_index(np.where(scored, p, 0.0))], None), index=table.index, dtype=object)
    rows = np.flatnonzero(scored)
    if opts.interval:
        low, high = np.full(table.n, np.nan), np.full(table.n, np.nan)
        if len(rows):
            low[rows], high[rows] = score_intervals(model, table.evidence.rows(rows),
                                                    n_draws=opts.n_draws, seed=opts.seed,
                                                    level=opts.level)
        out["p_low"], out["p_high"] = low, high
    if opts.next_test:
        nt = best_next_tests(model, table.evidence.rows(rows), p[rows], u, opts.catalog)
        for col in nt.columns:
            out[col] = pd.Series(nt[col].to_numpy(), index=table.index[rows])
    out["error"] = pd.Series(reason, index=table.index, dtype=object)
    return out


def _first_reasons(table: CohortTable) -> np.ndarray:
    """Per row, its bad values as one text (``column=value: reason; ...``)."""
    text = np.full(table.n, "", dtype=object)
    if table.errors.empty:
        return text
    lines = (table.errors["column"].astype(str) + "=" + table.errors["value"].astype(str)
             + ": " + table.errors["reason"].astype(str))
    joined = lines.groupby(table.errors["row"].to_numpy()).agg("; ".join)
    text[joined.index.to_numpy() - table.first_row] = joined.to_numpy()
    return text


def check_options(caller: str, *, n_draws: int, seed: int, level: float, errors: str) -> None:
    check_int(n_draws, "n_draws", caller, minimum=2)
    check_int(seed, "seed", caller, minimum=0)
    check_probability_level(level, "level", caller)
    check_choice(errors, "errors", caller, ("report", "raise"))


def score_chunks(model: CompiledModel, frames: Iterable[pd.DataFrame], opts: ScoreOptions, *,
                 id_column: str | None = None, passthrough: Sequence[str] = (),
                 on_rows: Callable[[int], None] | None = None, errors: str = "report"
                 ) -> Iterator[tuple[pd.DataFrame, CohortTable]]:
    """Each chunk's output (id and carried columns, then the results) and checked table;
    ``errors="raise"``: a CohortError for a chunk's first bad value, before it is scored."""
    for frame, table in checked_chunks(model, frames, id_column=id_column,
                                       passthrough=passthrough):
        if errors == "raise" and table.bad.any():
            e = table.errors.iloc[0]
            raise CohortError(f"row {e['row']}, column {e['column']!r}, value "
                              f"{e['value']!r}: {e['reason']}")
        res = score_table(model, table, opts, on_rows)
        keep = [c for c in (table.roles.id_column, *table.roles.passthrough) if c]
        yield pd.concat([frame[keep], res], axis=1), table


def score(model: CompiledModel, data: Any, *, id_column: str | None = None,
          passthrough: Sequence[str] = (), utilities: Utilities | str | Path | None = None,
          interval: bool = False, next_test: bool = False, n_draws: int = 1000, seed: int = 0,
          level: float = 0.95, catalog: Catalog | str | Path | None = None,
          errors: str = "report", progress: bool | None = None) -> pd.DataFrame:
    """Score every lesion of a cohort (see :meth:`rnbayes.Model.score`)."""
    check_options("score", n_draws=n_draws, seed=seed, level=level, errors=errors)
    frames = frames_of(as_frame(data) if isinstance(data, (str, Path)) else data)
    opts = ScoreOptions(resolve_utilities(utilities, "score"), interval, next_test, n_draws,
                        seed, level, catalog, progress)
    n = len(frames[0]) if isinstance(frames, list) else 0
    with progress_bar(n, progress, "scoring") as update:
        parts = list(score_chunks(model, frames, opts, id_column=id_column,
                                  passthrough=passthrough, on_rows=update, errors=errors))
    out = pd.concat([p for p, _ in parts])
    errs = [t.errors for _, t in parts if not t.errors.empty]
    out.attrs["errors"] = pd.concat(errs, ignore_index=True) if errs else parts[0][1].errors
    for note in (w for _, t in parts for w in t.warnings):
        warnings.warn(note, RnbayesWarning, stacklevel=3)
    n_bad = int((out["error"] != "").sum())
    if n_bad:
        warnings.warn(f"{n_bad:,} of {len(out):,} rows not scored (bad values or impossible "
                      "findings): see the 'error' column and .attrs['errors']", RnbayesWarning,
                      stacklevel=3)
    return out
