"""Where nodes go on a drawing canvas when a network gives no positions of its own, and
reading a position back from a file's text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ._common import NetworkData

# -- layout ---------------------------------------------------------------------------
#: spacing of the default layout, in pixels
COLUMN_WIDTH, ROW_HEIGHT, MARGIN = 230, 80, 120


def group_order(data: NetworkData) -> list[str]:
    """Groups in the order their first node appears (ungrouped nodes have group "")."""
    seen: dict[str, None] = {}
    for n in data.nodes:
        seen.setdefault(data.groups.get(n, ""), None)
    return list(seen)


def column_layout(nodes: Iterable[str], column_of: Mapping[str, int]) -> dict[str, tuple[float, float]]:
    """Centres for ``nodes``: one column per ``column_of`` value, rows in the given order."""
    rows: dict[int, int] = {}
    out = {}
    for n in nodes:
        col = column_of[n]
        row = rows.get(col, 0)
        rows[col] = row + 1
        out[n] = (float(MARGIN + col * COLUMN_WIDTH), float(MARGIN // 2 + row * ROW_HEIGHT))
    return out


def default_positions(data: NetworkData) -> dict[str, tuple[float, float]]:
    """The given positions, else a readable layout: with groups, one column per group,
    left to right in the order groups first appear; without, one column per generation
    (roots first). Nodes run top to bottom in topological order."""
    if len(data.positions) == len(data.nodes):
        return dict(data.positions)
    if data.groups:
        col = {g: i for i, g in enumerate(group_order(data))}
        column_of = {n: col[data.groups.get(n, "")] for n in data.nodes}
    else:
        column_of = {}
        for n in data.nodes:
            column_of[n] = 1 + max((column_of[p] for p in data.parents[n]), default=-1)
    laid = column_layout(data.nodes, column_of)
    laid.update(data.positions)
    return laid


def parse_pair(text: str) -> tuple[float, float] | None:
    """``"(12, 34)"`` or ``"12 34"`` -> (12.0, 34.0); None when it is not a pair of numbers."""
    nums = re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", text)
    if len(nums) != 2:
        return None
    return float(nums[0]), float(nums[1])
