"""Plots of already-computed results. Each takes a result and ``ax=None`` and returns the Axes."""

from __future__ import annotations

from typing import Any

from ..results.voi import ValueOfInformation


def plot_test_values(voi: ValueOfInformation, *, ax: Any = None, show_cost: bool = True) -> Any:
    """Horizontal bars of each test's EVSI and net value (utility points), EVPI as a line.

    Draws only what :class:`~rnbayes.analysis.voi.ValueOfInformation` already holds; computes
    nothing.

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
    import matplotlib.pyplot as plt
    import numpy as np

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.45 * max(len(voi.table), 3) + 1.4))
    t = voi.table.iloc[::-1]  # best at the top
    y = np.arange(len(t))
    labels = [f"{lab} ({status})" if status else str(lab)
              for lab, status in zip(t["label"], t["status"])]
    h = 0.38
    from matplotlib.patches import Patch

    ax.barh(y + h / 2, t["evsi"], height=h, color="#4c72b0")
    net = t["net_value"].to_numpy()
    ax.barh(y - h / 2, net, height=h, color=np.where(net >= 0, "#55a868", "#c44e52"))
    handles = [Patch(color="#4c72b0", label="EVSI (expected value of the result)"),
               Patch(color="#55a868", label="net value = EVSI - cost (positive)"),
               Patch(color="#c44e52", label="net value (negative: not worth it)")]
    if show_cost:
        handles.append(ax.scatter(t["cost"], y - h / 2, marker="|", s=120, color="black",
                                  zorder=3, label="cost (incl. waiting)"))
    ax.axvline(0, color="black", linewidth=0.8)
    handles.append(ax.axvline(voi.evpi, color="grey", linestyle="--", linewidth=1,
                              label=f"EVPI ceiling = {voi.evpi:.2f}"))
    ax.set_yticks(y)
    ax.set_yticklabels(labels)
    scale = getattr(voi.utilities, "scale", "utility points")
    ax.set_xlabel(f"value ({scale})")
    ax.set_title(f"Value of each additional test\nP({voi.positive}) = {voi.p_positive:.3f}; "
                 f"recommended now: {voi.action}", fontsize=10)
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2,
              fontsize=8, frameon=False)
    ax.grid(axis="x", alpha=0.3)
    return ax
