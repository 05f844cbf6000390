"""``latent_test``: a test read off a shared latent cause, keeping its published accuracy.

Correlated tests (rCBV, Ktrans and ASL CBF all measure tumour vascularity) must not be
counted as independent evidence, so each is a child of one binary latent node whose only
parent is the target. The test's two conditional probabilities P(test+ | latent high)
and P(test+ | latent low) are solved so that the test keeps its published sensitivity
and specificity; optional maskers (blood products, bevacizumab) then turn positives into
negatives with a sourced probability.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ..refs import check_scalar_ref
from .base import BuildContext, CheckContext, Generator, NodeLike, broadcast_batch, register

#: solved probabilities are kept inside (0, 1) by this margin in parameter draws
CLIP = 1e-6


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


@register
@dataclass(frozen=True)
class LatentTest(Generator):
    name: ClassVar[str] = "latent_test"
    schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "required": ["latent", "latent_positive", "target_positive", "positive",
                     "sensitivity", "specificity"],
        "additionalProperties": False,
        "properties": {
            "generator": {"const": "latent_test"},
            "latent": {"type": "string"},
            "latent_positive": {"type": "string"},
            "target_positive": {"type": "string"},
            "positive": {"type": "string"},
            "sensitivity": {"$ref": "#/$defs/record_id"},
            "specificity": {"$ref": "#/$defs/record_id"},
            "masking": {
                "type": "array", "x-expected": "a list of {parent, state, probability}",
                "items": {
                    "type": "object", "required": ["parent", "state", "probability"],
                    "additionalProperties": False,
                    "properties": {"parent": {"type": "string"}, "state": {"type": "string"},
                                   "probability": {"$ref": "#/$defs/record_id"}},
                },
            },
        },
    }

    latent: str
    latent_positive: str
    target_positive: str
    positive: str
    sensitivity: str
    specificity: str
    masking: tuple[Mask, ...]

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> LatentTest:
        masks = tuple(Mask(m["parent"], m["state"], m["probability"])
                      for m in raw.get("masking") or ())
        return cls(raw["latent"], raw["latent_positive"], raw["target_positive"],
                   raw["positive"], raw["sensitivity"], raw["specificity"], masks)

    def refs(self) -> tuple[tuple[str, str], ...]:
        return (("sensitivity", self.sensitivity), ("specificity", self.specificity),
                *((f"masking[{i}].probability", m.probability)
                  for i, m in enumerate(self.masking)))

    def depends_on(self, node: NodeLike) -> tuple[str, ...]:
        return (self.latent,)

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
        if len(node.states) != 2 or self.positive not in node.states:
            raise ctx.fail("positive", f"expected one of the binary node's states "
                           f"{list(node.states)}", self.positive)
        where = f"nodes.{node.name}.cpt"
        check_scalar_ref(ctx, f"{where}.sensitivity", self.sensitivity, "probability")
        check_scalar_ref(ctx, f"{where}.specificity", self.specificity, "probability")
        for i, m in enumerate(self.masking):
            if m.parent not in node.parents:
                raise ctx.fail(f"masking[{i}].parent", f"{m.parent!r} is not a parent of "
                               f"{node.name}", m.parent)
            if m.state not in ctx.states(m.parent):
                raise ctx.fail(f"masking[{i}].state", f"not a state of {m.parent}", m.state)
            check_scalar_ref(ctx, f"{where}.masking[{i}].probability", m.probability,
                             "probability")

    def _solve(self, nodes: Mapping[str, NodeLike], lt: np.ndarray, sens: Any, spec_: Any
               ) -> tuple[Any, Any]:
        """The solved probabilities from the latent's table ``(B, card_latent, card_target)``."""
        latent = nodes[self.latent]
        hi = latent.states.index(self.latent_positive)
        pos_t = nodes[latent.parents[0]].states.index(self.target_positive)
        return latent_solution(lt[:, hi, pos_t], lt[:, hi, 1 - pos_t], sens, spec_)

    def build(self, ctx: BuildContext) -> np.ndarray:
        lat_states = ctx.nodes[self.latent].states
        hi = lat_states.index(self.latent_positive)
        s, f = self._solve(ctx.nodes, ctx.table(self.latent), ctx.values(self.sensitivity),
                           ctx.values(self.specificity))
        masks = [(m, ctx.values(m.probability)) for m in self.masking]
        batch = broadcast_batch(s, *(v for _, v in masks))
        # the point values are feasible (checked at load); a parameter draw may not be,
        # and is then held just inside (0, 1)
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
        kpos = ctx.child_states.index(self.positive)
        out = np.empty((batch, 2, *p_pos.shape[1:]))
        out[:, kpos] = p_pos
        out[:, 1 - kpos] = 1.0 - p_pos
        return out

    def check_point(self, ctx: CheckContext, tables: Mapping[str, np.ndarray]) -> None:
        """At the point values the solved probabilities must lie in [0, 1]."""
        sens = ctx.records[self.sensitivity].point()
        spec_ = ctx.records[self.specificity].point()
        lt = np.asarray(tables[self.latent])[None]
        s, f = self._solve(ctx.nodes, lt, sens, spec_)
        s, f = float(s[0]), float(f[0])
        if not (0 <= s <= 1 and 0 <= f <= 1):
            latent = ctx.nodes[self.latent]
            hi = latent.states.index(self.latent_positive)
            pos = ctx.states(latent.parents[0]).index(self.target_positive)
            a, b = lt[0, hi, pos], lt[0, hi, 1 - pos]
            raise ctx.fail("", f"latent {self.latent!r} (P(high|+)={a:.3f}, P(high|-)={b:.3f}) "
                           f"cannot reproduce this test's sensitivity and specificity (solved "
                           f"{s:.3f}, {f:.3f}); the latent must be at least as discriminating "
                           "as each test")
