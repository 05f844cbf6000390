"""Bayesian updating of the prior records with a site's own cohort.

Each published Beta or Dirichlet record is taken as pseudo-counts -- its own parameters
(a, b) or alpha, i.e. its effective sample size, times ``weight`` -- and the site's
counts are added: the posterior Beta(w a + k, w b + n - k) (Dirichlet alike). Which
records take counts, and from which nodes, is :mod:`.counts`; the rest stay as published.

Findings missing in some lesions are handled by expectation-maximisation over the
batched engine: the counts are the expected counts of each family given every lesion's
findings and its known outcome, under the current records (E-step), over the lesions
that bear on it (a lesion with neither the node nor anything below it recorded says
nothing about its table -- its probability does not depend on it -- and is not counted); the records become
their posterior means (M-step, through :meth:`Model.with_records`, so every table --
including calibrated log-odds and latent tests -- is re-derived); repeat until no
record's mean moves by more than ``tol``. When every node a record depends on is
recorded in every lesion the counts are exact and one pass is the answer. (The posterior
given expected counts is the usual approximation of the posterior under missing data.)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..._params import fail
from ...engine.rows import RowEvidence
from ...errors import CohortError, SemanticError
from ...spec.compiled import CompiledModel
from ...spec.records import Record
from ...spec.recordsio import updated_record
from .counts import expected_counts, record_counts, record_sources


def prior_alpha(rec: Record) -> np.ndarray:
    """A Beta's ``[a, b]`` or a Dirichlet's alpha."""
    if rec.family == "beta":
        return np.array([rec.params["a"], rec.params["b"]], dtype=float)
    return np.asarray(rec.params["alpha"], dtype=float)


def check_weight(weight: Any) -> float:
    if isinstance(weight, bool) or not isinstance(weight, (int, float, np.floating)) \
            or math.isnan(weight) or weight <= 0:
        raise fail("weight", "update", "a number > 0 (or inf: keep the published figures)",
                   weight)
    return float(weight)


def update_records(model: CompiledModel, ev: RowEvidence, *, weight: float = 1.0,
                   max_iter: int = 100, tol: float = 1e-8, data: str = "",
                   outcome: str = "") -> tuple[CompiledModel, dict[str, Any]]:
    """The model with its countable records updated by the rows of ``ev`` (evidence that
    includes the target), and a report: ``updated`` (record -> counts), ``left`` (record
    -> reason), ``method``, ``iterations``, ``n``.

    A table the new figures make impossible to build (a latent test asked for more
    accuracy than its latent allows) keeps its records as published, with that reason,
    and the update is run again without them.
    """
    weight = check_weight(weight)
    sources, left = record_sources(model)
    while True:
        try:
            return _em(model, ev, sources, left, weight, max_iter, tol, data, outcome)
        except SemanticError as exc:
            node = (exc.path or "").split(".")[1] if (exc.path or "").startswith("nodes.") else ""
            drop = [r.id for r in model.records_for(node)] if node else []
            if not any(r in sources for r in drop):
                raise CohortError(f"the site's counts give records the network cannot hold "
                                  f"together ({exc})") from None
            for r in drop:
                if r in sources:
                    del sources[r]
                    left[r] = (f"the site's counts put it where the {node} table cannot be "
                               f"built ({exc.args[0].split(': ', 2)[-1]}); left as published")


def _em(model: CompiledModel, ev: RowEvidence, sources: dict, left: dict, weight: float,
        max_iter: int, tol: float, data: str, outcome: str
        ) -> tuple[CompiledModel, dict[str, Any]]:
    families = {s.nodes for src in sources.values() for s in src}
    exact = all(v in ev.codes and np.all(ev.codes[v] >= 0) for f in families for v in f)
    priors = {r: prior_alpha(model.records[r]) for r in sources}
    current, counts, it, moved = model, {}, 0, 0.0
    possible = np.ones(ev.n, dtype=bool)
    for it in range(1, max_iter + 1):
        table, possible = expected_counts(current, ev, families)
        counts = {r: record_counts(src, table, len(priors[r])) for r, src in sources.items()}
        post = {r: _posterior(priors[r], c, weight) for r, (c, _) in counts.items()}
        nxt = _rebuild(model, post, weight, counts, data, outcome, _method(exact, it))
        moved = max((float(np.max(np.abs(np.atleast_1d(nxt.records[r].point())
                                           - np.atleast_1d(current.records[r].point()))))
                     for r in sources), default=0.0)
        current = nxt
        if exact or moved < tol or ev.n == 0:
            break
    else:
        raise CohortError(f"the expected counts did not settle in {max_iter} iterations "
                          f"(last change {moved:.2g}); raise max_iter")
    report = {"updated": counts, "left": dict(left), "method": _method(exact, it),
              "iterations": it, "n": int(possible.sum()), "impossible": int((~possible).sum())}
    return current, report


def _method(exact: bool, iterations: int) -> str:
    if exact:
        return "counts (every node the record depends on recorded in every lesion)"
    return (f"expectation-maximisation over the batched engine: expected counts given each "
            f"lesion's findings and outcome, {iterations} iterations")


def _posterior(prior: np.ndarray, counts: np.ndarray, weight: float) -> np.ndarray:
    return prior.copy() if math.isinf(weight) else weight * prior + counts


def _rebuild(model: CompiledModel, alpha: dict[str, np.ndarray], weight: float,
             counts: dict[str, tuple[np.ndarray, int]], data: str, outcome: str, method: str
             ) -> CompiledModel:
    """The original model with the records given these posterior parameters."""
    new = {r: updated_record(model.records[r], a, counts[r][0], n=counts[r][1], weight=weight,
                             method=method, data=data, outcome=outcome)
           for r, a in alpha.items()}
    return model.with_records(new)
