"""Compiling one query shape into a fixed sequence of contraction steps.

A *query shape* is the targets and which nodes are hard- and soft-observed; only the
observed values change between queries of one shape. :class:`FoldedQuery` drops barren
nodes, sums out ahead of time every variable that is neither a target nor observed
(:func:`~rnbayes.engine.fold.fold`) and plans the contraction of what remains
(:class:`Program`). A call then slices the folded factors at the observed states,
multiplies in the likelihood vectors and runs the plan.

Tables are read-only (the network is immutable), so a compiled shape stays valid for
the life of the network that built it.
"""

from __future__ import annotations

import functools
import string
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import opt_einsum as oe

from .fold import fold

#: a pairwise step with more index combinations than this runs as a matrix product
MATMUL_FROM = 4096


class Program:
    """A contraction compiled once into pairwise steps.

    opt_einsum chooses the order (``contract_path``); running the steps directly avoids
    its per-step Python dispatch, which dominates for the small tables of one query.
    A small step is one ``numpy.einsum`` call; a large two-operand step is planned as a
    batched matrix product (:class:`MatmulStep`), which is much faster than einsum's
    generic loop there. Symbols are renamed per step to ASCII letters, so any number of
    nodes works.

    Examples
    --------
    >>> a, b = np.arange(6.0).reshape(2, 3), np.ones((3, 4))
    >>> bool(np.allclose(Program("ij,jk->ik", [a.shape, b.shape])(a, b), a @ b))
    True
    """

    def __init__(self, eq: str, shapes: Sequence[tuple[int, ...]]):
        # the branch-and-bound search behind "auto" can take ~20 ms on a dozen operands,
        # longer than thousands of the small queries it would speed up; greedy is enough
        optimize = "optimal" if len(shapes) <= 4 else "greedy"
        _, info = oe.contract_path(eq, *shapes, shapes=True, optimize=optimize)
        terms = eq.split("->")[0].split(",")
        size = {c: d for term, shp in zip(terms, shapes) for c, d in zip(term, shp)}
        self.steps: list[tuple[tuple[int, ...], Any]] = []
        for inds, _removed, step_eq, _remaining, _blas in info.contraction_list:
            self.steps.append((tuple(inds), _step(step_eq, size)))

    def __call__(self, *operands: np.ndarray) -> np.ndarray:
        ops = list(operands)
        for inds, step in self.steps:
            ops.append(step(*[ops.pop(i) for i in inds]))
        return ops[0]


def _step(step_eq: str, size: Mapping[str, int]) -> Any:
    """One pairwise (or single-operand) step, symbols renamed to ASCII letters."""
    ins, outp = step_eq.split("->")
    symbols = sorted(set(ins.replace(",", "") + outp))
    rename = {c: string.ascii_letters[i] for i, c in enumerate(symbols)}
    parts = ["".join(rename[c] for c in x) for x in ins.split(",")]
    local = ",".join(parts) + "->" + "".join(rename[c] for c in outp)
    work = int(np.prod([size[c] for c in symbols]))
    if len(parts) == 2 and work >= MATMUL_FROM:
        return MatmulStep(local, {rename[c]: size[c] for c in symbols})
    return functools.partial(np.einsum, local)


class MatmulStep:
    """``einsum("A,B->C")`` for two operands as one batched matrix product.

    Each operand is first summed over the indices only it has (and the output lacks) and
    laid out as (shared-and-kept, own-kept, contracted); ``numpy.matmul`` does the rest.

    Examples
    --------
    >>> x, y = np.ones((2, 3)), np.ones((3, 2))
    >>> MatmulStep("ab,bc->ac", {"a": 2, "b": 3, "c": 2})(x, y).tolist()
    [[3.0, 3.0], [3.0, 3.0]]
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


class FoldedQuery:
    """One query shape (targets, hard- and soft-observed nodes) compiled once.

    Parameters
    ----------
    factors : (table, axis names) pairs of the query's ancestral set (point tables)
    card : number of states of each node
    symbols : an einsum symbol per node
    targets, hard, soft : the query shape
    """

    def __init__(self, factors: Sequence[tuple[np.ndarray, tuple[str, ...]]],
                 card: Mapping[str, int], symbols: Mapping[str, str], targets: Sequence[str],
                 hard: Sequence[str], soft: Sequence[str]):
        self.soft = tuple(soft)
        self.factors: list[tuple[np.ndarray, tuple[tuple[int, str], ...]]] = []
        self.program: Program | None = None
        if not factors:
            return
        folded = fold(factors, {*targets, *hard, *soft}, card)
        hard_set = set(hard)
        subs, shapes = [], []
        for arr, axes in folded:
            slots = tuple((k, a) for k, a in enumerate(axes) if a in hard_set)
            self.factors.append((arr, slots))
            rest = [a for a in axes if a not in hard_set]
            subs.append("".join(symbols[a] for a in rest))
            shapes.append(tuple(card[a] for a in rest))
        for n in self.soft:
            subs.append(symbols[n])
            shapes.append((card[n],))
        eq = ",".join(subs) + "->" + "".join(symbols[t] for t in targets)
        self.program = Program(eq, shapes)

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


def batched_expression(eq: str, shapes: Sequence[tuple[int, ...]], batched: bool) -> Any:
    """The contraction for tables sliced at hard evidence (the path for batched tables):
    large batched contractions go to opt_einsum, which dispatches BLAS-backed tensordot."""
    if batched:
        return oe.contract_expression(eq, *shapes, optimize="auto")
    return Program(eq, shapes)


class PlanCache:
    """A bounded, thread-safe least-recently-used memo of objects compiled from one
    network's tables. (functools.lru_cache memoises one function; this holds the several
    kinds of compiled objects a network builds, keyed by kind and shape.)"""

    def __init__(self, limit: int):
        self.limit = limit
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """The object stored under ``key``, built by ``build()`` on first use."""
        try:  # a hit needs no lock: each OrderedDict call is atomic under the GIL
            value = self._items[key]
            self._items.move_to_end(key)
            return value
        except KeyError:  # not built yet (or just evicted by another thread)
            pass
        value = build()  # outside the lock: building may itself use the cache
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.limit:
                self._items.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._items)
