"""Labels for people: the words shown for each node and state (``networks/labels.yaml``).

Identifiers (``enhancement_pattern``, ``thin_rim``) are the contract and stay in JSON
output; what a person reads -- command-line tables, reports, plots -- uses these labels
("Enhancement pattern: thin irregular rim"). Test labels live in the tests catalogue and
action labels in the utilities files. A node or state without a label falls back to its
identifier with underscores as spaces, so a network of one's own works without a labels
file. The document form is the ``labels.json`` schema.

Examples
--------
>>> labels = load_labels()
>>> labels.finding("rcbv", "not_elevated")
'rCBV (DSC perfusion): not elevated'
>>> Labels().node("months_since_srs")
'months since srs'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine.frozen import FrozenMap
from .resources import cache_key, data_dir
from .yamlio import FileCache, load_document

_CACHE = FileCache(4)
#: without a ``few_patients`` entry: accuracy from fewer patients than this gets a note
FEW_PATIENTS_DEFAULT = 30


def plain(identifier: str) -> str:
    """An identifier as words: ``months_since_srs`` -> ``months since srs``."""
    return str(identifier).replace("_", " ")


@dataclass(frozen=True)
class Labels:
    """Node and state labels, with identifiers as words where a label is missing.

    Attributes
    ----------
    nodes : mapping node -> label
    states : mapping node -> (mapping state -> label)
    few_patients : int
        A test whose accuracy rests on fewer patients (or lesions) gets a note.
    file : str
        The labels file's name (not its path), or "" when there is none.
    measures : mapping measurement key -> label
        How a number given for a measured node is named ("rCBV ratio").
    """

    nodes: Mapping[str, str] = field(default_factory=dict)
    states: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    few_patients: int = FEW_PATIENTS_DEFAULT
    file: str = ""
    measures: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "nodes", FrozenMap(dict(self.nodes)))
        object.__setattr__(self, "measures", FrozenMap(dict(self.measures)))
        object.__setattr__(self, "states", FrozenMap(
            {k: FrozenMap(dict(v)) for k, v in self.states.items()}))

    def node(self, node: str) -> str:
        """The label of ``node`` ("Enhancement pattern")."""
        return self.nodes.get(node) or plain(node)

    def state(self, node: str, state: str) -> str:
        """The label of ``state`` of ``node`` ("thin irregular rim")."""
        return self.states.get(node, {}).get(state) or plain(state)

    def measure(self, key: str) -> str:
        """How a measurement key is named ("rCBV ratio")."""
        return self.measures.get(key) or plain(key)

    def finding(self, node: str, state: str) -> str:
        """``"Enhancement pattern: thin irregular rim"``."""
        return f"{self.node(node)}: {self.state(node, state)}"

    def result(self, states: Mapping[str, str]) -> str:
        """Several findings at once (a test's joint result), joined by ``"; "``."""
        return "; ".join(self.finding(n, s) for n, s in states.items())

    def missing(self, states: Mapping[str, Any]) -> list[str]:
        """``node`` or ``node.state`` entries of a network (node -> its states) that have
        no label here."""
        out = []
        for node, names in states.items():
            if node not in self.nodes:
                out.append(node)
            out += [f"{node}.{s}" for s in names if s not in self.states.get(node, {})]
        return out


def default_labels_path() -> Path:
    return data_dir("networks") / "labels.yaml"


def load_labels(path: str | Path | None = None) -> Labels:
    """Read a labels file (default: the bundled ``networks/labels.yaml``).

    Raises
    ------
    SchemaError
        Missing file, malformed YAML or a document that does not match the schema.

    Examples
    --------
    >>> load_labels().node("asl_cbf")
    'CBF (ASL perfusion)'
    """
    p = Path(path) if path is not None else default_labels_path()
    return _CACHE.get(cache_key(p), lambda: [p], lambda: _read(p))


def labels_for(network_path: Path | None) -> Labels:
    """The labels of a network: ``labels.yaml`` beside its file, else the bundled ones."""
    if network_path is not None:
        beside = Path(network_path).parent / "labels.yaml"
        if beside.is_file():
            return load_labels(beside)
    return load_labels()


def _read(p: Path) -> Labels:
    doc = load_document(p, "labels")
    nodes = doc.get("nodes") or {}
    return Labels(nodes={n: d["label"] for n, d in nodes.items()},
                  states={n: dict(d["states"]) for n, d in nodes.items()},
                  few_patients=int(doc.get("few_patients", FEW_PATIENTS_DEFAULT)), file=p.name,
                  measures=dict(doc.get("measures") or {}))
