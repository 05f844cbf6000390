"""The result of a posterior query: P(TTP), P(RN), the recommendation, what drove it, and
conflict."""

from __future__ import annotations

import html
import math
import textwrap
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .._provenance import NOTICE
from ..spec.utilities import Threshold, Utilities
from .base import Result
from .render import html_table, records
from .text import conflict_text, decision_parts, decision_text, nearest_threshold, text_table
from .values import CredibleInterval

#: conflict above this (natural log units) is flagged
CONFLICT_FLAG = 0.0
#: a finding "pulls hard" when |log10 LR| is at least this (a factor of 2)
STRONG_LOG10_LR = math.log10(2.0)

CONTRIBUTION_COLUMNS = ["node", "finding", "log10_lr", "likelihood_ratio",
                        "p_progression_without", "favours"]
#: what the population prior is, in words (the prior from the clinical context is another)
PRIOR_WORDS = "P(TTP) before any finding (the model's population prior)"
WIDTH = 100


@dataclass(frozen=True, eq=False, kw_only=True)
class Posterior(Result):
    """Posterior probability of tumour progression vs radiation necrosis.

    Attributes
    ----------
    p_progression, p_necrosis : float
        Posterior probabilities; they sum to 1.
    prior_progression : float
        P(TTP) before any finding: the model's population prior.
    contributions : pandas.DataFrame
        One row per observed finding: ``node``, ``finding``, ``label`` (in words),
        ``state`` (None for an uncertain read), ``value`` (a number given),
        ``likelihood`` (an uncertain read), ``log10_lr`` (log10 likelihood ratio for TTP
        given all the other findings), ``likelihood_ratio``, ``p_progression_without``
        (posterior with this finding removed) and ``favours``. Sorted by ``|log10_lr|``.
    conflict : float
        Data-conflict score ``ln(prod_i P(e_i) / P(e))``; positive values mean the findings
        are less likely together than apart (they pull in opposite directions).
    utilities : Utilities or None
        The utilities behind :attr:`action` (the default set unless others were given).
    interval : CredibleInterval or None
        Credible interval of P(TTP) from parameter uncertainty, when asked for
        (``interval_draws`` parameter draws).
    states : (str, str)
        The target's states: the negative one (RN), then the positive one (TTP).
    sources : pandas.DataFrame
        The prior records behind the model (node, record, basis, quantity, source), for
        reports; not part of ``to_dict()``.
    """

    p_progression: float
    prior_progression: float
    contributions: pd.DataFrame = field(repr=False)
    conflict: float
    log_p_evidence: float
    states: tuple[str, str] = ("radiation_necrosis", "tumour_progression")
    sources: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    utilities: Utilities | None = field(default=None, repr=False)
    interval: CredibleInterval | None = None
    interval_draws: int = 0
    #: the target node and its positive state (another network's, read from a file)
    target: str = "diagnosis"
    positive: str = "tumour_progression"

    @property
    def outcome_words(self) -> tuple[str, str, str]:
        """How the text names the positive outcome, the other one, and the positive one
        in a column header: "tumour progression", "radiation necrosis", "TTP" for the
        RN-vs-TTP target; ``lung=yes``, ``not lung=yes``, ``lung=yes`` for another."""
        if self.target == "diagnosis" and self.positive == "tumour_progression":
            return "tumour progression", "radiation necrosis", "TTP"
        pos = f"{self.target}={self.positive}"
        return pos, f"not {pos}", pos

    @property
    def prior_words(self) -> str:
        """What the prior is, in words (:data:`PRIOR_WORDS` for the RN-vs-TTP target)."""
        if self.outcome_words[2] == "TTP":
            return PRIOR_WORDS
        return f"P({self.outcome_words[0]}) before any finding (the network's prior)"

    @property
    def p_necrosis(self) -> float:
        return 1.0 - self.p_progression

    # -- derived views --------------------------------------------------------------
    @property
    def action(self) -> str | None:
        """The recommended action under :attr:`utilities` (None without utilities)."""
        return None if self.utilities is None else self.utilities.best_action(self.p_progression)

    @property
    def threshold(self) -> Threshold | None:
        """The decision threshold nearest P(TTP): the one it crossed, or the next one."""
        return None if self.utilities is None else nearest_threshold(self.utilities,
                                                                     self.p_progression)

    @property
    def recommendation(self) -> str:
        """The recommended action in words, why (the threshold) and the utilities assumed."""
        if self.utilities is None:
            return "no utilities given: no recommendation"
        return decision_text(self.utilities, self.p_progression, self.outcome_words[2])

    @property
    def conflict_flagged(self) -> bool:
        """True when the findings conflict (``conflict > 0``) and some pull each way."""
        return self.conflict > CONFLICT_FLAG and bool(self.conflicting_findings)

    @property
    def conflicting_findings(self) -> list[str]:
        """Findings (``node=finding``) that pull hard against the posterior's direction."""
        return [f"{r.node}={r.finding}" for r in self._against().itertuples()]

    def _against(self) -> pd.DataFrame:
        c = self.contributions
        if c.empty:
            return c
        towards_ttp = self.p_progression >= self.prior_progression
        strong = c[c["log10_lr"].abs() >= STRONG_LOG10_LR]
        against = strong[(strong["log10_lr"] < 0) if towards_ttp else (strong["log10_lr"] > 0)]
        with_ = strong[(strong["log10_lr"] > 0) if towards_ttp else (strong["log10_lr"] < 0)]
        return against.iloc[0:0] if with_.empty else against

    def _label(self, r: Any) -> str:
        return str(getattr(r, "label", None) or f"{r.node} = {r.finding}")

    @property
    def favoured(self) -> str:
        """The likelier target state."""
        return self.states[1] if self.p_progression >= 0.5 else self.states[0]

    def headline(self) -> str:
        """``P(tumour progression) = 0.549 (95% CrI 0.141-0.950)``."""
        text = f"P({self.outcome_words[0]}) = {self.p_progression:.3f}"
        if self.interval is not None:
            iv = self.interval
            text += f" ({iv.level:.0%} CrI {iv.low:.3f}-{iv.high:.3f})"
        return text

    def _content(self) -> dict[str, Any]:
        th = self.threshold
        return {
            "p_progression": self.p_progression,
            "p_necrosis": self.p_necrosis,
            "interval": None if self.interval is None else {
                **self.interval.to_dict(), "n_draws": self.interval_draws},
            "prior_progression": self.prior_progression,
            "favoured": self.favoured,
            "recommended_action": self.action,
            "recommended_label": None if self.utilities is None else self.utilities.label(
                str(self.action)),
            "utilities_assumed": None if self.utilities is None else self.utilities.describe(),
            "threshold": None if th is None else th.to_dict(),
            "contributions": records(self.contributions),
            "conflict": self.conflict,
            "conflict_flagged": self.conflict_flagged,
            "conflicting_findings": self.conflicting_findings,
        }

    def to_frame(self) -> pd.DataFrame:
        """The contributions table."""
        return self.contributions.copy()

    def summary(self) -> str:
        """Plain text: posterior (with its interval), recommendation, contributions,
        conflict, notice."""
        fill = textwrap.TextWrapper(WIDTH, break_long_words=False, subsequent_indent="    ").fill
        _, neg, short = self.outcome_words
        lines = [f"{self.headline()}    P({neg}) = {self.p_necrosis:.3f}"]
        if self.interval is not None:
            lines.append(f"  (interval from {self.interval_draws} draws of the published "
                         "figures behind the model)")
        if self.utilities is not None:
            action, why = decision_parts(self.utilities, self.p_progression, short)
            lines += [f"Recommended: {action}", fill(f"  because {why}"),
                      f"  Utilities assumed: {self.utilities.describe()}"]
        lines += [f"{self.prior_words}: {self.prior_progression:.3f}", ""]
        if self.contributions.empty:
            lines.append("No findings given: the posterior is the population prior.")
        else:
            rows = [[self._label(r), f"{r.log10_lr:+.2f}", f"{r.likelihood_ratio:.2f}",
                     f"{r.p_progression_without:.3f}", r.favours]
                    for r in self.contributions.itertuples()]
            lines += text_table(["finding", "log10 LR", "LR", f"P({short}) without it", "favours"],
                                rows, [54, 8, 6, 17, 7], [False, True, True, True, False])
        against = [self._label(r) for r in self._against().itertuples()]
        lines += ["", fill(conflict_text(self.conflict, against if self.conflict > 0 else ())),
                  f"model {self.model_name} ({self.model_digest})", NOTICE]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        c = self.contributions
        shown = pd.DataFrame({
            "finding": [self._label(r) for r in c.itertuples()],
            "log10 LR": [f"{v:+.3f}" for v in c["log10_lr"]],
            "LR": c["likelihood_ratio"],
            f"P({self.outcome_words[2]}) without it": c["p_progression_without"],
            "favours": c["favours"]})
        table = (html_table(shown, digits=3) if not shown.empty else
                 "<p>No findings given: the posterior is the population prior.</p>")
        against = [self._label(r) for r in self._against().itertuples()]
        conflict = esc(conflict_text(self.conflict, against if self.conflict > 0 else ()))
        if self.conflict_flagged:
            conflict = f"<b>{conflict}</b>"
        return (
            "<div class='rnbayes-posterior'>"
            f"<p><b>{esc(self.headline())}</b>, P({esc(self.outcome_words[1])}) = "
            f"{self.p_necrosis:.3f}"
            f"</p><p>Recommended: {esc(self.recommendation)}</p>"
            f"<p>{esc(self.prior_words)}: {self.prior_progression:.3f}</p>{table}"
            f"<p>{conflict}</p>"
            f"<p><small>{esc(self.model_name)} {esc(self.model_digest)}. "
            f"{esc(NOTICE)}</small></p></div>"
        )

    def __repr__(self) -> str:
        return (f"Posterior(p_progression={self.p_progression:.4f}, "
                f"p_necrosis={self.p_necrosis:.4f}, action={self.action!r}, "
                f"findings={len(self.contributions)}, conflict={self.conflict:+.3f})")
