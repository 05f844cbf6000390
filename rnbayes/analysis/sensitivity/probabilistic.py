"""Probabilistic sensitivity: every sourced parameter drawn from its distribution.

Every record in the query's ancestral set is drawn (Beta/Dirichlet/log-normal), all
tables are re-derived per draw (latent perfusion structure, noisy-OR and calibrated
log-odds included), and one batched contraction gives P(TTP) per draw: the credible
interval, the probability that the recommendation differs from the point estimate's,
and the interval of each test's mutual information with the diagnosis.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ...engine.draws import DrawnNetwork
from ...results.values import CredibleInterval
from ...spec.compiled import CompiledModel
from ..measures import mutual_information
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


def voi_intervals(model: CompiledModel, ev: Mapping[str, Any], dn: DrawnNetwork,
                  tests: Mapping[str, Sequence[str]], level: float,
                  on_test: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Per test: mutual information with the diagnosis at the point values, its quantiles
    over the draws, and how often it ranks first."""
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    t = model.network.card[model.target]
    rows, mi_all = [], []
    for name, nodes in tests.items():
        joint = dn.query([model.target, *nodes]).reshape(dn.batch, t, -1)
        mi_all.append(mutual_information(joint))
        pt, _ = model.network.query([model.target, *nodes], ev)
        rows.append({"test": name, "nodes": ", ".join(nodes),
                     "mi_point": float(mutual_information(pt.reshape(1, t, -1))[0])})
        if on_test is not None:
            on_test(name)
    voi = pd.DataFrame(rows, columns=["test", "nodes", "mi_point"])
    if mi_all:
        mi = np.stack(mi_all, axis=1)  # (B, tests)
        top = np.argmax(mi, axis=1)
        voi["mi_low"] = np.quantile(mi, lo_q, axis=0)
        voi["mi_median"] = np.median(mi, axis=0)
        voi["mi_high"] = np.quantile(mi, hi_q, axis=0)
        voi["p_best"] = [float(np.mean(top == j)) for j in range(mi.shape[1])]
        voi = voi.assign(_mi=voi["mi_point"].round(12)).sort_values(
            ["_mi", "test"], ascending=[False, True], kind="stable").drop(columns="_mi")
        voi = voi.reset_index(drop=True)
        voi.insert(1, "rank_point", np.arange(1, len(voi) + 1))
    return voi
