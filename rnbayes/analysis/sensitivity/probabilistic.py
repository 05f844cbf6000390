"""Probabilistic sensitivity: every sourced parameter drawn from its distribution.

Every record in the query's ancestral set is drawn (Beta/Dirichlet/log-normal), all
tables are re-derived per draw (latent perfusion structure, noisy-OR and calibrated
log-odds included), and batched contractions give P(TTP) and each test's joint with the
diagnosis per draw, a span of draws at a time: the credible interval, the probability
that the recommendation differs from the point estimate's, and each test's measures per
draw (the test ranking over the draws is :mod:`.ranking`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...results.values import CredibleInterval
from ...spec.compiled import CompiledModel
from .draws import ancestral_records, drawn_network

#: draws per chunk of table generation
CHUNK = 256
#: draws per pass of tables, queries and measures (a pass's arrays are freed after it, so
#: memory does not grow with the number of draws beyond the draws themselves)
SPAN = 2048
#: passes run at once (numpy releases the GIL in its loops)
WORKERS = 2


#: a test's measures per draw, from its joint with the target ``(B, target, results)``
Measure = Callable[[str, np.ndarray], Mapping[str, np.ndarray]]


@dataclass
class Drawn:
    """What the probabilistic analysis keeps of every draw."""

    p_positive: np.ndarray  # (B,): P(positive | e) per draw
    measures: dict[str, dict[str, np.ndarray]]  # test -> measure -> (B,) values
    n_records: int  # how many records were drawn


def draw(model: CompiledModel, ev: Mapping[str, Any], tests: Mapping[str, Sequence[str]], *,
         n_draws: int, seed: int, measure: Measure | None = None,
         on_chunk: Callable[[int], None] | None = None) -> Drawn:
    """``n_draws`` seeded draws of every record behind the target, the evidence and the
    tests' nodes; per draw, P(positive | e) and, with ``measure``, each test's measures.

    The draws pass in spans of :data:`SPAN`, two at a time; each span builds its tables
    (chunk by chunk), answers its queries and keeps only the numbers above. BLAS is held
    to one thread meanwhile, so the two spans do not compete with its own threads.
    """
    test_nodes = sorted({n for nodes in tests.values() for n in nodes}, key=model.nodes.index)
    rids = ancestral_records(model, [model.target, *ev, *test_nodes])
    rng = np.random.default_rng(seed)
    draws = {rid: model.records[rid].sample(rng, n_draws) for rid in rids}
    t = model.network.card[model.target]

    def one(sl: slice) -> tuple[np.ndarray, dict[str, Mapping[str, np.ndarray]]]:
        size = sl.stop - sl.start
        dn = drawn_network(model, ev, [model.target, *test_nodes],
                           draws={r: v[sl] for r, v in draws.items()}, batch=size,
                           chunk=CHUNK, workers=1, on_chunk=on_chunk)
        p = dn.query([model.target])[:, model.positive_index]
        if measure is None:
            return p, {}
        return p, {name: measure(name, dn.query([model.target, *nodes]).reshape(size, t, -1))
                   for name, nodes in tests.items()}

    spans = [slice(s, min(s + SPAN, n_draws)) for s in range(0, n_draws, SPAN)]
    with one_blas_thread(len(spans) > 1):
        if len(spans) > 1:
            with ThreadPoolExecutor(max_workers=WORKERS) as pool:
                parts = list(pool.map(one, spans))
        else:
            parts = [one(spans[0])]
    measures = {name: {k: np.concatenate([m[name][k] for _, m in parts]) for k in first}
                for name, first in parts[0][1].items()}
    return Drawn(np.ascontiguousarray(np.concatenate([p for p, _ in parts])), measures,
                 len(rids))


@contextmanager
def one_blas_thread(active: bool) -> Iterator[None]:
    """BLAS limited to one thread while ``active`` (threadpoolctl), so threads of our own
    and BLAS's do not oversubscribe the cores."""
    if not active:
        yield
        return
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


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
