"""The audit's comparators (``priors/audit.yaml``) as frozen typed objects.

What :meth:`rnbayes.Model.audit` compares the model with:

* **tests** -- for each test or finding, the states that favour TTP and the published
  accuracy it was built from (``role: check`` must contain the implied figure; ``role:
  context`` is shown for comparison);
* **strata** -- P(TTP) measured directly by a cohort in a context stratum;
* **combinations** -- combined readings against the figure or bound published for them;
* **directions** -- the review's directional statements, with the expected sign.

A figure gives its published ``ci95``, or ``counts: [k, n]`` (a Jeffreys interval is
computed from them), or only a ``value`` checked within the comparator's ``tolerance``.
Validated like every document: the ``audit.json`` schema (stage 1), then what it cannot
state (stage 2: unique ids, events within totals, a value inside its interval). Node and
state names are not checked here: the audit marks a row whose node the model lacks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine.frozen import FrozenMap
from ..errors import SemanticError
from .resources import default_priors_dir
from .yamlio import load_document

Pair = tuple[float, float]


@dataclass(frozen=True)
class Figure:
    """A published proportion: ``value``, with its ``ci95`` or the ``counts`` behind it."""

    value: float
    ci95: Pair | None = None
    counts: Pair | None = None
    tolerance: float | None = None
    source: str = ""


@dataclass(frozen=True)
class Comparator:
    """A published accuracy a test is compared with."""

    source: str
    role: str = "context"
    sensitivity: Figure | None = None
    specificity: Figure | None = None
    note: str = ""


@dataclass(frozen=True)
class AccuracyEntry:
    """A test or finding: the states that favour TTP and its comparators."""

    node: str
    label: str
    favours_ttp: tuple[str, ...]
    comparators: tuple[Comparator, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Stratum:
    """P(TTP) given ``evidence`` against a cohort that measured it."""

    id: str
    label: str
    evidence: Mapping[str, str]
    comparator: Figure
    role: str = "context"


@dataclass(frozen=True)
class Combination:
    """A combined reading: ``kind`` is ``likelihood_ratio`` (against ``bound``),
    ``less_than_product`` (weaker than the product of the single likelihood ratios),
    ``combined_specificity`` or ``bayes_accuracy`` (against ``comparator``)."""

    id: str
    label: str
    kind: str
    role: str = "context"
    evidence: Mapping[str, str] = field(default_factory=dict)
    nodes: tuple[str, ...] = ()
    prevalence: Pair | None = None
    bound: tuple[float | None, float | None] = (None, None)  # (min, max) of the model's figure
    comparator: Figure | None = None
    source: str = ""


@dataclass(frozen=True)
class Direction:
    """A directional statement: ``expect`` says how P(TTP) given ``a`` compares with
    ``b`` (``higher``, ``lower``, ``not_lower``, ``similar``, ``below_half``), or how the
    shift of ``finding`` compares across contexts (``weaker_in_a``) or with ``compare_to``
    (``weaker_than``). ``status`` is ``checked``, ``contested`` or ``not_encoded``."""

    id: str
    section: str
    statement: str
    expect: str = ""
    status: str = "checked"
    note: str = ""
    a: Mapping[str, str] = field(default_factory=dict)
    b: Mapping[str, str] = field(default_factory=dict)
    finding: Mapping[str, str] = field(default_factory=dict)
    context_a: Mapping[str, str] = field(default_factory=dict)
    context_b: Mapping[str, str] = field(default_factory=dict)
    compare_to: Mapping[str, str] = field(default_factory=dict)
    tolerance: float = 0.1

    def evidence_used(self) -> dict[str, str]:
        """Every node -> state the statement mentions."""
        return {**self.a, **self.b, **self.finding, **self.context_a, **self.context_b,
                **self.compare_to}


@dataclass(frozen=True)
class Comparators:
    """A validated comparator document."""

    file: str
    tests: tuple[AccuracyEntry, ...] = ()
    strata: tuple[Stratum, ...] = ()
    combinations: tuple[Combination, ...] = ()
    directions: tuple[Direction, ...] = ()


def default_comparators_path(priors: str | Path | None = None) -> Path:
    """``audit.yaml`` in ``priors`` if there is one, else the bundled one."""
    own = Path(priors) / "audit.yaml" if priors is not None else None
    return own if own is not None and own.is_file() else default_priors_dir() / "audit.yaml"


def load_comparators(path: str | Path) -> Comparators:
    """Read and validate a comparator document."""
    path = Path(path)
    return parse_comparators(load_document(path, "audit"), path.name)


def _pair(raw: Any) -> Pair | None:
    return None if raw is None else (float(raw[0]), float(raw[1]))


def _number(raw: Any) -> float | None:
    return None if raw is None else float(raw)


def _evidence(raw: Any) -> Mapping[str, str]:
    return FrozenMap({str(k): str(v) for k, v in (raw or {}).items()})


def _figure(raw: Mapping[str, Any] | None, tolerance: Any = None, source: str = ""
            ) -> Figure | None:
    if raw is None:
        return None
    tol = raw.get("tolerance", tolerance)
    return Figure(float(raw["value"]), _pair(raw.get("ci95")), _pair(raw.get("counts")),
                  None if tol is None else float(tol), str(raw.get("source", source)))


def _test(raw: Mapping[str, Any]) -> AccuracyEntry:
    comps = tuple(Comparator(str(c["source"]), c.get("role", "context"),
                             _figure(c.get("sensitivity"), c.get("tolerance")),
                             _figure(c.get("specificity"), c.get("tolerance")),
                             str(c.get("note", raw.get("note", ""))))
                  for c in raw.get("comparators") or ())
    return AccuracyEntry(raw["node"], raw.get("label", raw["node"]), tuple(raw["favours_ttp"]),
                     comps, str(raw.get("note", "")))


def _combination(raw: Mapping[str, Any]) -> Combination:
    bound = raw.get("bound", {})
    comp = _figure(raw.get("comparator"))
    return Combination(raw["id"], raw["label"], raw["kind"], raw.get("role", "context"),
                       _evidence(raw.get("evidence")), tuple(raw.get("nodes", ())),
                       _pair(raw.get("prevalence")),
                       (_number(bound.get("min")), _number(bound.get("max"))),
                       comp, comp.source if comp and comp.source else str(raw.get("source", "")))


def _direction(raw: Mapping[str, Any]) -> Direction:
    keys = ("a", "b", "finding", "context_a", "context_b", "compare_to")
    return Direction(raw["id"], str(raw.get("section", "")), raw["statement"],
                     raw.get("expect", ""), raw.get("status", "checked"), str(raw.get("note", "")),
                     *(_evidence(raw.get(k)) for k in keys), float(raw.get("tolerance", 0.1)))


def parse_comparators(doc: Mapping[str, Any], file: str) -> Comparators:
    """A schema-valid comparator document as typed objects (stage 2 checks)."""
    out = Comparators(
        file, tests=tuple(_test(t) for t in doc.get("tests") or ()),
        strata=tuple(Stratum(s["id"], s["label"], _evidence(s["evidence"]),
                             _figure(s["comparator"]) or Figure(0.0), s.get("role", "context"))
                     for s in doc.get("strata") or ()),
        combinations=tuple(_combination(c) for c in doc.get("combinations") or ()),
        directions=tuple(_direction(d) for d in doc.get("directions") or ()))
    _check(out)
    return out


def _check_figure(file: str, path: str, fig: Figure | None) -> None:
    if fig is None:
        return
    if fig.counts is not None and fig.counts[0] > fig.counts[1]:
        raise SemanticError(f"events {fig.counts[0]:g} exceed total {fig.counts[1]:g}",
                            file=file, path=f"{path}.counts", value=list(fig.counts))
    if fig.ci95 is not None and not fig.ci95[0] <= fig.value <= fig.ci95[1]:
        raise SemanticError(f"value {fig.value} lies outside the interval {list(fig.ci95)}",
                            file=file, path=f"{path}.ci95", value=list(fig.ci95))


def _check(doc: Comparators) -> None:
    """Stage 2: unique ids, events within totals, values inside their intervals."""
    f = doc.file
    for i, t in enumerate(doc.tests):
        for j, c in enumerate(t.comparators):
            _check_figure(f, f"tests[{i}].comparators[{j}].sensitivity", c.sensitivity)
            _check_figure(f, f"tests[{i}].comparators[{j}].specificity", c.specificity)
    for i, s in enumerate(doc.strata):
        _check_figure(f, f"strata[{i}].comparator", s.comparator)
    for i, c in enumerate(doc.combinations):
        _check_figure(f, f"combinations[{i}].comparator", c.comparator)
        if c.prevalence is not None and c.prevalence[0] > c.prevalence[1]:
            raise SemanticError(f"events {c.prevalence[0]:g} exceed total {c.prevalence[1]:g}",
                                file=f, path=f"combinations[{i}].prevalence",
                                value=list(c.prevalence))
        if c.bound[0] is not None and c.bound[1] is not None and c.bound[0] > c.bound[1]:
            raise SemanticError("'min' exceeds 'max'", file=f, path=f"combinations[{i}].bound",
                                value=list(c.bound))
    seen: dict[str, str] = {}
    for kind, items in (("strata", doc.strata), ("combinations", doc.combinations),
                        ("directions", doc.directions)):
        for i, item in enumerate(items):
            if item.id in seen:
                raise SemanticError(f"id {item.id!r} is also used in {seen[item.id]}", file=f,
                                    path=f"{kind}[{i}].id", value=item.id)
            seen[item.id] = kind
