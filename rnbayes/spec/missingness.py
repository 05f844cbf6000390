"""How often each finding is recorded in a synthetic cohort, and the imaging tiers a
validation groups lesions by (``networks/missingness.yaml``, the ``missingness`` schema).

Every rate is judgement (the file says why for each). A test listed under ``tests:``
reveals its nodes together (``networks/tests.yaml``), so they are recorded or missing
together; listed tests must share no node. A node that no listed test reveals takes its
group's rate.

Examples
--------
>>> rates = load_missingness()
>>> rates.tests["fet_pet"].p_available < rates.tests["dwi"].p_available
True
>>> [label for label, _ in rates.imaging_tiers][:2]
['conventional MRI only', '+ DWI/SWI']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..engine.frozen import FrozenMap
from ..errors import SemanticError, suggest
from .catalog import Catalog, load_catalog
from .resources import data_dir
from .yamlio import FileCache, load_document

_CACHE = FileCache(4)


@dataclass(frozen=True)
class Rate:
    """How often one group's nodes, or one test's, are recorded (a judgement)."""

    p_available: float
    reason: str


@dataclass(frozen=True)
class Missingness:
    """The parsed file: rates by node group and by test, the imaging tiers, and each
    listed test's nodes (from the tests catalogue)."""

    groups: Mapping[str, Rate]
    tests: Mapping[str, Rate]
    imaging_tiers: tuple[tuple[str, tuple[str, ...]], ...]
    bundles: Mapping[str, tuple[str, ...]]
    file: str = ""


def default_missingness_path(beside: Path | None = None) -> Path:
    """``missingness.yaml`` beside a network file when there is one, else the bundled one."""
    if beside is not None and (beside.parent / "missingness.yaml").is_file():
        return beside.parent / "missingness.yaml"
    return data_dir("networks") / "missingness.yaml"


def load_missingness(path: str | Path | None = None, catalog: Catalog | None = None
                     ) -> Missingness:
    """Read and check a missingness file (default: the bundled one) against a tests
    catalogue (default: the bundled one). Unchanged files are read once.

    Raises
    ------
    SchemaError
        Missing file, malformed YAML, or a document that does not match the schema (a rate
        outside [0, 1], no reason).
    SemanticError
        An unknown test, or two listed tests revealing the same node.
    """
    p = Path(path) if path is not None else default_missingness_path()
    cat = catalog if catalog is not None else load_catalog()
    key = (str(p.resolve()), cat.file, cat.ids)
    return _CACHE.get(key, lambda: [p], lambda: _read(p, cat))


def _read(p: Path, cat: Catalog) -> Missingness:
    doc = load_document(p, "missingness")
    reveals = {t.id: t.reveals for t in cat}

    def known(test: str, where: str) -> str:
        if test not in reveals:
            raise SemanticError(f"unknown test {test!r}{suggest(test, reveals)} (tests in "
                                f"{Path(cat.file).name}: {', '.join(reveals)})", file=p.name,
                                path=where, value=test)
        return test

    tests = {known(t, f"tests.{t}"): Rate(float(r["p_available"]), str(r["reason"]))
             for t, r in (doc.get("tests") or {}).items()}
    owner: dict[str, str] = {}
    for t in tests:
        for node in reveals[t]:
            if node in owner:
                raise SemanticError(f"tests {owner[node]!r} and {t!r} both reveal {node!r}; "
                                    "list tests that share no node", file=p.name,
                                    path=f"tests.{t}", value=t)
            owner[node] = t
    groups = {g: Rate(float(r["p_available"]), str(r["reason"]))
              for g, r in (doc.get("groups") or {}).items()}
    tiers = tuple((str(tier["label"]), tuple(known(t, f"imaging_tiers[{i}].tests")
                                             for t in tier["tests"]))
                  for i, tier in enumerate(doc.get("imaging_tiers") or ()))
    used = {t for _, ts in tiers for t in ts} | set(tests)
    return Missingness(groups=FrozenMap(groups), tests=FrozenMap(tests), imaging_tiers=tiers,
                       bundles=FrozenMap({t: reveals[t] for t in reveals if t in used}),
                       file=str(p))
