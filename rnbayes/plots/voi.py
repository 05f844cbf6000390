"""Plots of already-computed results. Each takes a result and ``ax=None`` and returns the Axes."""

from __future__ import annotations

from typing import Any

from ..results.voi import ValueOfInformation
from ._common import axes, legend_below, wrap
from .colours import DARK, EVSI, LEGEND_SIZE, NEUTRAL, NOT_WORTH, TICK_SIZE, WORTH


def plot_test_values(voi: ValueOfInformation, *, ax: Any = None, show_cost: bool = True) -> Any:
    """Horizontal bars of each test's EVSI and net value (utility points), EVPI as a line.

    Draws only what :class:`~rnbayes.ValueOfInformation` already holds; computes
    nothing. Tests already done are not drawn (they are never ranked).

    Parameters
    ----------
    voi : ValueOfInformation
    ax : matplotlib Axes, optional
    show_cost : bool
        Also draw each test's cost as a thin marker.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import rnbayes
    >>> voi = rnbayes.value_of_information({}, pairs=False)
    >>> ax = plot_test_values(voi)
    >>> ax.get_xlabel().startswith("value")
    True
    """
    import numpy as np
    from matplotlib.patches import Patch

    ax = axes(ax, (9, 0.6 * max(len(voi.table), 3) + 2.2))
    t = voi.table.iloc[::-1]  # best at the top
    y = np.arange(len(t))
    h = 0.38
    ax.barh(y + h / 2, t["evsi"], height=h, color=EVSI)
    net = t["net_value"].to_numpy()
    ax.barh(y - h / 2, net, height=h, color=np.where(net > 0, WORTH, NOT_WORTH))
    handles = [Patch(color=EVSI, label="EVSI: expected gain from knowing the result"),
               Patch(color=WORTH, label="net value = EVSI - cost: worth doing"),
               Patch(color=NOT_WORTH, label="net value at or below 0: not worth its cost")]
    if show_cost:
        handles.append(ax.scatter(t["cost"], y - h / 2, marker="|", s=120, color=DARK,
                                  zorder=3, label="cost (including waiting)"))
    ax.axvline(0, color=DARK, linewidth=0.8)
    handles.append(ax.axvline(voi.evpi, color=NEUTRAL, linestyle="--", linewidth=1,
                              label=f"EVPI {voi.evpi:.2f}: the most any test could add"))
    weak = t["weak_evidence"].to_numpy(bool) if "weak_evidence" in t else np.zeros(len(t), bool)
    if weak.any():
        handles.append(Patch(color="none", label="\u2020 accuracy rests on few patients or "
                                                   "on expert judgement"))
    ax.set_yticks(y)
    ax.set_yticklabels([wrap(lab + (" \u2020" if w else ""), 34)
                        for lab, w in zip(t["label"], weak)], fontsize=TICK_SIZE)
    ax.tick_params(axis="x", labelsize=TICK_SIZE)
    ax.set_xlabel(f"value ({voi.utilities.scale})")
    done = f"\nAlready done (not ranked): {', '.join(voi.done['label'])}" if len(voi.done) else ""
    ax.set_title(f"Value of each additional test -- P(TTP) now {voi.p_positive:.3f}; "
                 f"recommended now: {voi.utilities.label(voi.action)}{done}", fontsize=10)
    legend_below(ax, handles, ncol=2, fontsize=LEGEND_SIZE)
    ax.grid(axis="x", alpha=0.3)
    return ax
