"""Batched exact inference: one contraction answers a query for B parameter draws.

A query accepts tables with a leading batch axis (``query(cpts=...)``). This module adds
what makes thousands of draws cheap, generically over any network:

* **root absorption** — :func:`absorb_roots` sums root nodes whose only child is one
  node into that child's table (exact: the result is the child's table conditioned on
  the roots' evidence), so the diagnosis table shrinks from every context
  configuration to the few parents that other nodes share.

How prior records become batched tables (and which tables a draw must rebuild) is the
model's business: see :mod:`rnbayes.analysis.sensitivity.draws`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .network import DiscreteNetwork, is_batched


def absorb_roots(net: DiscreteNetwork, tables: Mapping[str, np.ndarray], evidence: Mapping[str, Any],
                 keep: Sequence[str]) -> tuple[DiscreteNetwork, dict[str, np.ndarray], dict]:
    """Sum out root nodes that have a single child among the query's relevant nodes.

    Parameters
    ----------
    net : the network (structure and unbatched default tables)
    tables : node -> table, batched ``(B, card, *parents)`` or unbatched
    evidence : engine evidence (state index or likelihood vector)
    keep : nodes that must survive (the query's targets)

    Returns
    -------
    network, tables, evidence
        A smaller network over the relevant nodes whose posteriors for ``keep`` equal the
        original ones exactly (the probability of the evidence differs by the absorbed
        roots' evidence probability, a constant).

    Examples
    --------
    >>> import numpy as np
    >>> net = DiscreteNetwork({"r": ("a", "b"), "x": ("n", "y")}, {"r": (), "x": ("r",)},
    ...                       {"r": np.array([0.3, 0.7]), "x": np.array([[0.9, 0.2], [0.1, 0.8]])})
    >>> small, t, ev = absorb_roots(net, net.cpts, {}, ["x"])
    >>> small.nodes, np.round(t["x"], 3).tolist()
    (('x',), [0.41, 0.59])
    """
    keep = list(keep)
    ancestors = net.ancestors(keep + list(evidence))
    relevant = [n for n in net.nodes if n in ancestors]  # in node order, never set order
    children: dict[str, list[str]] = {n: [] for n in relevant}
    for n in relevant:
        for p in net.parents[n]:
            children[p].append(n)
    absorb: dict[str, list[str]] = {}
    for n in relevant:
        if not net.parents[n] and n not in keep and len(children[n]) == 1:
            absorb.setdefault(children[n][0], []).append(n)
    gone = {r for rs in absorb.values() for r in rs}
    new_parents = {n: tuple(p for p in net.parents[n] if p not in gone)
                   for n in net.nodes if n in ancestors and n not in gone}
    new_tables: dict[str, np.ndarray] = {}
    for n in new_parents:
        arr = np.asarray(tables[n])
        new_tables[n] = arr if n not in absorb else _absorb_into(net, n, arr, absorb[n],
                                                                 tables, evidence)
    small = DiscreteNetwork({n: net.states[n] for n in new_parents}, new_parents,
                            {n: (t[0] if is_batched(t, len(new_parents[n])) else t)
                             for n, t in new_tables.items()})
    new_ev = {k: v for k, v in evidence.items() if k not in gone}
    return small, new_tables, new_ev


def _absorb_into(net: DiscreteNetwork, n: str, arr: np.ndarray, roots: Sequence[str],
                 tables: Mapping[str, np.ndarray], evidence: Mapping[str, Any]) -> np.ndarray:
    """``n``'s table with the single-child ``roots`` summed out: a root observed in a state
    is sliced there (given the evidence, that state is certain), the others are weighted
    by their prior (times any likelihood) and summed in one two-operand contraction."""
    axes = (n, *net.parents[n])
    batched = is_batched(arr, len(net.parents[n]))
    index: list[Any] = [slice(None)] * arr.ndim
    summed, sliced = [], []
    for r in roots:
        ev = evidence.get(r)
        if ev is not None and np.ndim(ev) == 0:
            index[int(batched) + axes.index(r)] = int(ev)
            sliced.append((r, int(ev)))
        else:
            summed.append(r)
    out = arr[tuple(index)]
    kept = [a for a in axes if a not in dict(sliced)]
    for r, state in sliced:  # an observed state of prior 0: NaN, as conditioning on it gives
        prior = np.asarray(tables[r], dtype=float)[..., state]
        if not np.all(prior > 0):
            with np.errstate(invalid="ignore", divide="ignore"):
                factor = prior / prior
            out = out * factor.reshape(factor.shape + (1,) * (out.ndim - factor.ndim))
    if not summed:
        return out
    weight = np.ones((1,) * len(summed))
    for i, r in enumerate(summed):
        q = np.asarray(tables[r], dtype=float)
        ev = evidence.get(r)
        if ev is not None:
            q = q * np.asarray(ev, dtype=float)
        q = q / q.sum(axis=-1, keepdims=True)
        shape = [1] * len(summed)
        shape[i] = q.shape[-1]
        q = q.reshape((*q.shape[:-1], *shape))
        weight = weight * q
    sym = {a: chr(ord("b") + i) for i, a in enumerate(axes)}
    w_batched = weight.ndim > len(summed)
    a_batched = out.ndim > len(kept)
    eq = (("a" if a_batched else "") + "".join(sym[a] for a in kept) + ","
          + ("a" if w_batched else "") + "".join(sym[r] for r in summed) + "->"
          + ("a" if a_batched or w_batched else "")
          + "".join(sym[a] for a in kept if a not in summed))
    return np.einsum(eq, out, weight)


def batched_posterior(net: DiscreteNetwork, targets: Sequence[str], evidence: Mapping[str, Any],
                      tables: Mapping[str, np.ndarray], *, absorb: bool = True) -> np.ndarray:
    """Posterior of ``targets`` for every draw in ``tables`` (leading batch axis).

    Returns an array ``(B, *card(targets))``; rows with impossible evidence are NaN.

    Examples
    --------
    >>> import numpy as np
    >>> net = DiscreteNetwork({"d": ("n", "y"), "t": ("neg", "pos")}, {"d": (), "t": ("d",)},
    ...                       {"d": np.array([0.5, 0.5]), "t": np.array([[0.8, 0.3], [0.2, 0.7]])})
    >>> prior = np.array([[0.5, 0.5], [0.9, 0.1]])   # two draws of P(d)
    >>> np.round(batched_posterior(net, ["d"], {"t": 1}, {"d": prior}), 4).tolist()
    [[0.2222, 0.7778], [0.72, 0.28]]
    """
    full = {**net.cpts, **tables}
    if absorb:
        small, tabs, ev = absorb_roots(net, full, evidence, targets)
    else:
        small, tabs, ev = net, full, dict(evidence)
    batch = next((t.shape[0] for n, t in tabs.items() if is_batched(t, len(small.parents[n]))),
                 None)
    post, _ = small.query(list(targets), ev, cpts=tabs, batch=batch)
    if batch is None:
        post = post[None]
    return post


def dirichlet_tables(net: DiscreteNetwork, nodes: Sequence[str], rng: np.random.Generator,
                     n: int, concentration: float = 50.0) -> dict[str, np.ndarray]:
    """Random batched tables around ``net``'s: every column ~ Dirichlet(concentration x column).

    Used to check and benchmark the batched engine on networks without prior records.
    """
    out = {}
    for node in nodes:
        a = np.maximum(net.cpts[node] * concentration, 1e-3)
        g = rng.standard_gamma(np.broadcast_to(a, (n, *a.shape)))
        g = np.maximum(g, 1e-300)
        out[node] = g / g.sum(axis=1, keepdims=True)
    return out


@dataclass
class DrawnNetwork:
    """A (root-absorbed) network with batched tables for B parameter draws of a model."""

    network: DiscreteNetwork
    tables: dict[str, np.ndarray]
    evidence: dict[str, Any]
    batch: int

    def query(self, targets: Sequence[str]) -> np.ndarray:
        """Posterior of ``targets`` per draw: ``(B, *card(targets))``."""
        post, _ = self.network.query(list(targets), self.evidence, cpts=self.tables,
                                     batch=self.batch)
        if post.ndim == len(targets):
            post = np.broadcast_to(post, (self.batch, *post.shape))
        return post


