"""Batched exact inference: one contraction answers a query for B parameter draws.

The engine in :mod:`rnbayes.engine.network` already accepts tables with a leading batch
axis. This module adds what makes thousands of draws cheap:

* **draw only what matters** — :func:`ancestral_records` lists the records feeding the
  tables of a query's ancestral set; tables of other nodes are never rebuilt;
* **chunked generation** — tables are regenerated for a few hundred draws at a time, so
  the calibrated log-odds table (thousands of parent configurations per draw) stays in
  cache instead of becoming a gigabyte array;
* **root absorption** — :func:`absorb_roots` sums root nodes whose only child is one
  node into that child's table (exact: the result is the child's table conditioned on
  the roots' evidence), so the diagnosis table shrinks from every context
  configuration to the few parents that other nodes share.

Everything stays generic over :class:`~rnbayes.engine.network.DiscreteNetwork`; the
model-level helpers only add how records become tables.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..spec.network import generate_table, point_values
from .network import DiscreteNetwork

Values = Callable[[str], np.ndarray]


# -- generic helpers -------------------------------------------------------------------
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
    relevant = net.ancestors(keep + list(evidence))
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
                   for n in net.nodes if n in relevant and n not in gone}
    new_tables: dict[str, np.ndarray] = {}
    for n in new_parents:
        arr = np.asarray(tables[n])
        if n not in absorb:
            new_tables[n] = arr
            continue
        batched = arr.ndim == len(net.parents[n]) + 2
        syms = {a: chr(ord("b") + i) for i, a in enumerate((n, *net.parents[n]))}
        bs = "a" if batched else ""
        subs = [bs + "".join(syms[a] for a in (n, *net.parents[n]))]
        ops = [arr]
        for r in absorb[n]:
            q = np.asarray(tables[r], dtype=float)
            q_batched = q.ndim == 2
            ev = evidence.get(r)
            if ev is not None:
                lik = np.zeros(net.card[r]) if np.ndim(ev) == 0 else np.asarray(ev, dtype=float)
                if np.ndim(ev) == 0:
                    lik[int(ev)] = 1.0
                q = q * lik
            q = q / q.sum(axis=-1, keepdims=True)
            subs.append(("a" if q_batched else "") + syms[r])
            ops.append(q)
            batched = batched or q_batched
        out = ("a" if batched else "") + "".join(syms[a] for a in (n, *new_parents[n]))
        new_tables[n] = np.einsum(",".join(subs) + "->" + out, *ops, optimize=True)
    small = DiscreteNetwork({n: net.states[n] for n in new_parents}, new_parents,
                            {n: (t[0] if t.ndim == len(new_parents[n]) + 2 else t)
                             for n, t in new_tables.items()})
    new_ev = {k: v for k, v in evidence.items() if k not in gone}
    return small, new_tables, new_ev


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
    batch = next((t.shape[0] for n, t in tabs.items() if t.ndim == len(small.parents[n]) + 2),
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


# -- model-level helpers ---------------------------------------------------------------
def ancestral_records(model, nodes: Sequence[str]) -> list[str]:
    """Ids of the records that feed the tables of ``nodes`` and their ancestors."""
    keep = model.network.ancestors(list(nodes))
    out: list[str] = []
    for n in model.nodes:
        if n in keep:
            for r in model.records_for(n):
                if r.id not in out:
                    out.append(r.id)
    return out


def build_subset(model, values: Values, nodes: Sequence[str], drawn: set[str]) -> dict[str, np.ndarray]:
    """Tables of the ancestral set of ``nodes``; only tables touched by ``drawn`` records
    are regenerated (batched), the rest are the model's point tables (unbatched)."""
    spec = model.spec
    keep = model.network.ancestors(list(nodes))
    gen_tables: dict[str, np.ndarray] = {}  # generator view: batch axis always present
    out: dict[str, np.ndarray] = {}
    changed: set[str] = set()
    for name in spec.order:
        if name not in keep:
            continue
        nd = spec.nodes[name]
        cpt = nd["cpt"]
        parents = list(spec.parents(name))
        own = {r.id for r in model.records_for(name)}
        deps: set[str] = set()
        if cpt["generator"] == "latent_test":
            deps = {cpt["latent"]}
        elif cpt["generator"] == "logodds" and cpt.get("calibrate") == "marginal":
            deps = set(parents)
        if own & drawn or deps & changed:
            arr = generate_table(spec, model.records, name, values, gen_tables)
            changed.add(name)
            gen_tables[name] = arr
            out[name] = arr
        else:
            point = model.network.cpts[name]
            gen_tables[name] = point[None]
            out[name] = point
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


def drawn_network(model, evidence: Mapping[str, Any], targets: Sequence[str], *,
                  draws: Mapping[str, np.ndarray], batch: int, chunk: int = 256,
                  workers: int = 2, on_chunk: Callable[[int], None] | None = None
                  ) -> DrawnNetwork:
    """Build batched tables from ``draws`` (record id -> ``(B,)`` or ``(B, k)``; records not
    given stay at their point value), chunk by chunk, absorbing single-child roots.

    ``targets`` are every node any later query will ask about (they are never absorbed).
    """
    points = point_values(model.records)
    drawn = set(draws)
    need = list(targets) + list(evidence)

    def one(sl: slice):
        def values(rid: str) -> np.ndarray:
            return draws[rid][sl] if rid in draws else points(rid)

        tabs = build_subset(model, values, need, drawn)
        out = absorb_roots(model.network, tabs, evidence, list(targets))
        if on_chunk is not None:
            on_chunk(sl.stop - sl.start)
        return out

    slices = [slice(s, min(s + chunk, batch)) for s in range(0, batch, chunk)]
    if workers > 1 and len(slices) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(one, slices))
    else:
        parts = [one(sl) for sl in slices]
    small, _, ev = parts[0]
    tables: dict[str, np.ndarray] = {}
    for n in small.nodes:
        first = parts[0][1][n]
        if first.ndim == len(small.parents[n]) + 2:
            tables[n] = np.concatenate([p[1][n] for p in parts], axis=0)
        else:
            tables[n] = first
    return DrawnNetwork(small, tables, ev, batch)
