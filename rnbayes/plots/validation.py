"""Plots of a :class:`~rnbayes.Validation`. Each draws numbers the result
already holds (computes nothing), on the given Axes or on a new
``matplotlib.figure.Figure`` (no pyplot, no backend switch), and returns the Axes.

In a notebook, show a new figure with ``ax.figure``.
"""

from __future__ import annotations

from typing import Any

from . import colours

#: one colour per diagnosis, the same as in every other plot (plots/colours.py)
COLOURS = {"tumour_progression": colours.TTP, "radiation_necrosis": colours.RN}
MODEL_COLOUR = colours.DARK
_FALLBACK = (colours.RN, colours.TTP)  # negative, positive for other labels


def outcome_colours(labels: tuple[str, ...]) -> tuple[str, str]:
    """Colours of the negative and positive outcome."""
    return (COLOURS.get(labels[0], _FALLBACK[0]), COLOURS.get(labels[1], _FALLBACK[1]))


def _new_axes(ax: Any, size: tuple[float, float]) -> Any:
    if ax is not None:
        return ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=100, layout="constrained")
    return fig.add_subplot()


def plot_roc(validation: Any, *, ax: Any = None) -> Any:
    """ROC curve with the AUC and its interval in the legend.

    Parameters
    ----------
    validation : Validation
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import numpy as np
    >>> from rnbayes.analysis.cohort.validation import validate_predictions
    >>> v = validate_predictions([0.1, 0.4, 0.35, 0.8, 0.2, 0.9], [0, 0, 1, 1, 0, 1], n_boot=50)
    >>> ax = plot_roc(v)
    >>> ax.get_xlabel()
    'false-positive rate: 1 - specificity (proportion of RN called TTP)'
    """
    v = validation
    neg, pos = v.short_labels
    ax = _new_axes(ax, (5.2, 5.0))
    roc = v.roc
    ax.plot([0, 1], [0, 1], color="0.6", lw=0.9, ls="--", label="no discrimination (AUC 0.5)")
    ax.plot(roc["fpr"], roc["tpr"], color=MODEL_COLOUR, lw=1.8, drawstyle="default",
            label=f"model: AUC {v.auc}")
    ax.set_xlim(-0.01, 1.01)
    ax.set_ylim(-0.01, 1.01)
    ax.set_aspect("equal")
    ax.set_xlabel(f"false-positive rate: 1 - specificity (proportion of {neg} called {pos})")
    ax.set_ylabel(f"true-positive rate: sensitivity (proportion of {pos} called {pos})")
    ax.set_title(f"ROC curve ({v.n:,} lesions: {v.n_positive:,} {pos}, "
                 f"{v.n - v.n_positive:,} {neg})", fontsize=10)
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.grid(alpha=0.3)
    return ax


