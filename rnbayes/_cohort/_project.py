"""Everything the cohort tools take from the rest of rnbayes, in one place.

The package is being reorganised into subpackages (spec, engine, results, ...); when a
module path or an attribute moves, this file is the only one in ``rnbayes._cohort`` that
changes. Nothing else here imports from ``rnbayes`` directly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from rnbayes._errors import RnbayesError, suggest

__all__ = [
    "NOTICE",
    "CohortInputError",
    "RnbayesError",
    "data_file",
    "decision_threshold",
    "default_model",
    "engine_joint",
    "jsonable",
    "model_groups",
    "model_latent",
    "model_network",
    "model_target",
    "suggest",
    "versions",
]


class CohortInputError(RnbayesError, ValueError):
    """Bad input to a cohort tool (predictions, outcomes, groups, simulation settings).

    The message is one line naming the bad rows or value and the valid choices.
    """


def _notice() -> str:
    from rnbayes._posterior import NOTICE as text

    return text


#: the research-use notice every report carries
NOTICE: str = _notice()


def jsonable(x: Any) -> Any:
    """``x`` made JSON-safe (numpy scalars to Python, NaN and inf to None)."""
    from rnbayes._jsonsafe import jsonable as convert

    return convert(x)


def data_file(kind: str, name: str) -> Path:
    """Path of a bundled data file, e.g. ``data_file("networks", "tests.yaml")``."""
    from rnbayes._data import data_dir

    return data_dir(kind) / name


# -- the model -------------------------------------------------------------------------
def default_model() -> Any:
    """The default RN-vs-TTP model (loaded once and cached by rnbayes)."""
    from rnbayes import load_model

    return load_model()


def model_network(model: Any) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]],
                                       dict[str, np.ndarray]]:
    """``(states, parents, cpts)`` of a model as plain data, nodes in topological order."""
    net = model.network
    return dict(net.states), dict(net.parents), dict(net.cpts)


def model_groups(model: Any) -> dict[str, str]:
    """Node -> its ``group`` in the network YAML (context, conventional, advanced, ...)."""
    return {n: str(model.spec.nodes[n]["group"]) for n in model.nodes}


def model_latent(model: Any) -> tuple[str, ...]:
    """Nodes marked ``latent: true`` in the network YAML (never observed)."""
    return tuple(n for n in model.nodes if model.spec.nodes[n].get("latent"))


def model_target(model: Any) -> tuple[str, str]:
    """``(target node, positive state)``, e.g. ``("diagnosis", "tumour_progression")``."""
    return str(model.spec.target), str(model.spec.positive)


def decision_threshold(utilities: Any = None) -> tuple[float, str] | None:
    """P(TTP) above which the utilities recommend treating as progression, and a label.

    ``utilities`` is a path or bundled name (``"symptomatic"``) accepted by the decision
    layer, or None for the default. Returns None when no threshold leads to that action.

    Examples
    --------
    >>> p, label = decision_threshold()
    >>> 0 < p < 1 and label.endswith("treat as progression")
    True
    """
    from rnbayes._decision import load_utilities

    u = load_utilities(utilities)
    for t in u.thresholds():
        if t["above"] == "treat_as_progression":
            words = [str(a).replace("_", " ") for a in (t["below"], t["above"])]
            return float(t["p_progression"]), f"{words[0]} \u2192 {words[1]}"
    return None


# -- the engine ------------------------------------------------------------------------
def engine_joint(states: Mapping[str, Sequence[str]], parents: Mapping[str, Sequence[str]],
                 cpts: Mapping[str, np.ndarray], nodes: Sequence[str]) -> np.ndarray:
    """Exact joint distribution ``P(nodes)`` (one axis per node, in the order given),
    every other node summed out, from rnbayes' exact inference engine."""
    from rnbayes._inference import DiscreteNetwork

    net = DiscreteNetwork(states={n: tuple(s) for n, s in states.items()},
                          parents={n: tuple(parents.get(n, ())) for n in states},
                          cpts={n: np.asarray(cpts[n], dtype=float) for n in states})
    joint, _ = net.query(list(nodes))
    return np.asarray(joint, dtype=float)


@lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    """Versions of rnbayes and the libraries behind the numbers (for provenance)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("rnbayes", "numpy", "pandas", "scikit-learn", "scipy"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    return out
