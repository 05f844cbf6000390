"""Checking predictions, outcomes and groups before any metric is computed.

Every problem is one line naming the rows (index labels for pandas input, 0-based
positions otherwise; at most a few, then "and N more") and what is allowed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ...errors import CohortError
from ...spec.cohort import SHOW_ROWS, rows_text

#: default outcome labels: (negative, positive) = (RN, TTP)
DEFAULT_LABELS = ("radiation_necrosis", "tumour_progression")


@dataclass(frozen=True)
class CheckedInput:
    """Predictions and outcomes that passed every check."""

    p: np.ndarray          # float, in [0, 1]
    y: np.ndarray          # int8, 1 = positive label, 0 = negative label
    groups: np.ndarray | None  # object array of group labels (NaN -> "(not recorded)")
    group_order: tuple[str, ...]


def _as_series(x: Any, name: str) -> pd.Series:
    if isinstance(x, pd.DataFrame):
        raise CohortError(f"{name} must be one column (a Series or 1-D array); got a DataFrame "
                          f"with columns {list(x.columns)[:5]}")
    if isinstance(x, pd.Series):
        return x
    if isinstance(x, pd.Categorical):
        return pd.Series(x)
    arr = np.asarray(x, dtype=object) if not isinstance(x, np.ndarray) else x
    if arr.ndim != 1:
        raise CohortError(f"{name} must be 1-D (one value per lesion); got shape {arr.shape}")
    return pd.Series(arr)


def _row_labels(p: pd.Series, y: pd.Series, p_given: Any, y_given: Any) -> np.ndarray:
    if isinstance(p_given, pd.Series):
        return p.index.to_numpy()
    if isinstance(y_given, pd.Series):
        return y.index.to_numpy()
    return np.arange(len(p))


def check_predictions(p: Any, y: Any, *, labels: Sequence[str] = DEFAULT_LABELS,
                      groups: Any = None) -> CheckedInput:
    """Validate predicted P(positive) ``p`` and outcomes ``y``; raise one clear line if bad.

    ``y`` may hold the two ``labels`` (negative, positive), or 0/1 (also as floats or
    booleans). ``groups`` (optional) needs one label per lesion; missing labels become
    ``"(not recorded)"``.

    Examples
    --------
    >>> c = check_predictions([0.2, 0.9], ["radiation_necrosis", "tumour_progression"])
    >>> c.y.tolist()
    [0, 1]
    >>> try:
    ...     check_predictions([0.2, 1.5], [0, 1])
    ... except CohortError as e:
    ...     print(e)
    p must be predicted probabilities in [0, 1]; bad values at row 1 (1.5)
    """
    labels = _check_labels(labels)
    ps, ys = _as_series(p, "p"), _as_series(y, "y")
    if len(ps) == 0 and len(ys) == 0:
        raise CohortError("no lesions: p and y are empty")
    if len(ps) != len(ys):
        raise CohortError(f"p has {len(ps)} values but y has {len(ys)}; they must be the same "
                          "lesions in the same order")
    rows = _row_labels(ps, ys, p, y)
    p_arr = _check_p(ps, rows)
    y_arr = _check_y(ys, rows, labels)
    present = set(np.unique(y_arr).tolist())
    if present != {0, 1}:
        only = labels[next(iter(present))]
        raise CohortError(f"y has only one outcome ({only}, all {len(y_arr)} lesions); "
                          f"discrimination and calibration need both {labels[0]} and {labels[1]}")
    g, order = (None, ()) if groups is None else _check_groups(groups, len(p_arr))
    return CheckedInput(p=p_arr, y=y_arr, groups=g, group_order=order)


def _check_labels(labels: Sequence[str]) -> tuple[str, str]:
    if isinstance(labels, str) or len(labels) != 2 or labels[0] == labels[1]:
        raise CohortError(f"labels must be two different outcome names (negative, positive), "
                          f"e.g. {DEFAULT_LABELS}; got {labels!r}")
    return (str(labels[0]), str(labels[1]))


def _check_p(ps: pd.Series, rows: np.ndarray) -> np.ndarray:
    if ps.dtype == bool:
        raise CohortError("p must be predicted probabilities in [0, 1]; got True/False values")
    num = pd.to_numeric(ps, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(num) | (num < 0.0) | (num > 1.0)
    if bad.any():
        idx = np.flatnonzero(bad)
        raw = ps.to_numpy(dtype=object)[idx]
        vals = [float(v) if isinstance(v, (int, float, np.number)) else v for v in raw[:SHOW_ROWS]]
        raise CohortError("p must be predicted probabilities in [0, 1]; bad values at "
                          + rows_text(list(rows[idx]), vals))
    return num


def _check_y(ys: pd.Series, rows: np.ndarray, labels: tuple[str, str]) -> np.ndarray:
    raw = ys.to_numpy(dtype=object)
    out = np.full(len(raw), -1, dtype=np.int8)
    for i, v in enumerate(raw):
        if isinstance(v, str):
            if v == labels[1]:
                out[i] = 1
            elif v == labels[0]:
                out[i] = 0
        elif isinstance(v, (bool, np.bool_, int, np.integer, float, np.floating)) and v in (0, 1):
            out[i] = int(v)
    bad = np.flatnonzero(out < 0)
    if bad.size:
        vals = [None if (not isinstance(v, str) and pd.isna(v)) else v for v in raw[bad[:SHOW_ROWS]]]
        raise CohortError(f"y must be {labels[0]!r} or {labels[1]!r} (or 0/1, 1 = {labels[1]}); "
                          "bad values at " + rows_text(list(rows[bad]), vals))
    return out


def _check_groups(groups: Any, n: int) -> tuple[np.ndarray, tuple[str, ...]]:
    gs = _as_series(groups, "groups")
    if len(gs) != n:
        raise CohortError(f"groups has {len(gs)} values but p has {n}; give one group per lesion")
    missing = "(not recorded)"
    if isinstance(gs.dtype, pd.CategoricalDtype):
        order = [str(c) for c in gs.cat.categories]
    else:
        order = list(dict.fromkeys(str(v) for v in gs if not pd.isna(v)))
    vals = np.array([missing if pd.isna(v) else str(v) for v in gs], dtype=object)
    if (vals == missing).any() and missing not in order:
        order.append(missing)
    return vals, tuple(order)
