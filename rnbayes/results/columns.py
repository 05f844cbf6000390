"""Result tables as whole columns, turned into DataFrames in one pass.

The analyses compute every column of a result table as an array. Building the DataFrame
through ``pd.DataFrame(dict)`` or from row dicts costs more than the inference behind the
table (pandas infers each column's type, builds the column index from the keys and
copies), and importing pandas costs more than a command-line call's whole analysis. So:

* :func:`frame` hands pandas finished columns: numbers as arrays, text converted to
  pandas' own string type in one conversion for all text columns together. The result is
  the DataFrame (same dtypes) that ``pd.DataFrame(dict)`` would give.
* :class:`Columns` holds a table's columns while the analyses add to them, and turns
  them into the DataFrame in one pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd


@cache
def _text_dtype() -> Any:
    """The dtype pandas gives a column of Python strings (``str`` from pandas 3, else
    object); None for object."""
    import pandas as pd

    dtype = pd.Series(["a"]).dtype
    return None if dtype == np.dtype(object) else dtype


def _text(values: list[str]) -> Any:
    """A text column in the dtype pandas would infer for it: pyarrow strings are made
    directly (a third of the time ``pd.array`` takes to get there)."""
    dtype = _text_dtype()
    if dtype is None:
        return np.array(values, dtype=object)
    if getattr(dtype, "storage", None) == "pyarrow":
        import pyarrow as pa
        from pandas.arrays import ArrowStringArray

        return ArrowStringArray(pa.array(values, type=pa.large_string()), dtype=dtype)
    import pandas as pd

    return pd.array(values, dtype=dtype)


@cache
def _columns(names: tuple[str, ...]) -> pd.Index:
    import pandas as pd

    return pd.Index(list(names))


def frame(columns: Mapping[str, Any], text: Sequence[str] = ()) -> pd.DataFrame:
    """A DataFrame from whole columns (all of one length), in the mapping's order.

    Parameters
    ----------
    columns : column name -> array or list
    text : names of the columns holding strings (converted together)

    Examples
    --------
    >>> import pandas as pd
    >>> df = frame({"test": ["a", "b"], "value": np.array([0.5, 1.5])}, text=["test"])
    >>> df.equals(pd.DataFrame({"test": ["a", "b"], "value": [0.5, 1.5]}))
    True
    """
    import pandas as pd

    names = tuple(columns)
    arrays = [columns[c] for c in names]
    n = len(arrays[0]) if arrays else 0
    for c in text:
        i = names.index(c)
        arrays[i] = _text(list(arrays[i]))
    arrays = [a if not isinstance(a, list) else np.asarray(a) for a in arrays]
    build = getattr(pd.DataFrame, "_from_arrays", None)
    if build is not None:  # pandas' own constructor for finished columns (skips inference)
        try:
            return build(arrays, columns=_columns(names), index=pd.RangeIndex(n),
                         verify_integrity=False)
        except TypeError:  # a pandas whose private signature differs: the public route
            pass
    return pd.DataFrame(dict(zip(names, arrays)), columns=list(names))


class Columns:
    """A table as named columns (lists or arrays of one length), text columns named.

    Examples
    --------
    >>> t = Columns({"node": ["a", "b"], "x": np.array([1.0, 2.0])}, text=["node"])
    >>> t.to_frame().to_dict("list")
    {'node': ['a', 'b'], 'x': [1.0, 2.0]}
    """

    def __init__(self, columns: Mapping[str, Any], text: Sequence[str] = ()):
        self.columns = dict(columns)
        self.text = tuple(text)

    def to_frame(self) -> pd.DataFrame:
        return frame(self.columns, self.text)
