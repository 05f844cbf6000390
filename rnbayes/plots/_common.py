"""What the plots share: a new Axes when none is given, wrapped labels, and decision
thresholds drawn as lines whose labels go in the legend (never over the bars)."""

from __future__ import annotations

import textwrap
from typing import Any

from .colours import DARK


def axes(ax: Any, size: tuple[float, float]) -> Any:
    """``ax``, or a new figure's Axes made with pyplot's current backend (never switched)."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=size)
    return ax


def wrap(text: str, width: int) -> str:
    """``text`` wrapped at word boundaries (never cut mid-word)."""
    return "\n".join(textwrap.wrap(str(text), width, break_long_words=False,
                                   break_on_hyphens=False)) or str(text)


def legend_below(ax: Any, handles: list, *, ncol: int = 1, gap: float = 40.0,
                 fontsize: float = 8) -> None:
    """A legend ``gap`` points below the axes (clear of the tick labels and the x label,
    whatever the figure's height)."""
    from matplotlib.transforms import offset_copy

    where = offset_copy(ax.transAxes, fig=ax.figure, y=-gap, units="points")
    ax.legend(handles=handles, fontsize=fontsize, loc="upper center", bbox_to_anchor=(0.5, 0),
              bbox_transform=where, ncol=ncol, frameon=False)


def threshold_lines(ax: Any, thresholds: Any, utilities: Any, *, horizontal: bool) -> list:
    """Dotted lines at the decision thresholds; returns legend handles whose labels say
    which action is recommended on each side."""
    handles = []
    for t in thresholds:
        line = ax.axhline if horizontal else ax.axvline
        label = (f"threshold {t.p:.3f}: {utilities.label(t.below)} below, "
                 f"{utilities.label(t.above)} above")
        handles.append(line(t.p, color=DARK, ls="--", lw=1.4, label=wrap(label, 60)))
    return handles
