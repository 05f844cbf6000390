"""How much evidence stands behind each test's accuracy, read from the prior records.

A test's accuracy comes from the records feeding the nodes it reveals (and their latent
parents). Records resting on expert judgement carry no sample size; the others cite
studies whose ``n`` says how many patients or lesions they had. The weakest of a test's
figures sets its note: "accuracy from 14 patients (Lai 2015)". A test whose figures rest
on fewer patients than the labels file's ``few_patients`` is flagged, so that a high
ranking is read with that in mind.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..spec.catalog import CandidateTest
from ..spec.compiled import CompiledModel
from ..spec.records import Record, short_citation

#: record bases that rest on data (everything but expert judgement)
DATA_BASES = ("metastasis", "mixed", "glioma", "derived")
_COUNT = re.compile(r"(\d[\d,]*)\s+(patients|lesion evaluations|lesions|metastases|cases)")
_LEADING = re.compile(r"^\s*>?\s*(\d[\d,]*)\b")
#: a group named in parentheses where the first author is unknown: "(Charite group) 2023"
_UNKNOWN = re.compile(r"^\((.*?)\)")


def sample_size(n: Any) -> tuple[int, str] | None:
    """``(count, unit)`` from a source's ``n``: patients first, then lesions.

    Examples
    --------
    >>> sample_size("18 studies, 455 patients, 447 lesions"), sample_size("14 patients")
    ((455, 'patients'), (14, 'patients'))
    >>> sample_size("10 studies, >271 metastases"), sample_size(35), sample_size("narrative review")
    ((271, 'metastases'), (35, 'cases'), None)
    """
    if isinstance(n, bool):
        return None
    if isinstance(n, int):
        return n, "cases"
    text = str(n)
    found = [(int(c.replace(",", "")), unit) for c, unit in _COUNT.findall(text)]
    found.sort(key=lambda x: x[1] != "patients")
    if found:
        return found[0]
    lead = _LEADING.match(text)
    return (int(lead.group(1).replace(",", "")), "cases") if lead else None


@dataclass(frozen=True)
class Strength:
    """The evidence behind one test's accuracy."""

    n: int | None
    unit: str = ""
    citation: str = ""
    glioma: bool = False
    judgement: bool = False
    #: the tables of a network file (no sources; their spread is a stated ess)
    from_file: bool = False

    def text(self) -> str:
        """What the accuracy rests on: ``14 patients (Lai 2015)``, ``expert judgement``,
        ``the tables of asia.net (ess 10)``."""
        if self.from_file:
            return f"the tables of {self.citation}"
        if self.judgement:
            return "expert judgement"
        if self.n is None:
            return "published figures (sample size not stated)"
        where = f" ({self.citation})" if self.citation else ""
        kind = ", glioma" if self.glioma else ""
        return f"{self.n} {self.unit}{kind}{where}"

    def weak(self, few: int) -> bool:
        """Judgement, or fewer than ``few`` patients or lesions behind it."""
        return self.judgement or (self.n is not None and self.n < few)


def record_size(rec: Record) -> tuple[int, str, str] | None:
    """The largest sample a record cites: ``(count, unit, citation)``."""
    sizes = [(*s, _UNKNOWN.sub(r"\1", short_citation(src))) for src in rec.sources
             if (s := sample_size(src.get("n"))) is not None]
    return max(sizes, key=lambda x: x[0]) if sizes else None


def accuracy_records(model: CompiledModel, test: CandidateTest) -> list[Record]:
    """The data-based records behind what ``test`` reveals (its nodes and their latent
    parents, never the target)."""
    nodes = [n for n in test.reveals if n in model.nodes]
    nodes += [p for n in list(nodes) for p in model.parents(n)
              if p in model.spec.latent and p not in nodes]
    seen: dict[str, Record] = {}
    for n in nodes:
        for r in model.records_for(n):
            if r.basis in DATA_BASES:
                seen.setdefault(r.id, r)
    return list(seen.values())


def test_strength(model: CompiledModel, test: CandidateTest) -> Strength:
    """The weakest sourced figure behind ``test``'s accuracy."""
    recs = accuracy_records(model, test)
    if all(model.spec.nodes[n].cpt.name == "file_table" for n in test.reveals
           if n in model.nodes):  # a network read from a file: its tables, nothing else
        cite = (short_citation(recs[0].sources[0]) if recs
                else f"{model.spec.file} (fixed: no spread)")
        return Strength(None, citation=cite, from_file=True)
    if not recs:
        return Strength(None, judgement=True)
    glioma = any(r.basis == "glioma" for r in recs)
    sizes = [s for r in recs if (s := record_size(r)) is not None]
    if not sizes:
        return Strength(None, glioma=glioma)
    n, unit, cite = min(sizes, key=lambda x: x[0])
    return Strength(n, unit, cite, glioma=glioma)


#: model -> test -> its strength (a model is immutable, so this is worked out once)
_MEMO: weakref.WeakKeyDictionary[CompiledModel, dict[CandidateTest, Strength]] = \
    weakref.WeakKeyDictionary()


def strengths(model: CompiledModel, tests: Iterable[CandidateTest]) -> Mapping[str, Strength]:
    """Test id -> :class:`Strength`."""
    memo = _MEMO.setdefault(model, {})
    return {t.id: memo[t] if t in memo else memo.setdefault(t, test_strength(model, t))
            for t in tests}
