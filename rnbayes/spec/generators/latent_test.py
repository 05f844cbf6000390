"""``latent_test``: a test read off a shared latent cause, keeping its published accuracy.

Correlated tests (rCBV, Ktrans and ASL CBF all measure tumour vascularity) must not be
counted as independent evidence, so each is a child of one binary latent node whose only
parent is the target. The test's two conditional probabilities P(test+ | latent high)
and P(test+ | latent low) are solved so that the test keeps its published sensitivity
and specificity; optional maskers (blood products, bevacizumab) then turn positives into
negatives with a sourced probability.

Two more forms:

* ``calibrate: marginal`` -- a pooled accuracy is a marginal over the studies' case mix, so
  the sensitivity is divided by the expected share of positives the maskers leave under
  TTP (and the false-positive rate by that share under RN) before solving: the model's
  *marginal* accuracy is the published one, while masking still lowers sensitivity in
  the lesions that bleed and raises it in those that do not;
* ``given_positive`` / ``given_negative`` -- a child of any number of states (the
  enhancement pattern's thin rim / nodular / solid), given its distribution under each
  class of the target; its two distributions given the latent's states are solved the
  same way (:func:`solve_states`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ..refs import (
    DistributionRef,
    check_distribution_ref,
    check_scalar_ref,
    distribution,
    parse_ref,
)
from .base import (
    BuildContext,
    CheckContext,
    Generator,
    NodeLike,
    broadcast_batch,
    point_values,
    register,
)
from .marginals import ancestors, batched, expected_keep

#: solved probabilities are kept inside (0, 1) by this margin in parameter draws
CLIP = 1e-6
_BINARY = ("positive", "sensitivity", "specificity")
_STATES = ("given_positive", "given_negative")


@dataclass(frozen=True)
class Mask:
    """A parent state that turns a positive reading negative with some probability."""

    parent: str
    state: str
    probability: str


def latent_solution(a: Any, b: Any, sens: Any, spec_: Any) -> tuple[Any, Any]:
    """P(test+ | latent high), P(test+ | latent low) reproducing sensitivity and specificity.

    With ``a = P(high | positive class)`` and ``b = P(high | negative class)``::

        sens     = a s + (1 - a) f
        1 - spec = b s + (1 - b) f

    Examples
    --------
    >>> s, f = latent_solution(0.9, 0.2, 0.9 * 0.8 + 0.1 * 0.1, 1 - (0.2 * 0.8 + 0.8 * 0.1))
    >>> round(s, 12), round(f, 12)
    (0.8, 0.1)
    """
    fpr = 1.0 - spec_
    det = a - b
    s = (sens * (1 - b) - fpr * (1 - a)) / det
    f = (fpr * a - sens * b) / det
    return s, f


def solve_states(a: np.ndarray, b: np.ndarray, p_pos: np.ndarray, p_neg: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Distributions given the latent's two states that reproduce both class distributions.

    With ``a = P(hi | positive class)`` and ``b = P(hi | negative class)`` (each ``(B,)``),
    find ``r_hi`` and ``r_lo`` (each ``(B, k)``) such that ``p_pos = a r_hi + (1 - a) r_lo``
    and ``p_neg = b r_hi + (1 - b) r_lo``. Each solved row sums to 1; an entry is negative
    when the latent is less discriminating than the child (see :func:`feasible`).

    Examples
    --------
    >>> a, b = np.array([0.9]), np.array([0.1])
    >>> r_hi, r_lo = solve_states(a, b, np.array([[0.2, 0.8]]), np.array([[0.7, 0.3]]))
    >>> np.round(r_hi, 4).tolist(), np.round(r_lo, 4).tolist()
    ([[0.1375, 0.8625]], [[0.7625, 0.2375]])
    """
    a = np.asarray(a, float)[:, None]
    b = np.asarray(b, float)[:, None]
    det = a - b
    r_hi = ((1.0 - b) * p_pos - (1.0 - a) * p_neg) / det
    r_lo = (a * p_neg - b * p_pos) / det
    return r_hi, r_lo


