"""The posterior of any node: P(state | findings) for every state of every node asked about.

The diagnosis has its own, richer result (:class:`~rnbayes.Posterior`); this answers the
questions around it -- "how likely is an elevated rCBV given what we know?", "how likely
is a regressing course on follow-up?" -- with one exact query per node.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .._params import check_names
from ..errors import EvidenceError
from ..results.base import Provenance
from ..results.marginals import MARGINAL_COLUMNS, Marginals
from ..spec.compiled import CompiledModel
from ..spec.labels import labels_for


def marginals(model: CompiledModel, evidence: Mapping[str, Any] | None = None, *,
              nodes: Iterable[str] | None = None) -> Marginals:
    """P(state) of each of ``nodes`` (default: every node) given ``evidence``.

    Raises
    ------
    EvidenceError
        Invalid evidence, or findings impossible together.
    ParameterError
        An unknown node in ``nodes``.
    """
    chosen = check_names(nodes, "nodes", "marginals", model.nodes) or list(model.nodes)
    findings = model.findings(evidence)
    ev = model.engine_evidence(findings)
    labels = labels_for(model.network_path)
    rows = []
    for node in dict.fromkeys(chosen):
        post, p_e = _query(model, node, ev)
        if not p_e > 0:
            raise EvidenceError("the findings are impossible together under the model "
                                "(probability 0)")
        before = model.network.marginal(node)  # the prior marginal, kept on the network
        for i, state in enumerate(model.states(node)):
            rows.append({"node": node, "node_label": labels.node(node), "state": state,
                         "state_label": labels.state(node, state), "p": float(post[i]),
                         "p_before": float(before[i]), "observed": node in findings})
    return Marginals(table=pd.DataFrame(rows, columns=MARGINAL_COLUMNS), labels=labels,
                     evidence={n: f.given for n, f in findings.items()},
                     provenance=Provenance.of(model.name, model.digest))


def _query(model: CompiledModel, node: str, ev: Mapping[str, Any]) -> tuple[np.ndarray, float]:
    """P(node | ev) and P(ev). An observed node is queried given the other findings and
    weighted by its own (one-hot or likelihood) evidence: the engine does not take a node
    as both asked about and observed."""
    if node not in ev:
        post, p_e = model.network.query([node], ev)
        return np.asarray(post, dtype=float), float(p_e)
    rest = {k: v for k, v in ev.items() if k != node}
    prior, p_rest = model.network.query([node], rest)
    own = ev[node]
    lik = np.eye(len(prior))[own] if np.ndim(own) == 0 else np.asarray(own, dtype=float)
    joint = np.asarray(prior, dtype=float) * lik
    total = float(joint.sum())
    return (joint / total if total > 0 else joint), float(p_rest) * total
