"""Decision layer: utilities of management actions and the thresholds between them.

With two true states, each action's expected utility is linear in p = P(TTP), so
the recommended action changes only at a few threshold probabilities.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import SchemaError
from .records import load_yaml
from .resources import default_priors_dir

ACTIONS = ("surveillance", "treat_as_necrosis", "treat_as_progression")
STATES = ("radiation_necrosis", "tumour_progression")


@dataclass(frozen=True)
class Utilities:
    """Utility of each action (rows) under each true state (columns: RN, TTP)."""

    actions: tuple[str, ...]
    table: np.ndarray  # (n_actions, 2): columns radiation_necrosis, tumour_progression
    scale: str = "utility points"
    reasoning: Mapping[str, Mapping[str, str]] | None = None
    file: str = ""

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

    def thresholds(self) -> list[dict[str, Any]]:
        """Probabilities of TTP where the recommended action changes, in increasing order."""
        out = []
        p = 0.0
        cur = int(self.best_index(0.0))
        while True:
            nxt_p, nxt = math.inf, None
            for j in range(len(self.actions)):
                if j == cur:
                    continue
                a0, a1 = self.table[cur]
                b0, b1 = self.table[j]
                denom = (b1 - b0) - (a1 - a0)
                if denom <= 0:
                    continue
                x = (a0 - b0) / denom
                if p < x < nxt_p and x < 1.0:
                    nxt_p, nxt = x, j
            if nxt is None:
                break
            out.append({"p_progression": float(nxt_p), "below": self.actions[cur],
                        "above": self.actions[nxt]})
            p, cur = nxt_p, nxt
        return out

    def evpi(self, p_ttp: float) -> float:
        """Expected value of perfect information about the diagnosis at ``p_ttp``."""
        perfect = (1 - p_ttp) * self.table[:, 0].max() + p_ttp * self.table[:, 1].max()
        return float(perfect - self.value(p_ttp))

    def to_dict(self) -> dict[str, Any]:
        return {"scale": self.scale,
                "utilities": {a: dict(zip(STATES, map(float, row)))
                              for a, row in zip(self.actions, self.table)},
                "thresholds": self.thresholds()}


def load_utilities(path: str | Path | None = None) -> Utilities:
    """Load utilities from YAML (default: the bundled ``priors/utilities.yaml``).

    ``path`` may also name a bundled set: ``"symptomatic"`` loads
    ``priors/utilities_symptomatic.yaml``.

    Raises
    ------
    SchemaError
        Missing file, malformed YAML, an unknown action or state, or a non-numeric value.
    """
    p = Path(path) if path is not None else default_priors_dir() / "utilities.yaml"
    bundled = default_priors_dir() / f"utilities_{path}.yaml"
    if path is not None and not p.is_file() and bundled.is_file():
        p = bundled  # a bundled set by name, e.g. "symptomatic"
    doc = load_yaml(p)
    file = p.name
    if not isinstance(doc, dict) or not isinstance(doc.get("utilities"), dict):
        raise SchemaError("expected a top-level 'utilities:' mapping action -> state -> value",
                          file=file, path="utilities")
    u = doc["utilities"]
    unknown = sorted(set(u) - set(ACTIONS))
    if unknown:
        raise SchemaError(f"unknown action(s) {unknown}; valid: {list(ACTIONS)}",
                          file=file, path="utilities")
    missing = [a for a in ACTIONS if a not in u]
    if missing:
        raise SchemaError(f"missing action(s) {missing}", file=file, path="utilities")
    table = np.zeros((len(ACTIONS), 2))
    reasoning: dict[str, dict[str, str]] = {}
    for i, a in enumerate(ACTIONS):
        row = u[a]
        if not isinstance(row, dict) or sorted(row) != sorted(STATES):
            raise SchemaError(f"expected exactly the states {list(STATES)}; got {row!r}",
                              file=file, path=f"utilities.{a}")
        for j, s in enumerate(STATES):
            cell = row[s]
            val = cell.get("value") if isinstance(cell, dict) else cell
            if isinstance(val, bool) or not isinstance(val, (int, float)) or not math.isfinite(val):
                raise SchemaError(f"expected a finite number; got {val!r}", file=file,
                                  path=f"utilities.{a}.{s}")
            table[i, j] = float(val)
            if isinstance(cell, dict) and cell.get("reasoning"):
                reasoning.setdefault(a, {})[s] = str(cell["reasoning"])
    return Utilities(actions=ACTIONS, table=table, scale=str(doc.get("scale", "utility points")),
                     reasoning=reasoning, file=str(p))
