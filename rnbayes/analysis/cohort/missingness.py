"""Which findings a synthetic cohort leaves unrecorded, and how often.

A *plan* is a list of units, each a set of nodes recorded or missing together with one
probability: a test bundle (FET PET reveals ``fet_tbr`` and ``fet_curve`` from one scan)
or a single node. Every draw is independent of the findings and the diagnosis (missing
completely at random).

``missing`` may be ``"none"``, a float (the same missing rate for every unit),
``"realistic"`` (the judgement rates of ``networks/missingness.yaml``, read by
:mod:`rnbayes.spec.missingness`), or a mapping node-or-test -> missing rate.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ...errors import CohortError, suggest
from ...spec.catalog import resolve_catalog
from ...spec.compiled import CompiledModel
from ...spec.missingness import Missingness, default_missingness_path, load_missingness

_MISSING_FORMS = "'none', 'realistic', a missing rate in [0, 1], or a mapping node-or-test -> rate"


@dataclass(frozen=True)
class Unit:
    """Nodes recorded or missing together, with the probability they are missing."""

    name: str
    nodes: tuple[str, ...]
    p_missing: float
    reason: str = ""


@dataclass(frozen=True)
class MissingnessPlan:
    """The units of a missingness pattern (every observable node is in exactly one)."""

    units: tuple[Unit, ...]
    description: str

    def to_frame(self) -> pd.DataFrame:
        """One row per unit: ``unit``, ``nodes``, ``p_missing``, ``reason``."""
        return pd.DataFrame([{"unit": u.name, "nodes": ", ".join(u.nodes), "p_missing": u.p_missing,
                              "reason": u.reason} for u in self.units])


def is_rate(x: Any) -> bool:
    """A probability in [0, 1] (not a bool)."""
    return (not isinstance(x, bool) and isinstance(x, (int, float, np.floating))
            and math.isfinite(x) and 0.0 <= x <= 1.0)


def listed_bundles(rates: Missingness) -> dict[str, tuple[str, ...]]:
    """The test bundles a cohort's missingness is drawn over: the tests with a rate."""
    return {t: rates.bundles[t] for t in rates.tests}


def plan_missingness(missing: Any, *, observable: Sequence[str],
                     groups: Mapping[str, str] | None = None,
                     bundles: Mapping[str, Sequence[str]] | None = None,
                     rates: Missingness | None = None) -> MissingnessPlan:
    """Turn a ``missing`` setting into units over the ``observable`` nodes.

    ``bundles`` (test -> nodes, disjoint; default: the tests listed in ``rates``) groups
    nodes recorded together; ``groups`` (node -> group) and ``rates`` (default: the
    bundled ``missingness.yaml``) are needed for ``"realistic"`` only.

    Examples
    --------
    >>> plan = plan_missingness(0.2, observable=["a", "b", "c"], bundles={"scan": ["b", "c"]})
    >>> [(u.name, u.nodes, u.p_missing) for u in plan.units]
    [('a', ('a',), 0.2), ('scan', ('b', 'c'), 0.2)]
    """
    observable = list(observable)
    if bundles is None:
        rates = load_missingness() if rates is None else rates
        bundles = listed_bundles(rates)
    _check_disjoint(bundles)
    units = _structure(observable, bundles)
    if isinstance(missing, str) and missing == "none":
        return MissingnessPlan(tuple(Unit(n, ns, 0.0) for n, ns in units),
                               "none: every finding recorded")
    if isinstance(missing, str) and missing == "realistic":
        return _realistic(units, groups, load_missingness() if rates is None else rates, bundles)
    if is_rate(missing):
        r = float(missing)
        return MissingnessPlan(tuple(Unit(n, ns, r, "MCAR") for n, ns in units),
                               f"MCAR: each test bundle or finding missing with probability {r:g}")
    if isinstance(missing, Mapping):
        return _from_mapping(missing, observable, bundles)
    raise CohortError(f"missing must be {_MISSING_FORMS}; got {missing!r}")


def _check_disjoint(bundles: Mapping[str, Sequence[str]]) -> None:
    owner: dict[str, str] = {}
    for t, nodes in bundles.items():
        for n in nodes:
            if n in owner:
                raise CohortError(f"bundles: tests {owner[n]!r} and {t!r} both reveal {n!r}; "
                                  "give tests that share no node")
            owner[n] = t


