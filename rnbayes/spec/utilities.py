"""Decision utilities: what each management action is worth under each true state.

With two true states, each action's expected utility is linear in p = P(TTP), so the
recommended action changes only at a few threshold probabilities (:class:`Threshold`).
The document form is the ``utilities.json`` schema.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .._params import fail
from ..engine.frozen import FrozenMap
from ..engine.network import readonly
from ..errors import SchemaError, excerpt, suggest
from .resources import cache_key, default_priors_dir, file_identity
from .yamlio import FileCache, load_document

ACTIONS = ("surveillance", "treat_as_necrosis", "treat_as_progression")
STATES = ("radiation_necrosis", "tumour_progression")
_CACHE = FileCache(8)


@dataclass(frozen=True)
class Threshold:
    """The probability ``p`` of the positive state (TTP) at which the recommended action
    changes from ``below`` to ``above``.

    Examples
    --------
    >>> t = Threshold(0.649, "surveillance", "treat_as_progression")
    >>> t["p_progression"], t.to_dict()["above"]
    (0.649, 'treat_as_progression')
    """

    p: float
    below: str
    above: str

    def __getitem__(self, key: str) -> Any:
        """Dictionary-style access, as thresholds were dicts before (``t["p_progression"]``)."""
        if key in ("p", "p_progression"):
            return self.p
        if key in ("below", "above"):
            return getattr(self, key)
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        return {"p_progression": self.p, "below": self.below, "above": self.above}


@dataclass(frozen=True, eq=False)
class Utilities:
    """Utility of each action (rows) under each true state (columns: RN, TTP).

    Examples
    --------
    >>> u = Utilities(actions=("wait", "treat"), table=np.array([[1.0, 0.0], [0.0, 1.0]]))
    >>> u.best_action(0.7), [round(t.p, 3) for t in u.thresholds()]
    ('treat', [0.5])
    """

    actions: tuple[str, ...]
    table: np.ndarray  # (n_actions, 2): columns radiation_necrosis, tumour_progression
    scale: str = "utility points"
    reasoning: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    file: str = ""
    #: the clinical setting assumed ("asymptomatic lesion"), its short name, each
    #: action's label, the file as a report names it, and whether it is the default set
    setting: str = ""
    name: str = ""
    action_labels: Mapping[str, str] = field(default_factory=dict)
    source: str = ""
    default: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "actions", tuple(self.actions))
        object.__setattr__(self, "table", readonly(self.table))
        object.__setattr__(self, "reasoning", FrozenMap(dict(self.reasoning or {})))
        object.__setattr__(self, "action_labels", FrozenMap(dict(self.action_labels or {})))

    def label(self, action: str) -> str:
        """How people read ``action`` ("Treat as tumour progression")."""
        return self.action_labels.get(action) or action.replace("_", " ")

    def describe(self) -> str:
        """The assumption behind a recommendation: ``asymptomatic lesion (default)``, a
        set's name, or the file it came from."""
        text = self.setting or self.name or self.source or "utilities given in code"
        return f"{text} (default)" if self.default else text

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Utilities):
            return NotImplemented
        return (self.actions == other.actions and self.scale == other.scale
                and np.array_equal(self.table, other.table))

    __hash__ = None  # type: ignore[assignment]

    def expected(self, p_ttp: Any) -> np.ndarray:
        """Expected utility of every action at ``p_ttp``: shape ``(*shape(p), n_actions)``."""
        p = np.asarray(p_ttp, dtype=float)[..., None]
        return (1.0 - p) * self.table[:, 0] + p * self.table[:, 1]

    def best_index(self, p_ttp: Any) -> np.ndarray:
        """Index of the recommended action (ties go to the earlier action)."""
        return np.argmax(self.expected(p_ttp), axis=-1)

    def best_action(self, p_ttp: float) -> str:
        """Name of the recommended action at ``p_ttp``."""
        return self.actions[int(self.best_index(p_ttp))]

    def value(self, p_ttp: Any) -> np.ndarray:
        """Expected utility of the best action at ``p_ttp``."""
        return np.max(self.expected(p_ttp), axis=-1)

    def thresholds(self) -> tuple[Threshold, ...]:
        """Probabilities of TTP where the recommended action changes, in increasing order:
        walk up from p = 0, each time to the nearest crossing of the current best line."""
        out = []
        p, cur = 0.0, int(self.best_index(0.0))
        while True:
            nxt_p, nxt = math.inf, None
            a0, a1 = self.table[cur]
            for j, (b0, b1) in enumerate(self.table):
                denom = (b1 - b0) - (a1 - a0)
                if j == cur or denom <= 0:
                    continue
                x = (a0 - b0) / denom
                if p < x < nxt_p and x < 1.0:
                    nxt_p, nxt = x, j
            if nxt is None:
                return tuple(out)
            out.append(Threshold(float(nxt_p), self.actions[cur], self.actions[nxt]))
            p, cur = nxt_p, nxt

    def evpi(self, p_ttp: float) -> float:
        """Expected value of perfect information about the diagnosis at ``p_ttp``."""
        perfect = (1 - p_ttp) * self.table[:, 0].max() + p_ttp * self.table[:, 1].max()
        return float(perfect - self.value(p_ttp))

    def to_dict(self) -> dict[str, Any]:
        return {"scale": self.scale, "setting": self.setting, "name": self.name,
                "assumed": self.describe(), "file": self.source,
                "labels": {a: self.label(a) for a in self.actions},
                "utilities": {a: dict(zip(STATES, map(float, row)))
                              for a, row in zip(self.actions, self.table)},
                "thresholds": [t.to_dict() for t in self.thresholds()]}


