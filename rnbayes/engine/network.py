"""Exact inference on discrete Bayesian networks by tensor contraction.

The engine is generic: it knows nothing of radiation necrosis. A network is a
set of conditional probability tables, each an array whose first axis is the
child's states and whose remaining axes are its parents' states (in the order
of ``parents``). A query

1. drops barren nodes (those neither queried, observed, nor ancestors of
   either), which is exact;
2. on first use of a query *shape* (targets, which nodes are hard- and
   soft-observed), sums out ahead of time every variable that is neither
   queried nor observed (:mod:`rnbayes.engine.fold`) and plans the contraction of
   what is left; the compiled shape is cached on the network;
3. slices the folded tables at hard evidence, multiplies in likelihood vectors
   for soft (virtual) evidence, and runs the plan (small steps as einsum calls,
   large ones as matrix products).

Replacing a table (``net.cpts[node] = ...``) invalidates the compiled shapes;
tables are never modified in place.

Tables may carry a leading batch axis (one slice per parameter draw); every
query then returns one answer per draw, which is how the sensitivity analysis
evaluates thousands of draws in one contraction.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import opt_einsum as oe

from .fold import fold

Evidence = Mapping[str, "int | np.ndarray"]

#: compiled plans kept per network (query shapes, test layouts)
CACHE_LIMIT = 512


_VERSIONS = itertools.count(1)


class Tables(dict):
    """The network's tables by node. ``version`` is unique to this set of tables and
    changes whenever one is replaced, so compiled plans built from others know they are
    stale (tables are not modified in place)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = next(_VERSIONS)

    def __setitem__(self, key: str, value: np.ndarray) -> None:
        self.version = next(_VERSIONS)
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self.version = next(_VERSIONS)
        super().__delitem__(key)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self.version = next(_VERSIONS)
        super().update(*args, **kwargs)


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


