"""Every finding left out in turn: P(target, e) and P(target, e without e_i), in one pass.

Explaining a posterior needs, for each of k findings, the posterior without it (its
likelihood ratio given the others): k + 1 queries when asked one by one. They share
almost everything, so they are answered together as a batch of k + 1 *evidence
variants*: all findings, then all but finding i (its indicator replaced by ones, i.e.
that node summed out).

For one set of observed nodes (a *shape*), :class:`Retraction` folds the network once,
keeping the target and every observed node as axes (:func:`~rnbayes.engine.fold.fold`),
and lays each folded factor out as rows (its hard-observed axes) by columns (the other
axes). Across the variants a factor occurs in only a few versions: sliced at every
finding, or sliced at every finding but one whose axis is left open. A call gathers
every version's rows with one integer product (row numbers are linear in the observed
state indices), picks each variant's version of each factor, multiplies, and sums the
open axis of the left-out finding *after* the product (a node shared by several factors
is summed once, jointly); soft findings enter as a (variant, state) matrix of
likelihoods. Nothing is divided, so zeros need no care.

(A junction tree gives the same numbers by "fast retraction"; this stays within the
engine's fold-and-contract design and compiles a new shape in well under a millisecond.)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import opt_einsum as oe

from .compile import Program
from .fold import fold
from .network import DiscreteNetwork, split_evidence


@dataclass(frozen=True)
class Retracted:
    """The answers for one evidence, findings in the evidence's order (``nodes``).

    Attributes
    ----------
    joint : array ``(card(target),)``, P(target, e) (not normalised)
    without : array ``(k, card(target))``, P(target, e without e_i), row i for ``nodes[i]``
    alone : array ``(k,)``, P(e_i): each finding's probability on its own (prior marginal)
    """

    nodes: tuple[str, ...]
    joint: np.ndarray
    without: np.ndarray
    alone: np.ndarray


def retract(net: DiscreteNetwork, target: str, evidence: Mapping[str, Any]) -> Retracted:
    """P(target, e), P(target, e without e_i) and P(e_i) for every finding of ``evidence``.

    Parameters
    ----------
    net : DiscreteNetwork
    target : str
    evidence : node -> state index (hard) or likelihood vector (soft); not on ``target``

    Examples
    --------
    >>> net = DiscreteNetwork({"d": ("n", "y"), "a": ("-", "+"), "b": ("-", "+")},
    ...                       {"a": ("d",), "b": ("d",)},
    ...                       {"d": [0.7, 0.3], "a": [[0.9, 0.2], [0.1, 0.8]],
    ...                        "b": [[0.6, 0.3], [0.4, 0.7]]})
    >>> r = retract(net, "d", {"a": 1, "b": 0})
    >>> r.nodes, r.joint.round(4).tolist()
    (('a', 'b'), [0.042, 0.072])
    >>> r.without.round(4).tolist(), r.alone.round(4).tolist()
    ([[0.42, 0.09], [0.07, 0.24]], [0.31, 0.51])
    """
    hard, soft = split_evidence(evidence)
    if target in hard or target in soft:
        raise ValueError(f"node {target!r} is both the target and observed")
    key = ("retract", target, tuple(sorted(hard)), tuple(sorted(soft)))
    shape: Retraction = net.memo(key, lambda: Retraction(net, target, key[2], key[3]))
    table = shape(hard, soft)
    order = [shape.position[n] for n in evidence]
    return Retracted(tuple(evidence), table[0], table[1:][order],
                     shape.alone(net, hard, soft)[order])


class _Group:
    """Folded factors whose other (non-hard) axes are the same, stacked as rows, and how to
    gather each version of each factor: row ``const + coef @ hard_states`` for each value
    ``x`` of the open axis (a version without one repeats its row; past a node's last
    state, the zero row)."""

    def __init__(self, free: tuple[str, ...], dims: tuple[int, ...], n_hard: int, span: int):
        self.free, self.dims, self.n_hard, self.span = free, dims, n_hard, span
        self.width = math.prod(dims)
        self.blocks: list[np.ndarray] = [np.zeros((1, self.width))]  # row 0: the zero row
        self.n_rows = 1
        self.consts: list[np.ndarray] = []  # per version: (span,) first rows
        self.coefs: list[np.ndarray] = []  # per version: (n_hard,) strides
        self.used: list[int] = []  # per version: values of x in use (the rest: zero row)
        self.columns: list[list[int]] = []  # per factor: its version in every variant

    def rows(self, block: np.ndarray) -> int:
        """Append rows to the group's table; their first row number."""
        first = self.n_rows
        self.blocks.append(block.reshape(-1, self.width))
        self.n_rows += self.blocks[-1].shape[0]
        return first

    def version(self, consts: np.ndarray, coef: np.ndarray) -> int:
        """A version gathering row ``consts[x] + coef @ states`` at ``x < len(consts)``."""
        full = np.zeros(self.span, dtype=np.intp)
        full[:len(consts)] = consts
        self.consts.append(full)
        self.coefs.append(coef)
        self.used.append(len(consts))
        return len(self.consts) - 1

    def finish(self) -> None:
        self.table = np.ascontiguousarray(np.concatenate(self.blocks, axis=0))
        self.const = np.concatenate(self.consts)
        in_use = (np.arange(self.span)[None, :] < np.asarray(self.used)[:, None]).ravel()
        # float: a BLAS product (row numbers are small integers, exact in a double)
        coef = np.repeat(np.asarray(self.coefs, dtype=float).reshape(len(self.coefs), -1),
                         self.span, axis=0)
        self.coef = coef * in_use[:, None]
        self.pick = np.asarray(self.columns, dtype=np.intp)  # (factors, variants)

    def __call__(self, states: np.ndarray) -> np.ndarray:
        """Every variant's product of this group's factors: ``(variants, span, width)``."""
        idx = self.const + (self.coef @ states).astype(np.intp) if self.n_hard else self.const
        versions = np.take(self.table, idx, axis=0).reshape(-1, self.span, self.width)
        # factors first, so the product runs over whole contiguous slabs
        return np.multiply.reduce(np.take(versions, self.pick, axis=0), axis=0)


