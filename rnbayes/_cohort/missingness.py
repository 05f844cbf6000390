"""Which findings a synthetic cohort leaves unrecorded, and how often.

A *plan* is a list of units, each a set of nodes recorded or missing together with one
probability: a test bundle from ``networks/tests.yaml`` (FET PET reveals ``fet_tbr``
and ``fet_curve`` from one scan) or a single node. Every draw is independent of the
findings and the diagnosis (missing completely at random).

``missing`` may be ``"none"``, a float (the same missing rate for every unit),
``"realistic"`` (the judgement rates in ``networks/missingness.yaml``), or a mapping
node-or-test -> missing rate.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ._project import CohortInputError, data_file, suggest

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


# -- data files ------------------------------------------------------------------------
def _read_yaml(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except OSError as exc:
        raise CohortInputError(f"{path}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise CohortInputError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None


def load_bundles(path: str | Path | None = None) -> dict[str, tuple[str, ...]]:
    """Test id -> the nodes it reveals, from ``networks/tests.yaml`` (or ``path``)."""
    p = Path(path) if path is not None else data_file("networks", "tests.yaml")
    doc = _read_yaml(p)
    tests = doc.get("tests") if isinstance(doc, dict) else None
    if not isinstance(tests, dict):
        raise CohortInputError(f"{p.name}: expected a top-level 'tests:' mapping")
    out = {}
    for tid, t in tests.items():
        nodes = t.get("reveals") if isinstance(t, dict) else None
        if not isinstance(nodes, list) or not nodes:
            raise CohortInputError(f"{p.name}: tests.{tid}.reveals must be a list of node names")
        out[str(tid)] = tuple(str(n) for n in nodes)
    return out


def load_rates(path: str | Path | None = None, bundles: Mapping[str, Sequence[str]] | None = None
               ) -> dict[str, Any]:
    """Read and check ``networks/missingness.yaml`` (or ``path``).

    Returns ``{"groups": {group: (p_available, reason)}, "tests": {test: (p_available,
    reason)}, "imaging_tiers": [(label, [tests])]}``.
    """
    p = Path(path) if path is not None else data_file("networks", "missingness.yaml")
    bundles = load_bundles() if bundles is None else bundles
    doc = _read_yaml(p)
    if not isinstance(doc, dict):
        raise CohortInputError(f"{p.name}: expected a mapping with 'groups' and 'tests'")
    out: dict[str, Any] = {"groups": {}, "tests": {}, "imaging_tiers": []}
    for section in ("groups", "tests"):
        for key, entry in (doc.get(section) or {}).items():
            where = f"{p.name}: {section}.{key}"
            if section == "tests" and key not in bundles:
                raise CohortInputError(f"{where}: unknown test; valid: {', '.join(bundles)}")
            if not isinstance(entry, dict) or not _is_rate(entry.get("p_available")):
                raise CohortInputError(f"{where}.p_available must be a probability in [0, 1]")
            if entry.get("basis") != "judgement" or not str(entry.get("reason", "")).strip():
                raise CohortInputError(f"{where}: needs 'basis: judgement' and a one-line 'reason'")
            out[section][str(key)] = (float(entry["p_available"]), str(entry["reason"]))
    _check_disjoint({t: bundles[t] for t in out["tests"]}, p.name)
    for i, tier in enumerate(doc.get("imaging_tiers") or []):
        tests = tier.get("tests", []) if isinstance(tier, dict) else None
        if not isinstance(tests, list) or any(t not in bundles for t in tests):
            raise CohortInputError(f"{p.name}: imaging_tiers[{i}] needs a label and known tests")
        out["imaging_tiers"].append((str(tier["label"]), [str(t) for t in tests]))
    return out


def _is_rate(x: Any) -> bool:
    return (not isinstance(x, bool) and isinstance(x, (int, float)) and math.isfinite(x)
            and 0.0 <= x <= 1.0)


def _check_disjoint(bundles: Mapping[str, Sequence[str]], where: str) -> None:
    owner: dict[str, str] = {}
    for t, nodes in bundles.items():
        for n in nodes:
            if n in owner:
                raise CohortInputError(f"{where}: tests {owner[n]!r} and {t!r} both reveal {n!r}; "
                                       "list tests that share no node")
            owner[n] = t


def default_bundles() -> dict[str, tuple[str, ...]]:
    """The test bundles a cohort's missingness is drawn over: the tests listed in
    ``networks/missingness.yaml``, with their nodes from ``networks/tests.yaml``."""
    bundles = load_bundles()
    return {t: bundles[t] for t in load_rates(bundles=bundles)["tests"]}


def plan_missingness(missing: Any, *, observable: Sequence[str],
                     groups: Mapping[str, str] | None = None,
                     bundles: Mapping[str, Sequence[str]] | None = None,
                     rates: Mapping[str, Any] | None = None) -> MissingnessPlan:
    """Turn a ``missing`` setting into units over the ``observable`` nodes.

    ``bundles`` (test -> nodes, disjoint; default :func:`default_bundles`) groups nodes
    recorded together; ``groups`` (node -> group) and ``rates`` (default: the bundled
    ``missingness.yaml``) are needed for ``"realistic"`` only.

    Examples
    --------
    >>> plan = plan_missingness(0.2, observable=["a", "b", "c"], bundles={"scan": ["b", "c"]})
    >>> [(u.name, u.nodes, u.p_missing) for u in plan.units]
    [('a', ('a',), 0.2), ('scan', ('b', 'c'), 0.2)]
    """
    observable = list(observable)
    if bundles is None:
        bundles = default_bundles()
    _check_disjoint(bundles, "bundles")
    units = _structure(observable, bundles)
    if isinstance(missing, str) and missing == "none":
        return MissingnessPlan(tuple(Unit(n, ns, 0.0) for n, ns in units), "none: every finding recorded")
    if isinstance(missing, str) and missing == "realistic":
        return _realistic(units, groups, rates, bundles)
    if _is_rate(missing):
        r = float(missing)
        return MissingnessPlan(tuple(Unit(n, ns, r, "MCAR") for n, ns in units),
                               f"MCAR: each test bundle or finding missing with probability {r:g}")
    if isinstance(missing, Mapping):
        return _from_mapping(missing, observable, bundles)
    raise CohortInputError(f"missing must be {_MISSING_FORMS}; got {missing!r}")


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
               rates: Mapping[str, Any] | None, bundles: Mapping[str, Sequence[str]]
               ) -> MissingnessPlan:
    rates = load_rates() if rates is None else rates
    out = []
    for name, nodes in units:
        if name in bundles:
            if name not in rates["tests"]:
                raise CohortInputError(f"missing='realistic': test {name!r} has no rate in "
                                       "missingness.yaml (tests.{name}.p_available)")
            p_av, reason = rates["tests"][name]
        else:
            g = (groups or {}).get(name)
            if g is None or g not in rates["groups"]:
                raise CohortInputError(
                    f"missing='realistic': node {name!r} (group {g!r}) has no rate; add "
                    f"groups.{g} or a test revealing it to missingness.yaml, or hide the node")
            p_av, reason = rates["groups"][g]
        out.append(Unit(name, nodes, round(1.0 - p_av, 12), reason))
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
            raise CohortInputError(f"missing: unknown node or test {key!r}"
                                   f"{suggest(key, [*observable, *bundles])}")
        if not _is_rate(rate):
            raise CohortInputError(f"missing[{key!r}] must be a missing rate in [0, 1]; got {rate!r}")
        for other, ns in chosen.items():
            if set(ns) & set(nodes):
                raise CohortInputError(f"missing: {other!r} and {key!r} both cover "
                                       f"{sorted(set(ns) & set(nodes))}; give each node one rate")
        chosen[key] = nodes
    rest = [n for n in observable if not any(n in ns for ns in chosen.values())]
    units = [Unit(k, ns, float(missing[k]), "given") for k, ns in chosen.items() if ns]
    units += [Unit(n, (n,), 0.0, "not given: always recorded") for n in rest]
    pos = {n: i for i, n in enumerate(observable)}
    units.sort(key=lambda u: pos[u.nodes[0]])
    return MissingnessPlan(tuple(units), "given rates (MCAR per node or test)")


def imaging_available(cohort: pd.DataFrame, *, tiers: Sequence[tuple[str, Sequence[str]]] | None = None,
                      bundles: Mapping[str, Sequence[str]] | None = None) -> pd.Series:
    """Label each lesion by the most specialised imaging recorded for it.

    ``tiers`` (default: ``imaging_tiers`` in ``networks/missingness.yaml``) are
    ``(label, tests)`` in increasing order; a lesion takes the last tier with any node of
    its tests recorded (not NaN), or the first tier. Returns an ordered categorical
    Series (the order :func:`validate_predictions` keeps for ``groups``).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"rcbv": ["elevated", None], "fet_tbr": [None, None]})
    >>> imaging_available(df).tolist()
    ['+ perfusion', 'conventional MRI only']
    """
    bundles = load_bundles() if bundles is None else bundles
    tiers = load_rates(bundles=bundles)["imaging_tiers"] if tiers is None else tiers
    labels = [str(lab) for lab, _ in tiers]
    codes = pd.Series(0, index=cohort.index)
    for k, (_, tests) in enumerate(tiers):
        nodes = [n for t in tests for n in bundles[t] if n in cohort.columns]
        if nodes:
            codes[cohort[nodes].notna().any(axis=1)] = k
    return pd.Series(pd.Categorical.from_codes(codes.to_numpy(), categories=labels, ordered=True),
                     index=cohort.index, name="imaging_available")
