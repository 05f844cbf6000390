"""A cohort as a stream of checked chunks: one DataFrame, or a large file read piece by
piece, gives the same tables (rows numbered across chunks, columns sorted once).

Scoring writes each chunk out as it goes; validation and updating keep only the compact
per-row evidence (a small integer per node) and the outcome, never the raw table.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...engine.frozen import FrozenMap
from ...engine.rows import MISSING, RowEvidence
from ...errors import CohortError
from ...spec.cohort import ERROR_COLUMNS, CohortTable, check_ids, column_roles, parse_cohort
from ...spec.cohortio import iter_table
from ...spec.columns import Columns, default_columns_path, load_columns
from ...spec.compiled import CompiledModel


def model_columns(model: CompiledModel) -> Columns:
    """The column aliases for a model: ``columns.yaml`` beside its network file (the
    bundled one for the bundled network); none for a network without one."""
    path = default_columns_path(model.network_path) if model.network_path else \
        default_columns_path()
    if path is None:
        return Columns(FrozenMap({}), FrozenMap({}), ())
    cols = load_columns(path)
    cols.check([*model.spec.observable, *model.spec.measures])
    return cols


def frames_of(data: Any, chunksize: int | None = None) -> Iterable[pd.DataFrame]:
    """A DataFrame as one chunk, or a CSV / Parquet file in chunks."""
    if isinstance(data, pd.DataFrame):
        return [data]
    if isinstance(data, (str, Path)):
        return iter_table(data) if chunksize is None else iter_table(data, chunksize=chunksize)
    raise CohortError(f"a cohort must be a pandas DataFrame or the path of a CSV or Parquet "
                      f"file; got {type(data).__name__}")


def checked_chunks(model: CompiledModel, frames: Iterable[pd.DataFrame], *,
                   id_column: str | None = None, outcome: str | None = None,
                   passthrough: Sequence[str] = (), allow_empty: bool = False
                   ) -> Iterator[tuple[pd.DataFrame, CohortTable]]:
    """Each chunk with its checked table.

    Raises
    ------
    CohortError
        Column problems (from the first chunk), outcome values other than the target's
        states, blank or repeated ids within a chunk, or no rows at all.
    """
    roles, first = None, 1
    for frame in frames:
        if roles is None:
            roles = column_roles(model.spec, list(frame.columns), columns=model_columns(model),
                                 id_column=id_column, outcome=outcome, passthrough=passthrough)
        if len(frame) == 0 and first > 1:
            continue
        yield frame, parse_cohort(model.spec, frame, roles=roles, first_row=first,
                                  allow_empty=allow_empty)
        first += len(frame)
    if roles is None or (first == 1 and not allow_empty):  # pragma: no cover - iter_table
        raise CohortError("the table has no rows (only a header, or nothing)")


@dataclass
class Collected:
    """What validation and updating keep of a whole cohort."""

    tables: list[CohortTable] = field(default_factory=list)

    @property
    def n(self) -> int:
        return sum(t.n for t in self.tables)

    @property
    def warnings(self) -> list[str]:
        return [w for t in self.tables for w in t.warnings]

    def evidence(self) -> RowEvidence:
        """Every chunk's evidence, one after another."""
        evs = [t.evidence for t in self.tables]
        nodes = list(dict.fromkeys(v for e in evs for v in e.codes))
        codes = {v: np.concatenate([e.codes.get(v, np.full(e.n, MISSING, dtype=np.int8))
                                    for e in evs]) for v in nodes}
        card = {v: e.soft[v].shape[1] for e in evs for v in e.soft}
        soft = {v: np.concatenate([e.soft.get(v, np.zeros((e.n, k))) for e in evs])
                for v, k in card.items()}
        return RowEvidence(codes, soft)

    def outcome(self) -> np.ndarray:
        return np.concatenate([t.outcome for t in self.tables if t.outcome is not None])

    def bad(self) -> np.ndarray:
        return np.concatenate([t.bad for t in self.tables])

    def errors(self) -> pd.DataFrame:
        parts = [t.errors for t in self.tables if not t.errors.empty]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=ERROR_COLUMNS)


def collect(model: CompiledModel, data: Any, *, outcome: str | None = None,
            id_column: str | None = None, passthrough: Sequence[str] = (),
            allow_empty: bool = False, chunksize: int | None = None) -> Collected:
    """Check a whole cohort chunk by chunk, keeping the compact evidence (ids checked
    across chunks too)."""
    out = Collected([t for _, t in checked_chunks(
        model, frames_of(data, chunksize), id_column=id_column, outcome=outcome,
        passthrough=passthrough, allow_empty=allow_empty)])
    ids = [t.ids for t in out.tables if t.ids is not None]
    if len(ids) > 1:
        check_ids(pd.concat(ids, ignore_index=True), np.arange(1, out.n + 1))
    return out
