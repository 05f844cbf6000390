"""Evidence-independent precomputation ("constant folding") for repeated exact queries.

A query's tables are fixed; only the observed *values* change between queries with the
same targets and the same observed nodes. So everything that does not depend on those
values can be computed once: any variable that is neither a target nor observed is summed
out ahead of time (variable elimination, smallest resulting factor first), and factors
whose variables are a subset of another factor's are multiplied into it. Observed
variables stay as axes of the folded factors; at query time each factor is sliced at the
observed state (hard evidence) or contracted with the likelihood vector (soft evidence),
and the few remaining factors are contracted.

Elimination never builds a factor larger than ``cap`` entries or than the largest factor
it replaces, so the precomputation never trades a cheap query for a huge table.
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

Factor = tuple[np.ndarray, tuple[str, ...]]

#: largest factor (entries) that folding may create
FOLD_CAP = 1 << 16


def contract_to(factors: Sequence[Factor], out: Sequence[str]) -> np.ndarray:
    """The product of ``factors`` summed over every variable not in ``out`` (axes in
    ``out``'s order), contracted pairwise in a greedy order."""
    return _einsum(factors, out, optimize="greedy" if len(factors) > 2 else False)


def _einsum(factors: Sequence[Factor], out: Sequence[str], optimize: Any = False) -> np.ndarray:
    names = sorted({v for _, axes in factors for v in axes} | set(out))
    if len(names) > len(string.ascii_letters):  # pragma: no cover - guarded by the cap
        raise ValueError("too many variables in one folded factor")
    sym = {v: string.ascii_letters[i] for i, v in enumerate(names)}
    eq = ",".join("".join(sym[v] for v in axes) for _, axes in factors)
    eq += "->" + "".join(sym[v] for v in out)
    return np.einsum(eq, *(a for a, _ in factors), optimize=optimize)


def _absorb(factors: list[Factor]) -> list[Factor]:
    """Multiply each factor into another whose variables include all of its own."""
    factors = sorted(factors, key=lambda f: -len(f[1]))
    hosts: list[list[Factor]] = []  # each host factor, then the factors it absorbs
    scopes: list[frozenset[str]] = []
    for arr, axes in factors:
        scope = frozenset(axes)
        host = next((i for i, h in enumerate(scopes) if scope <= h), None)
        if host is None:
            hosts.append([(arr, axes)])
            scopes.append(scope)
        else:
            hosts[host].append((arr, axes))
    return [group[0] if len(group) == 1 else _multiply(group) for group in hosts]


def _multiply(group: Sequence[Factor]) -> Factor:
    """The first factor times the others (their axes among its own), by broadcasting."""
    arr, axes = group[0]
    for g, gaxes in group[1:]:
        order = sorted(range(len(gaxes)), key=lambda i: axes.index(gaxes[i]))
        shape = [1] * len(axes)
        for i in order:
            shape[axes.index(gaxes[i])] = g.shape[i]
        arr = arr * np.transpose(g, order).reshape(shape)
    return arr, axes


def fold(factors: Sequence[Factor], keep: set[str], card: Mapping[str, int],
         cap: int = FOLD_CAP) -> list[Factor]:
    """Sum out every variable not in ``keep`` where the result stays within ``cap`` entries.

    Parameters
    ----------
    factors : (array, axis names) pairs whose product is the (unnormalised) distribution
    keep : variables that must stay as axes (targets and observed nodes)
    card : number of states of each variable
    cap : largest factor that may be created (unless no larger than the factors it replaces)

    Returns
    -------
    list of (array, axis names) whose product, summed over the eliminated variables,
    equals the product of ``factors`` summed over the same variables.

    Examples
    --------
    >>> import numpy as np
    >>> pa = (np.array([0.3, 0.7]), ("a",))
    >>> pba = (np.array([[0.9, 0.2], [0.1, 0.8]]), ("b", "a"))
    >>> [(f.round(2).tolist(), axes) for f, axes in fold([pa, pba], {"b"}, {"a": 2, "b": 2})]
    [([0.41, 0.59], ('b',))]
    """
    work = _absorb(list(factors))
    while True:
        best = None
        # sorted: a tie between variables must not be broken by set order (hash seed),
        # which would change the summation order and the last bits of every result
        for v in sorted({x for _, axes in work for x in axes} - keep):
            inside = [arr.size for arr, axes in work if v in axes]
            scope = {x for _, axes in work if v in axes for x in axes}
            size = math.prod(card[x] for x in scope) // card[v]
            if size <= max(cap, *inside) and (best is None or size < best[0]):
                best = (size, v, scope)
        if best is None:
            return work
        _, v, scope = best
        inside = [f for f in work if v in f[1]]
        work = [f for f in work if v not in f[1]]
        out = tuple(x for x in sorted(scope) if x != v)
        work = _absorb([*work, (_einsum(inside, out), out)])
