"""Flip points: the value of a parameter at which the recommended action changes.

From the exact one-way function ``(a theta + b) / (c theta + d)`` (Coupe & van der Gaag
2002) when the parameter is a single CPT entry and nothing else is re-derived from it;
otherwise by a grid search over the parameter's range, refined inside each bracket. A
candidate is reported only if moving just past it really changes the action.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ...engine.oneway import OneWay, one_way
from ...spec.compiled import CompiledModel
from ...spec.generators import CheckContext
from ...spec.refs import ref_ids
from ...spec.utilities import Utilities
from .parameters import Parameter, p_rows, parameter_range

#: how many of the most influential parameters get a flip-point search
N_FLIP = 8
#: grid search: points on the first grid, then rounds of finer grids in each bracket
GRID_POINTS = 241
REFINE_ROUNDS = 4
REFINE_POINTS = 65
FLIP_COLUMNS = ["parameter", "source", "entry", "method", "point", "flip_value",
                "action_beyond", "statement", "all_flip_values"]


def table_entry(model: CompiledModel, par: Parameter) -> tuple[str, tuple[int, ...]] | None:
    """The one CPT entry a record (component) sets directly, if it sets exactly one."""
    homes = [n for n in model.nodes if n not in model.given_tables
             and any(par.record in ref_ids(r) for _, r in model.spec.nodes[n].cpt.refs())]
    if len(homes) != 1:
        return None
    node = model.spec.nodes[homes[0]]
    ctx = CheckContext(model.spec.file, node, model.spec.nodes, model.records)
    entry = node.cpt.entry_of(ctx, par.record, par.component)
    return None if entry is None else (node.name, entry)


def entry_text(model: CompiledModel, node: str, entry: tuple[int, ...]) -> str:
    """``P(node=state | parent=state, ...)``."""
    s = f"P({node}={model.states(node)[entry[0]]}"
    parents = model.parents(node)
    if parents:
        s += " | " + ", ".join(f"{p}={model.states(p)[i]}" for p, i in zip(parents, entry[1:]))
    return s + ")"


def exact_function(model: CompiledModel, ev: Mapping[str, Any], par: Parameter
                   ) -> tuple[OneWay, str] | None:
    """The exact one-way function of P(positive) in the parameter, if it is one."""
    single = table_entry(model, par)
    if single is None:
        return None
    f = one_way(model.network, model.target, model.positive_index, ev, *single)
    # the exact function co-varies one entry; if the record also re-derives other
    # tables (a latent test's accuracy is held to its source), it is not that function
    point = par.point(model.records[par.record])
    probe = np.array([0.25 * point + 0.25, 0.5 * point])
    if np.max(np.abs(f(probe) - p_rows(model, ev, [(par, probe)]))) > 1e-9:
        return None
    return f, entry_text(model, *single)


def grid_candidates(model: CompiledModel, ev: Mapping[str, Any], par: Parameter,
                    u: Utilities, lo: float, hi: float) -> list[float]:
    """Where the action changes on a grid over [lo, hi], each bracket refined at once."""
    log = model.records[par.record].family == "lognormal"

    def grid(a: float, b: float, n: int) -> np.ndarray:
        return np.geomspace(a, b, n) if log else np.linspace(a, b, n)

    points = grid(lo, hi, GRID_POINTS)
    act = u.best_index(p_rows(model, ev, [(par, points)]))
    brackets = [(points[i], points[i + 1], int(act[i])) for i in np.nonzero(np.diff(act))[0]]
    # each round evaluates a finer grid inside every bracket in one batched build and
    # keeps the sub-interval where the action changes
    for _ in range(REFINE_ROUNDS):
        if not brackets:
            break
        subs = [grid(a, b, REFINE_POINTS) for a, b, _ in brackets]
        acts = u.best_index(p_rows(model, ev, [(par, s) for s in subs])).reshape(
            len(brackets), REFINE_POINTS)
        new = []
        for (_, _, first), sub, acts_k in zip(brackets, subs, acts):
            j = int(np.argmax(acts_k != first))  # first point past the change
            new.append((sub[j - 1], sub[j], first) if j > 0 else (sub[0], sub[1], first))
        brackets = new
    return [math.sqrt(a * b) if log else 0.5 * (a + b) for a, b, _ in brackets]


def flip(model: CompiledModel, ev: Mapping[str, Any], par: Parameter, u: Utilities,
         p_point: float, thresholds: Sequence[float]) -> dict[str, Any]:
    """The flip-point row of one parameter."""
    rec = model.records[par.record]
    point = par.point(rec)
    best0 = int(u.best_index(p_point))
    exact = exact_function(model, ev, par)
    if exact is not None:
        f, entry = exact
        method, lo, hi = "exact one-way function", 0.0, 1.0
        candidates = [th for th in (f.solve(t) for t in thresholds) if th is not None]
    else:
        lo, hi = parameter_range(rec)
        entry = f"record {rec.id}" + (f" component {(rec.states or ())[par.component]}"
                                      if par.component is not None else "")
        method = "grid search"
        candidates = grid_candidates(model, ev, par, u, lo, hi)
    # a "flip" at the very edge of the range is no flip: the parameter cannot go beyond it
    margin = 1e-9 * max(1.0, abs(hi))
    candidates = sorted({c for c in candidates if lo + margin < c < hi - margin},
                        key=lambda x: abs(x - point))
    flip_value, beyond = float("nan"), None
    for v in candidates:  # nearest first; report the first that really changes the action
        eps = 1e-6 * max(1.0, abs(v)) * (1 if v > point else -1)
        p = float(p_rows(model, ev, [(par, np.array([v + eps]))])[0])
        if int(u.best_index(p)) != best0:
            flip_value, beyond = v, u.best_action(p)
            break
    unit = "odds ratio" if rec.family == "lognormal" else "probability"
    if beyond is not None:
        direction = "rises above" if flip_value > point else "falls below"
        statement = (f"recommendation changes from {u.actions[best0]} to {beyond} when this "
                     f"{unit} {direction} {flip_value:.4g} (now {point:.4g})")
    else:
        span = f"[{lo:.3g}, {hi:.3g}]" if rec.family == "lognormal" else "[0, 1]"
        statement = f"no value in {span} changes the recommendation ({u.actions[best0]})"
    return {"parameter": par.name, "source": rec.label, "entry": entry, "method": method,
            "point": point, "flip_value": flip_value, "action_beyond": beyond,
            "statement": statement, "all_flip_values": sorted(candidates)}


def flip_points(model: CompiledModel, ev: Mapping[str, Any], tornado: pd.DataFrame,
                params: Sequence[Parameter], u: Utilities, p_point: float) -> pd.DataFrame:
    """Flip points of the :data:`N_FLIP` parameters with the largest tornado swing."""
    by_name = {p.name: p for p in params}
    thresholds = [t.p for t in u.thresholds()]
    rows = [flip(model, ev, by_name[r.parameter], u, p_point, thresholds)
            for r in tornado.head(N_FLIP).itertuples() if r.swing > 1e-9]
    return pd.DataFrame(rows, columns=FLIP_COLUMNS)
