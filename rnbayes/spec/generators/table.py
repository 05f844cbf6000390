"""``table``: a plain table, one distribution per parent configuration.

A node without parents gives ``probabilities``; a node with parents gives ``rows``, each
``{when: {parent: state, ...}, probabilities: ...}`` (an omitted parent matches any of
its states), and every parent configuration must match exactly one row.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ...engine.frozen import FrozenMap
from ..refs import (
    DistributionRef,
    RecordRef,
    StateRef,
    check_distribution_ref,
    distribution,
    parse_ref,
    ref_ids,
)
from .base import BuildContext, CheckContext, Generator, broadcast_batch, register


@dataclass(frozen=True)
class Row:
    """One row: the parent states it applies to, and the distribution it gives."""

    when: Mapping[str, str]
    probabilities: DistributionRef

    def matches(self, parents: Sequence[str], config: Sequence[str]) -> bool:
        return all(self.when.get(p, s) == s for p, s in zip(parents, config))


def configurations(parent_states: Sequence[Sequence[str]]) -> itertools.product:
    """Every parent configuration as a tuple of state indices."""
    return itertools.product(*[range(len(s)) for s in parent_states])


@register
@dataclass(frozen=True)
class Table(Generator):
    name: ClassVar[str] = "table"
    schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "x-expected": "either 'probabilities' (a node without parents) or 'rows' (a node "
                      "with parents)",
        "additionalProperties": False,
        "properties": {
            "generator": {"const": "table"},
            "probabilities": {"$ref": "#/$defs/distribution_ref"},
            "rows": {
                "type": "array", "minItems": 1, "x-expected": "a list of {when, probabilities}",
                "items": {
                    "type": "object", "required": ["probabilities"],
                    "additionalProperties": False,
                    "x-expected": "a mapping {when: {parent: state}, probabilities: ...}",
                    "properties": {
                        "when": {"type": "object", "additionalProperties": {"type": "string"},
                                 "x-expected": "a mapping parent -> state"},
                        "probabilities": {"$ref": "#/$defs/distribution_ref"},
                    },
                },
            },
        },
        "oneOf": [{"required": ["probabilities"]}, {"required": ["rows"]}],
    }

    probabilities: DistributionRef | None
    rows: tuple[Row, ...]

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> Table:
        rows = tuple(Row(FrozenMap(dict(r.get("when") or {})), parse_ref(r["probabilities"]))
                     for r in raw.get("rows", ()))
        probs = raw.get("probabilities")
        return cls(parse_ref(probs) if probs is not None else None, rows)

    def refs(self) -> tuple[tuple[str, DistributionRef | str], ...]:
        out: list[tuple[str, DistributionRef | str]] = []
        if self.probabilities is not None:
            out.append(("probabilities", self.probabilities))
        out.extend((f"rows[{i}].probabilities", r.probabilities) for i, r in enumerate(self.rows))
        return tuple(out)

    def check(self, ctx: CheckContext) -> None:
        node = ctx.node
        if not node.parents:
            if self.probabilities is None:
                raise ctx.fail("probabilities", "a node without parents takes 'probabilities' "
                               "(one distribution), not 'rows'")
            check_distribution_ref(ctx, f"{_where(ctx)}.probabilities", self.probabilities,
                                   node.states)
            return
        if not self.rows:
            raise ctx.fail("rows", "a node with parents needs 'rows' (one per parent "
                           "configuration), not 'probabilities'")
        for i, r in enumerate(self.rows):
            for q, s in r.when.items():
                if q not in node.parents:
                    raise ctx.fail(f"rows[{i}].when", f"{q!r} is not a parent of {node.name}: "
                                   f"{list(node.parents)}", q)
                if s not in ctx.states(q):
                    raise ctx.fail(f"rows[{i}].when.{q}", f"{s!r} is not a state of {q}: "
                                   f"{list(ctx.states(q))}", s)
            check_distribution_ref(ctx, f"{_where(ctx)}.rows[{i}].probabilities",
                                   r.probabilities, node.states)
        pstates = [ctx.states(q) for q in node.parents]
        for cfg in configurations(pstates):
            config = [pstates[i][j] for i, j in enumerate(cfg)]
            hits = [r for r in self.rows if r.matches(node.parents, config)]
            if len(hits) != 1:
                what = dict(zip(node.parents, config))
                raise ctx.fail("rows", f"parent configuration {what} matches {len(hits)} rows; "
                               "expected exactly 1", what)

    def build(self, ctx: BuildContext) -> np.ndarray:
        child, parents, pstates = ctx.child_states, ctx.parents, ctx.parent_states
        shape = (len(child), *(len(s) for s in pstates))
        if not parents:
            assert self.probabilities is not None
            d = distribution(ctx.values, self.probabilities, child, ctx.records)
            return d.reshape(d.shape[0], *shape)
        cols = []
        for cfg in configurations(pstates):
            config = [pstates[i][j] for i, j in enumerate(cfg)]
            row = next(r for r in self.rows if r.matches(parents, config))
            cols.append((cfg, distribution(ctx.values, row.probabilities, child, ctx.records)))
        out = np.empty((broadcast_batch(*(d for _, d in cols)), *shape))
        for cfg, d in cols:
            out[(slice(None), slice(None), *cfg)] = d
        return out

    def entry_of(self, ctx: CheckContext, record: str, component: int | None
                 ) -> tuple[int, ...] | None:
        node = ctx.node
        hits = [(path, ref) for path, ref in self.refs() if record in ref_ids(ref)]
        if len(hits) != 1:
            return None
        _, ref = hits[0]
        states = list(node.states)
        if isinstance(ref, StateRef):
            if component is not None:
                return None
            state = states.index(ref.state)
        elif isinstance(ref, RecordRef) and component is not None:
            state = states.index((ctx.records[record].states or ())[component])
        else:
            return None
        if not node.parents:
            return (state,)
        row = next(r for r in self.rows if r.probabilities is ref)
        if set(row.when) != set(node.parents):
            return None  # the row covers several columns
        return (state, *(ctx.states(p).index(row.when[p]) for p in node.parents))


def _where(ctx: CheckContext) -> str:
    return f"nodes.{ctx.node.name}.cpt"
