"""Where each node of a network goes in a drawing: one column per group, flowing from the
clinical context through the diagnosis and the latent nodes to the findings.

The same layout places the nodes of a saved file (so GeNIe, Hugin or SamIam open it
readable) and of :func:`rnbayes.plot_network`. It is a plain function of names, parents
and groups, so it works on any network:

* **columns** -- with groups, one column per group, the known ones in the order
  :data:`GROUP_ORDER` (context -> target -> latent -> findings by technique) and any
  others after them in the order they first appear; without groups, one column per
  generation (roots first);
* **rows** -- within a column, nodes are ordered by the mean row of their neighbours in
  other columns (a few barycentre sweeps, the usual way to cut edge crossings in a
  layered drawing), then centred on the tallest column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: the groups of an rnbayes network, left to right
GROUP_ORDER = ("context", "target", "latent", "conventional", "advanced", "pet", "follow_up")
#: barycentre sweeps (left to right, then back); enough for networks of a few dozen nodes
SWEEPS = 6


def readable(name: str) -> str:
    """A node or group name as people read it when no label is given: underscores as
    spaces (``"months_since_srs"`` -> ``"months since srs"``)."""
    return " ".join(name.replace("_", " ").split())


def group_key(group: str) -> str:
    """``"Follow-up"`` -> ``"follow_up"``: how a group name is compared with
    :data:`GROUP_ORDER`."""
    return group.strip().lower().replace("-", "_").replace(" ", "_")


@dataclass(frozen=True)
class Layout:
    """Columns and rows of a layered drawing.

    ``position[node] = (column, row)``; rows are centred, so a short column sits in the
    middle of the tallest one (rows may be halves). ``columns`` names each column's group
    (``""`` for a generation of an ungrouped network); ``height`` is the tallest
    column's node count.
    """

    position: Mapping[str, tuple[int, float]]
    columns: tuple[str, ...]
    height: int


def column_of(nodes: Sequence[str], parents: Mapping[str, Sequence[str]],
              groups: Mapping[str, str]) -> tuple[dict[str, int], tuple[str, ...]]:
    """Each node's column, and the group each column holds."""
    if any(groups.get(n) for n in nodes):
        seen = list(dict.fromkeys(groups.get(n, "") for n in nodes))
        rank = {g: (GROUP_ORDER.index(group_key(g)) if group_key(g) in GROUP_ORDER
                    else len(GROUP_ORDER) + seen.index(g)) for g in seen}
        order = sorted(seen, key=rank.__getitem__)
        col = {g: i for i, g in enumerate(order)}
        return {n: col[groups.get(n, "")] for n in nodes}, tuple(order)
    depth: dict[str, int] = {}
    for n in nodes:  # nodes come parents first
        depth[n] = 1 + max((depth[p] for p in parents[n]), default=-1)
    return depth, ("",) * (1 + max(depth.values(), default=0))


def layered(nodes: Sequence[str], parents: Mapping[str, Sequence[str]],
            groups: Mapping[str, str] | None = None) -> Layout:
    """Lay out a network in columns by group (or generation) with few edge crossings.

    Parameters
    ----------
    nodes : node names, parents before children
    parents : node -> its parents
    groups : node -> group name (optional; may cover some nodes only)

    Examples
    --------
    >>> lay = layered(["age", "d", "x", "y"], {"age": [], "d": ["age"], "x": ["d"],
    ...               "y": ["d"]}, {"age": "context", "d": "target", "x": "advanced",
    ...                              "y": "conventional"})
    >>> lay.columns
    ('context', 'target', 'conventional', 'advanced')
    >>> lay.position["d"], lay.position["x"]
    ((1, 0.0), (3, 0.0))
    """
    groups = dict(groups or {})
    col, names = column_of(nodes, parents, groups)
    columns: list[list[str]] = [[n for n in nodes if col[n] == c] for c in range(len(names))]
    neighbours: dict[str, list[str]] = {n: [] for n in nodes}
    for n in nodes:
        for p in parents[n]:
            if col[p] != col[n]:
                neighbours[n].append(p)
                neighbours[p].append(n)
    for sweep in range(SWEEPS):
        span = range(1, len(columns)) if sweep % 2 == 0 else range(len(columns) - 2, -1, -1)
        for c in span:
            row = _rows(columns)
            columns[c] = sorted(columns[c], key=lambda n: _barycentre(n, neighbours[n], row))
    height = max((len(c) for c in columns), default=0)
    position = {}
    for c, members in enumerate(columns):
        offset = (height - len(members)) / 2
        for i, n in enumerate(members):
            position[n] = (c, i + offset)
    return Layout(position=position, columns=tuple(names), height=height)


def _rows(columns: list[list[str]]) -> dict[str, float]:
    """Each node's row as a fraction of its column's height (columns of any length
    compare)."""
    return {n: (i + 0.5) / len(members) for members in columns for i, n in enumerate(members)}


def _barycentre(node: str, neighbours: list[str], row: Mapping[str, float]) -> float:
    if not neighbours:
        return row[node]
    return sum(row[m] for m in neighbours) / len(neighbours)
