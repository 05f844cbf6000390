"""Plots of a :class:`~rnbayes.results.sensitivity.Sensitivity` result.

Each takes a result and ``ax=None``, draws already-computed numbers and returns the Axes.
Without ``ax`` a new figure is made with pyplot's current backend (never switched).
Threshold labels go in the legend, below the axes, so they never cover a bar.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..results.sensitivity import Sensitivity
from ._common import axes, legend_below, threshold_lines, wrap
from .colours import DARK, LEGEND_SIZE, LIGHT, NEUTRAL, RN, TICK_SIZE, TTP


def _x_range(sens: Sensitivity, values: Any) -> tuple[float, float]:
    """The part of [0, 1] the bars, the point and the thresholds need, with a margin."""
    xs = [*np.ravel(values), sens.p_progression, *(t.p for t in sens.thresholds)]
    lo, hi = float(np.min(xs)), float(np.max(xs))
    pad = max(0.04, 0.08 * (hi - lo))
    return max(0.0, lo - pad), min(1.0, hi + pad)


def tornado_labels(sens: Sensitivity, top: int) -> list[str]:
    """Each row's label (the figure in words, wrapped) and its source, bottom row first."""
    df = sens.tornado.head(top).iloc[::-1]
    labels = df["label"] if "label" in df else df["parameter"]
    return [f"{wrap(lab, 40)}\n({wrap(_few(src), 40)})" for lab, src in zip(labels, df["source"])]


def _few(sources: str, most: int = 3) -> str:
    """At most ``most`` of the ``;``-separated sources, then how many more (a pooled
    record cites nine series; all nine made the prior's label eleven lines long)."""
    parts = [p.strip() for p in str(sources).split(";") if p.strip()]
    if len(parts) <= most:
        return str(sources)
    return "; ".join(parts[:most]) + f"; +{len(parts) - most} more"


def tornado_size(sens: Sensitivity, top: int = 10) -> tuple[float, float]:
    """A figure size whose rows are tall enough for their wrapped labels."""
    labels = tornado_labels(sens, top)
    lines = max((lab.count("\n") + 1 for lab in labels), default=1)
    return 8.0, len(labels) * max(0.6, 0.17 * lines + 0.1) + 2.2


def plot_tornado(sens: Sensitivity, *, ax: Any = None, top: int = 10) -> Any:
    """Tornado: P(TTP) with each published figure at its lower and upper quantile (2.5%
    and 97.5% at the default level), the others at their point values.

    A bar that raises P(TTP) is in the TTP colour, one that lowers it in the RN colour;
    the lower quantile is hatched.

    Parameters
    ----------
    sens : Sensitivity
    ax : matplotlib Axes, optional
    top : int
        How many of the most influential figures to draw.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import rnbayes
    >>> s = rnbayes.sensitivity({"enhancement_pattern": "nodular"}, n_draws=200,
    ...                         progress=False)
    >>> plot_tornado(s).get_xlabel()
    'P(tumour progression)'
    """
    from matplotlib.patches import Patch

    df = sens.tornado.head(top).iloc[::-1]
    ax = axes(ax, tornado_size(sens, top))
    p0 = sens.p_progression
    for i, r in enumerate(df.itertuples()):
        for value, hatch in ((r.low, "////"), (r.high, None)):
            ax.barh(i, value - p0, left=p0, height=0.6, color=TTP if value > p0 else RN,
                    hatch=hatch, edgecolor="white", linewidth=0.5)
    ax.set_yticks(np.arange(len(df)))
    ax.set_yticklabels(tornado_labels(sens, top), fontsize=TICK_SIZE)
    ax.axvline(p0, color=DARK, lw=1)
    ax.set_xlim(*_x_range(sens, df[["low", "high"]].to_numpy()))
    ax.set_xlabel("P(tumour progression)")
    ax.tick_params(axis="x", labelsize=TICK_SIZE)
    lo_q, hi_q = (1 - sens.interval.level) / 2, (1 + sens.interval.level) / 2
    handles = [Patch(color=TTP, label="raises P(TTP)"), Patch(color=RN, label="lowers P(TTP)"),
               Patch(facecolor="white", edgecolor=DARK, hatch="////",
                     label=f"hatched: figure at its {lo_q:.1%} quantile"),
               Patch(facecolor=NEUTRAL, label=f"solid: at its {hi_q:.1%} quantile")]
    handles += threshold_lines(ax, sens.thresholds, sens.utilities, horizontal=False)
    legend_below(ax, handles, ncol=2, fontsize=LEGEND_SIZE)
    ax.set_title(f"Which published figures move P(TTP) most (now {p0:.3f})", fontsize=10)
    return ax


