"""Probabilistic sensitivity: every sourced parameter drawn from its distribution.

Every record in the query's ancestral set is drawn (Beta/Dirichlet/log-normal), all
tables are re-derived per draw (latent perfusion structure, noisy-OR and calibrated
log-odds included), and one batched contraction gives P(TTP) per draw: the credible
interval and the probability that the recommendation differs from the point estimate's
(the test ranking over the same draws is :mod:`.ranking`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from ...engine.draws import DrawnNetwork
from ...results.values import CredibleInterval
from ...spec.compiled import CompiledModel
from .draws import ancestral_records, drawn_network

#: draws per chunk of table generation
CHUNK = 256


def draw_network(model: CompiledModel, ev: Mapping[str, Any], test_nodes: Sequence[str], *,
                 n_draws: int, seed: int, on_chunk: Callable[[int], None] | None = None
                 ) -> tuple[DrawnNetwork, int]:
    """The network for ``n_draws`` seeded draws of every record behind the target, the
    evidence and the test nodes; and how many records were drawn."""
    rids = ancestral_records(model, [model.target, *ev, *test_nodes])
    rng = np.random.default_rng(seed)
    draws = {rid: model.records[rid].sample(rng, n_draws) for rid in rids}
    dn = drawn_network(model, ev, [model.target, *test_nodes], draws=draws, batch=n_draws,
                       chunk=CHUNK, on_chunk=on_chunk)
    return dn, len(rids)


def interval(draws: np.ndarray, level: float) -> CredibleInterval:
    """The central credible interval of ``draws`` holding ``level``.

    Examples
    --------
    >>> iv = interval(np.linspace(0, 1, 1001), 0.9)
    >>> round(iv.low, 3), round(iv.high, 3)
    (0.05, 0.95)
    """
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    return CredibleInterval(float(np.quantile(draws, lo_q)), float(np.quantile(draws, hi_q)),
                            level)
