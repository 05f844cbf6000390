"""The numerics of additive log-odds tables, batched over parameter draws.

A log-odds table sets ``P(outcome | x) = expit(c + L(x))`` with ``L(x)`` the sum of the
parents' log odds ratios at configuration ``x``. Calibrated to a marginal, ``c`` solves
``sum_x w(x) expit(c + L(x)) = target`` with ``w`` the product of the (root) parents' mix
tables. For 10,000 draws over thousands of configurations this is the costly part of a
sensitivity analysis, so:

* nothing transcendental is evaluated per configuration: ``e(x) = exp(-L(x))`` is an outer
  product of per-parent factors, and ``expit(c + L) = 1 / (1 + exp(-c) e)``;
* states with the same odds ratio (the reference states, or states sharing a record) are
  one state for the solve, their mix weights added;
* the solve starts from the probit approximation of a logistic-normal mean (the log odds'
  mean and variance add up parent by parent), takes two Halley steps in single precision
  and one in double, and checks only rows whose last step was not tiny;
* everything runs on blocks of rows that fit in cache.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

#: a calibrated row is accepted when its marginal is this close to the target
TOL = 1e-14
#: rows per block (a block's arrays stay in cache)
BLOCK = 32
#: a double-precision Halley step below this leaves an error far below TOL (cubic convergence)
SETTLED = 1e-5


def logit(p: Any) -> np.ndarray:
    """log(p / (1 - p)) (numpy: scipy.special takes longer to import than to build a model)."""
    p = np.asarray(p, dtype=float)
    return np.log(p) - np.log1p(-p)


def outer(factors: Sequence[np.ndarray]) -> np.ndarray:
    """Row by row outer product of ``(B or 1, k_i)`` factors, flattened in C order (the
    first factor's axis major): ``(B or 1, prod k_i)``. Grown from the last factor, so every
    product is only as large as the result so far and runs along the long axis.

    Examples
    --------
    >>> outer([np.array([[1.0, 2.0]]), np.array([[1.0, 10.0], [3.0, 30.0]])]).tolist()
    [[1.0, 10.0, 2.0, 20.0], [3.0, 30.0, 6.0, 60.0]]
    """
    total = np.ones((1, 1))
    for f in reversed(factors):
        total = (f[:, :, None] * total[:, None, :]).reshape(max(f.shape[0], total.shape[0]), -1)
    return total


def _rows(x: np.ndarray, rows: Any) -> np.ndarray:
    """Rows of a per-row array, or the array itself when one row serves all."""
    return x if x.shape[0] == 1 else x[rows]


def fill_expit(p: np.ndarray, q: np.ndarray, terms: Sequence[np.ndarray], c: np.ndarray) -> None:
    """``p = expit(c + L)`` and ``q = 1 - p`` (``(B, m)`` views), block by block."""
    fixed = max(t.shape[0] for t in terms) if terms else 1
    e_all = outer([np.exp(-t) for t in terms]) if fixed == 1 else None
    for s in range(0, len(c), BLOCK):
        rows = slice(s, min(s + BLOCK, len(c)))
        e = e_all if e_all is not None else outer([np.exp(-_rows(t, rows)) for t in terms])
        qb, pb = q[rows], p[rows]
        np.multiply(e, np.exp(-c[rows])[:, None], out=qb)  # z e, the odds of the other state
        np.add(qb, 1.0, out=pb)
        np.divide(1.0, pb, out=pb)
        qb *= pb  # z e / (1 + z e), accurate also where p is near 1


def calibrate(terms: Sequence[np.ndarray], mixes: Sequence[np.ndarray], target: np.ndarray,
              groups: Sequence[np.ndarray]) -> np.ndarray:
    """The intercepts that make each row's marginal equal ``target``.

    ``terms[i]`` and ``mixes[i]`` are parent i's ``(B or 1, card)`` log odds ratios and
    mix; ``groups[i]`` maps each of its states to a group of states sharing one odds ratio.
    """
    batch = len(target)
    a, w = [], []
    for t, m, g in zip(terms, mixes, groups):
        first = np.unique(g, return_index=True)[1]
        a.append(t[:, first])
        w.append(m @ (g[:, None] == np.arange(len(first))[None, :]).astype(float))
    mean, var = np.zeros(batch), np.zeros(batch)
    lo, hi = np.zeros(batch), np.zeros(batch)
    for t, m in zip(a, w):
        mu = (m * t).sum(axis=1)
        mean += mu
        var += (m * t * t).sum(axis=1) - mu * mu
        lo += t.min(axis=1)
        hi += t.max(axis=1)
    e = [np.exp(-t) for t in a]
    return solve(e, w, target, mean, np.maximum(var, 0.0), (lo, hi))


def solve(e: Sequence[np.ndarray], w: Sequence[np.ndarray], target: np.ndarray,
          mean: np.ndarray, var: np.ndarray, bounds: tuple[np.ndarray, np.ndarray], *,
          tol: float = TOL, max_iter: int = 100) -> np.ndarray:
    """Intercepts ``c`` with ``sum_x W(x) / (1 + exp(-c) E(x)) = target`` per row, where
    ``E`` and ``W`` are the outer products of the per-parent factors ``e`` and ``w``.

    The left side increases strictly with ``c``, so the root is unique; every row is
    bracketed by ``bounds`` (the least and largest log odds).
    """
    logit_t = logit(target)
    lo, hi = logit_t - bounds[1] - 1.0, logit_t - bounds[0] + 1.0
    # E[expit(c + L)] ~ expit((c + mean) / sqrt(1 + pi var / 8)) for a normal L
    c = np.clip(logit_t * np.sqrt(1.0 + np.pi / 8.0 * var) - mean, lo, hi)
    fixed_e = max(f.shape[0] for f in e) if e else 1
    fixed_w = max(f.shape[0] for f in w) if w else 1
    e_all = outer(e) if fixed_e == 1 else None
    w_all = outer(w) if fixed_w == 1 else None
    for s in range(0, len(c), BLOCK):
        rows = slice(s, min(s + BLOCK, len(c)))
        eb = e_all if e_all is not None else outer([_rows(f, rows) for f in e])
        wb = w_all if w_all is not None else outer([_rows(f, rows) for f in w])
        cb, step = _close_in(eb, wb, target[rows], c[rows], lo[rows], hi[rows])
        loose = np.nonzero(~(np.abs(step) < SETTLED))[0]
        if loose.size:
            cb[loose] = converge(_rows(eb, loose), _rows(wb, loose), target[rows][loose],
                                 cb[loose], lo[rows][loose], hi[rows][loose], tol, max_iter)
        c[rows] = cb
    return c


def _halley(e: np.ndarray, w: np.ndarray, c: np.ndarray, target: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
    """f(c) and the Halley step, with ``r = expit(c + L) = 1 / (1 + exp(-c) e)``:
    f = W.r - target, f' = W.r - W.r^2, f'' = W.r - 3 W.r^2 + 2 W.r^3."""
    r = e * np.exp(-c).astype(e.dtype)[:, None]
    r += 1.0
    np.divide(1.0, r, out=r)
    wr = w * r
    s1 = wr.sum(axis=1, dtype=float)
    wr *= r
    s2 = wr.sum(axis=1, dtype=float)
    s3 = np.einsum("ij,ij->i", wr, r).astype(float)
    f = s1 - target
    d1 = s1 - s2
    d2 = s1 - 3.0 * s2 + 2.0 * s3
    ok = d1 > 0
    safe = np.where(ok, d1, 1.0)
    newton = f / safe
    denom = 1.0 - 0.5 * newton * d2 / safe
    step = np.where(ok, np.where(denom > 0.5, newton / np.where(denom > 0.5, denom, 1.0),
                                 newton), 0.0)
    return f, step


def _close_in(e, w, target, c, lo, hi) -> tuple[np.ndarray, np.ndarray]:
    """Two Halley steps in single precision, then one in double (inside the bracket);
    the intercepts and the size of the last step."""
    single = (e.astype(np.float32), w.astype(np.float32))
    step = np.zeros_like(c)
    for e_, w_ in (single, single, (e, w)):
        _, step = _halley(e_, w_, c, target)
        new = c - step
        keep = np.isfinite(new) & (new > lo) & (new < hi)
        c = np.where(keep, new, c)
        step = np.where(keep, step, np.inf)
    return c, step


def converge(e, w, target, c, lo, hi, tol: float = TOL, max_iter: int = 100) -> np.ndarray:
    """Safeguarded Halley steps in double precision until every row has converged
    (``|f| < tol``, or a step at rounding level); a step leaving the bracket bisects."""
    for _ in range(max_iter):
        f, step = _halley(e, w, c, target)
        lo = np.where(f < 0, c, lo)
        hi = np.where(f > 0, c, hi)
        new = c - step
        bad = (new <= lo) | (new >= hi) | ~np.isfinite(new)
        done = (np.abs(f) < tol) | (np.abs(step) <= 4e-16 * np.maximum(1.0, np.abs(c)))
        c = np.where(done, c, np.where(bad, 0.5 * (lo + hi), new))
        if done.all():
            break
    return c


def solve_intercept(lor: np.ndarray, weights: np.ndarray, target: np.ndarray,
                    *, tol: float = TOL, max_iter: int = 100) -> np.ndarray:
    """Solve ``sum_x w(x) expit(c + lor(x)) = target`` for ``c`` in each batch row, for
    any ``(B, m)`` log odds and weights (rows of weights summing to 1).

    Examples
    --------
    >>> from scipy.special import expit
    >>> lor = np.array([[0.0, 1.0, -1.0]]); w = np.full((1, 3), 1 / 3)
    >>> c = solve_intercept(lor, w, np.array([0.3]))
    >>> bool(abs((w * expit(c[:, None] + lor)).sum() - 0.3) < 1e-14)
    True
    """
    lor = np.asarray(lor, dtype=float)
    weights = np.asarray(weights, dtype=float)
    mean = np.einsum("ij,ij->i", weights, lor)
    var = np.maximum(np.einsum("ij,ij,ij->i", weights, lor, lor) - mean * mean, 0.0)
    return solve([np.exp(-lor)], [weights], np.asarray(target, dtype=float), mean, var,
                 (lor.min(axis=1), lor.max(axis=1)), tol=tol, max_iter=max_iter)
