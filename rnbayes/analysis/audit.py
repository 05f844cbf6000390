"""Implied vs published accuracy, and the review's directional statements, for a model.

:func:`audit` takes the comparators of ``priors/audit.yaml``
(:mod:`rnbayes.spec.comparators`) and computes, with the model's own exact inference:

* for every test or finding, the implied sensitivity ``P(reading favouring TTP | TTP)`` and
  specificity ``P(reading favouring RN | RN)`` with every other node marginalised at its
  prior, the likelihood ratios, and whether each published interval contains them;
* P(TTP) in context strata measured directly by a cohort (e.g. enhancement > 18 months);
* combined readings (five concordant conventional-MRI signs, FET TBR with curve) against
  the bound or figure published for the combination;
* every directional statement: the shift in log-odds of TTP and whether it has the
  expected sign.

Intervals given as counts are Jeffreys intervals, Beta(k + 1/2, n - k + 1/2).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..results.audit import Audit
from ..results.base import Provenance
from ..spec.comparators import (
    AccuracyEntry,
    Combination,
    Comparators,
    Direction,
    Figure,
    Stratum,
    default_comparators_path,
    load_comparators,
)
from ..spec.compiled import CompiledModel
from .posterior import p_target

#: intervals are inclusive to this much (an implied value set at a published limit)
EPS = 1e-9


def logit(p: float) -> float:
    """log(p / (1 - p)), infinite at 0 and 1."""
    if p <= 0.0:
        return -math.inf
    if p >= 1.0:
        return math.inf
    return math.log(p / (1.0 - p))


def interval(fig: Figure | None) -> tuple[float | None, float | None, str]:
    """``(low, high, basis)`` of a published figure: its ci95 (``published``), a Jeffreys
    interval from its counts (``jeffreys``), or the value +- its tolerance where nothing
    was published (``tolerance``); ``(None, None, "none")`` otherwise.

    Examples
    --------
    >>> lo, hi, basis = interval(Figure(0.83, counts=(5, 6)))
    >>> basis, round(lo, 3), round(hi, 3)
    ('jeffreys', 0.442, 0.981)
    """
    from scipy import stats

    if fig is None:
        return None, None, "none"
    if fig.ci95 is not None:
        return fig.ci95[0], fig.ci95[1], "published"
    if fig.counts is not None:
        k, n = fig.counts
        return (float(stats.beta.ppf(0.025, k + 0.5, n - k + 0.5)),
                float(stats.beta.ppf(0.975, k + 0.5, n - k + 0.5)), "jeffreys")
    if fig.tolerance is not None:
        return max(0.0, fig.value - fig.tolerance), min(1.0, fig.value + fig.tolerance), "tolerance"
    return None, None, "none"


def inside(x: float, lo: float | None, hi: float | None) -> bool | None:
    """``lo <= x <= hi`` within :data:`EPS`; None where there is no interval."""
    if lo is None or hi is None:
        return None
    return bool(lo - EPS <= x <= hi + EPS)


class _Queries:
    """The exact queries the audit needs, with states given by name."""

    def __init__(self, model: CompiledModel):
        self.model = model
        self.pos = model.positive_index

    def given_class(self, nodes: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """P(nodes | TTP), P(nodes | RN) as arrays over the nodes' states."""
        out = []
        for k in (self.pos, 1 - self.pos):
            post, _ = self.model.network.query(list(nodes), {self.model.target: k})
            out.append(np.asarray(post))
        return out[0], out[1]

    def p(self, evidence: Mapping[str, str]) -> float:
        """P(TTP | evidence), the evidence validated as a user's would be."""
        return p_target(self.model, self.model.engine_evidence(self.model.findings(evidence)))[0]

    def has(self, nodes: Iterable[str]) -> bool:
        return all(n in self.model.spec.nodes for n in nodes)

    def shift(self, finding: Mapping[str, str], context: Mapping[str, str]) -> float:
        """Change in log-odds of TTP when ``finding`` is added to ``context``."""
        return logit(self.p({**context, **finding})) - logit(self.p(context))


def _test_rows(q: _Queries, entry: AccuracyEntry) -> list[dict[str, Any]]:
    model, node = q.model, entry.node
    base: dict[str, Any] = {"node": node, "label": entry.label,
                            "favours_ttp": ", ".join(entry.favours_ttp)}
    if node not in model.spec.nodes:
        return [{**base, "role": "missing", "note": "node not in this model"}]
    pt, pr = q.given_class([node])
    idx = [model.states(node).index(s) for s in entry.favours_ttp]
    sn, sp = float(pt[idx].sum()), float(1.0 - pr[idx].sum())
    base.update({"implied_sn": sn, "implied_sp": sp,
                 "lr_pos": sn / (1.0 - sp) if sp < 1 else math.inf,
                 "lr_neg": (1.0 - sn) / sp if sp > 0 else math.inf,
                 "basis": ", ".join(sorted({r.basis for r in model.records_for(node)}))})
    if not entry.comparators:
        return [{**base, "role": "no comparator", "source": "", "note": entry.note}]
    rows = []
    for c in entry.comparators:
        sn_lo, sn_hi, basis_sn = interval(c.sensitivity)
        sp_lo, sp_hi, basis_sp = interval(c.specificity)
        rows.append({
            **base, "role": c.role, "source": c.source,
            "published_sn": c.sensitivity.value if c.sensitivity else None,
            "sn_low": sn_lo, "sn_high": sn_hi,
            "published_sp": c.specificity.value if c.specificity else None,
            "sp_low": sp_lo, "sp_high": sp_hi,
            "interval": basis_sn if basis_sn == basis_sp else f"{basis_sn}/{basis_sp}",
            "inside_sn": inside(sn, sn_lo, sn_hi), "inside_sp": inside(sp, sp_lo, sp_hi),
            "note": c.note,
        })
    return rows


