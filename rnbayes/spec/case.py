"""Case files: YAML with ``evidence:`` and optional ``id``, ``notes``, ``utilities``,
``figure`` and ``expected`` (the ``case.json`` schema).

Examples
--------
>>> from rnbayes.spec.resources import data_dir
>>> case = load_case(data_dir("examples") / "cases" / "fig1a_thin_rim.yaml")
>>> case.id, case.evidence
('fig1a_thin_rim', {'enhancement_pattern': 'thin_rim'})
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CaseFileError, excerpt, suggest
from .utilities import bundled_sets, load_utilities
from .yamlio import load_document


@dataclass(frozen=True)
class Case:
    """A lesion's findings as read from a case file."""

    evidence: dict[str, Any]
    id: str = ""
    notes: str = ""
    path: str = ""
    utilities: str | None = None
    figure: str = ""
    expected: Mapping[str, str] = field(default_factory=dict)

    @property
    def extra(self) -> dict[str, Any]:
        """The optional keys that are not findings (``expected``, ``figure``, ``utilities``)."""
        return {k: v for k, v in (("expected", dict(self.expected)), ("figure", self.figure),
                                  ("utilities", self.utilities)) if v}


def load_case(path: str | Path) -> Case:
    """Read and check a case file.

    ``utilities:`` names a bundled set (``symptomatic``, ``asymptomatic``) or a utilities
    YAML file, relative to the case file's folder; it is checked here, and ``Case.utilities``
    holds the set's name or the file's full path.

    Raises
    ------
    CaseFileError
        The file is missing or a folder, is not valid YAML, or does not match the case
        schema (no ``evidence`` mapping, an unknown top-level key, a repeated key); or its
        ``utilities:`` names neither a file nor a bundled set.
    SchemaError
        The utilities file it names is malformed.
    """
    p = Path(path)
    if p.is_dir():
        raise CaseFileError(f"the case file {str(p)!r} is a folder; give a case YAML file")
    if not p.is_file():
        raise CaseFileError(f"case file not found: {str(p)!r}")
    doc = load_document(p, "case", error=CaseFileError)
    return Case(evidence=dict(doc.get("evidence") or {}), id=str(doc.get("id", p.stem)),
                notes=str(doc.get("notes") or ""), path=str(p),
                utilities=_utilities(p, doc.get("utilities")),
                figure=str(doc.get("figure", "")), expected=dict(doc.get("expected") or {}))


def _utilities(case: Path, value: str | None) -> str | None:
    """A case file's ``utilities:``: a file beside the case (or an absolute path) first,
    else a bundled set name; loaded once here so a bad one fails with the case."""
    if value is None:
        return None
    beside = case.parent / value
    if beside.is_file():
        resolved = str(beside.resolve())
    elif value in bundled_sets():
        resolved = value
    else:
        raise CaseFileError(f"no file {excerpt(value)} beside the case file, and not a bundled set "
                            f"among {bundled_sets()}{suggest(value, bundled_sets())}",
                            file=case.name, path="utilities", value=value)
    load_utilities(resolved)
    return resolved
