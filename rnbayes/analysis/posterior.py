"""The posterior of one case: P(TTP), what each finding contributed, and data conflict.

* **contributions** -- each finding's log10 likelihood ratio for TTP *given all the other
  findings*: log10 odds(P(TTP | e)) - log10 odds(P(TTP | e without it));
* **conflict** -- ``ln(prod_i P(e_i) / P(e))``: positive when the findings are less likely
  together than apart (Jensen's data-conflict measure).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine.retract import Retracted, retract
from ..errors import EvidenceError
from ..results.base import Provenance
from ..results.columns import Columns
from ..results.posterior import CONTRIBUTION_COLUMNS, Posterior
from ..spec.compiled import CompiledModel
from ..spec.evidence import Finding

if TYPE_CHECKING:
    import pandas as pd


def p_target(model: CompiledModel, ev: Mapping[str, Any]) -> tuple[float, float]:
    """P(positive | ev) and P(ev) on the model's network (engine evidence)."""
    post, p_e = model.network.query([model.target], ev)
    return float(post[model.positive_index]), float(p_e)


def source_columns(model: CompiledModel) -> Columns:
    """The prior records behind every table: node, record, basis, quantity, source."""
    cols: dict[str, list[str]] = {"node": [], "record": [], "basis": [], "quantity": [],
                                  "source": []}
    seen: set[str] = set()
    for node in model.nodes:
        for r in model.records_for(node):
            if r.id not in seen:
                seen.add(r.id)
                for key, value in zip(cols, (node, r.id, r.basis, r.quantity, r.label)):
                    cols[key].append(value)
    return Columns(cols, text=tuple(cols))


def _as_frame(table: pd.DataFrame | Columns) -> pd.DataFrame:
    return table.to_frame() if isinstance(table, Columns) else table


def posterior(model: CompiledModel, evidence: Mapping[str, Any] | None = None, *,
              sources: pd.DataFrame | Columns | None = None,
              decorate: Callable[[Mapping[str, Finding], Columns], Columns] | None = None
              ) -> Posterior:
    """Posterior P(TTP) vs P(RN) given ``evidence``, with per-finding contributions.

    ``sources`` may be passed in when the caller has it already (the model caches it).
    The prior P(TTP) is the network's kept prior marginal; every node's is worked out
    with it, once per network, since the conflict score reads the findings'. ``decorate``
    may add columns to the contributions before their DataFrame is built (labels,
    states, values). The
    posterior, every finding's posterior without it and every finding's own probability
    come from one pass over the network (:func:`~rnbayes.engine.retract.retract`), not
    2k + 1 queries.

    Raises
    ------
    EvidenceError
        Unknown node or state, out-of-range number, evidence on the target or a latent
        node, or findings that are impossible together.

    Examples
    --------
    >>> import rnbayes
    >>> post = posterior(rnbayes.load_model(), {"enhancement_pattern": "nodular"})
    >>> round(post.p_progression + post.p_necrosis, 12)
    1.0
    """
    return of_findings(model, model.findings(evidence), sources=sources, decorate=decorate)


def of_findings(model: CompiledModel, findings: Mapping[str, Finding], *,
                sources: pd.DataFrame | Columns | None = None,
                decorate: Callable[[Mapping[str, Finding], Columns], Columns] | None = None
                ) -> Posterior:
    """:func:`posterior` of findings already validated (:meth:`CompiledModel.findings`)."""
    ev = model.engine_evidence(findings)
    r = retract(model.network, model.target, ev)
    pos = model.positive_index
    p_e = float(r.joint.sum())
    p = float(r.joint[pos]) / p_e if p_e > 0 else math.nan
    if not p_e > 0 or not math.isfinite(p):
        listed = ", ".join(f"{n}={f.describe()}" for n, f in findings.items())
        raise EvidenceError(f"the findings are impossible together under the model "
                            f"(probability 0): {listed}")
    named = f"{model.target}={model.positive}"
    words = ("TTP", "RN") if (model.target, model.positive) == (
        "diagnosis", "tumour_progression") else (named, f"not {named}")
    cols = _contributions(findings, r, p, pos, words)
    return Posterior(
        p_progression=p, prior_progression=float(model.network.marginals()[model.target][pos]),
        contributions=(decorate(findings, cols) if decorate else cols).to_frame(),
        conflict=float(np.log(r.alone).sum()) - math.log(p_e) if findings else 0.0,
        log_p_evidence=math.log(p_e), states=tuple(model.states(model.target)),  # type: ignore[arg-type]
        sources=_as_frame(sources if sources is not None else source_columns(model)),
        target=model.target, positive=model.positive,
        evidence={n: f.given for n, f in findings.items()},
        provenance=Provenance.of(model.name, model.digest))


def _contributions(findings: Mapping[str, Finding], r: Retracted, p: float,
                   pos: int, words: tuple[str, str] = ("TTP", "RN")) -> Columns:
    """The contributions table, largest |log10 LR| first and then by node name (a full
    key, so ties never depend on the order of a set or dict), built column by column;
    ``words`` name the outcome each finding favours (another network's: ``lung=yes``)."""
    without = r.without[:, pos] / r.without.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        l10 = _log10_odds(np.asarray(p)) - _log10_odds(without)
        lr = np.where(np.isfinite(l10), 10.0 ** l10, math.inf)
    order = np.lexsort((np.asarray(r.nodes, dtype=object).astype(str),
                        -np.round(np.abs(l10), 12)))
    favours = np.where(l10 > 1e-12, words[0], np.where(l10 < -1e-12, words[1], "neither"))
    nodes = [r.nodes[i] for i in order]
    cols = {"node": nodes, "finding": [findings[n].describe() for n in nodes],
            "log10_lr": l10[order], "likelihood_ratio": lr[order],
            "p_progression_without": without[order], "favours": favours[order].tolist()}
    return Columns({c: cols[c] for c in CONTRIBUTION_COLUMNS}, text=("node", "finding", "favours"))


def _log10_odds(p: np.ndarray) -> np.ndarray:
    """log10 (p / (1 - p)) elementwise: -inf at 0, inf at 1."""
    return np.log10(p) - np.log10(1.0 - p)
