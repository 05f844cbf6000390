"""Rendering shared by every result and the report: JSON-safe values and tables as HTML
(``DataFrame.to_html(escape=True)``) or Markdown."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd


def jsonable(x: Any) -> Any:
    """``x`` with numpy scalars made Python, non-finite or missing numbers made ``None``,
    mappings and sequences converted recursively, objects with ``to_dict()`` converted,
    and anything else made a string.

    Examples
    --------
    >>> jsonable({"a": np.float64(0.5), "b": float("nan"), "c": (1, np.int64(2))})
    {'a': 0.5, 'b': None, 'c': [1, 2]}
    """
    if isinstance(x, Mapping):
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
    if hasattr(x, "to_dict"):
        return jsonable(x.to_dict())
    import pandas as pd  # only for values that are none of the above

    try:
        if pd.isna(x):
            return None
    except (TypeError, ValueError):
        pass
    return str(x)


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """A DataFrame as a JSON-safe list of row dictionaries."""
    return [jsonable(r) for r in df.to_dict(orient="records")]


def html_table(df: pd.DataFrame, digits: int = 3, *, index: bool = False) -> str:
    """An HTML table of ``df`` (``DataFrame.to_html``): every cell escaped, numbers to
    ``digits`` decimals, missing values blank.

    Examples
    --------
    >>> import pandas as pd
    >>> html_table(pd.DataFrame({"x": ["<b>"], "p": [0.5]}))
    '<table class="rnbayes"><thead>...<tbody><tr><td>&lt;b&gt;</td><td>0.500</td></tr></tbody></table>'
    """
    body = df.to_html(escape=True, index=index, border=0, classes="rnbayes", justify="left",
                      float_format=lambda v: f"{v:.{digits}f}", na_rep="")
    body = body.replace(' class="dataframe rnbayes"', ' class="rnbayes"')
    body = body.replace('<tr style="text-align: left;">', "<tr>")
    return "".join(line.strip() for line in body.splitlines())


#: characters with a meaning in Markdown, escaped with a backslash in text and cells
_MD_SPECIAL = set("\\`*_[]#|~!")
_MD_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def md_escape(text: Any) -> str:
    r"""``text`` as literal Markdown: HTML made entities (``<script>`` shows as text and
    never runs), Markdown punctuation and pipes backslash-escaped, line breaks as spaces.

    Examples
    --------
    >>> md_escape("a|b <script>x</script> *c*")
    'a\\|b &lt;script&gt;x&lt;/script&gt; \\*c\\*'
    """
    out = []
    for ch in str(text).replace("\r", " ").replace("\n", " "):
        out.append(_MD_ENTITIES.get(ch) or (f"\\{ch}" if ch in _MD_SPECIAL else ch))
    return "".join(out)


def md_table(df: pd.DataFrame, digits: int = 3, *, index: bool = False) -> str:
    r"""A Markdown table of ``df`` (every header and cell escaped, see :func:`md_escape`),
    or ``_(none)_`` when empty.

    Examples
    --------
    >>> import pandas as pd
    >>> print(md_table(pd.DataFrame({"x|y": ["a|b"], "p": [0.5]})))
    | x\|y | p |
    |---|---|
    | a\|b | 0.500 |
    """
    if df.empty:
        return "_(none)_"
    if index:
        df = df.reset_index().rename(columns={"index": ""})

    def cell(v: Any) -> str:
        if isinstance(v, float):
            return f"{v:.{digits}f}" if math.isfinite(v) else ""
        return md_escape("" if v is None else v)

    head = "| " + " | ".join(md_escape(c) for c in df.columns) + " |"
    sep = "|" + "---|" * len(df.columns)
    rows = ["| " + " | ".join(cell(v) for v in r) + " |" for r in df.itertuples(index=False)]
    return "\n".join([head, sep, *rows])
