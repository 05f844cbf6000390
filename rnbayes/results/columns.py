"""Result tables as whole columns, turned into DataFrames in one pass, when first asked for.

The analyses compute every column of a result table as an array. Building the DataFrame
through ``pd.DataFrame(dict)`` or from row dicts costs more than the inference behind the
table (pandas infers each column's type, builds the column index from the keys and
copies), and importing pandas costs more than a command-line call's whole analysis. So:

* :func:`frame` hands pandas finished columns: numbers as arrays, text converted to
  pandas' own string type in one conversion for all text columns together. The result is
  the DataFrame (same dtypes) that ``pd.DataFrame(dict)`` would give.
* :class:`Columns` holds a table's columns; a result keeps one until its DataFrame is
  asked for (:class:`LazyFrame`), and reads its rows without pandas meanwhile (summaries,
  ``to_dict()``).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from .render import jsonable

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


@cache
def _row_type(names: tuple[str, ...]) -> Any:
    return namedtuple("Row", names)


class Columns:
    """A table as named columns (lists or arrays of one length), text columns named.

    Examples
    --------
    >>> t = Columns({"node": ["a", "b"], "x": np.array([1.0, 2.0])}, text=["node"])
    >>> len(t), [r.node for r in t.rows()], t.records()
    (2, ['a', 'b'], [{'node': 'a', 'x': 1.0}, {'node': 'b', 'x': 2.0}])
    """

    def __init__(self, columns: Mapping[str, Any], text: Sequence[str] = ()):
        self.columns = dict(columns)
        self.text = tuple(text)

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    @property
    def empty(self) -> bool:
        return len(self) == 0 or not self.columns

    def rows(self) -> list[Any]:
        """The rows as named tuples (like ``DataFrame.itertuples(index=False)``)."""
        row = _row_type(tuple(self.columns))
        cols = [c.tolist() if isinstance(c, np.ndarray) else list(c)
                for c in self.columns.values()]
        return [row(*values) for values in zip(*cols)]

    def records(self) -> list[dict[str, Any]]:
        """JSON-safe row dictionaries (as :func:`~rnbayes.results.render.records`)."""
        names = list(self.columns)
        return [jsonable(dict(zip(names, r))) for r in self.rows()]

    def to_frame(self) -> pd.DataFrame:
        return frame(self.columns, self.text)


class LazyFrame:
    """A dataclass field holding a DataFrame or the :class:`Columns` it is built from; the
    DataFrame is built on first access and kept. Set on a class after ``@dataclass``, so
    the generated ``__init__`` stores through it (``object.__setattr__`` honours a data
    descriptor, frozen or not)."""

    def __init__(self, name: str):
        self.name, self.slot = name, f"_{name}_value"

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.slot]
        if isinstance(value, Columns):
            value = value.to_frame()
            obj.__dict__[self.slot] = value  # built once; the result stays immutable
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.slot] = value

    @staticmethod
    def rows(obj: Any, name: str) -> list[Any]:
        """``obj``'s table ``name`` as named-tuple rows, without building a DataFrame."""
        value = obj.__dict__[f"_{name}_value"]
        if isinstance(value, Columns):
            return value.rows()
        return list(value.itertuples(index=False))

    @staticmethod
    def records(obj: Any, name: str) -> list[dict[str, Any]]:
        """``obj``'s table ``name`` as JSON-safe row dictionaries, without pandas if it can."""
        value = obj.__dict__[f"_{name}_value"]
        if isinstance(value, Columns):
            return value.records()
        from .render import records

        return records(value)
