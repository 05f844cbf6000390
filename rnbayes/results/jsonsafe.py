"""One way to make result objects JSON-safe."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd


def jsonable(x: Any) -> Any:
    """``x`` with numpy scalars made Python, non-finite or missing numbers made ``None``,
    mappings and sequences converted recursively, and anything else made a string."""
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return [jsonable(v) for v in x.tolist()]
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (np.integer, int)):
        return int(x)
    if isinstance(x, (np.floating, float)):
        f = float(x)
        return f if math.isfinite(f) else None
    if x is None or isinstance(x, str):
        return x
    try:
        if pd.isna(x):
            return None
    except (TypeError, ValueError):
        pass
    return str(x)


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """A DataFrame as a JSON-safe list of row dictionaries."""
    return [jsonable(r) for r in df.to_dict(orient="records")]