def _structure(observable: list[str], bundles: Mapping[str, Sequence[str]]
               ) -> list[tuple[str, tuple[str, ...]]]:
    """(name, nodes) units covering ``observable``: bundles first met, then single nodes,
    in the order of each unit's first node."""
    seen: set[str] = set()
    units = []
    owner = {n: t for t, ns in bundles.items() for n in ns}
    for node in observable:
        if node in seen:
            continue
        t = owner.get(node)
        nodes = tuple(n for n in bundles[t] if n in observable) if t else (node,)
        seen.update(nodes)
        units.append((t or node, nodes))
    return units


def _realistic(units: list[tuple[str, tuple[str, ...]]], groups: Mapping[str, str] | None,
               rates: Missingness, bundles: Mapping[str, Sequence[str]]) -> MissingnessPlan:
    out = []
    for name, nodes in units:
        if name in bundles:
            if name not in rates.tests:
                raise CohortError(f"missing='realistic': test {name!r} has no rate in "
                                  f"{rates.file or 'missingness.yaml'} (tests.{name}.p_available)")
            rate = rates.tests[name]
        else:
            g = (groups or {}).get(name)
            if g is None or g not in rates.groups:
                raise CohortError(
                    f"missing='realistic': node {name!r} (group {g!r}) has no rate; add "
                    f"groups.{g} or a test revealing it to missingness.yaml, or hide the node")
            rate = rates.groups[g]
        out.append(Unit(name, nodes, round(1.0 - rate.p_available, 12), rate.reason))
    return MissingnessPlan(tuple(out), "realistic: judgement rates from missingness.yaml "
                                       "(independent of findings and diagnosis)")


def _from_mapping(missing: Mapping[str, Any], observable: list[str],
                  bundles: Mapping[str, Sequence[str]]) -> MissingnessPlan:
    chosen: dict[str, tuple[str, ...]] = {}
    for key, rate in missing.items():
        if key in observable:
            nodes: tuple[str, ...] = (key,)
        elif key in bundles:
            nodes = tuple(n for n in bundles[key] if n in observable)
        else:
            raise CohortError(f"missing: unknown node or test {key!r}"
                              f"{suggest(key, [*observable, *bundles])}")
        if not is_rate(rate):
            raise CohortError(f"missing[{key!r}] must be a missing rate in [0, 1]; got {rate!r}")
        for other, ns in chosen.items():
            if set(ns) & set(nodes):
                raise CohortError(f"missing: {other!r} and {key!r} both cover "
                                  f"{sorted(set(ns) & set(nodes))}; give each node one rate")
        chosen[key] = nodes
    rest = [n for n in observable if not any(n in ns for ns in chosen.values())]
    units = [Unit(k, ns, float(missing[k]), "given") for k, ns in chosen.items() if ns]
    units += [Unit(n, (n,), 0.0, "not given: always recorded") for n in rest]
    pos = {n: i for i, n in enumerate(observable)}
    units.sort(key=lambda u: pos[u.nodes[0]])
    return MissingnessPlan(tuple(units), "given rates (MCAR per node or test)")


def imaging_available(recorded: pd.DataFrame, rates: Missingness | None = None) -> pd.Series:
    """Label each lesion by the most specialised imaging recorded for it.

    ``recorded`` has a column per node (True, or a value that is not NaN, where recorded).
    The tiers of ``rates`` (default: the bundled ``missingness.yaml``) are ``(label,
    tests)`` in increasing order; a lesion takes the last tier with any node of its tests
    recorded, or the first tier. Returns an ordered categorical Series (the order the
    validation keeps for its groups).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"rcbv": ["elevated", None], "fet_tbr": [None, None]})
    >>> imaging_available(df).tolist()
    ['+ perfusion', 'conventional MRI only']
    """
    rates = load_missingness() if rates is None else rates
    labels = [str(lab) for lab, _ in rates.imaging_tiers]
    codes = np.zeros(len(recorded), dtype=np.int64)
    seen = recorded.notna() & (recorded != False)  # noqa: E712 - a bool frame or values
    for k, (_, tests) in enumerate(rates.imaging_tiers):
        nodes = [n for t in tests for n in rates.bundles[t] if n in recorded.columns]
        if nodes:
            codes[seen[nodes].any(axis=1).to_numpy()] = k
    return pd.Series(pd.Categorical.from_codes(codes, categories=labels, ordered=True),
                     index=recorded.index, name="imaging_available")


def model_rates(model: CompiledModel) -> Missingness:
    """The missingness file for a model: ``missingness.yaml`` beside its network file, else
    the bundled one, checked against the model's tests catalogue."""
    catalog = resolve_catalog(None, "simulate", model.catalog_path())
    return load_missingness(default_missingness_path(model.network_path), catalog)
