"""Case files: YAML with ``evidence:`` and optional ``id``, ``notes``, ``expected``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import CaseFileError

_KEYS = {"id", "notes", "evidence", "expected", "figure", "utilities"}


@dataclass(frozen=True)
class Case:
    """A lesion's findings as read from a case file."""

    evidence: dict[str, Any]
    id: str = ""
    notes: str = ""
    path: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def load_case(path: str | Path) -> Case:
    """Read and check a case file.

    Raises
    ------
    CaseFileError
        The file is missing, is not valid YAML, or has no ``evidence`` mapping.
    """
    p = Path(path)
    if not p.is_file():
        raise CaseFileError(f"case file not found: {str(p)!r}")
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "unreadable"
        raise CaseFileError(f"{p}: malformed YAML{where}: {problem}") from None
    except UnicodeDecodeError:
        raise CaseFileError(f"{p}: not a UTF-8 text file") from None
    if not isinstance(doc, dict):
        raise CaseFileError(f"{p}: expected a mapping with an 'evidence:' key; "
                            f"got {type(doc).__name__}")
    unknown = sorted(set(doc) - _KEYS)
    if unknown:
        raise CaseFileError(f"{p}: unknown top-level key(s) {unknown}; valid: {sorted(_KEYS)}")
    ev = doc.get("evidence")
    if ev is None:
        ev = {}
    if not isinstance(ev, dict):
        raise CaseFileError(f"{p}: 'evidence' must be a mapping node -> finding; "
                            f"got {type(ev).__name__}")
    return Case(
        evidence=dict(ev), id=str(doc.get("id", p.stem)), notes=str(doc.get("notes", "") or ""),
        path=str(p), extra={k: v for k, v in doc.items() if k not in {"id", "notes", "evidence"}},
    )
