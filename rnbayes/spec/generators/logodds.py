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
from .intercept import calibrate, fill_expit, logit, solve_intercept

__all__ = ["LogOdds", "solve_intercept"]


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
        k = ctx.child_states.index(self.outcome)
        terms = self._log_terms(ctx)
        base = ctx.values(self.baseline)
        marginal = self.calibrate == "marginal"
        # the batch may come from the odds ratios, the baseline or (when calibrating to the
        # case mix) only from the parents' drawn mix tables
        mixes = [ctx.table(p) for p in ctx.parents] if marginal else []
        batch = broadcast_batch(*terms, base, *mixes)
        base = np.broadcast_to(base, (batch,))
        c = (calibrate(terms, mixes, base, self._groups(ctx)) if marginal
             else np.array(logit(base)))
        out = np.empty((batch, 2, *(len(s) for s in ctx.parent_states)))
        # views of the two rows as (B, configurations); filled without an exponential
        # per configuration (see .intercept)
        fill_expit(out[:, k].reshape(batch, -1), out[:, 1 - k].reshape(batch, -1), terms, c)
        return out

    def _log_terms(self, ctx: BuildContext) -> list[np.ndarray]:
        """Per parent, ``(B or 1, card)`` log odds ratios of its states (0 for the reference)."""
        out = []
        for p, states in zip(ctx.parents, ctx.parent_states):
            eff = self.effects.get(p, {})
            per = [np.log(ctx.values(eff[s])) if s in eff else None for s in states]
            batch = broadcast_batch(*(v for v in per if v is not None))
            out.append(np.stack([np.zeros(batch) if v is None else np.broadcast_to(v, (batch,))
                                 for v in per], axis=1))
        return out

    def _groups(self, ctx: BuildContext) -> list[np.ndarray]:
        """Per parent, a group number per state: states with the same odds ratio (the
        same record, or none: the reference) share one."""
        out = []
        for p, states in zip(ctx.parents, ctx.parent_states):
            eff = self.effects.get(p, {})
            keys = [eff.get(s) for s in states]
            out.append(np.array([keys.index(key) for key in keys]))
        return out
