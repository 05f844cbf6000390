"""The prior curve: P(TTP | findings) as a function of the prior P(TTP).

The case's imaging findings carry a likelihood ratio LR = odds(posterior) / odds(prior
from the clinical context alone); by Bayes' rule any other prior p gives
p LR / (p LR + 1 - p). The decision thresholds then invert to the priors at which the
recommendation changes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ...spec.compiled import CompiledModel
from ...spec.utilities import Utilities

#: the group of nodes that make up the clinical-context prior
CONTEXT_GROUP = "context"
#: points on the prior axis
CURVE_POINTS = 401


def odds(p: float) -> float:
    """p / (1 - p), infinite at 1."""
    return math.inf if p >= 1.0 else p / (1.0 - p)


def context_prior(model: CompiledModel, ev: Mapping[str, Any]) -> float:
    """P(positive) given only the clinical-context findings of ``ev``."""
    ctx = {n: v for n, v in ev.items() if model.spec.nodes[n].group == CONTEXT_GROUP}
    pr, _ = model.network.query([model.target], ctx)
    return float(pr[model.positive_index])


def prior_curve(p_point: float, prior_case: float, u: Utilities
                ) -> tuple[float, pd.DataFrame, tuple[dict[str, Any], ...]]:
    """The likelihood ratio, the curve (prior -> posterior -> action) and, for each
    decision threshold, the prior at which the recommendation changes.

    Examples
    --------
    >>> from rnbayes.spec.utilities import load_utilities
    >>> lr, curve, flips = prior_curve(0.5, 0.2, load_utilities())
    >>> round(lr, 6), len(curve)
    (4.0, 401)
    """
    lr = odds(p_point) / odds(prior_case)
    grid = np.linspace(0.0, 1.0, CURVE_POINTS)
    with np.errstate(divide="ignore", invalid="ignore"):
        curve_p = np.where(grid >= 1.0, 1.0, grid * lr / (grid * lr + (1.0 - grid)))
    curve_p = np.nan_to_num(curve_p, nan=0.0)
    curve = pd.DataFrame({"prior_progression": grid, "p_progression": curve_p,
                          "action": [u.actions[i] for i in u.best_index(curve_p)]})
    flips = []
    for t in u.thresholds():
        pi = t.p / (t.p + lr * (1.0 - t.p)) if math.isfinite(lr) and lr > 0 else float("nan")
        flips.append({**t.to_dict(), "prior_progression": float(pi)})
    return float(lr), curve, tuple(flips)
