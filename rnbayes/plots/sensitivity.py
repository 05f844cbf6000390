"""Plots of a :class:`~rnbayes.results.sensitivity.Sensitivity` result.

Each takes a result and ``ax=None``, draws already-computed numbers and returns the Axes.
Without ``ax`` a new figure is made with pyplot's current backend (never switched).
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np

from ..results.sensitivity import Sensitivity


def _axes(ax: Any, size: tuple[float, float]) -> Any:
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=size)
    return ax


def _thresholds(ax: Any, sens: Sensitivity, *, horizontal: bool) -> None:
    for t in sens.thresholds:
        line = ax.axhline if horizontal else ax.axvline
        line(t.p, color="k", ls=":", lw=1)
        label = f"{t.below} | {t.above}"
        if horizontal:
            ax.annotate(label, (0.01, t.p), xycoords=("axes fraction", "data"),
                        fontsize=7, va="bottom")
        else:
            ax.annotate(label, (t.p, 0.99), xycoords=("data", "axes fraction"),
                        fontsize=7, rotation=90, ha="right", va="top")


def plot_tornado(sens: Sensitivity, *, ax: Any = None, top: int = 10) -> Any:
    """Tornado: P(TTP) with each parameter at its lower and upper quantile (2.5% and
    97.5% at the default level).

    Examples
    --------
    >>> import rnbayes
    >>> s = rnbayes.sensitivity({"enhancement_pattern": "nodular"}, n_draws=200,
    ...                         progress=False)
    >>> plot_tornado(s).get_xlabel()
    'P(tumour progression)'
    """
    df = sens.tornado.head(top).iloc[::-1]
    ax = _axes(ax, (8, 0.45 * len(df) + 1.5))
    y = np.arange(len(df))
    p0 = sens.p_progression
    for i, r in enumerate(df.itertuples()):
        ax.barh(i, r.low - p0, left=p0, color="#6a9fd8", height=0.6)
        ax.barh(i, r.high - p0, left=p0, color="#d88a6a", height=0.6)
    ax.set_yticks(y)
    # a pooled record cites many sources: wrap them so the labels leave room for the bars
    ax.set_yticklabels([f"{r.parameter}\n" + textwrap.fill(f"({r.source})", 60)
                        for r in df.itertuples()], fontsize=7)
    ax.axvline(p0, color="k", lw=1)
    _thresholds(ax, sens, horizontal=False)
    ax.set_xlim(0, 1)
    ax.set_xlabel("P(tumour progression)")
    from matplotlib.patches import Patch

    lo_q, hi_q = (1 - sens.interval.level) / 2, (1 + sens.interval.level) / 2
    ax.legend(handles=[Patch(color="#6a9fd8", label=f"parameter at {lo_q:.1%} quantile"),
                       Patch(color="#d88a6a", label=f"parameter at {hi_q:.1%} quantile")],
              fontsize=7, loc="lower left")
    ax.set_title(f"One-way sensitivity (point P(TTP) = {p0:.3f})", fontsize=10)
    return ax


def plot_posterior_interval(sens: Sensitivity, *, ax: Any = None, bins: int = 50) -> Any:
    """Histogram of P(TTP) over parameter draws with the credible interval and thresholds."""
    ax = _axes(ax, (7, 3.5))
    iv = sens.interval
    ax.hist(sens.draws, bins=np.linspace(0, 1, bins + 1), color="#8fb3d9", density=True)
    ax.axvspan(iv.low, iv.high, color="#8fb3d9", alpha=0.25,
               label=f"{iv.level:.0%} interval {iv.low:.3f}-{iv.high:.3f}")
    ax.axvline(sens.p_progression, color="k", lw=1.5,
               label=f"point estimate {sens.p_progression:.3f}")
    _thresholds(ax, sens, horizontal=False)
    ax.set_xlim(0, 1)
    ax.set_xlabel("P(tumour progression)")
    ax.set_ylabel("density over parameter draws")
    ax.legend(fontsize=7, loc="center left")
    ax.set_title(f"Parameter uncertainty ({sens.n_draws} draws); P(decision differs) = "
                 f"{sens.p_decision_differs:.3f}", fontsize=10)
    return ax


def plot_prior_curve(sens: Sensitivity, *, ax: Any = None) -> Any:
    """P(TTP | findings) against the prior P(TTP), with decision thresholds."""
    ax = _axes(ax, (5.5, 5))
    pc = sens.prior_curve
    ax.plot(pc["prior_progression"], pc["p_progression"], color="k", lw=1.5,
            label=f"given the findings (LR {sens.likelihood_ratio:.3g})")
    ax.plot([0, 1], [0, 1], color="0.7", lw=0.8, ls="--", label="no findings")
    _thresholds(ax, sens, horizontal=True)
    ax.plot([sens.prior_case], [sens.p_progression], "o", color="#d8533b",
            label=f"this case: prior {sens.prior_case:.3f}, posterior {sens.p_progression:.3f}")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("prior P(tumour progression) (clinical context)")
    ax.set_ylabel("P(tumour progression | findings)")
    ax.legend(fontsize=7, loc="lower right")
    ax.set_title("Posterior as a function of the prior", fontsize=10)
    return ax
