"""What a generator may read off the tables built before it: exact marginals.

Two generators need more than their parents' tables:

* ``latent_test`` with ``calibrate: marginal`` divides a pooled sensitivity by the share of
  positive readings its maskers leave, averaged over ``P(maskers | diagnosis)``
  (:func:`expected_keep`);
* ``risk_factor`` needs the diagnosis marginal ``P(TTP)`` (:func:`marginal`).

Each sums the joint of the ancestral set exactly (one contraction), batched over parameter
draws. ``tables`` hold the batched tables generated so far: a root as ``(B, card)``, any
other node as ``(B, card, *parent_cards)``; batch sizes may differ (1 or B). The batch axis
is subscript ``A``; the other letters name at most 51 ancestors, far more than a
hand-written clinical network has.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np
import opt_einsum as oe

from .base import NodeLike

_LETTERS = string.ascii_lowercase + string.ascii_uppercase[1:]


def ancestors(nodes: Mapping[str, NodeLike], names: Sequence[str]) -> list[str]:
    """``names`` and all their ancestors (depth first from the last name).

    Examples
    --------
    >>> from types import SimpleNamespace as N
    >>> g = {"a": N(parents=()), "b": N(parents=("a",)), "c": N(parents=("b",))}
    >>> ancestors(g, ["c"])
    ['c', 'b', 'a']
    """
    seen: list[str] = []
    stack = list(names)
    while stack:
        n = stack.pop()
        if n not in seen:
            seen.append(n)
            stack.extend(nodes[n].parents)
    return seen


def _joint(nodes: Mapping[str, NodeLike], tables: Mapping[str, np.ndarray], keep: Sequence[str]
           ) -> tuple[np.ndarray, int]:
    """``P(keep)`` as ``(B, *card(keep))`` from the tables of the ancestral set, and B."""
    anc = ancestors(nodes, keep)
    if len(anc) > len(_LETTERS):
        raise ValueError(f"{len(anc)} ancestors: more than this einsum can name")
    letters = dict(zip(anc, _LETTERS))
    batch = max(np.shape(tables[n])[0] for n in anc)
    subs, ops = [], []
    for n in anc:
        subs.append("A" + letters[n] + "".join(letters[p] for p in nodes[n].parents))
        t = np.asarray(tables[n])
        ops.append(np.broadcast_to(t, (batch, *t.shape[1:])))
    out = "A" + "".join(letters[n] for n in keep)
    expr = _expression(",".join(subs) + "->" + out, tuple(op.shape for op in ops))
    return expr(*ops), batch


@lru_cache(maxsize=128)
def _expression(eq: str, shapes: tuple[tuple[int, ...], ...]) -> oe.ContractExpression:
    """The contraction for ``eq`` on ``shapes``, its path searched once: every chunk of
    parameter draws and every generator that reads the same ancestral set reuses it (the
    search cost about as much as the contraction)."""
    return oe.contract_expression(eq, *shapes)


def marginal(nodes: Mapping[str, NodeLike], tables: Mapping[str, np.ndarray], node: str
             ) -> np.ndarray:
    """``P(node)`` as ``(B, card)``."""
    return _joint(nodes, tables, [node])[0]


def class_conditional(nodes: Mapping[str, NodeLike], tables: Mapping[str, np.ndarray],
                      target: str, others: Sequence[str]) -> np.ndarray:
    """``P(others | target)`` as ``(B, card(target), *card(others))``."""
    joint, batch = _joint(nodes, tables, [target, *others])
    total = joint.reshape(batch, joint.shape[1], -1).sum(axis=2)
    return joint / total.reshape(batch, -1, *([1] * len(others)))


def expected_keep(nodes: Mapping[str, NodeLike], tables: Mapping[str, np.ndarray], target: str,
                  masks: Sequence[tuple[str, str, np.ndarray]]) -> np.ndarray:
    """``E[share of positive readings not masked | target]`` as ``(B, card(target))``.

    ``masks`` are ``(parent, state, probability)``: in that parent state a positive reading
    turns negative with that probability (independently across maskers).
    """
    mask_parents = list(dict.fromkeys(p for p, _, _ in masks))
    cond = class_conditional(nodes, tables, target, mask_parents)  # (B, T, *cards)
    batch = max([cond.shape[0], *(np.shape(v)[0] for _, _, v in masks)])
    keep = np.ones((batch, *cond.shape[2:]))
    for parent, state, v in masks:
        i = mask_parents.index(parent)
        states = nodes[parent].states
        factor = np.ones((batch, len(states)))
        factor[:, states.index(state)] = 1.0 - np.broadcast_to(v, (batch,))
        shape = [batch] + [1] * len(mask_parents)
        shape[i + 1] = len(states)
        keep = keep * factor.reshape(shape)
    cond = np.broadcast_to(cond, (batch, *cond.shape[1:])).reshape(batch, cond.shape[1], -1)
    return np.einsum("Atk,Ak->At", cond, keep.reshape(batch, -1))


def batched(nodes: Mapping[str, NodeLike], tables: Mapping[str, np.ndarray]
            ) -> dict[str, np.ndarray]:
    """Point tables (no batch axis) with a batch axis of 1, roots as ``(1, card)``."""
    return {n: np.asarray(t).reshape(1, *(np.shape(t) if nodes[n].parents else (-1,)))
            for n, t in tables.items()}
