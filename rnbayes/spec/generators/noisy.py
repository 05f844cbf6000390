"""``noisy_max`` and ``noisy_or``: a finding produced by any of several causes.

Leaky noisy-OR generalised to ordered states (Diez 1993): each active cause
independently produces a level of the child (a distribution over ``order``, lowest
first), a leak produces one without any cause, and the child shows the highest level
produced. ``noisy_or`` is the binary case. Mimics of a sign (a finding caused by tumour
*or* bevacizumab *or* haemorrhage) are written this way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ...engine.frozen import FrozenMap
from ..refs import DistributionRef, check_distribution_ref, distribution, parse_ref
from .base import BuildContext, CheckContext, Generator, broadcast_batch, register


@register
@dataclass(frozen=True)
class NoisyMax(Generator):
    name: ClassVar[str] = "noisy_max"
    schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "required": ["causes"],
        "additionalProperties": False,
        "properties": {
            "generator": {"const": "noisy_max"},
            "order": {"type": "array", "items": {"type": "string"}, "uniqueItems": True,
                      "x-expected": "the node's states, lowest level first"},
            "causes": {"$ref": "#/$defs/causes"},
            "leak": {"$ref": "#/$defs/distribution_ref"},
        },
    }

    order: tuple[str, ...] | None
    causes: Mapping[str, Mapping[str, DistributionRef]]
    leak: DistributionRef | None

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> NoisyMax:
        causes = {p: FrozenMap({s: parse_ref(r) for s, r in eff.items()})
                  for p, eff in raw["causes"].items()}
        order = tuple(raw["order"]) if "order" in raw else None
        leak = parse_ref(raw["leak"]) if raw.get("leak") is not None else None
        return cls(order, FrozenMap(causes), leak)

    def levels(self, states: tuple[str, ...]) -> list[str]:
        """The child's states from the lowest level to the highest."""
        return list(self.order if self.order is not None else states)

    def refs(self) -> tuple[tuple[str, DistributionRef], ...]:
        out = [(f"causes.{p}.{s}", r) for p, eff in self.causes.items() for s, r in eff.items()]
        if self.leak is not None:
            out.append(("leak", self.leak))
        return tuple(out)

    def check(self, ctx: CheckContext) -> None:
        node = ctx.node
        order = self.levels(node.states)
        if sorted(order) != sorted(node.states):
            raise ctx.fail("order", f"expected a permutation of {list(node.states)}; "
                           f"got {order!r}", order)
        if self.name == "noisy_or" and len(node.states) != 2:
            raise ctx.fail("generator", "noisy_or needs a binary node; use noisy_max")
        where = f"nodes.{node.name}.cpt"
        for q, eff in self.causes.items():
            if q not in node.parents:
                raise ctx.fail(f"causes.{q}", f"{q!r} is not a parent of {node.name}: "
                               f"{list(node.parents)}", q)
            for s, r in eff.items():
                if s not in ctx.states(q):
                    raise ctx.fail(f"causes.{q}.{s}", f"{s!r} is not a state of {q}", s)
                check_distribution_ref(ctx, f"{where}.causes.{q}.{s}", r, order)
        if self.leak is not None:
            check_distribution_ref(ctx, f"{where}.leak", self.leak, order)

    def build(self, ctx: BuildContext) -> np.ndarray:
        order = self.levels(tuple(ctx.child_states))
        n = len(order)
        perm = [order.index(s) for s in ctx.child_states]  # child state -> level
        cause_cdf: list[list[np.ndarray | None]] = []
        for p, states in zip(ctx.parents, ctx.parent_states):
            produced = self.causes.get(p, {})
            cause_cdf.append([  # None: all mass on the lowest level
                np.cumsum(distribution(ctx.values, produced[s], order, ctx.records), axis=1)
                if s in produced else None for s in states])
        leak_cdf = (np.cumsum(distribution(ctx.values, self.leak, order, ctx.records), axis=1)
                    if self.leak is not None else None)
        drawn = [c for per in cause_cdf for c in per if c is not None]
        batch = broadcast_batch(*drawn, *([leak_cdf] if leak_cdf is not None else []))
        k = len(ctx.parents)
        cdf = np.ones((batch, n, *(len(s) for s in ctx.parent_states)))
        if leak_cdf is not None:
            cdf = cdf * leak_cdf.reshape((leak_cdf.shape[0], n) + (1,) * k)
        for i, per_state in enumerate(cause_cdf):
            arr = np.stack([np.ones((batch, n)) if c is None else np.broadcast_to(c, (batch, n))
                            for c in per_state], axis=2)  # (B, n, card_i)
            shape = [batch, n] + [1] * k
            shape[i + 2] = len(per_state)
            cdf = cdf * arr.reshape(shape)
        probs = np.diff(cdf, axis=1, prepend=0.0)
        probs = np.clip(probs, 0.0, None)  # rounding can leave -1e-17 where a level is empty
        return probs[:, perm]


@register
@dataclass(frozen=True)
class NoisyOr(NoisyMax):
    name: ClassVar[str] = "noisy_or"
    schema: ClassVar[dict[str, Any]] = {
        **NoisyMax.schema,
        "properties": {**NoisyMax.schema["properties"], "generator": {"const": "noisy_or"}},
    }