def plot_posterior_interval(sens: Sensitivity, *, ax: Any = None, bins: int = 50) -> Any:
    """Histogram of P(TTP) over parameter draws with the credible interval and thresholds.

    Examples
    --------
    >>> import rnbayes
    >>> s = rnbayes.sensitivity({"enhancement_pattern": "nodular"}, n_draws=200,
    ...                         progress=False)
    >>> plot_posterior_interval(s).get_ylabel()
    'density over parameter draws'
    """
    ax = axes(ax, (8, 4))
    iv = sens.interval
    ax.hist(sens.draws, bins=np.linspace(0, 1, bins + 1), color=LIGHT, density=True)
    band = ax.axvspan(iv.low, iv.high, color=NEUTRAL, alpha=0.15,
                      label=f"{iv.level:.0%} credible interval {iv.low:.3f}-{iv.high:.3f}")
    point = ax.axvline(sens.p_progression, color=DARK, lw=1.5,
                       label=f"at the point values {sens.p_progression:.3f}")
    handles = [band, point, *threshold_lines(ax, sens.thresholds, sens.utilities,
                                             horizontal=False)]
    ax.set_xlim(0, 1)
    ax.set_xlabel("P(tumour progression)")
    ax.set_ylabel("density over parameter draws")
    ax.tick_params(labelsize=TICK_SIZE)
    legend_below(ax, handles, fontsize=LEGEND_SIZE)
    ax.set_title(f"P(TTP) over {sens.n_draws} draws of the published figures; "
                 f"P(recommendation differs) = {sens.p_decision_differs:.3f}", fontsize=10)
    return ax


def plot_prior_curve(sens: Sensitivity, *, ax: Any = None) -> Any:
    """P(TTP | findings) against the prior P(TTP), with decision thresholds.

    Examples
    --------
    >>> import rnbayes
    >>> s = rnbayes.sensitivity({"enhancement_pattern": "nodular"}, n_draws=200,
    ...                         progress=False)
    >>> plot_prior_curve(s).get_ylabel()
    'P(tumour progression | findings)'
    """
    ax = axes(ax, (6, 6))
    pc = sens.prior_curve
    curve, = ax.plot(pc["prior_progression"], pc["p_progression"], color=DARK, lw=1.5,
                     label=f"given the imaging findings (odds x {sens.likelihood_ratio:.3g})")
    diag, = ax.plot([0, 1], [0, 1], color=NEUTRAL, lw=0.8, ls="--", label="no imaging findings")
    case, = ax.plot([sens.prior_case], [sens.p_progression], "o", color=DARK, ms=7,
                    label=f"this case: prior from the clinical context {sens.prior_case:.3f}, "
                          f"P(TTP) {sens.p_progression:.3f}")
    handles = [curve, diag, case, *threshold_lines(ax, sens.thresholds, sens.utilities,
                                                   horizontal=True)]
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("prior P(tumour progression) from the clinical context")
    ax.set_ylabel("P(tumour progression | findings)")
    ax.tick_params(labelsize=TICK_SIZE)
    for h in handles:
        h.set_label(wrap(h.get_label(), 62))
    legend_below(ax, handles, fontsize=LEGEND_SIZE)
    ax.set_title("How the answer depends on the prior", fontsize=10)
    return ax