def _bundled() -> dict[str, Path]:
    """Bundled utilities sets by name: each file's ``name:``, and ``utilities_<x>.yaml``
    as ``x``."""
    out: dict[str, Path] = {}
    for p in sorted(default_priors_dir().glob("utilities*.yaml")):
        if p.stem.startswith("utilities_"):
            out[p.stem[len("utilities_"):]] = p
        name = load_utilities(p).name
        if name:
            out[name] = p
    return out


def bundled_sets() -> list[str]:
    """Names of the bundled utilities sets (``asymptomatic``, the default, and
    ``symptomatic``)."""
    return sorted(_bundled())


def load_utilities(path: str | Path | None = None) -> Utilities:
    """Load utilities from YAML (default: the bundled ``priors/utilities.yaml``).

    ``path`` may also name a bundled set: ``"symptomatic"`` loads
    ``priors/utilities_symptomatic.yaml``, ``"asymptomatic"`` the default. Unchanged files
    are read once.

    Raises
    ------
    SchemaError
        Missing file, malformed YAML, or a document that does not match the schema (an
        unknown action or state, a non-numeric value).

    Examples
    --------
    >>> load_utilities("symptomatic").best_action(0.2)
    'treat_as_necrosis'
    >>> load_utilities("asymptomatic") == load_utilities()
    True
    """
    p = Path(path) if path is not None else default_priors_dir() / "utilities.yaml"
    if path is not None and not p.is_file():
        p = _bundled().get(str(path), p)  # a bundled set by name, e.g. "symptomatic"
    return _CACHE.get(cache_key(p), lambda: [p], lambda: _read(p))


def _read(p: Path) -> Utilities:
    doc = load_document(p, "utilities")
    table = np.zeros((len(ACTIONS), len(STATES)))
    reasoning: dict[str, dict[str, str]] = {}
    for i, a in enumerate(ACTIONS):
        for j, s in enumerate(STATES):
            cell = doc["utilities"][a][s]
            val = cell["value"] if isinstance(cell, dict) else cell
            if not math.isfinite(val):
                raise SchemaError(f"expected a finite number; got {excerpt(val)}", file=p.name,
                                  path=f"utilities.{a}.{s}", value=val)
            table[i, j] = float(val)
            if isinstance(cell, dict) and cell.get("reasoning"):
                reasoning.setdefault(a, {})[s] = str(cell["reasoning"])
    labels = {a: doc["utilities"][a]["label"] for a in ACTIONS if "label" in doc["utilities"][a]}
    default = p.resolve() == (default_priors_dir() / "utilities.yaml").resolve()
    return Utilities(actions=ACTIONS, table=table, scale=str(doc.get("scale", "utility points")),
                     reasoning=reasoning, file=str(p), setting=str(doc.get("setting", "")),
                     name=str(doc.get("name", "")), action_labels=labels,
                     source=file_identity(p), default=default)


def resolve_utilities(value: Utilities | str | Path | None, caller: str,
                      name: str = "utilities") -> Utilities:
    """The ``utilities`` parameter of an analysis: a :class:`Utilities`, a YAML path, a
    bundled set name, or None for the default. ``name`` is how the caller calls it
    (``--utilities`` on the command line)."""
    if value is None or isinstance(value, Utilities):
        return value if value is not None else load_utilities()
    if isinstance(value, (str, Path)):
        if Path(value).is_file() or str(value) in bundled_sets():
            return load_utilities(value)
        what = "a folder" if Path(value).is_dir() else "no such file"
        must = (f"the path of a utilities YAML file or a bundled set name among "
                f"{bundled_sets()} ({what})")
        if name == "utilities":
            must = "a Utilities, " + must
        raise fail(name, caller, must, value, suggest(str(value), bundled_sets()))
    raise fail(name, caller, "a Utilities, a path or a bundled set name", value)
