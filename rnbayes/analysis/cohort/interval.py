"""A credible interval of P(TTP) for every lesion of a cohort, from parameter draws.

Every sourced record feeding the lesions' query is drawn ``n_draws`` times from its
distribution (one seed; the same draws for every lesion, so lesions are compared under
the same uncertainty), the tables are re-derived for each draw
(:func:`rnbayes.analysis.sensitivity.draws.build_subset`, as the one-case sensitivity
analysis does), and the batched engine answers every lesion under every draw at once
(the draws are a leading batch axis of the tables). The interval is the central
``level`` quantile range of the draws' posteriors.
"""

from __future__ import annotations

import numpy as np

from ...engine.network import is_batched
from ...engine.rows import RowEvidence, row_joint
from ...spec.compiled import CompiledModel
from ...spec.tables import point_values
from ..sensitivity.draws import ancestral_records, build_subset

#: parameter draws whose tables are folded together (bounds the batched tables' memory)
DRAW_CHUNK = 64
#: lesions answered together under every draw (bounds the draws x lesions posteriors)
ROW_BLOCK = 20_000


def record_draws(model: CompiledModel, *, n_draws: int, seed: int) -> dict[str, np.ndarray]:
    """``n_draws`` draws of every record feeding the target or any finding (seeded; the
    same draws whichever findings a lesion, or a chunk of a file, has)."""
    rng = np.random.default_rng(seed)
    rids = ancestral_records(model, [model.target, *model.spec.observable])
    return {r: model.records[r].sample(rng, n_draws) for r in rids}


def posterior_draws(model: CompiledModel, ev: RowEvidence, draws: dict[str, np.ndarray],
                    n_draws: int) -> np.ndarray:
    """P(positive | each row's findings) under each parameter draw: ``(n_draws, n)``."""
    net, target = model.network, model.target
    need = [target, *ev.observed]
    points = point_values(model.records)
    out = np.empty((n_draws, ev.n))
    for start in range(0, n_draws, DRAW_CHUNK):
        sl = slice(start, min(start + DRAW_CHUNK, n_draws))

        def values(rid: str, sl: slice = sl) -> np.ndarray:
            return draws[rid][sl] if rid in draws else points(rid)

        tabs = build_subset(model, values, need, set(draws))
        batched = {n: t for n, t in tabs.items() if is_batched(t, len(net.parents[n]))}
        joint = row_joint(net, [target], ev, tables=batched) if batched else \
            np.broadcast_to(row_joint(net, [target], ev), (sl.stop - start, ev.n, net.card[target]))
        with np.errstate(invalid="ignore", divide="ignore"):
            out[sl] = joint[..., model.positive_index] / joint.sum(axis=-1)
    return out


def score_intervals(model: CompiledModel, ev: RowEvidence, *, n_draws: int, seed: int,
                    level: float) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper ends of the central ``level`` credible interval of P(positive), per
    row (rows in blocks of :data:`ROW_BLOCK`, each under the same draws)."""
    low, high = np.empty(ev.n), np.empty(ev.n)
    q = [(1 - level) / 2, 1 - (1 - level) / 2]
    draws = record_draws(model, n_draws=n_draws, seed=seed)
    for start in range(0, ev.n, ROW_BLOCK):
        rows = np.arange(start, min(start + ROW_BLOCK, ev.n))
        post = posterior_draws(model, ev.rows(rows), draws, n_draws)
        low[rows], high[rows] = np.quantile(post, q, axis=0)
    return low, high