def clip_rows(r: np.ndarray, eps: float = CLIP) -> np.ndarray:
    """Each row clipped into ``[eps, 1]`` and renormalised (a parameter draw may fall
    outside the feasible region; the point values are checked at load time)."""
    r = np.clip(r, eps, None)
    return r / r.sum(axis=-1, keepdims=True)


def feasible(*solved: np.ndarray, tol: float = 1e-12) -> np.ndarray:
    """Per batch row: True when every solved probability lies in [0, 1] (within ``tol``)."""
    ok = np.ones(np.shape(solved[0])[0], dtype=bool)
    for r in solved:
        r = np.asarray(r).reshape(np.shape(r)[0], -1)
        ok &= ((r >= -tol) & (r <= 1 + tol)).all(axis=1)
    return ok


@register
@dataclass(frozen=True)
class LatentTest(Generator):
    name: ClassVar[str] = "latent_test"
    schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "required": ["latent", "latent_positive", "target_positive"],
        "additionalProperties": False,
        "properties": {
            "generator": {"const": "latent_test"},
            "latent": {"type": "string"},
            "latent_positive": {"type": "string"},
            "target_positive": {"type": "string"},
            "positive": {"type": "string"},
            "sensitivity": {"$ref": "#/$defs/record_id"},
            "specificity": {"$ref": "#/$defs/record_id"},
            "calibrate": {"enum": ["conditional", "marginal"]},
            "masking": {
                "type": "array", "x-expected": "a list of {parent, state, probability}",
                "items": {
                    "type": "object", "required": ["parent", "state", "probability"],
                    "additionalProperties": False,
                    "properties": {"parent": {"type": "string"}, "state": {"type": "string"},
                                   "probability": {"$ref": "#/$defs/record_id"}},
                },
            },
            "given_positive": {"$ref": "#/$defs/distribution_ref"},
            "given_negative": {"$ref": "#/$defs/distribution_ref"},
        },
        # a binary test, or a child given per class (any number of states); not both
        "if": {"anyOf": [{"required": [k]} for k in _STATES]},
        "then": {"allOf": [
            {"required": list(_STATES)},
            {"not": {"anyOf": [{"required": [k]} for k in (*_BINARY, "masking", "calibrate")]},
             "x-message": "a child given per-class distributions ('given_positive', "
                          "'given_negative') takes no 'positive', 'sensitivity', "
                          "'specificity', 'masking' or 'calibrate'"},
        ]},
        "else": {"required": list(_BINARY)},
    }

    latent: str
    latent_positive: str
    target_positive: str
    positive: str | None = None
    sensitivity: str | None = None
    specificity: str | None = None
    masking: tuple[Mask, ...] = ()
    calibrate: str = "conditional"
    given_positive: DistributionRef | None = None
    given_negative: DistributionRef | None = None

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> LatentTest:
        masks = tuple(Mask(m["parent"], m["state"], m["probability"])
                      for m in raw.get("masking") or ())
        given = {k: parse_ref(raw[k]) for k in _STATES if k in raw}
        return cls(raw["latent"], raw["latent_positive"], raw["target_positive"],
                   raw.get("positive"), raw.get("sensitivity"), raw.get("specificity"), masks,
                   raw.get("calibrate", "conditional"), **given)

    @property
    def per_class(self) -> bool:
        """True for the form given a distribution per class (any number of states)."""
        return self.given_positive is not None

    @property
    def marginal(self) -> bool:
        """True when the published accuracy is calibrated as a marginal over the maskers."""
        return self.calibrate == "marginal" and bool(self.masking)

    def refs(self) -> tuple[tuple[str, DistributionRef | str], ...]:
        out: list[tuple[str, DistributionRef | str]] = []
        for key in ("sensitivity", "specificity", *_STATES):
            if getattr(self, key) is not None:
                out.append((key, getattr(self, key)))
        out.extend((f"masking[{i}].probability", m.probability)
                   for i, m in enumerate(self.masking))
        return tuple(out)

    def depends_on(self, node: NodeLike, nodes: Mapping[str, NodeLike]) -> tuple[str, ...]:
        if self.marginal:
            # calibrated over P(maskers | target): every ancestor's table enters
            return tuple(n for n in ancestors(nodes, [node.name]) if n != node.name)
        return (self.latent,)

    # -- checks ------------------------------------------------------------------------
    def check(self, ctx: CheckContext) -> None:
        node, lat = ctx.node, self.latent
        if lat not in node.parents:
            raise ctx.fail("latent", f"{lat!r} must be a parent of {node.name}", lat)
        latent = ctx.nodes[lat]
        if not latent.latent:
            raise ctx.fail("latent", f"{lat!r} is not marked 'latent: true'", lat)
        if len(latent.parents) != 1 or len(latent.states) != 2:
            raise ctx.fail("latent", f"{lat!r} must be binary with exactly one parent", lat)
        if self.latent_positive not in latent.states:
            raise ctx.fail("latent_positive", f"not a state of {lat}", self.latent_positive)
        if self.target_positive not in ctx.states(latent.parents[0]):
            raise ctx.fail("target_positive", f"not a state of {latent.parents[0]}",
                           self.target_positive)
        if self.per_class:
            self._check_per_class(ctx)
        else:
            self._check_binary(ctx)

    def _check_per_class(self, ctx: CheckContext) -> None:
        node = ctx.node
        if tuple(node.parents) != (self.latent,):
            raise ctx.fail("given_positive", f"a child given per-class distributions must have "
                           f"the latent {self.latent!r} as its only parent; parents: "
                           f"{list(node.parents)}", list(node.parents))
        for key in _STATES:
            check_distribution_ref(ctx, f"nodes.{node.name}.cpt.{key}", getattr(self, key),
                                   node.states)

    def _check_binary(self, ctx: CheckContext) -> None:
        node = ctx.node
        if len(node.states) != 2 or self.positive not in node.states:
            raise ctx.fail("positive", f"expected one of the binary node's states "
                           f"{list(node.states)}", self.positive)
        where = f"nodes.{node.name}.cpt"
        check_scalar_ref(ctx, f"{where}.sensitivity", str(self.sensitivity), "probability")
        check_scalar_ref(ctx, f"{where}.specificity", str(self.specificity), "probability")
        for i, m in enumerate(self.masking):
            if m.parent not in node.parents:
                raise ctx.fail(f"masking[{i}].parent", f"{m.parent!r} is not a parent of "
                               f"{node.name}", m.parent)
            if m.state not in ctx.states(m.parent):
                raise ctx.fail(f"masking[{i}].state", f"not a state of {m.parent}", m.state)
            check_scalar_ref(ctx, f"{where}.masking[{i}].probability", m.probability,
                             "probability")

    # -- solving -----------------------------------------------------------------------
    def _pair(self, nodes: Mapping[str, NodeLike], lt: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, int]:
        """``a = P(high | positive class)``, ``b = P(high | negative class)`` from the
        latent's table ``(B, card_latent, card_target)``, and the index of ``high``."""
        latent = nodes[self.latent]
        hi = latent.states.index(self.latent_positive)
        pos_t = nodes[latent.parents[0]].states.index(self.target_positive)
        return lt[:, hi, pos_t], lt[:, hi, 1 - pos_t], hi

    def solved(self, ctx: BuildContext) -> tuple[np.ndarray, np.ndarray]:
        """The solution before any clipping: ``(s, f)`` = P(positive | latent high / low)
        for a binary test, each ``(B,)``; ``(r_hi, r_lo)``, each ``(B, k)``, for a child
        given per-class distributions. Rows outside [0, 1] are infeasible (see
        :func:`feasible`); :meth:`build` clips them."""
        a, b, _ = self._pair(ctx.nodes, ctx.table(self.latent))
        if self.per_class:
            assert self.given_positive is not None and self.given_negative is not None
            p_pos = distribution(ctx.values, self.given_positive, ctx.child_states, ctx.records)
            p_neg = distribution(ctx.values, self.given_negative, ctx.child_states, ctx.records)
            batch = broadcast_batch(p_pos, p_neg, a)
            k = p_pos.shape[1]
            return solve_states(np.broadcast_to(a, (batch,)), np.broadcast_to(b, (batch,)),
                                np.broadcast_to(p_pos, (batch, k)),
                                np.broadcast_to(p_neg, (batch, k)))
        sens = ctx.values(str(self.sensitivity))
        spec_ = ctx.values(str(self.specificity))
        if self.marginal:
            target = ctx.nodes[self.latent].parents[0]
            pos = ctx.nodes[target].states.index(self.target_positive)
            keep = expected_keep(ctx.nodes, ctx.tables, target,
                                 [(m.parent, m.state, ctx.values(m.probability))
                                  for m in self.masking])
            sens = sens / keep[:, pos]
            spec_ = 1.0 - (1.0 - spec_) / keep[:, 1 - pos]
        s, f = latent_solution(a, b, sens, spec_)
        return np.atleast_1d(s), np.atleast_1d(f)

    def build(self, ctx: BuildContext) -> np.ndarray:
        lat_states = ctx.nodes[self.latent].states
        hi = lat_states.index(self.latent_positive)
        if self.per_class:
            r_hi, r_lo = self.solved(ctx)
            out = np.empty((r_hi.shape[0], r_hi.shape[1], len(lat_states)))
            out[:, :, hi] = clip_rows(r_hi)
            out[:, :, 1 - hi] = clip_rows(r_lo)
            return out
        return self._build_binary(ctx, *self.solved(ctx), hi)

    def _build_binary(self, ctx: BuildContext, s: np.ndarray, f: np.ndarray, hi: int
                      ) -> np.ndarray:
        lat_states = ctx.nodes[self.latent].states
        masks = [(m, ctx.values(m.probability)) for m in self.masking]
        batch = broadcast_batch(s, *(v for _, v in masks))
        # the point values are feasible (checked at load); a parameter draw may not be,
        # and is then held just inside (0, 1) (how often: bench/latent_clipping.py)
        s = np.broadcast_to(np.clip(s, CLIP, 1 - CLIP), (batch,))
        f = np.broadcast_to(np.clip(f, CLIP, 1 - CLIP), (batch,))
        parents, pstates = ctx.parents, ctx.parent_states
        per_level = np.zeros((batch, len(lat_states)))
        per_level[:, hi] = s
        per_level[:, 1 - hi] = f
        shape = [batch] + [1] * len(parents)
        shape[parents.index(self.latent) + 1] = len(lat_states)
        p_pos = np.ones((batch, *(len(st) for st in pstates))) * per_level.reshape(shape)
        for m, v in masks:
            i = parents.index(m.parent)
            keep = np.ones((batch, len(pstates[i])))
            keep[:, pstates[i].index(m.state)] = 1.0 - v
            shape = [batch] + [1] * len(parents)
            shape[i + 1] = len(pstates[i])
            p_pos = p_pos * keep.reshape(shape)
        kpos = ctx.child_states.index(str(self.positive))
        out = np.empty((batch, 2, *p_pos.shape[1:]))
        out[:, kpos] = p_pos
        out[:, 1 - kpos] = 1.0 - p_pos
        return out

    def check_point(self, ctx: CheckContext, tables: Mapping[str, np.ndarray]) -> None:
        """At the point values the solved probabilities must lie in [0, 1]."""
        build = BuildContext(ctx.node, ctx.nodes, point_values(ctx.records), ctx.records,
                             batched(ctx.nodes, tables))
        solved = self.solved(build)
        if feasible(*solved)[0]:
            return
        a, b, _ = self._pair(ctx.nodes, build.table(self.latent))
        shown = ", ".join(str(np.round(r[0], 3).tolist()) for r in solved)
        raise ctx.fail("", f"latent {self.latent!r} (P(high|+)={a[0]:.3f}, "
                       f"P(high|-)={b[0]:.3f}) cannot reproduce this test's published "
                       f"accuracy (solved {shown}); the latent must be at least as "
                       "discriminating as each test")
