"""The result of a sensitivity analysis: numbers, tables, text and HTML views."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .._provenance import NOTICE
from ..spec.utilities import Threshold, Utilities
from .base import Result
from .render import html_table, jsonable, records
from .sensitivity_text import summary_text
from .text import MEASURE_LABELS
from .values import CredibleInterval

RANKING_COLUMNS = ["test", "label", "rank_point", "value_point", "value_low", "value_median",
                   "value_high", "net_point", "p_first"]
#: what the prior from the clinical context is, in words (the population prior is another)
CONTEXT_PRIOR_WORDS = ("prior from the clinical context (P(TTP) given only the time since SRS, "
                       "treatment and patient findings, before any imaging finding)")

if TYPE_CHECKING:
    import pandas as pd


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
        ``parameter``, ``label`` (the record's quantity in words), ``source``, ``low``,
        ``high`` (P(TTP) with the parameter at its lower and upper quantile), ``swing``;
        sorted by swing, largest first.
    flip_points : pandas.DataFrame
        For the most influential parameters: the CPT ``entry`` or record varied, the
        ``method``, ``flip_value`` (NaN when nothing in range flips) and a ``statement``.
    prior_curve : pandas.DataFrame
        ``prior_progression`` -> ``p_progression`` given the case's findings, and the action;
        ``prior_case`` is the prior from the clinical context.
    ranking : pandas.DataFrame
        The test ranking of :meth:`Model.value_of_information` (the same tests and
        ``rank_by``, tests already done left out): per test its measure at the point values
        (``value_point``), its quantiles over the draws, its net value at the point values
        (``net_point``) and ``p_first``, how often it is the
        best next test (the first ranked test worth its cost). ``voi_intervals`` is the same
        table under its old name.
    p_no_test : float
        Share of the draws in which no test is worth its cost (``p_first`` and this sum
        to 1).
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
    ranking: pd.DataFrame = field(repr=False)
    rank_by: str = "net_value"
    p_no_test: float = 0.0
    n_draws: int
    n_records_drawn: int
    elapsed: float = field(default=0.0, repr=False)

    @property
    def seed(self) -> int | None:
        return self.provenance.seed

    @property
    def voi_intervals(self) -> pd.DataFrame:
        """The test-ranking table under its old name."""
        return self.ranking

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

    # -- words ------------------------------------------------------------------------
    @property
    def next_test(self) -> str | None:
        """The best next test at the point values: the first ranked test worth its cost
        (as :attr:`ValueOfInformation.next_test`)."""
        worth = self.ranking[self.ranking["net_point"] > 0]
        return None if worth.empty else str(worth.iloc[0]["test"])

    def ranking_text(self) -> str:
        """``ASL perfusion (CBF), the best next test at the published figures' point values,
        is best in 36% of the 10000 parameter draws; in 3% no test is worth its cost.``"""
        if self.ranking.empty:
            return "No test is left to rank."
        none = (f"; in {self.p_no_test:.0%} of them no test is worth its cost"
                if self.p_no_test > 0 else "")
        nxt = self.next_test
        if nxt is None:
            return (f"At the published figures' point values no test is worth its cost; "
                    f"across the {self.n_draws} parameter draws none is in "
                    f"{self.p_no_test:.0%} of them.")
        top = self.ranking[self.ranking["test"] == nxt].iloc[0]
        return (f"{top['label']}, the best next test at the published figures' point values "
                f"(ranked by {MEASURE_LABELS.get(self.rank_by, self.rank_by)}), is the best in "
                f"{top['p_first']:.0%} of the {self.n_draws} parameter draws{none}.")

    def flip_text(self, r: Any) -> str:
        """One flip-point row in words."""
        label = getattr(r, "label", None) or r.parameter
        unit = getattr(r, "unit", None) or "value"
        now = f"{label} (now {r.point:.3g})"
        if r.action_beyond is None or (isinstance(r.flip_value, float)
                                       and np.isnan(r.flip_value)):
            return f"{now}: no plausible {unit} changes the recommendation"
        way = "rises above" if r.flip_value > r.point else "falls below"
        return (f"{now}: the recommendation changes to {self.utilities.label(r.action_beyond)} "
                f"if this {unit} {way} {r.flip_value:.3g}")

    def prior_text(self) -> str:
        """The prior from the clinical context, the findings' likelihood ratio, and the
        priors at which the recommendation would change."""
        parts = [f"The {CONTEXT_PRIOR_WORDS} is {self.prior_case:.3f}; the imaging findings "
                 f"multiply its odds by {self.likelihood_ratio:.3g}."]
        for t in self.prior_thresholds:
            parts.append(f"With a prior above {t['prior_progression']:.3f} the recommendation "
                         f"would be {self.utilities.label(t['above'])} instead of "
                         f"{self.utilities.label(t['below'])}.")
        return " ".join(parts)

    def tornado_frame(self, top: int = 10) -> pd.DataFrame:
        """The tornado's top rows in words."""
        import pandas as pd

        t = self.tornado.head(top)
        label = t["label"] if "label" in t else t["parameter"]
        return pd.DataFrame({"published figure": label, "source": t["source"],
                             "P(TTP) low": t["low"], "P(TTP) high": t["high"],
                             "swing": t["swing"]})

    def _content(self) -> dict[str, Any]:
        """(the per-draw values are summarised, not listed; ``elapsed`` is left out so that
        equal runs compare equal)"""
        return {
            "p_progression": self.p_progression,
            "action": self.action, "recommended_label": self.utilities.label(self.action),
            "utilities_assumed": self.utilities.describe(),
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
            "rank_by": self.rank_by, "ranking": records(self.ranking),
            "p_no_test": self.p_no_test,
            "n_draws": self.n_draws, "seed": self.seed,
        }

    def to_frame(self) -> pd.DataFrame:
        """The tornado table."""
        return self.tornado.copy()

    def summary(self, *, top: int = 8) -> str:
        """Plain-text report."""
        return summary_text(self, top=top)

    def _repr_html_(self) -> str:
        iv, esc = self.interval, html.escape
        flips = "".join(f"<li>{esc(self.flip_text(r))}</li>"
                        for r in self.flip_points.itertuples())
        return (
            "<div class='rnbayes-sensitivity'>"
            f"<p><b>P(TTP) = {self.p_progression:.3f}</b> ({iv.level:.0%} credible interval "
            f"{iv.low:.3f}&ndash;{iv.high:.3f}, {self.n_draws} draws) &rarr; "
            f"{esc(self.utilities.label(self.action))}. P(recommendation differs) = "
            f"{self.p_decision_differs:.3f}.</p>{html_table(self.tornado_frame())}"
            f"<ul>{flips}</ul><p>{esc(self.prior_text())}</p>"
            f"<p>{esc(self.ranking_text())}</p><p><small>{esc(self.model_name)} "
            f"{esc(self.model_digest)}. {esc(NOTICE)}</small></p></div>")

    def __repr__(self) -> str:
        iv = self.interval
        return (f"Sensitivity(p_progression={self.p_progression:.4f}, interval=({iv.low:.4f}, "
                f"{iv.high:.4f}), p_decision_differs={self.p_decision_differs:.4f}, "
                f"n_draws={self.n_draws})")