def plot_calibration(validation: Any, *, ax: Any = None) -> Any:
    """Observed fraction of TTP against mean predicted P(TTP) per bin (with Wilson
    intervals and counts), the ideal diagonal, and below it the predictions' histogram
    by true outcome (TTP up, RN down).

    Examples
    --------
    >>> from rnbayes.analysis.cohort.validation import validate_predictions
    >>> v = validate_predictions([0.1, 0.4, 0.35, 0.8, 0.2, 0.9], [0, 0, 1, 1, 0, 1], n_boot=50)
    >>> ax = plot_calibration(v)
    >>> ax.get_ylabel()
    'observed fraction TTP (proportion)'
    """
    from matplotlib.patches import Patch
    from matplotlib.ticker import NullLocator

    v = validation
    neg, pos = v.short_labels
    c_neg, c_pos = outcome_colours(v.labels)
    ax = _new_axes(ax, (5.2, 6.2))
    cal = v.calibration
    ax.plot([0, 1], [0, 1], color="0.6", lw=0.9, ls="--", label="perfect calibration")
    err = [cal["observed_fraction"] - cal["observed_low"], cal["observed_high"] - cal["observed_fraction"]]
    ax.errorbar(cal["mean_predicted"], cal["observed_fraction"], yerr=err, fmt="o", ms=5,
                color=MODEL_COLOUR, ecolor="0.45", elinewidth=1, capsize=2,
                label=f"observed (95% Wilson interval), {len(cal)} bins")
    if len(cal) <= 15:
        for i, r in enumerate(cal.itertuples()):
            x, y = r.mean_predicted, r.observed_fraction
            # alternate sides so neighbouring bins' labels do not collide; keep labels
            # inside the axes near the edges
            left = (i % 2 == 1 or x > 0.82) and x > 0.15
            up = y < 0.1 or (y <= 0.9 and left)
            ax.annotate(f"n={r.count:,}", (x, y), xytext=(-6 if left else 6, 5 if up else -11),
                        textcoords="offset points", ha="right" if left else "left", fontsize=7,
                        color="0.3")
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel(f"observed fraction {pos} (proportion)")
    ax.set_title(f"Calibration: intercept {v.calibration_intercept.value:+.2f}, "
                 f"slope {v.calibration_slope.value:.2f}", fontsize=10)
    ax.grid(alpha=0.3)
    ax.tick_params(labelbottom=False)
    h = v.histogram
    hax = ax.inset_axes([0.0, -0.3, 1.0, 0.26], sharex=ax)
    width = h["bin_high"] - h["bin_low"]
    hax.bar(h["bin_low"], h["n_positive"], width=width, align="edge", color=c_pos, label=pos)
    hax.bar(h["bin_low"], -h["n_negative"], width=width, align="edge", color=c_neg, label=neg)
    hax.axhline(0, color="0.3", lw=0.6)
    top = max(int(h["n_positive"].max()), int(h["n_negative"].max()), 1)
    # counts pile up near 0 and 1 for a discriminating model; a log scale keeps the
    # middle bins visible (1 lesion still shows: linear below 1)
    hax.set_yscale("symlog", linthresh=1.0, linscale=0.5)
    hax.set_ylim(-top * 3, top * 3)
    decades = [10 ** k for k in range(1, len(str(top)))] or [1]
    decades = decades[::2] if len(decades) > 2 else decades
    hax.set_yticks([-d for d in decades[::-1]] + decades)  # the line at 0 needs no label
    hax.yaxis.set_major_formatter(_abs_formatter())
    hax.yaxis.set_minor_locator(NullLocator())
    hax.set_ylabel("lesions\n(count, log)", fontsize=8)
    hax.tick_params(labelsize=7)
    hax.set_xlabel(f"predicted P({pos}) (mean per bin above; histogram below)")
    handles, _ = ax.get_legend_handles_labels()
    handles += [Patch(color=c_pos, label=f"{pos} lesions (histogram, up)"),
                Patch(color=c_neg, label=f"{neg} lesions (histogram, down)")]
    ax.legend(handles=handles, loc="upper left", fontsize=8, frameon=False)
    return ax


def _abs_formatter() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda x, _pos: f"{abs(round(x)):,}")


def plot_decision_curve(validation: Any, *, ax: Any = None) -> Any:
    """Net benefit of acting on the model, on everyone and on no one across threshold
    probabilities, with the decision threshold marked when the validation has one.

    Examples
    --------
    >>> from rnbayes.analysis.cohort.validation import validate_predictions
    >>> v = validate_predictions([0.1, 0.4, 0.35, 0.8, 0.2, 0.9], [0, 0, 1, 1, 0, 1], n_boot=50,
    ...                          threshold=0.65)
    >>> ax = plot_decision_curve(v)
    >>> ax.get_ylabel()
    'net benefit (true TTP treated per lesion, net of harm)'
    """
    v = validation
    _, pos = v.short_labels
    c_pos = outcome_colours(v.labels)[1]
    ax = _new_axes(ax, (6.4, 4.6))
    nb = v.net_benefit
    ax.plot(nb["threshold"], nb["treat_none"], color="0.55", lw=1.2, label="treat none")
    ax.plot(nb["threshold"], nb["treat_all"], color=c_pos, lw=1.2, ls="--",
            label=f"treat all as {pos}")
    ax.plot(nb["threshold"], nb["model"], color=MODEL_COLOUR, lw=1.8, label="act on the model")
    top = max(v.prevalence, float(nb["model"].max()))
    ax.set_ylim(-0.05 * max(top, 0.2), top * 1.12 + 0.01)
    ax.set_xlim(0, 1)
    if v.threshold is not None:
        label = f"decision threshold {v.threshold:.2f}"
        if v.threshold_label:
            label += f"\n({v.threshold_label})"
        ax.axvline(v.threshold, color="0.25", lw=1, ls=":", label=label)
    ax.set_xlabel(f"threshold probability: treat as {pos} when predicted P({pos}) >= threshold")
    ax.set_ylabel(f"net benefit (true {pos} treated per lesion, net of harm)")
    ax.set_title("Decision curve", fontsize=10)
    ax.legend(loc="upper right", fontsize=8, frameon=False)
    ax.grid(alpha=0.3)
    return ax
