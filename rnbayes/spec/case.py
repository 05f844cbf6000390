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

from ..errors import CaseFileError
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

    Raises
    ------
    CaseFileError
        The file is missing, is not valid YAML, or does not match the case schema (no
        ``evidence`` mapping, an unknown top-level key).
    """
    p = Path(path)
    if not p.is_file():
        raise CaseFileError(f"case file not found: {str(p)!r}")
    doc = load_document(p, "case", error=CaseFileError)
    return Case(evidence=dict(doc.get("evidence") or {}), id=str(doc.get("id", p.stem)),
                notes=str(doc.get("notes") or ""), path=str(p), utilities=doc.get("utilities"),
                figure=str(doc.get("figure", "")), expected=dict(doc.get("expected") or {}))
