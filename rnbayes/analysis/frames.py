"""Result tables built from whole columns, in one pass.

The analyses compute every column of a result table as an array; building the
DataFrame through ``pd.DataFrame(dict)`` or from row dicts costs more than the
inference behind the table (pandas infers each column's type, builds the column index
from the keys and copies). :func:`frame` hands pandas finished columns instead: numbers
as float/bool/int arrays, text converted to pandas' own string type in one conversion
for all text columns together. The result is the same DataFrame (same dtypes) as
``pd.DataFrame(dict)`` would give.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import numpy as np
import pandas as pd


@cache
def _text_dtype() -> Any:
    """The dtype pandas gives a column of Python strings (``str`` from pandas 3, else
    object); None for object."""
    dtype = pd.Series(["a"]).dtype
    return None if dtype == np.dtype(object) else dtype


@cache
def _columns(names: tuple[str, ...]) -> pd.Index:
    return pd.Index(list(names))


def frame(columns: Mapping[str, Any], text: Sequence[str] = ()) -> pd.DataFrame:
    """A DataFrame from whole columns (all of one length), in the mapping's order.

    Parameters
    ----------
    columns : column name -> array or list
    text : names of the columns holding strings (converted together)

    Examples
    --------
    >>> df = frame({"test": ["a", "b"], "value": np.array([0.5, 1.5])}, text=["test"])
    >>> df.equals(pd.DataFrame({"test": ["a", "b"], "value": [0.5, 1.5]}))
    True
    """
    names = tuple(columns)
    arrays = [columns[c] for c in names]
    n = len(arrays[0]) if arrays else 0
    if text:
        pos = [names.index(c) for c in text]
        joined = [s for i in pos for s in arrays[i]]
        dtype = _text_dtype()
        conv = np.array(joined, dtype=object) if dtype is None else pd.array(joined, dtype=dtype)
        for j, i in enumerate(pos):
            arrays[i] = conv[j * n:(j + 1) * n]
    arrays = [a if not isinstance(a, list) else np.asarray(a) for a in arrays]
    build = getattr(pd.DataFrame, "_from_arrays", None)
    if build is not None:  # pandas' own constructor for finished columns (skips inference)
        try:
            return build(arrays, columns=_columns(names), index=pd.RangeIndex(n),
                         verify_integrity=False)
        except TypeError:  # a pandas whose private signature differs: the public route
            pass
    return pd.DataFrame(dict(zip(names, arrays)), columns=list(names))