@dataclass
class DiscreteNetwork:
    """A discrete Bayesian network in array form.

    Parameters
    ----------
    states : mapping of node -> tuple of state names (node order is topological)
    parents : mapping of node -> tuple of parent names
    cpts : mapping of node -> array of shape ``(card(node), *card(parents))``
    """

    states: dict[str, tuple[str, ...]]
    parents: dict[str, tuple[str, ...]]
    cpts: dict[str, np.ndarray]
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "cpts" and not isinstance(value, Tables):
            value = Tables(value)
        super().__setattr__(name, value)

    def __post_init__(self) -> None:
        self.nodes: tuple[str, ...] = tuple(self.states)
        self.card = {n: len(s) for n, s in self.states.items()}
        self._index = {n: i for i, n in enumerate(self.nodes)}

    def remember(self, key: Any, value: Any) -> Any:
        """Store a compiled plan; past :data:`CACHE_LIMIT` entries the older half is dropped,
        so a long session over many query shapes cannot grow without bound."""
        if len(self._cache) >= CACHE_LIMIT:
            for old in list(self._cache)[: CACHE_LIMIT // 2]:
                self._cache.pop(old, None)  # another thread may have dropped it already
        self._cache[key] = value
        return value

    # -- structure ---------------------------------------------------------------
    def ancestors(self, nodes: Sequence[str]) -> set[str]:
        """Return ``nodes`` together with all their ancestors."""
        out: set[str] = set()
        stack = list(nodes)
        while stack:
            n = stack.pop()
            if n in out:
                continue
            out.add(n)
            stack.extend(self.parents[n])
        return out

    def with_cpts(self, cpts: Mapping[str, np.ndarray]) -> DiscreteNetwork:
        """A copy with some tables replaced (shared structure, fresh cache)."""
        new = dict(self.cpts)
        new.update(cpts)
        return DiscreteNetwork(self.states, self.parents, new)

    # -- queries -----------------------------------------------------------------
    def query(
        self,
        targets: Sequence[str],
        evidence: Evidence | None = None,
        *,
        cpts: Mapping[str, np.ndarray] | None = None,
        batch: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Joint posterior of ``targets`` given ``evidence``.

        Parameters
        ----------
        targets : node names; the result has one axis per target, in this order
        evidence : node -> state index (hard) or likelihood vector (soft); a target may
            carry soft evidence (its posterior then includes the likelihood)
        cpts : optional replacement tables; a table with ``ndim == 1 + len(parents) + 1``
            carries a leading batch axis of size ``batch``
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
        table = None
        if cpts is None:
            folded = self._folded(targets, hard, soft)
            if folded is not None:
                table = folded(hard, soft)
        if table is None:
            table = self._contract(targets, hard, soft, cpts, batch)
        if not targets:
            return np.ones_like(table), table
        sum_axes = tuple(range(table.ndim - len(targets), table.ndim))
        p_e = table.sum(axis=sum_axes)
        with np.errstate(invalid="ignore", divide="ignore"):
            post = table / p_e.reshape(p_e.shape + (1,) * len(targets))
        return post, p_e

    def _folded(self, targets, hard, soft) -> _Folded | None:
        """The compiled, constant-folded query for these targets and observed nodes (point
        tables only); None when some table carries a batch axis."""
        key = ("folded", tuple(targets), tuple(sorted(hard)), tuple(sorted(soft)))
        folded = self._cache.get(key)
        if folded is None or folded.version != self.cpts.version:
            folded = _Folded(self, targets, sorted(hard), sorted(soft))
            self.remember(key, folded)
        return folded if folded.ok else None

    def _contract(self, targets, hard, soft, cpts, batch) -> np.ndarray:
        """Slice every table at the evidence and contract (the path for batched tables)."""
        tables = self.cpts if cpts is None else {**self.cpts, **cpts}
        keep = self.ancestors([*targets, *hard, *soft])
        order = [n for n in self.nodes if n in keep]
        batched = {n for n in order if tables[n].ndim == len(self.parents[n]) + 2}
        if batched and batch is None:
            batch = tables[next(iter(batched))].shape[0]
        key = (tuple(order), tuple(sorted(hard)), tuple(sorted(soft)), tuple(targets),
               tuple(sorted(batched)), batch)
        expr = self._cache.get(key)
        operands = []
        for n in order:
            arr = tables[n]
            axes = (n, *self.parents[n])
            off = 1 if n in batched else 0
            index: list[Any] = [slice(None)] * arr.ndim
            for k, a in enumerate(axes):
                if a in hard:
                    index[k + off] = hard[a]
            operands.append(arr[tuple(index)])
        for n in sorted(soft):
            operands.append(soft[n])
        if not operands:
            return np.asarray(1.0)
        if expr is None:
            expr = self._build(order, hard, soft, targets, batched, operands)
            self.remember(key, expr)
        return np.asarray(expr(*operands), dtype=float)

    def _build(self, order, hard, soft, targets, batched, operands):
        symbols = {n: oe.get_symbol(i + 1) for i, n in enumerate(self.nodes)}
        bsym = oe.get_symbol(0)
        subs = []
        for n in order:
            axes = [a for a in (n, *self.parents[n]) if a not in hard]
            s = "".join(symbols[a] for a in axes)
            subs.append((bsym if n in batched else "") + s)
        for n in sorted(soft):
            subs.append(symbols[n])
        out = (bsym if batched else "") + "".join(symbols[t] for t in targets)
        eq = ",".join(subs) + "->" + out
        shapes = [op.shape for op in operands]
        if batched:
            # large batched contractions: let opt_einsum dispatch BLAS-backed tensordot
            return oe.contract_expression(eq, *shapes, optimize="auto")
        return _Program(eq, shapes)

    # -- reference implementation -------------------------------------------------
    def enumerate_joint(self, targets: Sequence[str], evidence: Evidence | None = None):
        """Brute-force posterior by explicit enumeration (slow; for verification).

        Sums the product of table entries over every configuration of the
        non-barren nodes, one configuration at a time.
        """
        evidence = dict(evidence or {})
        keep = self.ancestors(list(targets) + list(evidence))
        order = [n for n in self.nodes if n in keep]
        ranges = []
        for n in order:
            v = evidence.get(n)
            if v is not None and np.ndim(v) == 0:
                ranges.append([int(v)])
            else:
                ranges.append(range(self.card[n]))
        shape = tuple(self.card[t] for t in targets)
        acc = np.zeros(shape)
        pos = {n: i for i, n in enumerate(order)}
        for config in itertools.product(*ranges):
            p = 1.0
            for n in order:
                idx = (config[pos[n]], *(config[pos[q]] for q in self.parents[n]))
                p *= float(self.cpts[n][idx])
                if p == 0.0:
                    break
            for n, v in evidence.items():
                if np.ndim(v) != 0:
                    p *= float(v[config[pos[n]]])
            acc[tuple(config[pos[t]] for t in targets)] += p
        total = acc.sum()
        return acc / total, total


#: a pairwise step with more index combinations than this runs as a matrix product
MATMUL_FROM = 4096


class _Program:
    """A contraction compiled once into pairwise steps.

    opt_einsum chooses the order (``contract_path``); running the steps directly avoids
    its per-step Python dispatch, which dominates for the small tables of one query.
    A small step is one ``numpy.einsum`` call; a large two-operand step is planned as a
    batched matrix product (:class:`_MatmulStep`), which is much faster than einsum's
    generic loop there. Symbols are renamed per step to ASCII letters, so any number of
    nodes works.
    """

    def __init__(self, eq: str, shapes: Sequence[tuple[int, ...]]):
        import string

        # the branch-and-bound search behind "auto" can take ~20 ms on a dozen operands,
        # longer than thousands of the small queries it would speed up; greedy is enough
        optimize = "optimal" if len(shapes) <= 4 else "greedy"
        _, info = oe.contract_path(eq, *shapes, shapes=True, optimize=optimize)
        size = {c: d for term, shp in zip(eq.split("->")[0].split(","), shapes)
                for c, d in zip(term, shp)}
        terms = eq.split("->")[0].split(",")
        self.steps: list[tuple[tuple[int, ...], Any]] = []
        for inds, _removed, step_eq, _remaining, _blas in info.contraction_list:
            ins, outp = step_eq.split("->")
            for i in inds:
                terms.pop(i)
            terms.append(outp)
            symbols = sorted(set(ins.replace(",", "") + outp))
            rename = {c: string.ascii_letters[i] for i, c in enumerate(symbols)}
            parts = ["".join(rename[c] for c in x) for x in ins.split(",")]
            local = ",".join(parts) + "->" + "".join(rename[c] for c in outp)
            work = int(np.prod([size[c] for c in symbols]))
            if len(parts) == 2 and work >= MATMUL_FROM:
                local_size = {rename[c]: size[c] for c in symbols}
                self.steps.append((tuple(inds), _MatmulStep(local, local_size)))
            else:
                self.steps.append((tuple(inds), functools.partial(np.einsum, local)))

    def __call__(self, *operands: np.ndarray) -> np.ndarray:
        ops = list(operands)
        for inds, step in self.steps:
            ops.append(step(*[ops.pop(i) for i in inds]))
        return ops[0]


class _MatmulStep:
    """``einsum("A,B->C")`` for two operands as one batched matrix product.

    Each operand is first summed over the indices only it has (and the output lacks) and
    laid out as (shared-and-kept, own-kept, contracted); ``numpy.matmul`` does the rest.
    """

    def __init__(self, eq: str, size: Mapping[str, int]):
        ins, out = eq.split("->")
        a, b = ins.split(",")
        batch = [c for c in out if c in a and c in b]
        con = [c for c in a if c in b and c not in out]
        keep_a = [c for c in a if c in out and c not in b]
        keep_b = [c for c in b if c in out and c not in a]
        self.pre_a = a + "->" + "".join(batch + keep_a + con)
        self.pre_b = b + "->" + "".join(batch + con + keep_b)

        def prod(cs: list[str]) -> int:
            return int(np.prod([size[c] for c in cs]))

        self.shape_a = (prod(batch), prod(keep_a), prod(con))
        self.shape_b = (prod(batch), prod(con), prod(keep_b))
        self.shape_out = tuple(size[c] for c in batch + keep_a + keep_b)
        order = batch + keep_a + keep_b
        self.perm = tuple(order.index(c) for c in out)

    def __call__(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        xa = np.einsum(self.pre_a, x).reshape(self.shape_a)
        yb = np.einsum(self.pre_b, y).reshape(self.shape_b)
        return np.matmul(xa, yb).reshape(self.shape_out).transpose(self.perm)


class _Folded:
    """One query shape (targets, hard- and soft-observed nodes) compiled once.

    Barren nodes are dropped, every variable that is neither a target nor observed is
    summed out ahead of time where that keeps factors small (:func:`rnbayes.engine.fold.fold`),
    and the contraction of what remains is planned. A call then slices the folded factors
    at the observed states, multiplies in the likelihood vectors and runs the plan.
    """

    def __init__(self, net: DiscreteNetwork, targets: Sequence[str], hard: Sequence[str],
                 soft: Sequence[str]):
        keep = net.ancestors([*targets, *hard, *soft])
        order = [n for n in net.nodes if n in keep]
        self.version = net.cpts.version
        self.ok = all(net.cpts[n].ndim == len(net.parents[n]) + 1 for n in order)
        self.soft = tuple(soft)
        self.factors: list[tuple[np.ndarray, tuple[tuple[int, str], ...]]] = []
        self.program: _Program | None = None
        if not self.ok or not order:
            return
        factors = fold([(net.cpts[n], (n, *net.parents[n])) for n in order],
                       {*targets, *hard, *soft}, net.card)
        hard_set = set(hard)
        symbols = {n: oe.get_symbol(i) for i, n in enumerate(net.nodes)}
        subs, shapes = [], []
        for arr, axes in factors:
            slots = tuple((k, a) for k, a in enumerate(axes) if a in hard_set)
            self.factors.append((arr, slots))
            rest = [a for a in axes if a not in hard_set]
            subs.append("".join(symbols[a] for a in rest))
            shapes.append(tuple(net.card[a] for a in rest))
        for n in self.soft:
            subs.append(symbols[n])
            shapes.append((net.card[n],))
        eq = ",".join(subs) + "->" + "".join(symbols[t] for t in targets)
        self.program = _Program(eq, shapes)

    def __call__(self, hard: Mapping[str, int], soft: Mapping[str, np.ndarray]) -> np.ndarray:
        if self.program is None:
            return np.asarray(1.0)
        ops = []
        for arr, slots in self.factors:
            if slots:
                index: list[Any] = [slice(None)] * arr.ndim
                for k, a in slots:
                    index[k] = hard[a]
                arr = arr[tuple(index)]
            ops.append(arr)
        ops.extend(soft[n] for n in self.soft)
        return np.asarray(self.program(*ops), dtype=float)


def check_tables(net: DiscreteNetwork, tol: float = 1e-9) -> list[str]:
    """Return a list of problems: wrong shapes, negative entries, columns not summing to 1."""
    problems = []
    for n in net.nodes:
        arr = net.cpts[n]
        want = (net.card[n], *(net.card[p] for p in net.parents[n]))
        if arr.shape != want:
            problems.append(f"{n}: table shape {arr.shape}, expected {want}")
            continue
        if np.any(~np.isfinite(arr)) or np.any(arr < 0):
            problems.append(f"{n}: negative or non-finite probability")
        dev = np.max(np.abs(arr.sum(axis=0) - 1.0))
        if dev > tol:
            problems.append(f"{n}: columns sum to 1 only within {dev:.2e} (tolerance {tol:g})")
    return problems
