"""Validate user evidence and turn it into engine form.

Evidence is a mapping from a node name (or a measurement key such as
``fet_tbr_max`` or ``lesion_quotient``) to one of

* a state name (``"thin_rim"``);
* a number, for measured nodes, converted with the node's published cut-offs;
* a mapping state -> likelihood (soft / virtual evidence), e.g.
  ``{"elevated": 0.7, "not_elevated": 0.3}`` for an uncertain read.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import EvidenceError, RnbayesWarning, suggest
from .network import NetworkSpec


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
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


def _convert_number(spec: NetworkSpec, key: str, value: Any) -> tuple[str, str, str]:
    """Return (node, state, note) for a numeric measurement."""
    m = spec.measures[key]
    v = float(value)
    if not math.isfinite(v):
        raise EvidenceError(f"evidence[{key!r}] must be a finite number in {m.unit}; got {value!r}")
    if m.minimum is not None and v < m.minimum:
        raise EvidenceError(
            f"evidence[{key!r}] must be >= {m.minimum:g} ({m.unit}); got {value!r}")
    if m.maximum is not None and v > m.maximum:
        raise EvidenceError(
            f"evidence[{key!r}] must be <= {m.maximum:g} ({m.unit}); got {value!r}")
    state = m.to_state(v)
    return m.node, state, f"{key}={v:g}"


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
        findings[node] = _finding(key, node, value, list(spec.states(node)))
    for node, items in numeric.items():
        if node in findings:
            raise EvidenceError(f"evidence for {node!r} is given twice")
        findings[node] = _from_numbers(node, items, evidence, len(spec.states(node)))
    return findings


def _check_key(spec: NetworkSpec, key: Any) -> None:
    """A key must name an observable node or a measurement."""
    if not isinstance(key, str):
        raise EvidenceError(f"evidence keys must be node names; got {key!r}")
    if key == spec.target:
        raise EvidenceError(
            f"{key!r} is the diagnosis being inferred and cannot be given as evidence")
    if key in spec.nodes and spec.nodes[key].latent:
        raise EvidenceError(f"{key!r} is a latent node and is never observed; "
                            f"give the readings it drives instead")
    if key not in spec.nodes and key not in spec.measures:
        valid = sorted(set(spec.observable) | set(spec.measures))
        raise EvidenceError(f"unknown node {key!r}{suggest(key, valid)} "
                            f"(valid: {', '.join(valid)})")


def _finding(key: str, node: str, value: Any, states: list[str]) -> Finding:
    """A state name (hard evidence) or a mapping state -> likelihood (soft evidence)."""
    if isinstance(value, str):
        if value not in states:
            raise EvidenceError(f"evidence[{key!r}] must be one of {states}; got {value!r}"
                                f"{suggest(value, states)}")
        return Finding(node, value, value, None)
    if not isinstance(value, Mapping):
        raise EvidenceError(
            f"evidence[{key!r}] must be a state name, a number (measured nodes only) or a "
            f"mapping state -> likelihood; got {value!r}")
    for s in value:
        if s not in states:
            raise EvidenceError(f"evidence[{key!r}] likelihood names unknown state {s!r}; "
                                f"valid: {states}")
    lik = []
    for s in states:
        x = value.get(s, 0.0)
        if not _is_number(x) or not math.isfinite(float(x)) or float(x) < 0:
            raise EvidenceError(f"evidence[{key!r}][{s!r}] must be a number >= 0; got {x!r}")
        lik.append(float(x))
    if sum(lik) <= 0:
        raise EvidenceError(f"evidence[{key!r}] likelihoods are all zero; "
                            "at least one state must be possible")
    return Finding(node, dict(value), None, tuple(lik))


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
    """Findings as the engine wants them: node -> state index or likelihood vector."""
    out: dict[str, Any] = {}
    for node, f in findings.items():
        if f.state is not None:
            out[node] = spec.states(node).index(f.state)
        else:
            out[node] = np.asarray(f.likelihood, dtype=float)
    return out
