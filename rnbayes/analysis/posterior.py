"""The posterior of one case: P(TTP), what each finding contributed, and data conflict.

* **contributions** -- each finding's log10 likelihood ratio for TTP *given all the other
  findings*: log10 odds(P(TTP | e)) - log10 odds(P(TTP | e without it));
* **conflict** -- ``ln(prod_i P(e_i) / P(e))``: positive when the findings are less likely
  together than apart (Jensen's data-conflict measure).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..errors import EvidenceError
from ..results.base import Provenance
from ..results.posterior import CONTRIBUTION_COLUMNS, Posterior
from ..spec.compiled import CompiledModel
from ..spec.evidence import Finding


def p_target(model: CompiledModel, ev: Mapping[str, Any]) -> tuple[float, float]:
    """P(positive | ev) and P(ev) on the model's network (engine evidence)."""
    post, p_e = model.network.query([model.target], ev)
    return float(post[model.positive_index]), float(p_e)


def log10_odds(p: float) -> float:
    """log10 (p / (1 - p)), infinite at 0 and 1."""
    if p <= 0.0:
        return float("-inf")
    if p >= 1.0:
        return float("inf")
    return math.log10(p) - math.log10(1.0 - p)


def sources_frame(model: CompiledModel) -> pd.DataFrame:
    """The prior records behind every table: node, record, basis, quantity, source."""
    rows, seen = [], set()
    for node in model.nodes:
        for r in model.records_for(node):
            if r.id not in seen:
                seen.add(r.id)
                rows.append({"node": node, "record": r.id, "basis": r.basis,
                             "quantity": r.quantity, "source": r.label})
    return pd.DataFrame(rows, columns=["node", "record", "basis", "quantity", "source"])


def posterior(model: CompiledModel, evidence: Mapping[str, Any] | None = None, *,
              prior: float | None = None, sources: pd.DataFrame | None = None) -> Posterior:
    """Posterior P(TTP) vs P(RN) given ``evidence``, with per-finding contributions.

    ``prior`` (P(TTP) with no findings) and ``sources`` may be passed in when the caller
    has them already (the model caches both).

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
    findings = model.findings(evidence)
    ev = model.engine_evidence(findings)
    p, p_e = p_target(model, ev)
    if not p_e > 0 or not math.isfinite(p):
        listed = ", ".join(f"{n}={f.describe()}" for n, f in findings.items())
        raise EvidenceError(f"the findings are impossible together under the model "
                            f"(probability 0): {listed}")
    contrib, log_marginals = _contributions(model, findings, ev, p)
    return Posterior(
        p_progression=p, prior_progression=p_target(model, {})[0] if prior is None else prior,
        contributions=contrib, conflict=log_marginals - math.log(p_e) if findings else 0.0,
        log_p_evidence=math.log(p_e), states=tuple(model.states(model.target)),  # type: ignore[arg-type]
        sources=sources if sources is not None else sources_frame(model),
        target=model.target, positive=model.positive,
        evidence={n: f.given for n, f in findings.items()},
        provenance=Provenance.of(model.name, model.digest))


def _contributions(model: CompiledModel, findings: Mapping[str, Finding],
                   ev: Mapping[str, Any], p: float) -> tuple[pd.DataFrame, float]:
    """The contributions table, and sum_i ln P(e_i) for the conflict score."""
    rows = []
    log_marginals = 0.0
    pos = f"{model.target}={model.positive}"
    towards, away = ("TTP", "RN") if (model.target, model.positive) == (
        "diagnosis", "tumour_progression") else (pos, f"not {pos}")
    for node, f in findings.items():
        p_without, _ = p_target(model, {k: v for k, v in ev.items() if k != node})
        _, p_single = model.network.query([], {node: ev[node]})
        log_marginals += math.log(float(p_single))
        l10 = log10_odds(p) - log10_odds(p_without)
        rows.append({
            "node": node,
            "finding": f.describe(),
            "log10_lr": l10,
            "likelihood_ratio": 10.0 ** l10 if math.isfinite(l10) else float("inf"),
            "p_progression_without": p_without,
            "favours": towards if l10 > 1e-12 else (away if l10 < -1e-12 else "neither"),
        })
    contrib = pd.DataFrame(rows, columns=CONTRIBUTION_COLUMNS)
    if not contrib.empty:
        order = contrib["log10_lr"].abs().sort_values(ascending=False, kind="stable").index
        contrib = contrib.loc[order].reset_index(drop=True)
    return contrib, log_marginals
