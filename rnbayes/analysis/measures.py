"""Information and decision measures of a test, from its joint with the target.

For a test revealing nodes R, given evidence e, one joint ``P(target, R | e)`` (flattened
over R's joint states: the columns) gives every measure:

* **mutual information** I(target; R | e) in bits;
* **expected absolute change** in P(positive): sum_r P(r|e) |P(pos|e,r) - P(pos|e)|;
* **probability the recommended action changes**;
* **EVSI** (expected value of sample information), utility points:
  sum_r P(r|e) V(P(pos|e,r)) - V(P(pos|e)), V = expected utility of the best action.
"""

from __future__ import annotations

import math

import numpy as np

from ..spec.utilities import Utilities

MEASURE_KEYS = ("mi", "abs_change", "p_change", "evsi")
_LN2 = math.log(2.0)


def xlogx(x: np.ndarray) -> np.ndarray:
    """x log2 x, with 0 log 0 = 0 (numpy alone: importing scipy.special for xlogy costs
    more than a command-line call's whole analysis).

    Examples
    --------
    >>> xlogx(np.array([0.0, 0.5, 1.0])).tolist()
    [0.0, -0.5, 0.0]
    """
    x = np.maximum(x, 0.0)
    return x * np.log(np.where(x > 0.0, x, 1.0)) / _LN2


def mutual_information(joint: np.ndarray) -> np.ndarray:
    """Mutual information in bits between the two last axes of ``joint`` (a joint
    distribution, or a batch of them over any leading axes).

    Examples
    --------
    >>> float(mutual_information(np.array([[0.5, 0.0], [0.0, 0.5]])))
    1.0
    """
    joint = np.asarray(joint, dtype=float)
    info = xlogx(joint).sum(axis=(-2, -1)) - xlogx(joint.sum(axis=-1)).sum(axis=-1) \
        - xlogx(joint.sum(axis=-2)).sum(axis=-1)
    return np.maximum(0.0, info)


def column_information(joint: np.ndarray, p_r: np.ndarray) -> np.ndarray:
    """Per column r of ``joint = P(target, r)``: sum_t P(t,r) log2 P(t,r) - P(r) log2 P(r).

    Summed over one test's columns and added to H(target) this is the mutual information.
    """
    return xlogx(joint).sum(axis=0) - xlogx(p_r)


def segment_mutual_information(joint: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Mutual information (bits) between the target and each of several tests at once.

    ``joint`` is ``(card_target, C)``, each test's P(target, r) flattened side by side,
    test ``i`` in columns ``starts[i]:starts[i+1]``.

    Examples
    --------
    >>> j = np.array([[0.25, 0.25, 0.5, 0.0], [0.25, 0.25, 0.0, 0.5]])
    >>> segment_mutual_information(j, np.array([0, 2, 4])).tolist()
    [0.0, 1.0]
    """
    p_t = joint[:, starts[0]:starts[1]].sum(axis=1)
    info = np.add.reduceat(column_information(joint, joint.sum(axis=0)), starts[:-1])
    return np.maximum(0.0, info - float(xlogx(p_t).sum()))


def measures_all(joint: np.ndarray, starts: np.ndarray, p_t: np.ndarray, pos: int,
                 u: Utilities) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Every measure for many tests at once.

    ``joint`` is ``(card_target, C)``: each test's P(target, r | e) flattened, side by side,
    test ``i`` in columns ``starts[i]:starts[i+1]``; ``p_t`` is P(target | e).
    Returns per-test arrays (``mi``, ``abs_change``, ``p_change``, ``evsi``) and, per
    column, P(r | e) and P(positive | e, r).
    """
    seg = starts[:-1]
    p_r = joint.sum(axis=0)
    p0 = float(p_t[pos])
    ok = p_r > 0
    p_after = np.where(ok, joint[pos] / np.where(ok, p_r, 1.0), p0)
    terms = column_information(joint, p_r)
    # expected utility of every action after each result, and now (last row)
    eu = u.expected(np.append(p_after, p0))
    best = eu.argmax(axis=-1)
    value = eu.max(axis=-1)
    changed = ok & (best[:-1] != best[-1])
    per_col = np.stack([terms, p_r * np.abs(p_after - p0), np.where(changed, p_r, 0.0),
                        p_r * value[:-1]])
    mi, abs_change, p_change, evsi = np.add.reduceat(per_col, seg, axis=1)
    mi = np.maximum(0.0, mi - float(xlogx(p_t).sum()))
    evsi = evsi - value[-1]
    # below rounding level (each joint is a sum over a larger table): exactly 0
    evsi[evsi < 1e-12 * max(1.0, float(np.abs(u.table).max()))] = 0.0
    return {"mi": mi, "abs_change": abs_change, "p_change": p_change, "evsi": evsi}, p_r, p_after
