"""The exact one-way sensitivity function of a posterior in one CPT entry.

Under proportional co-variation (the entry ``theta`` of a CPT column is set and the
column's other entries are rescaled to keep their ratios), the joint probabilities
``P(t, e)`` and ``P(e)`` are linear in ``theta`` (Coupé & van der Gaag 2002), so

    P(t | e) = (a theta + b) / (c theta + d).

Two exact evaluations give ``a, b, c, d``; thresholds of a decision then invert in
closed form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .network import DiscreteNetwork


def covary(table: np.ndarray, entry: Sequence[int], theta: Any) -> np.ndarray:
    """``table`` with ``table[entry] = theta`` and the rest of its column rescaled.

    ``theta`` may be an array of shape ``(B,)``: the result then has a leading batch axis.

    Examples
    --------
    >>> t = np.array([[0.2, 0.5], [0.3, 0.5], [0.5, 0.0]])
    >>> covary(t, (0, 0), 0.6)[:, 0].round(3).tolist()
    [0.6, 0.15, 0.25]
    """
    theta = np.asarray(theta, dtype=float)
    state, *cfg = entry
    base = np.asarray(table, dtype=float)
    old = base[(state, *cfg)]
    if old >= 1.0:
        raise ValueError(f"entry {tuple(entry)} is 1: proportional co-variation is undefined")
    flat = theta.reshape(-1)
    out = np.broadcast_to(base, (flat.size, *base.shape)).copy()
    col = (slice(None), slice(None), *cfg)
    out[col] = base[(slice(None), *cfg)][None] * ((1.0 - flat) / (1.0 - old))[:, None]
    out[(slice(None), state, *cfg)] = flat
    return out.reshape(*theta.shape, *base.shape)


@dataclass(frozen=True)
class OneWay:
    """``P(target = state | e)`` as ``(a theta + b) / (c theta + d)`` in one CPT entry."""

    node: str
    entry: tuple[int, ...]
    theta0: float
    a: float
    b: float
    c: float
    d: float

    def __call__(self, theta: Any) -> np.ndarray:
        theta = np.asarray(theta, dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            return (self.a * theta + self.b) / (self.c * theta + self.d)

    def solve(self, p: float) -> float | None:
        """The ``theta`` in [0, 1] at which the posterior equals ``p`` (None if none)."""
        den = self.a - p * self.c
        if abs(den) < 1e-300:
            return None
        theta = (p * self.d - self.b) / den
        return float(theta) if 0.0 <= theta <= 1.0 else None


def one_way(net: DiscreteNetwork, target: str, state: int, evidence: Mapping[str, Any],
            node: str, entry: Sequence[int]) -> OneWay:
    """Exact one-way sensitivity function of ``P(target = state | evidence)`` in
    ``net.cpts[node][entry]`` (child state first, then parent states).

    Examples
    --------
    >>> net = DiscreteNetwork({"d": ("n", "y"), "t": ("neg", "pos")}, {"d": (), "t": ("d",)},
    ...                       {"d": np.array([0.6, 0.4]), "t": np.array([[0.8, 0.3], [0.2, 0.7]])})
    >>> f = one_way(net, "d", 1, {"t": 1}, "d", (1,))
    >>> round(float(f(0.4)), 6), round(float(net.query(["d"], {"t": 1})[0][1]), 6)
    (0.7, 0.7)
    """
    entry = tuple(int(i) for i in entry)
    table = net.cpts[node]
    theta0 = float(table[entry])
    t1 = 0.5 * theta0 if theta0 > 0.5 else 0.5 * (1.0 + theta0)
    thetas = np.array([theta0, t1])
    batched = covary(table, entry, thetas)
    post, p_e = net.query([target], evidence, cpts={node: batched}, batch=2)
    # a table outside the query's ancestral set leaves it unbatched (the function is flat)
    post, p_e = np.broadcast_to(post, (2, post.shape[-1])), np.broadcast_to(p_e, (2,))
    joint = post[:, state] * p_e
    if not np.all(np.isfinite(joint)):
        joint = np.where(np.isfinite(joint), joint, 0.0)
    a = (joint[1] - joint[0]) / (t1 - theta0)
    b = joint[0] - a * theta0
    c = (p_e[1] - p_e[0]) / (t1 - theta0)
    d = p_e[0] - c * theta0
    return OneWay(node, entry, theta0, float(a), float(b), float(c), float(d))
