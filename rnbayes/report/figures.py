"""Figures for a report: drawn on demand as PNG (embedded in HTML, files beside Markdown).

Each figure is a :class:`matplotlib.figure.Figure` made without pyplot, so writing a
report never touches the caller's backend or pyplot's list of open figures.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..plots import plot_posterior_interval, plot_prior_curve, plot_test_values, plot_tornado
from ..plots.sensitivity import tornado_size
from ..results.sensitivity import Sensitivity
from ..results.voi import ValueOfInformation

DPI = 110
#: rows of a report's tornado (the table beside it lists ten)
TORNADO_ROWS = 8


@dataclass(frozen=True)
class Figure:
    """A named figure with its alternative text, drawn when first asked for."""

    name: str
    alt: str
    draw: Callable[[Any], Any] = field(repr=False)
    size: tuple[float, float] = (8.0, 4.0)
    _png: list[bytes] = field(default_factory=list, repr=False, compare=False)

    def png(self) -> bytes:
        """The PNG bytes (drawn once)."""
        if not self._png:
            from matplotlib.figure import Figure as MplFigure

            fig = MplFigure(figsize=self.size, dpi=DPI)
            self.draw(fig.subplots())
            buf = io.BytesIO()
            # metadata without the software version: the same figure, the same bytes
            fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight",
                        metadata={"Software": None})
            self._png.append(buf.getvalue())
        return self._png[0]

    def img(self) -> str:
        """An ``<img>`` element with the PNG embedded (the alt text escaped)."""
        import html

        data = base64.b64encode(self.png()).decode("ascii")
        return f"<img alt='{html.escape(self.alt, quote=True)}' src='data:image/png;base64,{data}'>"


def test_values_figure(voi: ValueOfInformation) -> Figure:
    return Figure("test-values", "Bar chart: expected gain (EVSI) and net value of each "
                  "additional test, in utility points", lambda ax: plot_test_values(voi, ax=ax),
                  (9, 0.6 * max(len(voi.table), 3) + 2.4))


def sensitivity_figures(sens: Sensitivity) -> dict[str, Figure]:
    """The interval, tornado and prior-curve figures of a sensitivity result."""
    return {
        "interval": Figure("interval", "Histogram of P(TTP) over draws of the published "
                           "figures, with the credible interval and the decision threshold",
                           lambda ax: plot_posterior_interval(sens, ax=ax), (8, 4.2)),
        "tornado": Figure("tornado", "Tornado chart: how far each published figure moves "
                          "P(TTP) between its lower and upper quantile",
                          lambda ax: plot_tornado(sens, ax=ax, top=TORNADO_ROWS),
                          tornado_size(sens, TORNADO_ROWS)),
        "prior": Figure("prior-curve", "P(TTP) given the findings as a function of the prior "
                        "from the clinical context", lambda ax: plot_prior_curve(sens, ax=ax),
                        (5.5, 6.2)),
    }
