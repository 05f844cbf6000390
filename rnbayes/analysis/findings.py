"""The findings of a case as separate fields and as words people read.

A finding is a state (``thin_rim``), a number converted to a state with the node's
published cut-offs (``rcbv: 1.4`` -> ``not_elevated``), or likelihoods for an uncertain
read. JSON keeps the parts apart -- ``state``, ``value`` (the number given) and
``likelihood`` -- and ``label`` says it in words:

* ``Enhancement pattern: thin irregular rim``
* ``rCBV (DSC perfusion): not elevated (rCBV ratio 1.4)``
* ``rCBV (DSC perfusion): elevated 0.6 / not elevated 0.4`` (an uncertain read: its
  likelihoods)
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..results.columns import Columns
from ..spec.evidence import Finding
from ..spec.labels import Labels
from ..spec.network import NetworkSpec

#: the fields :func:`finding_columns` adds to a contributions table, in order
FIELDS = ("label", "state", "value", "likelihood")


def measured(spec: NetworkSpec, labels: Labels, key: str, value: Any) -> str:
    """A number as given: ``9 months``, ``2.4 cm``, ``rCBV ratio 1.4``."""
    m = spec.measures.get(key)
    unit = m.unit if m is not None else ""
    if m is not None and key == m.node and unit and " " not in unit and key not in labels.measures:
        return f"{value:g} {unit}"
    return f"{labels.measure(key)} {value:g}"


def describe(spec: NetworkSpec, labels: Labels, f: Finding) -> str:
    """One finding in words (see the module docstring)."""
    node = f.node
    if f.state is not None:
        text = labels.finding(node, f.state)
        numbers = f.given if isinstance(f.given, Mapping) else (
            {_key_of(spec, node, f): f.given} if _is_number(f.given) else {})
        if numbers:
            text += " (" + ", ".join(measured(spec, labels, k, v) for k, v in numbers.items()) + ")"
        return text
    states = spec.states(node)
    if f.note == "discordant" and isinstance(f.given, Mapping):
        shown = ", ".join(measured(spec, labels, k, v) for k, v in f.given.items())
        return f"{labels.node(node)}: the measurements disagree ({shown}); counted as uninformative"
    parts = " / ".join(f"{labels.state(node, s)} {v:g}" for s, v in zip(states, f.likelihood or ()))
    return f"{labels.node(node)}: {parts}"


def fields(spec: NetworkSpec, labels: Labels, f: Finding) -> dict[str, Any]:
    """``label``, ``state`` (None for an uncertain read), ``value`` (the number given, or a
    mapping measurement -> number; None for a state) and ``likelihood`` (state ->
    likelihood for an uncertain read, else None)."""
    value: Any = None
    if _is_number(f.given):
        value = f.given
    elif (isinstance(f.given, Mapping) and f.state is not None) or f.note == "discordant":
        value = dict(f.given)
    likelihood = (dict(zip(spec.states(f.node), f.likelihood))
                  if f.state is None and f.likelihood is not None and f.note != "discordant"
                  else None)
    return {"label": describe(spec, labels, f), "state": f.state, "value": value,
            "likelihood": likelihood}


def finding_columns(spec: NetworkSpec, labels: Labels, findings: Mapping[str, Finding],
                    contributions: Columns) -> Columns:
    """``contributions`` (columns) with :data:`FIELDS` inserted after ``finding``."""
    rows = [fields(spec, labels, findings[n]) for n in contributions.columns["node"]]
    out: dict[str, Any] = {}
    for name, column in contributions.columns.items():
        out[name] = column
        if name == "finding":
            out.update({f: _objects([r.get(f) for r in rows]) for f in FIELDS})
    return Columns(out, text=contributions.text)


def _objects(values: list[Any]) -> np.ndarray:
    """``values`` as a one-dimensional object array (never a 2-D one from equal lists)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _is_number(v: Any) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def _key_of(spec: NetworkSpec, node: str, f: Finding) -> str:
    """The measurement key a single number was given under (from the finding's note
    ``key=value``), else the node."""
    key = f.note.split("=", 1)[0] if "=" in f.note else node
    return key if key in spec.measures else node
