"""The result of a posterior query: P(TTP), P(RN), what drove it, and conflict."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .._provenance import NOTICE
from .base import Result
from .render import html_table, records

#: conflict above this (natural log units) is flagged
CONFLICT_FLAG = 0.0
#: a finding "pulls hard" when |log10 LR| is at least this (a factor of 2)
STRONG_LOG10_LR = math.log10(2.0)

CONTRIBUTION_COLUMNS = ["node", "finding", "log10_lr", "likelihood_ratio",
                        "p_progression_without", "favours"]


@dataclass(frozen=True, eq=False, kw_only=True)
class Posterior(Result):
    """Posterior probability of tumour progression vs radiation necrosis.

    Attributes
    ----------
    p_progression, p_necrosis : float
        Posterior probabilities; they sum to 1.
    prior_progression : float
        P(TTP) with no findings (the model's population prior).
    contributions : pandas.DataFrame
        One row per observed finding: ``node``, ``finding``, ``log10_lr`` (log10 likelihood
        ratio for TTP given all the other findings), ``likelihood_ratio``,
        ``p_progression_without`` (posterior with this finding removed) and ``favours``.
        Sorted by ``|log10_lr|``, largest first.
    conflict : float
        Data-conflict score ``ln(prod_i P(e_i) / P(e))``; positive values mean the findings
        are less likely together than apart (they pull in opposite directions).
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
    def p_necrosis(self) -> float:
        return 1.0 - self.p_progression

    # -- derived views --------------------------------------------------------------
    @property
    def conflict_flagged(self) -> bool:
        """True when the findings conflict (``conflict > 0``) and some pull each way."""
        return self.conflict > CONFLICT_FLAG and bool(self.conflicting_findings)

    @property
    def conflicting_findings(self) -> list[str]:
        """Findings that pull hard against the overall direction of the posterior."""
        if self.contributions.empty:
            return []
        towards_ttp = self.p_progression >= self.prior_progression
        c = self.contributions
        strong = c[c["log10_lr"].abs() >= STRONG_LOG10_LR]
        against = strong[(strong["log10_lr"] < 0) if towards_ttp else (strong["log10_lr"] > 0)]
        with_ = strong[(strong["log10_lr"] > 0) if towards_ttp else (strong["log10_lr"] < 0)]
        if against.empty or with_.empty:
            return []
        return [f"{r.node}={r.finding}" for r in against.itertuples()]

    @property
    def favoured(self) -> str:
        """The likelier target state."""
        return self.states[1] if self.p_progression >= 0.5 else self.states[0]

    def _content(self) -> dict[str, Any]:
        return {
            "p_progression": self.p_progression,
            "p_necrosis": self.p_necrosis,
            "prior_progression": self.prior_progression,
            "favoured": self.favoured,
            "contributions": records(self.contributions),
            "conflict": self.conflict,
            "conflict_flagged": self.conflict_flagged,
            "conflicting_findings": self.conflicting_findings,
        }

    def to_frame(self) -> pd.DataFrame:
        """The contributions table."""
        return self.contributions.copy()

    def summary(self) -> str:
        """A plain-text table: posterior, contributions, conflict, notice."""
        pos, neg, short = self.outcome_words
        lines = [
            f"P({pos}) = {self.p_progression:.3f}    P({neg}) = {self.p_necrosis:.3f}",
            f"prior P({pos}) with no findings = {self.prior_progression:.3f}",
            "",
        ]
        if self.contributions.empty:
            lines.append("No findings given: the posterior is the population prior.")
        else:
            lines.append(f"{'finding':<46} {'log10 LR':>9} {'LR':>7} "
                         f"{f'P({short}) without':>15}  favours")
            for r in self.contributions.itertuples():
                name = f"{r.node} = {r.finding}"
                lines.append(f"{name[:46]:<46} {r.log10_lr:>+9.2f} {r.likelihood_ratio:>7.2f} "
                             f"{r.p_progression_without:>15.3f}  {r.favours}")
        lines.append("")
        flag = "  <- CONFLICT: " + ", ".join(self.conflicting_findings) \
            if self.conflict_flagged else ""
        lines.append(f"data conflict ln(prod P(e_i) / P(e)) = {self.conflict:+.2f}{flag}")
        lines.append(f"model {self.model_name} ({self.model_digest})")
        lines.append(NOTICE)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        pos, neg, short = self.outcome_words
        shown = self.contributions.rename(columns={
            "log10_lr": "log10 LR", "likelihood_ratio": "LR",
            "p_progression_without": f"P({short}) without"})
        table = (html_table(shown, digits=3) if not shown.empty else
                 "<p>No findings given: the posterior is the population prior.</p>")
        conflict = f"{self.conflict:+.2f}"
        if self.conflict_flagged:
            conflict += " &mdash; <b>conflicting: " + esc(", ".join(self.conflicting_findings)) \
                + "</b>"
        return (
            "<div class='rnbayes-posterior'>"
            f"<p><b>P({esc(pos)}) = {self.p_progression:.3f}</b>, "
            f"P({esc(neg)}) = {self.p_necrosis:.3f} "
            f"(prior {self.prior_progression:.3f})</p>{table}"
            f"<p>Data conflict: {conflict}</p>"
            f"<p><small>{esc(self.model_name)} {esc(self.model_digest)}. "
            f"{esc(NOTICE)}</small></p></div>"
        )

    def __repr__(self) -> str:
        return (f"Posterior(p_progression={self.p_progression:.4f}, "
                f"p_necrosis={self.p_necrosis:.4f}, findings={len(self.contributions)}, "
                f"conflict={self.conflict:+.3f})")
