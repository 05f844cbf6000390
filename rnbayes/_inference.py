"""Exact inference on discrete Bayesian networks by tensor contraction.

The engine is generic: it knows nothing of radiation necrosis. A network is a
set of conditional probability tables, each an array whose first axis is the
child's states and whose remaining axes are its parents' states (in the order
of ``parents``). A query

1. drops barren nodes (those neither queried, observed, nor ancestors of
   either), which is exact;
2. slices the tables at hard evidence and multiplies in likelihood vectors for
   soft (virtual) evidence;
3. contracts what is left with an einsum whose contraction path is computed
   once per query *shape* and cached.

Tables may carry a leading batch axis (one slice per parameter draw); every
query then returns one answer per draw, which is how the sensitivity analysis
evaluates thousands of draws in one contraction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import opt_einsum as oe

Evidence = Mapping[str, "int | np.ndarray"]


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

    def __post_init__(self) -> None:
        self.nodes: tuple[str, ...] = tuple(self.states)
        self.card = {n: len(s) for n, s in self.states.items()}
        self._index = {n: i for i, n in enumerate(self.nodes)}

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
        evidence : node -> state index (hard) or likelihood vector (soft)
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
        for t in targets:
            if t in evidence:
                raise ValueError(f"node {t!r} is both a target and observed")
        tables = self.cpts if cpts is None else {**self.cpts, **cpts}
        keep = self.ancestors(targets + list(evidence))
        order = [n for n in self.nodes if n in keep]
        hard = {n: int(v) for n, v in evidence.items() if np.ndim(v) == 0}
        soft = {n: np.asarray(v, dtype=float) for n, v in evidence.items() if np.ndim(v) != 0}
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
        if expr is None:
            expr = self._build(order, hard, soft, targets, batched, operands)
            self._cache[key] = expr
        table = np.asarray(expr(*operands), dtype=float)
        sum_axes = tuple(range(table.ndim - len(targets), table.ndim))
        p_e = table.sum(axis=sum_axes) if targets else table
        with np.errstate(invalid="ignore", divide="ignore"):
            if targets:
                post = table / np.expand_dims(p_e, sum_axes)
            else:
                post = np.ones_like(table)
        return post, p_e

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
        import itertools

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


class _Program:
    """A contraction compiled once into plain pairwise ``numpy.einsum`` steps.

    opt_einsum chooses the order (``contract_path``); running the steps directly avoids
    its per-step Python dispatch, which dominates for the small tables of one query.
    Symbols are renamed per step to ASCII letters, so any number of nodes works.
    """

    def __init__(self, eq: str, shapes: Sequence[tuple[int, ...]]):
        import string

        _, info = oe.contract_path(eq, *shapes, shapes=True, optimize="auto")
        self.steps: list[tuple[tuple[int, ...], str]] = []
        for inds, _removed, step_eq, _remaining, _blas in info.contraction_list:
            ins, outp = step_eq.split("->")
            symbols = sorted(set(ins.replace(",", "") + outp))
            rename = {s: string.ascii_letters[i] for i, s in enumerate(symbols)}
            local = ",".join("".join(rename[c] for c in x) for x in ins.split(",")) + "->" + \
                "".join(rename[c] for c in outp)
            self.steps.append((tuple(inds), local))

    def __call__(self, *operands: np.ndarray) -> np.ndarray:
        ops = list(operands)
        for inds, step_eq in self.steps:
            ops.append(np.einsum(step_eq, *[ops.pop(i) for i in inds]))
        return ops[0]


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
