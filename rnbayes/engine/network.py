"""Exact inference on discrete Bayesian networks by tensor contraction.

The engine is generic: it knows nothing of radiation necrosis. A network is a set of
conditional probability tables, each an array whose first axis is the child's states
and whose remaining axes are its parents' states (in the order of ``parents``). A query

1. drops barren nodes (those neither queried, observed, nor ancestors of either),
   which is exact;
2. on first use of a query *shape* (targets, which nodes are hard- and soft-observed),
   sums out ahead of time every variable that is neither queried nor observed and plans
   the contraction of what is left (:mod:`rnbayes.engine.compile`);
3. slices the folded tables at hard evidence, multiplies in likelihood vectors for soft
   (virtual) evidence, and runs the plan (small steps as einsum calls, large ones as
   matrix products).

A :class:`DiscreteNetwork` is immutable: its tables are read-only arrays in a read-only
mapping, and :meth:`DiscreteNetwork.with_cpts` is the only way to change one (it returns
a new network). So everything compiled from the tables -- query shapes, test layouts,
kernels -- is cached on the network that built it and is never stale; there is nothing
to invalidate.

Tables may also be passed per query with a leading batch axis (one slice per parameter
draw); the query then returns one answer per draw, which is how the sensitivity analysis
evaluates thousands of draws in one contraction.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import opt_einsum as oe

from .compile import FoldedQuery, PlanCache, batched_expression
from .fold import contract_to, fold
from .frozen import FrozenMap

Evidence = Mapping[str, "int | np.ndarray"]

#: compiled objects (query shapes, test layouts, plans) kept per network
CACHE_LIMIT = 512


#: contraction plans shared by every network (keyed by equation and shapes)
_SHARED_PLANS = PlanCache(CACHE_LIMIT)


def split_evidence(evidence: Evidence) -> tuple[dict[str, int], dict[str, np.ndarray]]:
    """Split engine evidence into hard (state index) and soft (likelihood vector) parts."""
    hard: dict[str, int] = {}
    soft: dict[str, np.ndarray] = {}
    for n, v in evidence.items():
        if isinstance(v, (int, np.integer)):
            hard[n] = int(v)
            continue
        arr = np.asarray(v, dtype=float)
        if arr.ndim == 0:
            hard[n] = int(arr)
        else:
            soft[n] = arr
    return hard, soft


def readonly(arr: Any) -> np.ndarray:
    """A float array nobody can change: copied unless it already is a read-only array
    that owns its data."""
    a = np.asarray(arr, dtype=float)
    if a.flags.writeable or not a.flags.owndata:
        a = a.copy()
        a.setflags(write=False)
    return a


def is_batched(table: np.ndarray, n_parents: int) -> bool:
    """True when ``table`` carries a leading batch axis (one slice per parameter draw)."""
    return table.ndim == n_parents + 2


@dataclass(frozen=True, eq=False)
class DiscreteNetwork:
    """An immutable discrete Bayesian network in array form.

    Parameters
    ----------
    states : mapping of node -> state names (node order is topological)
    parents : mapping of node -> parent names
    cpts : mapping of node -> array of shape ``(card(node), *card(parents))``

    Examples
    --------
    >>> net = DiscreteNetwork({"d": ("no", "yes"), "x": ("neg", "pos")},
    ...                       {"d": (), "x": ("d",)},
    ...                       {"d": [0.6, 0.4], "x": [[0.9, 0.2], [0.1, 0.8]]})
    >>> post, p_e = net.query(["d"], {"x": 1})
    >>> post.round(3).tolist(), round(float(p_e), 2)
    ([0.158, 0.842], 0.38)
    >>> net.cpts["x"][0, 0] = 0.5
    Traceback (most recent call last):
    ...
    ValueError: assignment destination is read-only
    >>> other = net.with_cpts({"d": [0.9, 0.1]})
    >>> other.query(["d"])[0].tolist(), net.query(["d"])[0].tolist()
    ([0.9, 0.1], [0.6, 0.4])
    """

    states: Mapping[str, tuple[str, ...]]
    parents: Mapping[str, tuple[str, ...]]
    cpts: Mapping[str, np.ndarray]
    nodes: tuple[str, ...] = field(init=False)
    card: Mapping[str, int] = field(init=False, repr=False)
    _plans: PlanCache = field(init=False, repr=False)

    def __post_init__(self) -> None:
        states = {n: tuple(str(s) for s in v) for n, v in self.states.items()}
        unknown = set(self.parents) - set(states)
        if unknown:
            raise ValueError(f"parents given for unknown node(s) {sorted(unknown)}")
        parents = {n: tuple(self.parents.get(n, ())) for n in states}
        missing = [n for n in states if n not in self.cpts]
        if missing:
            raise ValueError(f"no table for node(s) {missing}")
        seen: set[str] = set()
        for n in states:
            late = [p for p in parents[n] if p not in seen]
            if late:
                raise ValueError(f"node {n!r}: parent(s) {late} must come before it "
                                 "(nodes are listed in topological order)")
            seen.add(n)
        cpts = {n: readonly(self.cpts[n]) for n in states}
        for n, arr in cpts.items():
            shape = (len(states[n]), *(len(states[p]) for p in parents[n]))
            if arr.shape != shape:
                raise ValueError(f"table of {n!r} has shape {arr.shape}; expected {shape} "
                                 "(batched tables go to query(cpts=...), not into a network)")
        setattr_ = object.__setattr__
        setattr_(self, "states", FrozenMap(states))
        setattr_(self, "parents", FrozenMap(parents))
        setattr_(self, "cpts", FrozenMap(cpts))
        setattr_(self, "nodes", tuple(states))
        setattr_(self, "card", FrozenMap({n: len(s) for n, s in states.items()}))
        setattr_(self, "_plans", PlanCache(CACHE_LIMIT))

    # -- derived structure -----------------------------------------------------------
    def with_cpts(self, cpts: Mapping[str, Any]) -> DiscreteNetwork:
        """A new network with some tables replaced (same structure, its own empty cache).

        Raises
        ------
        ValueError
            A node that is not in the network.
        """
        unknown = [n for n in cpts if n not in self.card]
        if unknown:
            raise ValueError(f"with_cpts: unknown node(s) {unknown}")
        return DiscreteNetwork(self.states, self.parents, {**self.cpts, **cpts})

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its structure and tables; a copy starts with an empty plan cache."""
        return (DiscreteNetwork, (dict(self.states), dict(self.parents), dict(self.cpts)))

    def memo(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """An object compiled from this network's tables (a query shape, a test layout,
        ...), built once by ``build()`` and kept while the network lives (bounded LRU)."""
        return self._plans.get(key, build)

    def ancestors(self, nodes: Sequence[str]) -> set[str]:
        """Return ``nodes`` together with all their ancestors."""
        lineage = self.lineage
        return set().union(*(lineage[n] for n in nodes))

    @cached_property
    def lineage(self) -> Mapping[str, frozenset[str]]:
        """Every node with its ancestors (itself included)."""
        out: dict[str, frozenset[str]] = {}
        for n in self.nodes:  # parents first
            out[n] = frozenset([n]).union(*(out[p] for p in self.parents[n]))
        return FrozenMap(out)

    @cached_property
    def children(self) -> Mapping[str, tuple[str, ...]]:
        """The children of every node."""
        kids: dict[str, list[str]] = {n: [] for n in self.nodes}
        for n in self.nodes:
            for p in self.parents[n]:
                kids[p].append(n)
        return FrozenMap({n: tuple(c) for n, c in kids.items()})

    @cached_property
    def descendants(self) -> Mapping[str, frozenset[str]]:
        """The proper descendants of every node."""
        out: dict[str, frozenset[str]] = {}
        for n in reversed(self.nodes):  # children before parents
            d: set[str] = set()
            for c in self.children[n]:
                d |= {c, *out[c]}
            out[n] = frozenset(d)
        return FrozenMap(out)

    def marginal(self, node: str) -> np.ndarray:
        """P(node) with no evidence (once per network, read-only): parents without a common
        ancestor are independent, so their marginals contract with the table; otherwise
        the ancestral set is folded."""
        def build() -> np.ndarray:
            parents = self.parents[node]
            lines = [self.lineage[p] for p in parents]
            if sum(map(len, lines)) == len(frozenset().union(*lines)):
                out = self.cpts[node]
                for p in reversed(parents):  # contract the last axis with its marginal
                    out = out @ self.marginal(p)
                return readonly(out)
            keep = self.ancestors([node])
            factors = fold([(self.cpts[n], (n, *self.parents[n])) for n in self.nodes
                            if n in keep], {node}, self.card)
            return readonly(contract_to(factors, (node,)))

        return self.memo(("marginal", node), build)

    def marginals(self) -> Mapping[str, np.ndarray]:
        """The prior marginal of every node (all computed once per network, then kept)."""
        return self.memo(("marginals",), lambda: FrozenMap({n: self.marginal(n)
                                                            for n in self.nodes}))

    # -- queries ---------------------------------------------------------------------
    def query(self, targets: Sequence[str], evidence: Evidence | None = None, *,
              cpts: Mapping[str, np.ndarray] | None = None,
              batch: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Joint posterior of ``targets`` given ``evidence``.

        Parameters
        ----------
        targets : node names; the result has one axis per target, in this order
        evidence : node -> state index (hard) or likelihood vector (soft); a target may
            carry soft evidence (its posterior then includes the likelihood)
        cpts : tables to use instead of the network's for this query only; a table with
            ``ndim == 1 + len(parents) + 1`` carries a leading batch axis of size ``batch``
        batch : number of parameter draws when any table is batched

        Returns
        -------
        posterior : array ``(*card(targets))``, or ``(batch, *card(targets))``
        p_evidence : probability of the evidence (scalar array, or ``(batch,)``)
        """
        evidence = dict(evidence or {})
        targets = list(targets)
        if len(set(targets)) != len(targets):
            raise ValueError(f"targets repeat a node: {targets}")
        hard, soft = split_evidence(evidence)
        for t in targets:
            if t in hard:
                raise ValueError(f"node {t!r} is both a target and observed")
        if cpts is None:
            table = self.folded(targets, hard, soft)(hard, soft)
        else:
            table = self._contract(targets, hard, soft, cpts, batch)
        if not targets:
            return np.ones_like(table), table
        sum_axes = tuple(range(table.ndim - len(targets), table.ndim))
        p_e = table.sum(axis=sum_axes)
        with np.errstate(invalid="ignore", divide="ignore"):
            post = table / p_e.reshape(p_e.shape + (1,) * len(targets))
        return post, p_e

    def folded(self, targets: Sequence[str], hard: Mapping[str, int] | Sequence[str],
               soft: Mapping[str, np.ndarray] | Sequence[str]) -> FoldedQuery:
        """The compiled, constant-folded query for these targets and observed nodes."""
        key = ("folded", tuple(targets), tuple(sorted(hard)), tuple(sorted(soft)))
        return self.memo(key, lambda: self._fold(targets, sorted(hard), sorted(soft)))

    def _fold(self, targets: Sequence[str], hard: list[str], soft: list[str]) -> FoldedQuery:
        keep = self.ancestors([*targets, *hard, *soft])
        factors = [(self.cpts[n], (n, *self.parents[n])) for n in self.nodes if n in keep]
        symbols = {n: oe.get_symbol(i) for i, n in enumerate(self.nodes)}
        return FoldedQuery(factors, self.card, symbols, targets, hard, soft)

    def _contract(self, targets, hard, soft, cpts, batch) -> np.ndarray:
        """Slice every table at the evidence and contract (the path for batched tables)."""
        tables = {**self.cpts, **cpts}
        keep = self.ancestors([*targets, *hard, *soft])
        order = [n for n in self.nodes if n in keep]
        batched = {n for n in order if is_batched(tables[n], len(self.parents[n]))}
        if batched and batch is None:
            batch = tables[next(iter(batched))].shape[0]
        operands = []
        for n in order:
            arr = tables[n]
            off = 1 if n in batched else 0
            index: list[Any] = [slice(None)] * arr.ndim
            for k, a in enumerate((n, *self.parents[n])):
                if a in hard:
                    index[k + off] = hard[a]
            operands.append(arr[tuple(index)])
        operands.extend(soft[n] for n in sorted(soft))
        if not operands:
            return np.asarray(1.0)
        # one plan (an order, not shapes) serves batch sizes of one order of magnitude
        scale = None if batch is None else (int(batch).bit_length() + 2) // 4
        key = ("contract", tuple(order), tuple(sorted(hard)), tuple(sorted(soft)),
               tuple(targets), tuple(sorted(batched)), scale)
        expr = self.memo(key, lambda: self._expression(order, hard, soft, targets, batched,
                                                       [op.shape for op in operands], scale))
        return np.asarray(expr(*operands), dtype=float)

    def _expression(self, order, hard, soft, targets, batched, shapes, scale) -> Any:
        symbols = {n: oe.get_symbol(i + 1) for i, n in enumerate(self.nodes)}
        bsym = oe.get_symbol(0)
        subs = []
        for n in order:
            axes = [a for a in (n, *self.parents[n]) if a not in hard]
            subs.append((bsym if n in batched else "") + "".join(symbols[a] for a in axes))
        subs.extend(symbols[n] for n in sorted(soft))
        out = (bsym if batched else "") + "".join(symbols[t] for t in targets)
        eq = ",".join(subs) + "->" + out
        # The equation and the table shapes (the batch size to within its scale) fix the
        # contraction, whatever network asks: the batched networks that parameter draws
        # build span after span share their plans here instead of searching paths anew.
        batch_free = tuple(shape[1:] if k < len(order) and order[k] in batched else shape
                           for k, shape in enumerate(shapes))
        return _SHARED_PLANS.get((eq, batch_free, scale, bool(batched)),
                                 lambda: batched_expression(eq, shapes, bool(batched)))

    # -- reference implementation -------------------------------------------------------
    def enumerate_joint(self, targets: Sequence[str], evidence: Evidence | None = None
                        ) -> tuple[np.ndarray, float]:
        """Brute-force posterior: the literal sum over every configuration (for verification).

        One ``numpy.einsum`` call without path optimisation multiplies every table of the
        ancestral set (an observed node's table weighted along its own axis by a one-hot
        vector, or by the likelihood vector of soft evidence) and sums over every
        configuration of the other variables: no folding, no contraction plan, no matrix
        products -- independent of the query paths it checks.
        """
        evidence = dict(evidence or {})
        keep = self.ancestors(list(targets) + list(evidence))
        order = [n for n in self.nodes if n in keep]
        if len(order) > len(string.ascii_letters):
            raise ValueError(f"enumerate_joint: {len(order)} ancestral nodes; at most 52")
        letters = dict(zip(order, string.ascii_letters))
        subs, ops = [], []
        for n in order:
            table = self.cpts[n]
            if n in evidence:  # weight each state of n by its evidence (one-hot or likelihood)
                v = np.asarray(evidence[n], dtype=float)
                weight = np.eye(self.card[n])[int(v)] if v.ndim == 0 else v
                table = table * weight.reshape((-1,) + (1,) * (table.ndim - 1))
            subs.append("".join(letters[a] for a in (n, *self.parents[n])))
            ops.append(table)
        eq = ",".join(subs) + "->" + "".join(letters[t] for t in targets)
        acc = np.einsum(eq, *ops, optimize=False)
        total = float(acc.sum())
        return acc / total, total


def table_problem(arr: np.ndarray, shape: tuple[int, ...], tol: float = 1e-9) -> str | None:
    """What is wrong with one table (shape, range, columns summing to 1), or None."""
    arr = np.asarray(arr)
    if arr.shape != shape:
        return f"table shape {arr.shape}, expected {shape}"
    if not np.all(np.isfinite(arr)) or np.any(arr < 0) or np.any(arr > 1):
        return "entries outside [0, 1] or not finite"
    dev = float(np.max(np.abs(arr.sum(axis=0) - 1.0)))
    if dev > tol:
        return f"columns sum to 1 only within {dev:.2e} (tolerance {tol:g})"
    return None


def check_tables(net: DiscreteNetwork, tol: float = 1e-9) -> list[str]:
    """Every table's problem, as ``"node: problem"`` lines (empty when all are valid)."""
    out = []
    for n in net.nodes:
        shape = (net.card[n], *(net.card[p] for p in net.parents[n]))
        problem = table_problem(net.cpts[n], shape, tol)
        if problem:
            out.append(f"{n}: {problem}")
    return out
