"""A cohort table (one row per lesion) checked and turned into engine evidence.

Columns are node names, measurement keys or aliases (``networks/columns.yaml``), an id
column, optionally the outcome column, and columns the caller asks to carry through
(``passthrough``). A column named after the target is carried through too (it is what
is being inferred, never evidence). Anything else is an error that names the closest
valid names. Values are parsed by :mod:`.cohortvalues` with the single-case rules; a bad
value marks its row (row number, column, value, reason) and the other rows go on.

Examples
--------
>>> import pandas as pd, rnbayes
>>> spec = rnbayes.load_model().spec
>>> t = parse_cohort(spec, pd.DataFrame({"lesion_id": ["a", "b"], "rcbv_ratio": [2.5, "high"],
...                                      "enhancement_pattern": ["nodular", None]}))
>>> t.columns["rcbv_ratio"], t.evidence.codes["rcbv"].tolist(), t.bad.tolist()
('rcbv', [0, -1], [False, True])
>>> t.errors[["row", "id", "column", "value"]].values.tolist()
[[2, 'b', 'rcbv_ratio', 'high']]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..engine.rows import RowEvidence
from ..errors import CohortError, suggest
from .cohortvalues import parse_columns
from .columns import Columns, load_columns
from .network import NetworkSpec

#: how many bad rows a message names before "and N more"
SHOW_ROWS = 5
ERROR_COLUMNS = ["row", "id", "column", "value", "reason"]


def rows_text(rows: Sequence[Any], values: Sequence[Any] | None = None,
              limit: int = SHOW_ROWS) -> str:
    """``"rows 3 (1.2), 7 (nan) and 4 more"`` for bad-row messages.

    Examples
    --------
    >>> rows_text([3, 7, 9, 12, 20, 21, 22], [1.2, None, -1, 2, 3, 4, 5], limit=3)
    'rows 3 (1.2), 7 (None), 9 (-1) and 4 more'
    >>> rows_text([4])
    'row 4'
    """
    shown = [f"{r} ({values[i]!r})" if values is not None else f"{r}"
             for i, r in enumerate(list(rows)[:limit])]
    more = len(rows) - len(shown)
    word = "row" if len(rows) == 1 else "rows"
    return f"{word} " + ", ".join(shown) + (f" and {more} more" if more > 0 else "")


@dataclass(frozen=True)
class ColumnRoles:
    """What each column of a cohort table is."""

    evidence: Mapping[str, str]        # column -> evidence key (node or measurement key)
    id_column: str | None
    outcome: str | None
    passthrough: tuple[str, ...]


def column_roles(spec: NetworkSpec, names: Sequence[Any], *, columns: Columns | None = None,
                 id_column: str | None = None, outcome: str | None = None,
                 passthrough: Sequence[str] = ()) -> ColumnRoles:
    """Sort a table's columns into evidence, id, outcome and carried-through columns.

    Raises
    ------
    CohortError
        An unknown column (with the closest valid names), a latent node, a named column
        that is absent, or two columns giving the same evidence.
    """
    cols = columns if columns is not None else load_columns()
    names = [str(c) for c in names]
    dup = sorted({c for c in names if names.count(c) > 1})
    if dup:
        raise CohortError(f"the table has more than one column named {dup[0]!r}")
    for what, name in (("id_column", id_column), ("outcome", outcome)):
        if name is not None and name not in names:
            raise CohortError(f"{what} {name!r} is not a column{suggest(name, names)} "
                              f"(columns: {', '.join(names)})")
    missing = [c for c in passthrough if c not in names]
    if missing:
        raise CohortError(f"passthrough column {missing[0]!r} is not a column"
                          f"{suggest(missing[0], names)}")
    if id_column is None:
        id_column = next((c for c in cols.id_columns if c in names and c != outcome), None)
    valid = [*spec.observable, *(k for k in spec.measures if k not in spec.observable)]
    carried = list(dict.fromkeys([*passthrough, *([spec.target] if spec.target in names
                                                  and spec.target != outcome else [])]))
    evidence: dict[str, str] = {}
    for c in names:
        if c in (id_column, outcome) or c in carried:
            continue
        key = cols.aliases.get(c, c)
        if key not in valid:
            raise CohortError(_unknown(spec, c, [*valid, *cols.aliases]))
        evidence[c] = key
    _check_once(spec, evidence)
    return ColumnRoles(evidence, id_column, outcome, tuple(carried))


def _unknown(spec: NetworkSpec, c: str, valid: list[str]) -> str:
    keep = "carry it through (--keep on the command line, passthrough= in Python)"
    if c in spec.nodes and spec.nodes[c].latent:
        return f"column {c!r} is a latent node, which is never observed; drop it or {keep}"
    for sep, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
        if sep in c:  # the whole header read as one column
            return (f"unknown column {c!r}: the file looks separated by {name}; a .csv file "
                    "must be separated by commas (a .tsv file by tabs)")
    return (f"unknown column {c!r}{suggest(c, valid)} (columns are node names, measurement "
            f"keys or aliases in columns.yaml; to keep another column, {keep})")


def _check_once(spec: NetworkSpec, evidence: Mapping[str, str]) -> None:
    seen: dict[str, str] = {}
    for c, key in evidence.items():
        if key in seen:
            raise CohortError(f"columns {seen[key]!r} and {c!r} both give {key!r}; keep one")
        seen[key] = c


@dataclass(frozen=True)
class CohortTable:
    """A cohort table after checking: engine evidence per row, and every bad value.

    ``bad`` marks rows with an error (they are not scored); ``errors`` has one row per
    bad value: ``row`` (1-based data row number), ``id``, ``column``, ``value``,
    ``reason``. ``outcome`` holds the target state index per row when an outcome column
    was named.
    """

    evidence: RowEvidence
    index: pd.Index
    ids: pd.Series | None
    roles: ColumnRoles
    bad: np.ndarray
    errors: pd.DataFrame
    outcome: np.ndarray | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)
    first_row: int = 1

    @property
    def n(self) -> int:
        return len(self.index)

    @property
    def columns(self) -> Mapping[str, str]:
        """Evidence column -> evidence key."""
        return self.roles.evidence


def parse_cohort(spec: NetworkSpec, frame: pd.DataFrame, *, columns: Columns | None = None,
                 id_column: str | None = None, outcome: str | None = None,
                 passthrough: Sequence[str] = (), first_row: int = 1,
                 roles: ColumnRoles | None = None, allow_empty: bool = False) -> CohortTable:
    """Check a cohort table and turn it into engine evidence (see the module docstring).

    ``first_row`` numbers the rows (a chunk of a file starts further on); ``roles`` skips
    sorting the columns again (every chunk of one file has the same columns);
    ``allow_empty`` accepts a table without rows.

    Raises
    ------
    CohortError
        The table has no rows, a column problem (:func:`column_roles`), or outcome values
        other than the target's states (naming the rows).
    """
    if roles is None:
        roles = column_roles(spec, list(frame.columns), columns=columns, id_column=id_column,
                             outcome=outcome, passthrough=passthrough)
    if len(frame) == 0 and not allow_empty:
        raise CohortError("the table has no rows (only a header, or nothing)")
    numbers = np.arange(first_row, first_row + len(frame))
    ids = frame[roles.id_column] if roles.id_column else None
    if ids is not None:
        check_ids(ids, numbers)
    y = (read_outcome(spec, frame[roles.outcome], numbers) if roles.outcome else None)
    values = parse_columns(spec, frame, roles.evidence)
    codes, soft, problems, notes = {}, {}, [], []
    for node, nv in values.items():
        codes[node] = nv.codes
        if nv.soft is not None:
            soft[node] = nv.soft
        cols = [c for c, k in roles.evidence.items()
                if (spec.measures[k].node if k in spec.measures else k) == node]
        for rows, reason in nv.errors:
            problems.append(_error_rows(frame, rows, numbers, ids, cols, reason))
        notes += [f"{msg} ({count:,} rows)" for count, msg in _merge(nv.warnings)]
    errors = (pd.concat(problems, ignore_index=True) if problems
              else pd.DataFrame(columns=ERROR_COLUMNS))
    bad = np.zeros(len(frame), dtype=bool)
    if problems:
        bad[errors["row"].to_numpy(dtype=np.int64) - first_row] = True
        errors = errors.sort_values(["row", "column"], kind="stable", ignore_index=True)
    return CohortTable(RowEvidence(codes, soft), frame.index, ids, roles, bad, errors, y,
                       tuple(notes), first_row)


def _merge(items: list[tuple[int, str]]) -> list[tuple[int, str]]:
    total: dict[str, int] = {}
    for count, msg in items:
        key = msg.split(" (", 1)[0] if "disagree" in msg else msg
        total[key] = total.get(key, 0) + count
    return [(c, m) for m, c in total.items()]


def _error_rows(frame: pd.DataFrame, rows: np.ndarray, numbers: np.ndarray,
                ids: pd.Series | None, cols: list[str], reason: str) -> pd.DataFrame:
    """One error line per bad row (and per given column of the node)."""
    parts = []
    for c in cols:
        vals = frame[c].iloc[rows]
        given = vals.map(lambda v: not (v is None or (isinstance(v, float) and np.isnan(v))))
        sel = rows[given.to_numpy(dtype=bool)]
        parts.append(pd.DataFrame({
            "row": numbers[sel], "id": ids.iloc[sel].to_numpy() if ids is not None else None,
            "column": c, "value": frame[c].iloc[sel].to_numpy(dtype=object), "reason": reason}))
    return pd.concat(parts, ignore_index=True)


def check_ids(ids: pd.Series, numbers: np.ndarray) -> None:
    """Ids must be given and unique.

    Raises
    ------
    CohortError
        Blank or repeated ids, naming the rows.
    """
    vals = ids.to_numpy(dtype=object)  # plain objects: no string-array conversion of every id
    blank = np.flatnonzero(pd.isna(vals) | (vals == ""))
    if blank.size:
        raise CohortError(f"id column {ids.name!r} is blank at " + rows_text(list(numbers[blank])))
    dup = pd.Series(vals, dtype=object).duplicated(keep=False).to_numpy()
    if dup.any():
        first = vals[dup][0]
        rows = numbers[np.flatnonzero(vals == first)]
        more = pd.Series(vals[dup], dtype=object).nunique() - 1
        raise CohortError(f"id column {ids.name!r} repeats ids: {first!r} at "
                          f"{rows_text(list(rows))}" + (f", and {more} more ids repeat"
                                                          if more else "") + "; ids must be unique")


def read_outcome(spec: NetworkSpec, values: pd.Series, numbers: np.ndarray) -> np.ndarray:
    """The target state index of every row.

    Raises
    ------
    CohortError
        Any value other than the target's two state names (blank included), naming rows.
    """
    states = list(spec.states(spec.target))
    lookup = {s: i for i, s in enumerate(states)}
    codes = values.astype(object).map(lambda v: lookup.get(v, -1) if isinstance(v, str)
                                      else -1).to_numpy(dtype=np.int64)
    bad = np.flatnonzero(codes < 0)
    if bad.size:
        shown = [None if pd.isna(v) else v for v in values.iloc[bad[:SHOW_ROWS]]]
        raise CohortError(f"outcome column {values.name!r} must hold {states[0]!r} or "
                          f"{states[1]!r} in every row; other values at "
                          + rows_text(list(numbers[bad]), shown))
    return codes.astype(np.int8)
