"""``logodds``: a binary child from a baseline probability and published odds ratios.

The parents' effects are additive on the log-odds scale: baseline odds x the odds ratio
of each parent's state (states without one are the reference). With
``calibrate: marginal`` the intercept is solved so that the child's *marginal*
probability over the parents' case mix equals the baseline record (parents must be
roots); with ``calibrate: reference`` (the default) the baseline is the probability at
every parent's reference state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ...engine.frozen import FrozenMap
from ..refs import check_scalar_ref
from .base import BuildContext, CheckContext, Generator, NodeLike, broadcast_batch, register


@register
@dataclass(frozen=True)
class LogOdds(Generator):
    name: ClassVar[str] = "logodds"
    schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "required": ["outcome", "baseline"],
        "additionalProperties": False,
        "properties": {
            "generator": {"const": "logodds"},
            "outcome": {"type": "string"},
            "baseline": {"$ref": "#/$defs/record_id"},
            "calibrate": {"enum": ["reference", "marginal"]},
            "effects": {"$ref": "#/$defs/effects"},
        },
    }

    outcome: str
    baseline: str
    calibrate: str
    effects: Mapping[str, Mapping[str, str]]

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> LogOdds:
        effects = {p: FrozenMap(dict(e)) for p, e in (raw.get("effects") or {}).items()}
        return cls(raw["outcome"], raw["baseline"], raw.get("calibrate", "reference"),
                   FrozenMap(effects))

    def refs(self) -> tuple[tuple[str, str], ...]:
        return (("baseline", self.baseline),
                *((f"effects.{p}.{s}", r) for p, eff in self.effects.items()
                  for s, r in eff.items()))

    def depends_on(self, node: NodeLike, nodes: Mapping[str, NodeLike]) -> tuple[str, ...]:
        return tuple(node.parents) if self.calibrate == "marginal" else ()

    def check(self, ctx: CheckContext) -> None:
        node = ctx.node
        if len(node.states) != 2 or self.outcome not in node.states:
            raise ctx.fail("outcome", f"expected one of the binary node's states "
                           f"{list(node.states)}; got {self.outcome!r}", self.outcome)
        check_scalar_ref(ctx, f"nodes.{node.name}.cpt.baseline", self.baseline, "probability")
        for q, eff in self.effects.items():
            if q not in node.parents:
                raise ctx.fail(f"effects.{q}", f"{q!r} is not a parent of {node.name}: "
                               f"{list(node.parents)}", q)
            for s, rid in eff.items():
                if s not in ctx.states(q):
                    raise ctx.fail(f"effects.{q}.{s}", f"{s!r} is not a state of {q}", s)
                check_scalar_ref(ctx, f"nodes.{node.name}.cpt.effects.{q}.{s}", rid, "odds_ratio")
        if self.calibrate == "marginal":
            for q in node.parents:
                if ctx.nodes[q].parents:
                    raise ctx.fail("calibrate", f"marginal calibration needs root parents; "
                                   f"{q!r} has parents", q)

    def build(self, ctx: BuildContext) -> np.ndarray:
        from scipy.special import expit, logit  # scipy loads slowly: only when tables are built

        parents = ctx.parents
        k = ctx.child_states.index(self.outcome)
        lor = self._log_or(ctx)
        base = ctx.values(self.baseline)
        marginal = self.calibrate == "marginal"
        # the batch may come from the odds ratios, the baseline or (when calibrating to the
        # case mix) only from the parents' drawn mix tables
        mixes = [ctx.table(p) for p in parents] if marginal else []
        batch = broadcast_batch(lor, base, *mixes)
        lor = np.broadcast_to(lor, (batch, *lor.shape[1:]))
        base = np.broadcast_to(base, (batch,))
        if marginal:
            # joint weight of parent configurations: parents are roots, so a product of marginals
            w = np.ones((batch,) + (1,) * len(parents))
            for i, m in enumerate(mixes):
                m = np.broadcast_to(m, (batch, m.shape[-1]))
                shape = [batch] + [1] * len(parents)
                shape[i + 1] = m.shape[1]
                w = w * m.reshape(shape)
            flat_w = np.broadcast_to(w, lor.shape).reshape(batch, -1)
            c = solve_intercept(lor.reshape(batch, -1), flat_w, base)
        else:
            c = logit(base)
        p = expit(c.reshape((batch,) + (1,) * len(parents)) + lor)
        out = np.empty((batch, 2, *p.shape[1:]))
        out[:, k] = p
        out[:, 1 - k] = 1.0 - p
        return out

    def _log_or(self, ctx: BuildContext) -> np.ndarray:
        """``(B, *card(parents))`` sum of log odds ratios for every parent configuration."""
        terms = []
        for p, states in zip(ctx.parents, ctx.parent_states):
            eff = self.effects.get(p, {})
            terms.append([np.log(ctx.values(eff[s])) if s in eff else None for s in states])
        batch = broadcast_batch(*(v for per in terms for v in per if v is not None))
        # grow the table one parent at a time (each add only as large as the result so far),
        # instead of adding every term into a full-size array
        n = len(terms)
        total = np.zeros((batch,) + (1,) * n)
        for i, per_state in enumerate(terms):
            vec = np.stack([np.zeros(batch) if v is None else np.broadcast_to(v, (batch,))
                            for v in per_state], axis=1)
            shape = [batch] + [1] * n
            shape[i + 1] = len(per_state)
            total = total + vec.reshape(shape)
        return np.broadcast_to(total, (batch, *(len(s) for s in ctx.parent_states)))


def solve_intercept(lor: np.ndarray, weights: np.ndarray, target: np.ndarray,
                    *, tol: float = 1e-14, max_iter: int = 100, chunk: int = 256) -> np.ndarray:
    """Solve ``sum_x w(x) expit(c + lor(x)) = target`` for ``c`` in each batch row.

    ``lor`` and ``weights`` have shape ``(B, m)`` (weights sum to 1 per row),
    ``target`` shape ``(B,)``. Safeguarded Halley iterations on a bracket; the left side
    is strictly increasing in ``c`` so the root is unique. Rows are solved in cache-sized
    chunks, each until ``|f| < tol`` or the step stalls at rounding level (usually 3-4
    iterations), so 10,000 draws over thousands of parent configurations stay fast.
    (scipy.optimize solves one scalar root per call; this solves a batch at once.)

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
    target = np.asarray(target, dtype=float)
    batch = lor.shape[0]
    out = np.empty(batch)
    for s in range(0, batch, chunk):
        sl = slice(s, min(s + chunk, batch))
        out[sl] = _solve_chunk(lor[sl], weights[sl], target[sl], tol, max_iter)
    return out