class Retraction:
    """One shape (target, hard- and soft-observed nodes) compiled for :func:`retract`.

    Calling it with the hard state indices and soft likelihoods returns a
    ``(k + 1, card(target))`` table: all findings, then each one left out (findings in
    :attr:`observed` order: hard ones sorted, then soft ones sorted).
    """

    def __init__(self, net: DiscreteNetwork, target: str, hard: Sequence[str],
                 soft: Sequence[str]):
        self.target, self.hard, self.soft = target, tuple(hard), tuple(soft)
        self.observed = self.hard + self.soft
        self.position = {n: i for i, n in enumerate(self.observed)}
        self.batch = len(self.observed) + 1
        card = net.card
        #: values of the open axis: enough for the largest hard-observed node
        self.span = max([1, *(card[n] for n in self.hard)])
        hpos = {n: i for i, n in enumerate(self.hard)}
        node_order = {n: i for i, n in enumerate(net.nodes)}
        keep = net.ancestors([target, *self.observed])
        factors = [(net.cpts[n], (n, *net.parents[n])) for n in net.nodes if n in keep]
        groups: dict[tuple[str, ...], _Group] = {}
        for arr, axes in fold(factors, {target, *self.observed}, card):
            h = sorted((a for a in axes if a in hpos), key=hpos.__getitem__)
            free = tuple(sorted((a for a in axes if a not in hpos), key=node_order.__getitem__))
            group = groups.get(free)
            if group is None:
                dims = tuple(card[a] for a in free)
                group = groups[free] = _Group(free, dims, len(self.hard), self.span)
            table = np.transpose(arr, [axes.index(a) for a in (*h, *free)])
            group.columns.append(self._versions(group, table, h, hpos, card))
        self.groups = list(groups.values())
        for g in self.groups:
            g.finish()
        # variant weights over the open axis: x = 0 where no axis is open, all x where one is
        self.weights = np.zeros((self.batch, self.span))
        self.weights[0, 0] = 1.0
        for i, n in enumerate(self.observed):
            self.weights[1 + i, :card[n] if n in hpos else 1] = 1.0
        self._soft_rows = [self._soft_mask(len(self.hard) + j) for j in range(len(self.soft))]
        self.width = card[target]
        self.program = self._program(card) if self._needs_program() else None
        self._marginals: list[np.ndarray] | None = None  # filled on the first call
        self._flat = self._offsets = np.zeros(0)

    def alone(self, net: DiscreteNetwork, hard: Mapping[str, int],
              soft: Mapping[str, np.ndarray]) -> np.ndarray:
        """P(e_i) for every finding, in :attr:`observed` order (from the prior marginals)."""
        if self._marginals is None:
            self._marginals = [net.marginal(n) for n in self.observed]
            self._flat = np.concatenate([np.zeros(0), *self._marginals[:len(self.hard)]])
            self._offsets = np.cumsum([0, *(net.card[n] for n in self.hard)])[:-1]
        idx = self._offsets + np.fromiter((hard[n] for n in self.hard), dtype=np.intp,
                                          count=len(self.hard))
        out = np.take(self._flat, idx)
        if self.soft:
            margs = self._marginals[len(self.hard):]
            out = np.concatenate([out, [float(m @ np.asarray(soft[s], dtype=float))
                                        for s, m in zip(self.soft, margs)]])
        return out

    def _versions(self, g: _Group, table: np.ndarray, h: Sequence[str],
                  hpos: Mapping[str, int], card: Mapping[str, int]) -> list[int]:
        """Register one factor's versions in its group; its version in every variant."""
        first = g.rows(table)
        coef = np.zeros(len(self.hard))
        strides = {}
        for i, a in enumerate(h):  # row-major over the factor's hard axes
            strides[a] = coef[hpos[a]] = math.prod(card[b] for b in h[i + 1:])
        base = g.version(np.full(g.span, first), coef)
        open_ = {}
        for a in h:
            rest = coef.copy()
            rest[hpos[a]] = 0.0
            open_[a] = g.version(first + strides[a] * np.arange(card[a]), rest)
        return [base] + [open_.get(n, base) for n in self.observed]

    def _soft_mask(self, i: int) -> np.ndarray:
        """Variants in which soft finding ``i`` keeps its likelihood (elsewhere: ones)."""
        rows = np.ones(self.batch, dtype=bool)
        rows[1 + i] = False
        return rows

    def _needs_program(self) -> bool:
        """Soft findings, or a factor over unobserved nodes other than the target, need a
        contraction; otherwise the groups (over the target, or over nothing) multiply."""
        return bool(self.soft) or any(g.free not in ((), (self.target,)) for g in self.groups)

    def _program(self, card: Mapping[str, int]) -> Program:
        names = sorted({a for g in self.groups for a in g.free} | {self.target, *self.soft})
        sym = {n: oe.get_symbol(i + 2) for i, n in enumerate(names)}
        b, x = oe.get_symbol(0), oe.get_symbol(1)
        subs = [b + x + "".join(sym[a] for a in g.free) for g in self.groups]
        shapes = [(self.batch, self.span, *g.dims) for g in self.groups]
        subs += [b + x] + [b + sym[s] for s in self.soft]
        shapes += [(self.batch, self.span)] + [(self.batch, card[s]) for s in self.soft]
        return Program(",".join(subs) + "->" + b + sym[self.target], shapes)

    def __call__(self, hard: Mapping[str, int], soft: Mapping[str, np.ndarray]) -> np.ndarray:
        states = np.fromiter((hard[n] for n in self.hard), dtype=float, count=len(self.hard))
        parts = [g(states) for g in self.groups]
        if self.program is None:  # groups over the target or nothing: multiply, sum x
            prod = parts[0]
            for p in parts[1:]:
                prod = prod * p
            if prod.shape[-1] != self.width:  # no factor over the target (never for a
                prod = np.broadcast_to(prod, (*prod.shape[:-1], self.width))  # real query)
            return np.einsum("bxt,bx->bt", prod, self.weights)
        ops = [p.reshape((self.batch, self.span, *g.dims)) for p, g in zip(parts, self.groups)]
        ops.append(self.weights)
        for s, rows in zip(self.soft, self._soft_rows):
            lik = np.asarray(soft[s], dtype=float)
            mat = np.ones((self.batch, lik.shape[0]))
            mat[rows] = lik
            ops.append(mat)
        return np.asarray(self.program(*ops), dtype=float)
