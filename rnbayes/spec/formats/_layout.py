"""Where nodes go on a drawing canvas when a network gives no positions of its own, and
reading a position back from a file's text."""

from __future__ import annotations

import re

from ..layout import Layout, layered
from ._common import NetworkData

# -- layout ---------------------------------------------------------------------------
#: spacing of the default layout, in pixels
COLUMN_WIDTH, ROW_HEIGHT, MARGIN = 230, 80, 120


def group_order(data: NetworkData) -> list[str]:
    """Groups in the order of the layout's columns (context, target, latent, findings by
    technique, then any others as they first appear; ungrouped nodes have group "")."""
    if not data.groups:
        return [""]
    return list(layered(data.nodes, data.parents, data.groups).columns)


def cell(column: float, row: float) -> tuple[float, float]:
    """The centre, in pixels, of a layout cell."""
    return float(MARGIN + column * COLUMN_WIDTH), float(MARGIN // 2 + row * ROW_HEIGHT)


def default_positions(data: NetworkData, lay: Layout | None = None) -> dict[str, tuple[float, float]]:
    """The given positions, else the layered layout of :func:`rnbayes.spec.layout.layered`
    (one column per group -- or per generation without groups -- flowing from context
    to findings, rows ordered to cut edge crossings), in pixels. ``lay`` is that layout
    when the caller already has it."""
    if len(data.positions) == len(data.nodes):
        return dict(data.positions)
    lay = lay or layered(data.nodes, data.parents, data.groups)
    laid = {n: cell(c, r) for n, (c, r) in lay.position.items()}
    laid.update(data.positions)
    return laid


def parse_pair(text: str) -> tuple[float, float] | None:
    """``"(12, 34)"`` or ``"12 34"`` -> (12.0, 34.0); None when it is not a pair of numbers."""
    nums = re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", text)
    if len(nums) != 2:
        return None
    return float(nums[0]), float(nums[1])