def _solve_chunk(lor, w, target, tol, max_iter) -> np.ndarray:
    from scipy.special import logit

    logit_t = logit(target)
    c = logit_t - np.einsum("ij,ij->i", w, lor)
    lo = logit_t - lor.max(axis=1) - 1.0
    hi = logit_t - lor.min(axis=1) + 1.0
    wsum = w.sum(axis=1)
    buf = np.empty_like(lor)
    for _ in range(max_iter):
        # expit(x) = (1 + tanh(x/2)) / 2, so with t = tanh((c + lor)/2):
        # f = (W.1 + W.t)/2 - target, f' = (W.1 - W.t^2)/4, f'' = -(W.t - W.t^3)/4
        np.add(c[:, None], lor, out=buf)
        buf *= 0.5
        np.tanh(buf, out=buf)
        wt = w * buf
        s1 = wt.sum(axis=1)
        wt *= buf
        s2 = wt.sum(axis=1)
        wt *= buf
        s3 = wt.sum(axis=1)
        f = 0.5 * (wsum + s1) - target
        d1 = 0.25 * (wsum - s2)
        d2 = -0.25 * (s1 - s3)
        lo = np.where(f < 0, c, lo)
        hi = np.where(f > 0, c, hi)
        ok = d1 > 0
        safe = np.where(ok, d1, 1.0)
        newton = f / safe
        denom = 1.0 - 0.5 * newton * d2 / safe
        step = np.where(ok, np.where(denom > 0.5, newton / np.where(denom > 0.5, denom, 1.0),
                                     newton), 0.0)
        new = c - step
        bad = (new <= lo) | (new >= hi) | ~np.isfinite(new)
        done = (np.abs(f) < tol) | (np.abs(step) <= 4e-16 * np.maximum(1.0, np.abs(c)))
        c = np.where(done, c, np.where(bad, 0.5 * (lo + hi), new))
        if done.all():
            break
    return c
