"""Joint distributions of a target with many candidate tests' nodes, from one small query.

Value of information needs P(target, R | e) for every test's result nodes R, and for
pairs of tests. Asking the engine once per test repeats almost all the work. Instead,
split the network in two:

* A, the nodes that are neither observed nor the target nor an ancestor of either. A is
  closed under taking children, so whatever A holds can be summed out last: the rest of
  the network is a Bayesian network on its own and gives P(W | e) for any W outside A.
* W, the target, every candidate node outside A, and the unobserved parents (outside A)
  of the A-ancestors of the candidates.

For candidate nodes T,

    P(target, T | e) = sum_W P(W | e) * K_T(W, T)

where the *kernel* K_T multiplies the tables of T's ancestors inside A (sliced at
observed parents) and sums out all but T, and is an identity on each candidate outside
A. Kernels depend on the evidence only through observed parents of A nodes, so they are
built once and reused; a query is then one contraction for P(W | e) and one product per
batch of tests.

When W would be too large, each request falls back to its own query.

Layouts, plans and kernels are cached on the (immutable) network, so they are built once
per network and never go stale.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import opt_einsum as oe

from .network import DiscreteNetwork, split_evidence
from .pair_layout import PairLayout

#: largest P(W | e) table or stacked kernel (entries) before falling back to one query per test
JOINT_LIMIT = 1 << 20


class _Plan:
    """W and the absorbed nodes K for one target, candidate set and set of observed nodes.

    K starts as the candidates inside A and absorbs a parent from A whenever that makes W
    smaller (or is needed because the parent lies below another node of K).
    """

    def __init__(self, net: DiscreteNetwork, target: str, nodes: Sequence[str],
                 hard: Sequence[str], soft: Sequence[str]):
        outside = net.ancestors([target, *hard, *soft])
        desc = net.descendants
        self.hard = set(hard)
        card = net.card

        def border_of(k: set[str]) -> set[str]:
            return {p for x in k for p in net.parents[x]} - k - self.hard

        k = set(nodes) - outside
        border = border_of(k)
        while True:  # a border node below a node of K must be absorbed
            below = {b for b in border if b not in outside and any(b in desc[x] for x in k)}
            if not below:
                break
            k |= below
            border = border_of(k)
        improved = True
        while improved:  # absorb a parent when that shrinks W
            improved = False
            for p in sorted(b for b in border if b not in outside):
                new_k = k | {p}
                new_border = border_of(new_k)
                if desc[p] & new_border:
                    continue
                if math.prod(card[b] for b in new_border) < math.prod(card[b] for b in border):
                    k, border, improved = new_k, new_border, True
                    break
        full = net.ancestors(list(k)) - outside  # the other extreme: every A ancestor
        if math.prod(card[b] for b in border_of(full)) < math.prod(card[b] for b in border):
            k, border = full, border_of(full)
        keep = {target, *border, *(set(nodes) & outside)}
        self.w = (target, *(n for n in net.nodes if n in keep and n != target))
        self.absorbed = k
        #: observed parents of absorbed nodes: the only evidence values kernels depend on
        self.observed_parents = tuple(sorted({p for x in k for p in net.parents[x]} & self.hard))
        self.net = net
        self.size = math.prod(card[n] for n in self.w)
        self.kernels: dict[Any, np.ndarray] = {}

    def within(self, nodes: Sequence[str]) -> set[str]:
        """The absorbed nodes a kernel for ``nodes`` sums over (their absorbed ancestors)."""
        return self.net.ancestors([x for x in nodes if x in self.absorbed]) & self.absorbed

    def kernel(self, nodes: Sequence[str], hard: Mapping[str, int]) -> np.ndarray:
        """Matrix (|W|, joint states of ``nodes``) with P(target, nodes | e) = P(W | e) @ it."""
        net = self.net
        within = self.within(nodes)
        observed = tuple(sorted({p for x in within for p in net.parents[x]} & self.hard))
        key = (tuple(nodes), tuple(hard[p] for p in observed))
        k = self.kernels.get(key)
        if k is not None:
            return k
        names: dict[str, str] = {}

        def sym(v: str) -> str:
            return names.setdefault(v, oe.get_symbol(len(names)))

        subs, ops = [], []
        for x in net.nodes:
            if x not in within:
                continue
            axes = (x, *net.parents[x])
            index = tuple(hard[a] if a in self.hard else slice(None) for a in axes)
            ops.append(net.cpts[x][index])
            subs.append("".join(sym(a) for a in axes if a not in self.hard))
        out = []
        for x in nodes:
            if x in self.absorbed:
                out.append(sym(x))
            else:  # a candidate in W: its own value, read off by an identity
                ops.append(np.eye(net.card[x]))
                subs.append(sym(x) + sym(x + "\0"))
                out.append(sym(x + "\0"))
        for w in self.w:
            ops.append(np.ones(net.card[w]))
            subs.append(sym(w))
        eq = ",".join(subs) + "->" + "".join(sym(w) for w in self.w) + "".join(out)
        k = np.asarray(oe.contract(eq, *ops), dtype=float).reshape(self.size, -1)
        self.kernels[key] = k
        return k


#: a query's fixed cost, in table entries of work (used to decide which tests share a query)
_QUERY_COST = 1 << 13


def _plan(net: DiscreteNetwork, target: str, nodes: Sequence[str], hard: tuple[str, ...],
          soft: tuple[str, ...]) -> _Plan:
    key = ("joints-plan", target, tuple(nodes), hard, soft)
    return net.memo(key, lambda: _Plan(net, target, nodes, hard, soft))


@dataclass
class _Cluster:
    index: tuple[tuple[str, ...], ...]  # the groups' nodes: names the stacked kernel
    groups: list[int]
    nodes: tuple[str, ...]
    plan: _Plan | None  # None: too large, one query per group
    width: int


class _Layout:
    """Which tests share one query for P(W | e): tests are merged greedily while one
    larger query costs less than two small ones."""

    def __init__(self, net: DiscreteNetwork, groups: Sequence[tuple[str, ...]], target: str,
                 hard: tuple[str, ...], soft: tuple[str, ...]):
        for g in groups:
            for n in g:
                if n not in net.card or n == target or n in hard:
                    why = ("not a node" if n not in net.card else
                           "the target" if n == target else "already observed")
                    raise ValueError(f"test node {n!r} is {why}; a test's nodes must be "
                                     "unobserved nodes other than the target")
        widths = [math.prod(net.card[n] for n in g) for g in groups]
        self.starts = np.concatenate([[0], np.cumsum(widths)]).astype(int)

        def make(idx: list[int]) -> _Cluster:
            nodes = tuple(dict.fromkeys(n for i in idx for n in groups[i]))
            return _Cluster(tuple(groups[i] for i in idx), idx, nodes,
                            _plan(net, target, nodes, hard, soft),
                            sum(widths[i] for i in idx))

        def cost(c: _Cluster) -> float:
            assert c.plan is not None
            return c.plan.size * (c.width + 4) + _QUERY_COST

        clusters: list[_Cluster] = []
        for i in range(len(groups)):
            new = make([i])
            best, saving = None, 0.0
            for k, c in enumerate(clusters):
                merged = make([*c.groups, i])
                gain = cost(c) + cost(new) - cost(merged)
                if gain > saving:
                    best, saving = (k, merged), gain
            if best is None:
                clusters.append(new)
            else:
                clusters[best[0]] = best[1]
        for c in clusters:
            if c.plan is not None and c.plan.size * c.width > JOINT_LIMIT:
                c.plan = None
        self.clusters = clusters
        order = np.concatenate([np.arange(self.starts[i], self.starts[i + 1])
                                for c in clusters for i in c.groups]) if groups else \
            np.zeros(0, int)
        self.perm = None if np.array_equal(order, np.arange(order.size)) else np.argsort(order)
        self.where = {n: k for k, c in enumerate(clusters) for n in c.nodes}
        self.groups = list(groups)
        self._pairs: PairLayout | None = None

    def pairs(self, card: Mapping[str, int]) -> PairLayout:
        if self._pairs is None:
            self._pairs = PairLayout(self, card, JOINT_LIMIT)
        return self._pairs


class ResultJoints:
    """P(target, R | e) for each test's nodes R, and for any union of them.

    Parameters
    ----------
    network : DiscreteNetwork
    target : str
    evidence : mapping of node -> state index or likelihood vector
    groups : sequence of node tuples, one per test (unobserved nodes only, non-empty)

    Attributes
    ----------
    target_posterior : array (card(target),)
    p_evidence : float
    singles : array (card(target), C)
        Every group's joint, flattened and concatenated along the second axis; group ``i``
        occupies columns ``starts[i]:starts[i+1]``.
    starts : array of int

    Examples
    --------
    >>> import numpy as np
    >>> net = DiscreteNetwork(states={"d": ("no", "yes"), "x": ("neg", "pos")},
    ...                       parents={"d": (), "x": ("d",)},
    ...                       cpts={"d": np.array([0.6, 0.4]),
    ...                             "x": np.array([[0.9, 0.2], [0.1, 0.8]])})
    >>> ResultJoints(net, "d", {}, [("x",)]).singles.round(2).tolist()
    [[0.54, 0.06], [0.08, 0.32]]
    """

    def __init__(self, network: DiscreteNetwork, target: str, evidence: Mapping[str, Any],
                 groups: Sequence[Sequence[str]]):
        self.network, self.target, self.evidence = network, target, evidence
        self.groups = [tuple(g) for g in groups]
        self._hard, soft = split_evidence(evidence)
        self._soft = soft
        self._key = (target, tuple(sorted(self._hard)), tuple(sorted(soft)))
        lkey = ("joints-layout", tuple(self.groups), *self._key)
        layout = network.memo(lkey, lambda: _Layout(network, self.groups, *self._key))
        self.layout = layout
        self.starts = layout.starts
        t = network.card[target]
        self._q: list[np.ndarray | None] = []
        parts = []
        p_e = None
        for c in layout.clusters:
            if c.plan is None:
                self._q.append(None)
                parts.extend(self._query(self.groups[i]).reshape(t, -1) for i in c.groups)
                continue
            q, pe = self._posterior(c.plan.w, soft)
            self._q.append(q)
            if p_e is None:
                p_e, self.target_posterior = pe, q.sum(axis=1)
            parts.append(np.matmul(q[:, None, :], self._stacked(c))[:, 0, :])
        if p_e is None:
            self.target_posterior, p_e = network.query([target], evidence)
        self.p_evidence = float(p_e)
        if not parts:
            self.singles = np.zeros((t, 0))
        else:
            self.singles = parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1)
            if layout.perm is not None:
                self.singles = self.singles[:, layout.perm]

    def _posterior(self, w: Sequence[str], soft: Mapping[str, np.ndarray]
                   ) -> tuple[np.ndarray, float]:
        """P(W | e) as (card(target), rest) and P(e), straight from the compiled query."""
        t = self.network.card[self.target]
        table = self.network.folded(w, self._hard, soft)(self._hard, soft)
        p_e = float(table.sum())
        return table.reshape(t, -1) / (p_e if p_e > 0 else np.nan), p_e

    def _stacked(self, c: _Cluster) -> np.ndarray:
        plan = c.plan
        assert plan is not None
        key = ("stacked", c.index, tuple(self._hard[p] for p in plan.observed_parents))
        stacked = plan.kernels.get(key)
        if stacked is None:
            ks = [plan.kernel(self.groups[i], self._hard) for i in c.groups]
            t = self.network.card[self.target]
            stacked = np.concatenate(ks, axis=1).reshape(t, plan.size // t, -1)
            plan.kernels[key] = stacked
        return stacked

    def pair_joints(self) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int]],
                                   list[tuple[str, ...]]]:
        """Joint of the target with both tests' nodes, for every pair of groups i < j.

        Returns
        -------
        joints : array (card(target), C'), the pairs' joints flattened side by side
        starts : column offsets, as for ``singles``
        pairs : the (i, j) of each block
        unions : each block's nodes: group i's, then group j's not already in i
        """
        pl = self.layout.pairs(self.network.card)
        t = self.network.card[self.target]
        pieces: list[np.ndarray | None] = [None] * len(pl.pairs)
        for h, (ks, idx, sizes) in pl.product.items():
            q = self._q[h]
            stacked = self._stacked(self.layout.clusters[h])
            outer = np.einsum("dr,drc,drk->dck", q, stacked, stacked).reshape(t, -1)[:, idx]
            if pl.direct:
                return outer, pl.starts, pl.pairs, pl.unions
            for k, block in zip(ks, np.split(outer, np.cumsum(sizes)[:-1], axis=1)):
                pieces[k] = block
        for h, ks in pl.shared.items():  # the other pairs of a cluster: one product
            block = np.einsum("dr,drc->dc", self._q[h], self._pair_stack(h, ks, pl.unions))
            widths = [int(pl.starts[k + 1] - pl.starts[k]) for k in ks]
            for k, part in zip(ks, np.split(block, np.cumsum(widths)[:-1], axis=1)):
                pieces[k] = part
        for k, union in enumerate(pl.unions):
            if pieces[k] is None:
                pieces[k] = self.joint(union).reshape(t, -1)
        joints = np.concatenate(pieces, axis=1) if pieces else np.zeros((t, 0))
        return joints, pl.starts, pl.pairs, pl.unions

    def _pair_stack(self, h: int, ks: Sequence[int], unions: Sequence[tuple[str, ...]]
                    ) -> np.ndarray:
        """Cluster ``h``'s kernels of the pairs ``ks``, side by side: (target, rest, C)."""
        plan = self.layout.clusters[h].plan
        assert plan is not None
        key = ("pairs", tuple(ks), tuple(self._hard[p] for p in plan.observed_parents))
        stacked = plan.kernels.get(key)
        if stacked is None:
            t = self.network.card[self.target]
            ks_ = [plan.kernel(unions[k], self._hard) for k in ks]
            stacked = np.concatenate(ks_, axis=1).reshape(t, plan.size // t, -1)
            plan.kernels[key] = stacked
        return stacked

    def _query(self, nodes: Sequence[str]) -> np.ndarray:
        return self.network.query([self.target, *nodes], self.evidence)[0]

    def single(self, i: int) -> np.ndarray:
        """Group ``i``'s joint, shape ``(card(target), *card(nodes))``."""
        g = self.groups[i]
        cols = self.singles[:, self.starts[i]:self.starts[i + 1]]
        return cols.reshape(self.singles.shape[0], *(self.network.card[n] for n in g))

    def joint(self, nodes: Sequence[str]) -> np.ndarray:
        """P(target, nodes | e) for any set of candidate nodes, axes in the given order."""
        nodes = tuple(nodes)
        t = self.network.card[self.target]
        shape = (t, *(self.network.card[n] for n in nodes))
        homes = {self.layout.where.get(n) for n in nodes}
        k = homes.pop() if len(homes) == 1 else None
        q = self._q[k] if k is not None else None
        plan = self.layout.clusters[k].plan if k is not None else None
        if q is None or plan is None:
            plan = _plan(self.network, self.target, nodes, *self._key[1:])
            if plan.size * math.prod(shape[1:]) > JOINT_LIMIT:
                return self._query(nodes)
            q = self._posterior(plan.w, self._soft)[0]
        kern = plan.kernel(nodes, self._hard)
        return np.einsum("dr,drc->dc", q, kern.reshape(t, -1, kern.shape[1])).reshape(shape)
