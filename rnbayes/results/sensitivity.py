"""The result of a sensitivity analysis: numbers, tables, text and HTML views."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .jsonsafe import jsonable, records
from .posterior import NOTICE


@dataclass(frozen=True)
class Sensitivity:
    """How one case's P(TTP) depends on the uncertain published figures.

    Attributes
    ----------
    p_progression : float
        P(TTP) at the parameters' point values; ``action`` its recommendation.
    interval : dict
        ``level`` (0.95), ``low``, ``high`` (credible interval of P(TTP) over parameter
        draws), ``mean`` and ``median``.
    p_decision_differs : float
        Share of draws whose recommended action differs from the point estimate's.
    tornado : pandas.DataFrame
        ``parameter``, ``source``, ``low``, ``high`` (P(TTP) with the parameter at its 2.5%
        and 97.5% quantile), ``swing``; sorted by swing, largest first.
    flip_points : pandas.DataFrame
        For the most influential parameters: the CPT ``entry`` or record varied, the
        ``method``, ``flip_value`` (None when nothing in range flips) and a ``statement``.
    prior_curve : pandas.DataFrame
        ``prior_progression`` -> ``p_progression`` given the case's findings, and the action.
    voi_intervals : pandas.DataFrame
        Per test: mutual information (bits) with the diagnosis at the point values and its
        2.5%/50%/97.5% quantiles over draws; ``p_best`` is how often it ranks first.
    """

    p_progression: float
    action: str
    interval: dict[str, float]
    p_decision_differs: float
    action_shares: dict[str, float]
    draws: np.ndarray = field(repr=False)
    tornado: pd.DataFrame = field(repr=False)
    flip_points: pd.DataFrame = field(repr=False)
    prior_curve: pd.DataFrame = field(repr=False)
    prior_case: float = 0.0
    likelihood_ratio: float = 1.0
    prior_thresholds: list[dict[str, Any]] = field(default_factory=list)
    thresholds: list[dict[str, Any]] = field(default_factory=list)
    voi_intervals: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    evidence: dict[str, Any] = field(default_factory=dict)
    n_draws: int = 0
    seed: int = 0
    model_name: str = ""
    model_digest: str = ""
    elapsed: float = 0.0
    n_records_drawn: int = 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dictionary (the per-draw values are summarised, not listed)."""
        return {
            "p_progression": self.p_progression,
            "action": self.action,
            "interval": dict(self.interval),
            "p_decision_differs": self.p_decision_differs,
            "action_shares": dict(self.action_shares),
            "tornado": records(self.tornado),
            "flip_points": records(self.flip_points),
            "prior_curve": {"prior_case": self.prior_case,
                            "likelihood_ratio": jsonable(self.likelihood_ratio),
                            "thresholds": jsonable(self.prior_thresholds),
                            "points": records(self.prior_curve.iloc[::10])},
            "decision_thresholds": self.thresholds,
            "voi_intervals": records(self.voi_intervals),
            "evidence": jsonable(self.evidence),
            "n_draws": self.n_draws, "seed": self.seed,
            "model": {"name": self.model_name, "digest": self.model_digest},
            "notice": NOTICE,
        }

    def summary(self, top: int = 8) -> str:
        """Plain-text report."""
        iv = self.interval
        lines = [
            f"P(tumour progression) = {self.p_progression:.3f} at the point values "
            f"-> {self.action}",
            f"{iv['level']:.0%} credible interval from parameter uncertainty: "
            f"{iv['low']:.3f} - {iv['high']:.3f} (mean {iv['mean']:.3f}, median "
            f"{iv['median']:.3f}; {self.n_draws} draws, seed {self.seed})",
            f"P(recommendation differs from {self.action}) = {self.p_decision_differs:.3f}  ("
            + ", ".join(f"{a} {s:.1%}" for a, s in self.action_shares.items()) + ")",
            "", f"Tornado (P(TTP) with each parameter at its 2.5% / 97.5% quantile), top {top}:",
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
                      f"{'test':<30} {'point':>6} {'2.5%':>6} {'97.5%':>6} {'P(best)':>8}"]
            for r in self.voi_intervals.itertuples():
                lines.append(f"{r.test[:30]:<30} {r.mi_point:>6.3f} {r.mi_low:>6.3f} "
                             f"{r.mi_high:>6.3f} {r.p_best:>8.1%}")
        lines += ["", f"model {self.model_name} ({self.model_digest})", NOTICE]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        iv = self.interval
        esc = html.escape
        tor = "".join(
            f"<tr><td>{esc(r.parameter)}</td><td>{esc(r.source)}</td>"
            f"<td style='text-align:right'>{r.low:.3f}</td>"
            f"<td style='text-align:right'>{r.high:.3f}</td>"
            f"<td style='text-align:right'>{r.swing:.3f}</td></tr>"
            for r in self.tornado.head(10).itertuples())
        flips = "".join(f"<li><b>{esc(r.parameter)}</b> ({esc(str(r.entry))}): "
                        f"{esc(r.statement)}</li>" for r in self.flip_points.itertuples())
        return (
            "<div class='rnbayes-sensitivity'>"
            f"<p><b>P(TTP) = {self.p_progression:.3f}</b> &rarr; {esc(self.action)}; "
            f"{iv['level']:.0%} credible interval {iv['low']:.3f}&ndash;{iv['high']:.3f} "
            f"({self.n_draws} draws). P(recommendation differs) = "
            f"{self.p_decision_differs:.3f}.</p>"
            "<table><thead><tr><th>parameter</th><th>source</th><th>P(TTP) low</th>"
            f"<th>P(TTP) high</th><th>swing</th></tr></thead><tbody>{tor}</tbody></table>"
            f"<ul>{flips}</ul><p><small>{esc(self.model_name)} {esc(self.model_digest)}. "
            f"{esc(NOTICE)}</small></p></div>")

    def __repr__(self) -> str:
        iv = self.interval
        return (f"Sensitivity(p_progression={self.p_progression:.4f}, interval=({iv['low']:.4f}, "
                f"{iv['high']:.4f}), p_decision_differs={self.p_decision_differs:.4f}, "
                f"n_draws={self.n_draws})")
