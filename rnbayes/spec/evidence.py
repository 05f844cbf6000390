"""Validate user evidence and turn it into engine form.

Evidence is a mapping from a node name (or a measurement key such as
``fet_tbr_max`` or ``lesion_quotient``) to one of

* a state name (``"thin_rim"``); for a node whose states are ``yes``/``no``, also
  ``True``/``False``;
* a number, for measured nodes, converted with the node's published cut-offs (a text that
  reads as a number, ``"2.5e0"``, is a number too). A number outside the measure's
  ``min``/``max`` is an error; outside its ``plausible`` range a warning
  (:class:`~rnbayes.errors.ImplausibleValueWarning`);
* a mapping state -> likelihood (soft / virtual evidence), e.g.
  ``{"elevated": 0.7, "not_elevated": 0.3}`` for an uncertain read. **Every state needs a
  likelihood** (0 for a state that is ruled out): a missing state is an error, never a
  silent 0 -- ``{"elevated": 0.6}`` alone would otherwise be a certain "elevated". Only the
  ratios matter; the vector is divided by its largest value before use, so ``1e-323`` and
  ``1e150`` behave like any other scale. Each value must be a finite number >= 0, and at
  least one must be > 0.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import EvidenceError, ImplausibleValueWarning, RnbayesWarning, excerpt, suggest
from .network import Measure, NetworkSpec


@dataclass(frozen=True)
class Finding:
    """One observed finding after validation."""

    node: str
    given: Any  # what the user wrote
    state: str | None  # hard evidence state, or None for soft evidence
    likelihood: tuple[float, ...] | None  # soft evidence, in the node's state order
    note: str = ""

    def describe(self) -> str:
        if self.state is not None:
            if self.note:
                return f"{self.state} ({self.note})"
            return self.state
        return "soft: " + ", ".join(f"{v:g}" for v in self.likelihood or ())


def _is_number(v: Any) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))


def _as_float(value: Any) -> float | None:
    """``value`` as a float (None when it is not finite or too large for a float)."""
    try:
        v = float(value)
    except (OverflowError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _convert_number(spec: NetworkSpec, key: str, value: Any) -> tuple[str, str, str]:
    """Return (node, state, note) for a numeric measurement."""
    m = spec.measures[key]
    v = _as_float(value)
    if v is None:
        raise EvidenceError(f"evidence[{key!r}] must be a finite number in {m.unit}; "
                            f"got {excerpt(value)}")
    if m.minimum is not None and v < m.minimum:
        raise EvidenceError(f"evidence[{key!r}] must be >= {m.minimum:g} ({m.unit}); "
                            f"got {excerpt(value)}{_why(m)}")
    if m.maximum is not None and v > m.maximum:
        raise EvidenceError(f"evidence[{key!r}] must be <= {m.maximum:g} ({m.unit}); "
                            f"got {excerpt(value)}{_why(m)}")
    if m.plausible is not None and not m.plausible.contains(v):
        warnings.warn(f"evidence[{key!r}] = {v:g} ({m.unit}) is outside the usual range "
                      f"({m.plausible.describe()}): {m.plausible.reason}",
                      ImplausibleValueWarning, stacklevel=5)
    return m.node, m.to_state(v), f"{key}={v:g}"


def _why(m: Measure) -> str:
    return f": {m.plausible.reason}" if m.plausible is not None else ""


def parse_evidence(spec: NetworkSpec, evidence: Mapping[str, Any] | None) -> dict[str, Finding]:
    """Validate ``evidence`` against ``spec`` and return one :class:`Finding` per node.

    Numbers are converted to states with the node's published cut-offs; several numbers for
    one node (FET TBRmax and TBRmean) must agree, or they count as uninformative (with a
    warning).
    """
    if evidence is None:
        return {}
    if not isinstance(evidence, Mapping):
        raise EvidenceError(
            f"evidence must be a mapping of node -> state, number or likelihoods; "
            f"got {type(evidence).__name__}")
    findings: dict[str, Finding] = {}
    numeric: dict[str, list[tuple[str, str, str]]] = {}
    for key, value in evidence.items():
        _check_key(spec, key)
        if value is None:
            continue  # explicit "not known"
        value = _number_text(spec, key, value)
        if _is_number(value):
            if key not in spec.measures:
                raise EvidenceError(f"evidence[{key!r}] does not take a number; give one of "
                                    f"{list(spec.states(key))}")
            node, state, note = _convert_number(spec, key, value)
            numeric.setdefault(node, []).append((key, state, note))
            continue
        node = key if key in spec.nodes else spec.measures[key].node
        if node in findings or node in numeric:
            raise EvidenceError(f"evidence for {node!r} is given twice")
        findings[node] = _finding(spec, key, node, value)
    for node, items in numeric.items():
        if node in findings:
            raise EvidenceError(f"evidence for {node!r} is given twice")
        findings[node] = _from_numbers(node, items, evidence, len(spec.states(node)))
    return findings


def _check_key(spec: NetworkSpec, key: Any) -> None:
    """A key must name an observable node or a measurement."""
    if not isinstance(key, str):
        raise EvidenceError(f"evidence keys must be node names; got {excerpt(key)}")
    if key == spec.target:
        raise EvidenceError(
            f"{key!r} is the diagnosis being inferred and cannot be given as evidence")
    if key in spec.nodes and spec.nodes[key].latent:
        raise EvidenceError(f"{key!r} is a latent node and is never observed; "
                            f"give the readings it drives instead")
    if key not in spec.nodes and key not in spec.measures:
        valid = sorted(set(spec.observable) | set(spec.measures))
        raise EvidenceError(f"unknown node {excerpt(key)}{suggest(key, valid)} "
                            f"(valid: {', '.join(valid)})")


def _number_text(spec: NetworkSpec, key: str, value: Any) -> Any:
    """A text that reads as a number (``"2.5e0"``) given for a measurement, as that number."""
    if key in spec.measures and isinstance(value, str) and value not in spec.states(
            spec.measures[key].node):
        try:
            return float(value.strip())
        except ValueError:
            return value
    return value


def _finding(spec: NetworkSpec, key: str, node: str, value: Any) -> Finding:
    """A state name (hard evidence), ``True``/``False`` for a yes/no node, or a mapping
    state -> likelihood (soft evidence)."""
    states = list(spec.states(node))
    if isinstance(value, (bool, np.bool_)):
        word = "yes" if value else "no"
        if word in states:
            return Finding(node, bool(value), word, None)
        raise EvidenceError(f"evidence[{key!r}] must be one of {states}; got "
                            f"{str(bool(value)).lower()} (a true/false value: give a state name)")
    if isinstance(value, str):
        if value not in states:
            unit = spec.measures[key].unit if key in spec.measures else ""
            must = f"a number ({unit}) or one of {states}" if unit else f"one of {states}"
            raise EvidenceError(f"evidence[{key!r}] must be {must}; got {excerpt(value)}"
                                f"{suggest(value, states)}")
        return Finding(node, value, value, None)
    if not isinstance(value, Mapping):
        raise EvidenceError(
            f"evidence[{key!r}] must be a state name, a number (measured nodes only) or a "
            f"mapping state -> likelihood; got {excerpt(value)}")
    return Finding(node, dict(value), None, _likelihood(key, value, states))


def _likelihood(key: str, value: Mapping[Any, Any], states: list[str]) -> tuple[float, ...]:
    """Soft evidence as a likelihood vector in ``states`` order, as given (it is rescaled
    when handed to the engine). Every state must be given (a missing state is never read
    as 0)."""
    for s in value:
        if s not in states:
            hint = suggest(s, states) if isinstance(s, str) else ""
            raise EvidenceError(f"evidence[{key!r}] likelihood names unknown state "
                                f"{excerpt(s)}{hint}; valid: {states}")
    missing = [s for s in states if s not in value]
    if missing:
        raise EvidenceError(f"evidence[{key!r}] needs a likelihood for every state of {states}; "
                            f"missing {missing} (give 0 for a state that is ruled out)")
    lik = []
    for s in states:
        x = value[s]
        v = _as_float(x) if _is_number(x) else None
        if v is None or v < 0:
            raise EvidenceError(f"evidence[{key!r}][{s!r}] must be a finite number >= 0; "
                                f"got {excerpt(x)}")
        lik.append(v)
    if max(lik) <= 0:
        raise EvidenceError(f"evidence[{key!r}] likelihoods are all zero; "
                            "at least one state must be possible")
    return tuple(lik)


def _from_numbers(node: str, items: list[tuple[str, str, str]], evidence: Mapping[str, Any],
                  card: int) -> Finding:
    """One finding from the numbers given for ``node``: their state if they agree, else
    uninformative (a warning says so)."""
    if len({s for _, s, _ in items}) == 1:
        key, state, _ = items[0]
        given = {k: evidence[k] for k, _, _ in items} if len(items) > 1 else evidence[key]
        return Finding(node, given, state, None, "; ".join(n for _, _, n in items))
    detail = ", ".join(f"{k} -> {s}" for k, s, _ in items)
    warnings.warn(f"{node}: the measurements disagree ({detail}); treated as uninformative",
                  RnbayesWarning, stacklevel=4)
    return Finding(node, {k: evidence[k] for k, _, _ in items}, None, (1.0,) * card,
                   "discordant")


def engine_evidence(spec: NetworkSpec, findings: Mapping[str, Finding]) -> dict[str, Any]:
    """Findings as the engine wants them: node -> state index or likelihood vector, the
    vector divided by its largest value (only ratios matter; this keeps 1e-323 or 1e150
    from underflowing or overflowing the products)."""
    out: dict[str, Any] = {}
    for node, f in findings.items():
        if f.state is not None:
            out[node] = spec.states(node).index(f.state)
        else:
            lik = np.asarray(f.likelihood, dtype=float)
            out[node] = lik / lik.max()
    return out
