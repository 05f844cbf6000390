"""The column names of cohort tables: aliases and id columns (``networks/columns.yaml``,
the ``columns`` schema).

An alias stands for a node or a measurement key of the network; aliases are data, so a
site adds the names its registry uses without touching code.

Examples
--------
>>> cols = load_columns()
>>> cols.aliases["rcbv_ratio"], "lesion_id" in cols.id_columns
('rcbv', True)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..engine.frozen import FrozenMap
from ..errors import SemanticError, suggest
from .resources import data_dir
from .yamlio import FileCache, load_document

_CACHE = FileCache(4)


@dataclass(frozen=True)
class Columns:
    """Alias -> node or measurement key (with what the column holds), and id column names."""

    aliases: Mapping[str, str]
    notes: Mapping[str, str]
    id_columns: tuple[str, ...]
    file: str = ""

    def check(self, valid: Iterable[str]) -> None:
        """Every alias must name one of ``valid`` (the network's observable nodes and
        measurement keys) and must not shadow one of them.

        Raises
        ------
        SemanticError
            An alias of an unknown name, or an alias that is itself a valid name.
        """
        valid = list(valid)
        for alias, means in self.aliases.items():
            if alias in valid:
                raise SemanticError(f"{alias!r} is already a node or measurement name",
                                    file=Path(self.file).name, path=f"aliases.{alias}",
                                    value=alias)
            if means not in valid:
                raise SemanticError(f"unknown node or measurement {means!r}"
                                    f"{suggest(means, valid)}", file=Path(self.file).name,
                                    path=f"aliases.{alias}.means", value=means)


def default_columns_path(beside: Path | None = None) -> Path | None:
    """``columns.yaml`` beside a network file when there is one, else the bundled one
    (None when neither exists)."""
    if beside is not None:
        own = beside.parent / "columns.yaml"
        return own if own.is_file() else None
    bundled = data_dir("networks") / "columns.yaml"
    return bundled if bundled.is_file() else None


def load_columns(path: str | Path | None = None) -> Columns:
    """Read a columns file (default: the bundled ``networks/columns.yaml``). Unchanged
    files are read once.

    Raises
    ------
    SchemaError
        Missing file, malformed YAML, or a document that does not match the schema.
    """
    p = Path(path) if path is not None else default_columns_path()
    if p is None:
        return Columns(FrozenMap({}), FrozenMap({}), ())
    return _CACHE.get(str(p.resolve()), lambda: [p], lambda: _read(p))


def _read(p: Path) -> Columns:
    doc = load_document(p, "columns")
    aliases = doc.get("aliases") or {}
    return Columns(aliases=FrozenMap({a: str(d["means"]) for a, d in aliases.items()}),
                   notes=FrozenMap({a: str(d["note"]) for a, d in aliases.items()}),
                   id_columns=tuple(doc.get("id_columns") or ()), file=str(p))