def _stratum_row(q: _Queries, s: Stratum) -> dict[str, Any]:
    row = {"id": s.id, "label": s.label, "evidence": dict(s.evidence), "role": s.role,
           "published": s.comparator.value, "source": s.comparator.source}
    if not q.has(s.evidence):
        return {**row, "role": "missing", "model": None, "low": None, "high": None, "holds": None}
    lo, hi, basis = interval(s.comparator)
    p = q.p(s.evidence)
    return {**row, "model": p, "low": lo, "high": hi, "interval": basis, "holds": inside(p, lo, hi)}


def _combination_row(q: _Queries, c: Combination) -> dict[str, Any]:
    row: dict[str, Any] = {"id": c.id, "label": c.label, "kind": c.kind, "role": c.role,
                           "published": c.comparator.value if c.comparator else None,
                           "source": c.source, "low": None, "high": None}
    nodes = list(c.evidence) or list(c.nodes)
    if not q.has(nodes):
        return {**row, "role": "missing", "model": None, "holds": None}
    if c.kind == "likelihood_ratio":
        value = math.exp(logit(q.p(c.evidence)) - logit(q.p({})))
        lo, hi = c.bound
        holds = (lo is None or value >= lo - EPS) and (hi is None or value <= hi + EPS)
        return {**row, "model": value, "low": lo, "high": hi, "holds": bool(holds)}
    if c.kind == "less_than_product":
        joint = q.shift(c.evidence, {})
        singles = sum(q.shift({k: v}, {}) for k, v in c.evidence.items())
        return {**row, "model": math.exp(joint), "high": math.exp(singles),
                "holds": bool(abs(joint) < abs(singles))}
    pt, pr = q.given_class(nodes)
    if c.kind == "combined_specificity":
        idx = tuple(q.model.states(n).index(s) for n, s in c.evidence.items())
        value = float(1.0 - pr[idx])
    else:  # bayes_accuracy: the best call at the study's prevalence
        assert c.prevalence is not None
        prev = c.prevalence[0] / c.prevalence[1]
        value = float(np.maximum(prev * pt, (1 - prev) * pr).sum())
    lo, hi, basis = interval(c.comparator)
    return {**row, "model": value, "low": lo, "high": hi, "interval": basis,
            "holds": inside(value, lo, hi)}


def _direction_row(q: _Queries, d: Direction) -> dict[str, Any]:
    row: dict[str, Any] = {"id": d.id, "section": d.section, "statement": d.statement,
                           "expected": d.expect, "status": d.status, "note": d.note,
                           "shift": None, "holds": None}
    if d.status == "not_encoded":
        return row
    if not q.has(d.evidence_used()):
        return {**row, "status": "missing", "note": "node not in this model"}
    if d.expect in ("weaker_in_a", "weaker_than"):
        a = q.shift(d.finding, d.context_a)
        b = q.shift(d.finding, d.context_b) if d.expect == "weaker_in_a" else q.shift(d.compare_to, {})
        holds = abs(a) < abs(b)
        row.update({"shift": a, "reference_shift": b})
    elif d.expect == "below_half":
        p = q.p(d.a)
        holds = p < 0.5
        row.update({"shift": logit(p) - logit(q.p({})), "p_a": p})
    else:
        pa, pb = q.p(d.a), q.p(d.b)
        s = logit(pa) - logit(pb)
        holds = {"higher": s > 1e-12, "lower": s < -1e-12, "not_lower": s >= -1e-12,
                 "similar": abs(s) <= d.tolerance}[d.expect]
        row.update({"shift": s, "p_a": pa, "p_b": pb})
    row["holds"] = bool(holds) if d.status == "checked" else None
    row["model_sign"] = "consistent" if holds else "opposite"
    return row


def audit(model: CompiledModel, comparators: Comparators | str | Path | None = None) -> Audit:
    """Audit ``model`` against published comparators and the review's statements.

    Parameters
    ----------
    model : Model
    comparators : Comparators or path, optional
        Default: ``audit.yaml`` beside the model's priors, else the bundled one.

    Returns
    -------
    Audit
        ``.table`` (one row per test and comparator), ``.strata``, ``.combinations``,
        ``.directions``; ``.passed`` is True when every check holds.
    """
    if not isinstance(comparators, Comparators):
        path = Path(comparators) if comparators is not None else \
            default_comparators_path(model.priors_path)
        comparators = load_comparators(path)
    q = _Queries(model)
    return Audit(
        table=pd.DataFrame([r for e in comparators.tests for r in _test_rows(q, e)]),
        strata=pd.DataFrame([_stratum_row(q, s) for s in comparators.strata]),
        combinations=pd.DataFrame([_combination_row(q, c) for c in comparators.combinations]),
        directions=pd.DataFrame([_direction_row(q, d) for d in comparators.directions]),
        prior_progression=p_target(model, {})[0], source=comparators.file,
        provenance=Provenance.of(model.name, model.digest))
