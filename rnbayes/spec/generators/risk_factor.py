"""``risk_factor``: a clinical modifier applied as odds ratios on the diagnosis, as a child
of it, without growing the diagnosis table.

The diagnosis table already has one column per combination of its context parents; each
further parent multiplies its size (and the cost of every parameter draw in the
uncertainty analysis). A modifier that only shifts the odds of the diagnosis can instead
be a *child* of it::

    P(x | TTP) = m(x) q(x) / P(TTP),   P(x | RN) = m(x) (1 - q(x)) / P(RN),
    q(x) = expit(c + log OR(x)),       sum_x m(x) q(x) = P(TTP)  (solves c)

where ``m`` is the modifier's population mix and ``P(TTP)`` the diagnosis marginal. Then
the modifier's marginal is exactly ``m``, and observing ``x`` multiplies the odds of TTP by
``OR(x)`` relative to the reference state (the state without an odds ratio) whatever else
is observed: the same arithmetic as a parent on the log-odds table (baseline odds x
published odds ratios), with the modifiers conditionally independent given the diagnosis.

Spec::

    cpt:
      generator: risk_factor
      outcome: tumour_progression        # state of the (only) parent whose odds move
      mix: mix_targeted_therapy          # Dirichlet over the node's states, or {record, state}
      effects: {her2_adc: or_targeted_her2_adc, egfr_alk_tki: or_targeted_egfr_alk_tki}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ...engine.frozen import FrozenMap
from ..refs import DistributionRef, check_distribution_ref, check_scalar_ref, distribution, parse_ref
from .base import BuildContext, CheckContext, Generator, NodeLike, broadcast_batch, register
from .logodds import solve_intercept
from .marginals import ancestors, marginal


@register
@dataclass(frozen=True)
class RiskFactor(Generator):
    name: ClassVar[str] = "risk_factor"
    schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "required": ["outcome", "mix"],
        "additionalProperties": False,
        "properties": {
            "generator": {"const": "risk_factor"},
            "outcome": {"type": "string"},
            "mix": {"$ref": "#/$defs/distribution_ref"},
            "effects": {"type": "object", "additionalProperties": {"$ref": "#/$defs/record_id"},
                        "x-expected": "a mapping state -> odds-ratio record id"},
        },
    }

    outcome: str
    mix: DistributionRef
    effects: Mapping[str, str]

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> RiskFactor:
        return cls(raw["outcome"], parse_ref(raw["mix"]), FrozenMap(dict(raw.get("effects") or {})))

    def refs(self) -> tuple[tuple[str, DistributionRef | str], ...]:
        return (("mix", self.mix), *((f"effects.{s}", r) for s, r in self.effects.items()))

    def depends_on(self, node: NodeLike, nodes: Mapping[str, NodeLike]) -> tuple[str, ...]:
        # the diagnosis marginal: every ancestor's table enters
        return tuple(n for n in ancestors(nodes, [node.name]) if n != node.name)

    def check(self, ctx: CheckContext) -> None:
        node = ctx.node
        parents = list(node.parents)
        if len(parents) != 1 or len(ctx.states(parents[0])) != 2 \
                or self.outcome not in ctx.states(parents[0]):
            raise ctx.fail("outcome", f"a risk_factor node needs one binary parent with state "
                           f"{self.outcome!r}; parents: {parents}", self.outcome)
        where = f"nodes.{node.name}.cpt"
        check_distribution_ref(ctx, f"{where}.mix", self.mix, node.states)
        for s, rid in self.effects.items():
            if s not in node.states:
                raise ctx.fail(f"effects.{s}", f"{s!r} is not a state of {node.name}: "
                               f"{list(node.states)}", s)
            check_scalar_ref(ctx, f"{where}.effects.{s}", rid, "odds_ratio")
        if not set(node.states) - set(self.effects):
            raise ctx.fail("effects", "one state must be the reference (no odds ratio)",
                           sorted(self.effects))

    def build(self, ctx: BuildContext) -> np.ndarray:
        from scipy.special import expit  # scipy loads slowly: only when tables are built

        child = ctx.child_states
        target = ctx.parents[0]
        k = ctx.parent_states[0].index(self.outcome)
        mix = distribution(ctx.values, self.mix, child, ctx.records)        # (B, n)
        p_t = marginal(ctx.nodes, ctx.tables, target)[:, k]                   # (B,)
        lor_parts = [np.log(ctx.values(self.effects[s])) if s in self.effects else np.zeros(1)
                     for s in child]
        batch = broadcast_batch(mix, p_t, *lor_parts)
        lor = np.stack([np.broadcast_to(v, (batch,)) for v in lor_parts], axis=1)  # (B, n)
        mix = np.broadcast_to(mix, (batch, mix.shape[1]))
        p_t = np.broadcast_to(p_t, (batch,))
        q = expit(solve_intercept(lor, mix, p_t)[:, None] + lor)
        out = np.empty((batch, len(child), 2))
        out[:, :, k] = mix * q / p_t[:, None]
        out[:, :, 1 - k] = mix * (1.0 - q) / (1.0 - p_t[:, None])
        return out
