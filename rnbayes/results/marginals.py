"""The result of a marginals query: P(state) of any node given the findings."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .._provenance import NOTICE
from .base import Result
from .render import html_table, records
from .text import text_table

MARGINAL_COLUMNS = ["node", "node_label", "state", "state_label", "p", "p_before", "observed"]


@dataclass(frozen=True, eq=False, kw_only=True)
class Marginals(Result):
    """The probability of each state of each node given the evidence, and before it.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per node and state: ``node``, ``node_label``, ``state``, ``state_label``,
        ``p`` (given the evidence), ``p_before`` (before any finding) and ``observed``
        (the node was given as evidence).

    Examples
    --------
    >>> import rnbayes
    >>> m = rnbayes.load_model().marginals({"enhancement_pattern": "nodular"},
    ...                                    nodes=["rcbv", "diagnosis"])
    >>> list(m.of("rcbv").index)
    ['elevated', 'not_elevated']
    >>> m.p("diagnosis", "tumour_progression") > m.p_before("diagnosis", "tumour_progression")
    True
    """

    table: pd.DataFrame = field(repr=False)

    @property
    def nodes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.table["node"]))

    def of(self, node: str) -> pd.Series:
        """P(state) of ``node`` given the evidence, indexed by state."""
        rows = self._rows(node)
        return pd.Series(rows["p"].to_numpy(), index=pd.Index(rows["state"], name=node),
                         name="p")

    def p(self, node: str, state: str) -> float:
        """P(``node`` = ``state`` | evidence)."""
        return self._cell(node, state, "p")

    def p_before(self, node: str, state: str) -> float:
        """P(``node`` = ``state``) before any finding."""
        return self._cell(node, state, "p_before")

    def _rows(self, node: str) -> pd.DataFrame:
        rows = self.table[self.table["node"] == node]
        if rows.empty:
            raise KeyError(f"{node!r} is not among these marginals: {list(self.nodes)}")
        return rows

    def _cell(self, node: str, state: str, column: str) -> float:
        rows = self._rows(node)
        hit = rows[rows["state"] == state]
        if hit.empty:
            raise KeyError(f"{state!r} is not a state of {node!r}: {list(rows['state'])}")
        return float(hit.iloc[0][column])

    def _content(self) -> dict[str, Any]:
        return {"marginals": records(self.table)}

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self) -> str:
        rows = [[r.node_label if i == 0 else "", r.state_label, f"{r.p:.3f}",
                 f"{r.p_before:.3f}", "given" if r.observed and i == 0 else ""]
                for _, g in self.table.groupby("node", sort=False)
                for i, r in enumerate(g.itertuples())]
        lines = text_table(["node", "state", "P now", "P before", ""], rows,
                           [36, 30, 6, 8, 5], [False, False, True, True, False])
        lines.append("(P before: before any finding; given: the node was given as evidence)")
        return "\n".join([*lines, "", NOTICE])

    def headline(self) -> str:
        """The key number first: the state that moved most from before any finding
        (``CBF (ASL perfusion): elevated 0.466 -> 0.032``)."""
        t = self.table[~self.table["observed"].astype(bool)]
        if t.empty:
            return "Every node asked about was given as evidence"
        r = t.loc[(t["p"] - t["p_before"]).abs().idxmax()]
        return (f"Moved most: {r['node_label']}: {r['state_label']} {r['p_before']:.3f} "
                f"before any finding -> {r['p']:.3f} now")

    def _repr_html_(self) -> str:
        t = self.table
        first = ~t["node"].duplicated()
        shown = pd.DataFrame({"node": [lab if f else "" for lab, f in zip(t["node_label"], first)],
                              "state": t["state_label"], "P now": t["p"],
                              "P before any finding": t["p_before"]})
        return (f"<div class='rnbayes-marginals'><p><b>{html.escape(self.headline())}</b></p>"
                f"{html_table(shown)}"
                f"<p><small>{html.escape(NOTICE)}</small></p></div>")

    def __repr__(self) -> str:
        return f"Marginals(nodes={len(self.nodes)}, findings={len(self.evidence)})"
