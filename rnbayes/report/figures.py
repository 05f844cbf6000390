"""Figures for a report as embedded PNGs.

Each figure is a :class:`matplotlib.figure.Figure` made without pyplot, so writing a
report never touches the caller's backend or pyplot's list of open figures.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from typing import Any

from ..plots import plot_posterior_interval, plot_prior_curve, plot_test_values, plot_tornado
from ..results.sensitivity import Sensitivity
from ..results.voi import ValueOfInformation


def png(draw: Callable[[Any], Any], size: tuple[float, float], dpi: int = 110) -> str:
    """Base64 PNG of a new figure of ``size`` inches on which ``draw(ax)`` plots."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=dpi)
    draw(fig.subplots())
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def img(alt: str, data: str) -> str:
    """An ``<img>`` element with an embedded PNG (``alt`` must already be escaped)."""
    return f"<img alt='{alt}' src='data:image/png;base64,{data}'>"


def test_values_png(voi: ValueOfInformation) -> str:
    return png(lambda ax: plot_test_values(voi, ax=ax), (9, 0.5 * max(len(voi.table), 3) + 2.4))


def sensitivity_pngs(sens: Sensitivity) -> dict[str, str]:
    """The interval, tornado and prior-curve figures of a sensitivity result."""
    return {
        "plot_posterior_interval": png(lambda ax: plot_posterior_interval(sens, ax=ax), (7, 3.5)),
        "plot_tornado": png(lambda ax: plot_tornado(sens, ax=ax),
                            (8, 0.45 * min(len(sens.tornado), 10) + 1.5)),
        "plot_prior_curve": png(lambda ax: plot_prior_curve(sens, ax=ax), (5.5, 5)),
    }
