"""References from a network's tables to prior records, as typed values.

A column of a table (a distribution over the child's states) is written in the spec as

* ``record_id`` -- a Dirichlet record whose states are the child's states (any order);
* ``{record: id, state: s}`` -- a Beta record giving P(s) of a binary child;
* ``{fixed: {state: p}, reason: text}`` -- a logical constraint, not a sourced figure.

A single number (a baseline probability, an odds ratio, a test's sensitivity) is written
as a record id. The JSON Schema checks the form; :func:`check_distribution_ref` and
:func:`check_scalar_ref` check that the records exist and have the right family and
states (stage 2).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from ..engine.frozen import FrozenMap
from ..errors import SemanticError
from .records import Record

Values = Callable[[str], np.ndarray]


@dataclass(frozen=True)
class RecordRef:
    """The id of a Dirichlet record over the child's states."""

    record: str


@dataclass(frozen=True)
class StateRef:
    """A Beta record giving P(``state``) of a binary child."""

    record: str
    state: str


@dataclass(frozen=True)
class FixedRef:
    """Probabilities fixed by a logical constraint (e.g. no tumour, no hypercellular tumour)."""

    probabilities: Mapping[str, float]
    reason: str


DistributionRef = RecordRef | StateRef | FixedRef


def parse_ref(raw: Any) -> DistributionRef:
    """A schema-valid reference as a typed value.

    Examples
    --------
    >>> parse_ref("enhancement_given_rn")
    RecordRef(record='enhancement_given_rn')
    >>> parse_ref({"record": "mix_haemorrhage", "state": "present"}).state
    'present'
    """
    if isinstance(raw, str):
        return RecordRef(raw)
    if "fixed" in raw:
        return FixedRef(FrozenMap({str(k): v for k, v in raw["fixed"].items()}),
                        str(raw["reason"]))
    return StateRef(str(raw["record"]), str(raw["state"]))


def ref_ids(ref: DistributionRef | str) -> tuple[str, ...]:
    """Record ids inside a reference (none for a fixed distribution)."""
    if isinstance(ref, str):
        return (ref,)
    if isinstance(ref, (RecordRef, StateRef)):
        return (ref.record,)
    return ()


class Checker(Protocol):
    """What a reference check needs: the records and a way to report a problem."""

    records: Mapping[str, Record]

    def fail(self, path: str, message: str, value: Any = ...) -> SemanticError: ...


#: single-number references: the record family they need, and how to name it
SCALAR_FAMILIES = {"odds_ratio": ("lognormal", "a lognormal odds-ratio record"),
                   "probability": ("beta", "a beta record")}


def check_scalar_ref(ctx: Checker, path: str, rid: str, want: str) -> None:
    """A single-number reference must name a record of the right family."""
    family, what = SCALAR_FAMILIES[want]
    if rid not in ctx.records:
        raise ctx.fail(path, f"expected the id of {what}; got {rid!r}", rid)
    if ctx.records[rid].family != family:
        raise ctx.fail(path, f"record {rid!r} is a {ctx.records[rid].family}; expected {family}",
                       rid)


def check_distribution_ref(ctx: Checker, path: str, ref: DistributionRef,
                           states: Sequence[str]) -> None:
    """A distribution reference must fit the child's ``states``."""
    states = list(states)
    if isinstance(ref, RecordRef):
        rec = ctx.records.get(ref.record)
        if rec is None:
            raise ctx.fail(path, f"unknown record {ref.record!r}", ref.record)
        if rec.family != "dirichlet":
            raise ctx.fail(path, f"record {ref.record!r} is a {rec.family}; a bare id needs a "
                           "dirichlet (use {record: id, state: s} for a beta)", ref.record)
        if set(rec.states or ()) != set(states):
            raise ctx.fail(path, f"record {ref.record!r} covers states {list(rec.states or ())}; "
                           f"expected exactly {states}", ref.record)
    elif isinstance(ref, StateRef):
        if len(states) != 2:
            raise ctx.fail(path, f"{{record, state}} needs a binary node; this one has {states}")
        if ref.record not in ctx.records:
            raise ctx.fail(path, f"unknown record {ref.record!r}", ref.record)
        if ctx.records[ref.record].family != "beta":
            raise ctx.fail(path, f"record {ref.record!r} must be a beta", ref.record)
        if ref.state not in states:
            raise ctx.fail(path, f"state {ref.state!r} is not one of {states}", ref.state)
    else:
        fixed = dict(ref.probabilities)
        if any(s not in states for s in fixed):
            raise ctx.fail(path, f"'fixed' must map states of {states} to probabilities; "
                           f"got {fixed!r}", fixed)
        if abs(sum(fixed.values()) - 1) > 1e-12:
            raise ctx.fail(path, "'fixed' probabilities must lie in [0, 1] and sum to 1; "
                           f"got {fixed!r}", fixed)


def distribution(values: Values, ref: DistributionRef, child_states: Sequence[str],
                 records: Mapping[str, Record]) -> np.ndarray:
    """``(B, card)`` distribution over ``child_states`` from a reference."""
    if isinstance(ref, RecordRef):
        rec = records[ref.record]
        v = values(ref.record)
        pos = [(rec.states or ()).index(s) for s in child_states]
        return v[:, pos]
    if isinstance(ref, FixedRef):
        return np.array([[float(ref.probabilities.get(s, 0.0)) for s in child_states]])
    p = values(ref.record)
    k = list(child_states).index(ref.state)
    out = np.empty((p.shape[0], 2))
    out[:, k] = p
    out[:, 1 - k] = 1.0 - p
    return out
