"""The result of a sensitivity analysis: numbers, tables, text and HTML views."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._provenance import NOTICE
from ..spec.utilities import Threshold, Utilities
from .base import Result
from .render import html_table, jsonable, records
from .values import CredibleInterval


@dataclass(frozen=True, eq=False, kw_only=True)
class Sensitivity(Result):
    """How one case's P(TTP) depends on the uncertain published figures.

    Attributes
    ----------
    p_progression : float
        P(TTP) at the parameters' point values; ``action`` its recommendation.
    interval : CredibleInterval
        Central credible interval of P(TTP) over the parameter draws
        (``lo, hi = sens.interval``; ``.level``); ``mean`` and ``median`` of the draws are
        attributes of the result.
    p_decision_differs : float
        Share of draws whose recommended action differs from the point estimate's.
    tornado : pandas.DataFrame
        ``parameter``, ``source``, ``low``, ``high`` (P(TTP) with the parameter at its
        lower and upper quantile), ``swing``; sorted by swing, largest first.
    flip_points : pandas.DataFrame
        For the most influential parameters: the CPT ``entry`` or record varied, the
        ``method``, ``flip_value`` (NaN when nothing in range flips) and a ``statement``.
    prior_curve : pandas.DataFrame
        ``prior_progression`` -> ``p_progression`` given the case's findings, and the action.
    voi_intervals : pandas.DataFrame
        Per test: mutual information (bits) with the diagnosis at the point values and its
        quantiles over draws; ``p_best`` is how often it ranks first.
    """

    p_progression: float
    action: str
    interval: CredibleInterval
    p_decision_differs: float
    action_shares: Mapping[str, float]
    draws: np.ndarray = field(repr=False)
    tornado: pd.DataFrame = field(repr=False)
    flip_points: pd.DataFrame = field(repr=False)
    prior_curve: pd.DataFrame = field(repr=False)
    prior_case: float
    likelihood_ratio: float
    prior_thresholds: tuple[Mapping[str, Any], ...]
    utilities: Utilities = field(repr=False)
    voi_intervals: pd.DataFrame = field(repr=False)
    n_draws: int
    n_records_drawn: int
    elapsed: float = field(default=0.0, repr=False)

    @property
    def seed(self) -> int | None:
        return self.provenance.seed

    @property
    def mean(self) -> float:
        """Mean of P(TTP) over the draws."""
        return float(np.mean(self.draws))

    @property
    def median(self) -> float:
        """Median of P(TTP) over the draws."""
        return float(np.median(self.draws))

    @property
    def thresholds(self) -> tuple[Threshold, ...]:
        return self.utilities.thresholds()

    def _content(self) -> dict[str, Any]:
        """(the per-draw values are summarised, not listed; ``elapsed`` is left out so that
        equal runs compare equal)"""
        return {
            "p_progression": self.p_progression,
            "action": self.action,
            "interval": {**self.interval.to_dict(), "mean": self.mean, "median": self.median},
            "p_decision_differs": self.p_decision_differs,
            "action_shares": dict(self.action_shares),
            "tornado": records(self.tornado),
            "flip_points": records(self.flip_points),
            "prior_curve": {"prior_case": self.prior_case,
                            "likelihood_ratio": jsonable(self.likelihood_ratio),
                            "thresholds": jsonable(self.prior_thresholds),
                            "points": records(self.prior_curve.iloc[::10])},
            "decision_thresholds": [t.to_dict() for t in self.thresholds],
            "voi_intervals": records(self.voi_intervals),
            "n_draws": self.n_draws, "seed": self.seed,
        }

    def to_frame(self) -> pd.DataFrame:
        """The tornado table."""
        return self.tornado.copy()

    def summary(self, *, top: int = 8) -> str:
        """Plain-text report."""
        iv = self.interval
        lines = [
            f"P(tumour progression) = {self.p_progression:.3f} at the point values "
            f"-> {self.action}",
            f"{iv.level:.0%} credible interval from parameter uncertainty: "
            f"{iv.low:.3f} - {iv.high:.3f} (mean {self.mean:.3f}, median "
            f"{self.median:.3f}; {self.n_draws} draws, seed {self.seed})",
            f"P(recommendation differs from {self.action}) = {self.p_decision_differs:.3f}  ("
            + ", ".join(f"{a} {s:.1%}" for a, s in self.action_shares.items()) + ")",
            "", f"Tornado (P(TTP) with each parameter at its {(1 - iv.level) / 2:.1%} / "
            f"{(1 + iv.level) / 2:.1%} quantile), top {top}:",
            f"{'parameter':<40} {'low':>6} {'high':>6} {'swing':>6}  source",
        ]
        for r in self.tornado.head(top).itertuples():
            lines.append(f"{r.parameter[:40]:<40} {r.low:>6.3f} {r.high:>6.3f} {r.swing:>6.3f}  "
                         f"{r.source}")
        lines += ["", "Flip points:"]
        for r in self.flip_points.itertuples():
            lines.append(f"  {r.parameter} [{r.entry}; {r.method}]: {r.statement}")
        lines += ["", f"Prior curve: prior P(TTP) from the clinical context {self.prior_case:.3f}, "
                  f"likelihood ratio of the imaging findings {self.likelihood_ratio:.3g}"]
        for t in self.prior_thresholds:
            lines.append(f"  {t['below']} -> {t['above']} at prior P(TTP) = "
                         f"{t['prior_progression']:.3f} (posterior {t['p_progression']:.3f})")
        if not self.voi_intervals.empty:
            lines += ["", "Value of information (mutual information with the diagnosis, bits):",
                      f"{'test':<30} {'point':>6} {(1 - iv.level) / 2:>6.1%} "
                      f"{(1 + iv.level) / 2:>6.1%} {'P(best)':>8}"]
            for r in self.voi_intervals.itertuples():
                lines.append(f"{r.test[:30]:<30} {r.mi_point:>6.3f} {r.mi_low:>6.3f} "
                             f"{r.mi_high:>6.3f} {r.p_best:>8.1%}")
        lines += ["", f"model {self.model_name} ({self.model_digest})", NOTICE]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        iv, esc = self.interval, html.escape
        tor = self.tornado.head(10)[["parameter", "source", "low", "high", "swing"]].rename(
            columns={"low": "P(TTP) low", "high": "P(TTP) high"})
        flips = "".join(f"<li><b>{esc(r.parameter)}</b> ({esc(str(r.entry))}): "
                        f"{esc(r.statement)}</li>" for r in self.flip_points.itertuples())
        return (
            "<div class='rnbayes-sensitivity'>"
            f"<p><b>P(TTP) = {self.p_progression:.3f}, {iv.level:.0%} credible interval "
            f"{iv.low:.3f}&ndash;{iv.high:.3f}</b> ({self.n_draws} draws) &rarr; "
            f"{esc(self.action)}; P(recommendation differs) = "
            f"{self.p_decision_differs:.3f}.</p>{html_table(tor)}"
            f"<ul>{flips}</ul><p><small>{esc(self.model_name)} {esc(self.model_digest)}. "
            f"{esc(NOTICE)}</small></p></div>")

    def __repr__(self) -> str:
        iv = self.interval
        return (f"Sensitivity(p_progression={self.p_progression:.4f}, interval=({iv.low:.4f}, "
                f"{iv.high:.4f}), p_decision_differs={self.p_decision_differs:.4f}, "
                f"n_draws={self.n_draws})")
