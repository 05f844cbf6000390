"""One-way parameters and the tornado: each figure moved alone, the others at their points.

A Beta or log-normal record is one parameter; a Dirichlet record is one parameter per
component, moved with the other components rescaled proportionally (so the
distribution still sums to 1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ...spec.compiled import CompiledModel
from ...spec.labels import Labels
from ...spec.records import Record
from ...spec.tables import point_values
from .draws import ancestral_records, drawn_network

TORNADO_COLUMNS = ["parameter", "source", "low", "high", "swing", "value_low", "value_point",
                   "value_high", "basis", "record", "quantity"]
#: a log-normal odds ratio is searched from its median / 1000 to its median x 1000
OR_RANGE = 1000.0
#: a probability is searched in [EDGE, 1 - EDGE]
EDGE = 1e-6
#: tornado parameters evaluated per batched build
TORNADO_SLICE = 1024
#: a record's quantity longer than this is shown up to its first parenthesis
LONG = 90


@dataclass(frozen=True)
class Parameter:
    """One one-way parameter: a record, or one component of a Dirichlet record."""

    name: str
    record: str
    component: int | None = None

    def point(self, rec: Record) -> float:
        p = rec.point()
        return float(p if self.component is None else p[self.component])


def parameters(model: CompiledModel, rids: Sequence[str]) -> list[Parameter]:
    """One-way parameters: each Beta/log-normal record, each Dirichlet component."""
    out = []
    for rid in rids:
        rec = model.records[rid]
        if rec.family == "dirichlet":
            out.extend(Parameter(f"{rid}[{s}]", rid, j) for j, s in enumerate(rec.states or ()))
        else:
            out.append(Parameter(rid, rid))
    return out


def record_values(rec: Record, component: int | None, theta: Any) -> np.ndarray:
    """Record values for a 1-D family of parameter values (proportional co-variation)."""
    theta = np.asarray(theta, dtype=float)
    if component is None:
        return theta
    point = np.asarray(rec.point(), dtype=float)
    scale = (1.0 - theta) / (1.0 - point[component])
    v = point[None, :] * scale[:, None]
    v[:, component] = theta
    return v


def parameter_range(rec: Record) -> tuple[float, float]:
    """The range searched for a flip: (0, 1) for a probability, a wide band around an
    odds ratio's median."""
    if rec.family == "lognormal":
        return rec.point() / OR_RANGE, rec.point() * OR_RANGE
    return EDGE, 1.0 - EDGE


def p_rows(model: CompiledModel, ev: Mapping[str, Any],
           rows: Sequence[tuple[Parameter, np.ndarray]]) -> np.ndarray:
    """P(positive) for rows of (parameter, values): one batched build for all of them."""
    sizes = [len(t) for _, t in rows]
    total = sum(sizes)
    draws: dict[str, np.ndarray] = {}
    points = point_values(model.records)
    start = 0
    for (par, theta), size in zip(rows, sizes):
        if par.record not in draws:
            draws[par.record] = np.repeat(points(par.record), total, axis=0)
        draws[par.record][start:start + size] = record_values(model.records[par.record],
                                                              par.component, theta)
        start += size
    dn = drawn_network(model, ev, [model.target], draws=draws, batch=total, workers=1,
                       chunk=max(total, 1))
    return dn.query([model.target])[:, model.positive_index]


def tornado(model: CompiledModel, ev: Mapping[str, Any], level: float
            ) -> tuple[pd.DataFrame, list[Parameter]]:
    """Every parameter of the query's ancestral set at its lower and upper quantile (one
    batched build); the table sorted by swing, largest first, and the parameters."""
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    params = parameters(model, ancestral_records(model, [model.target, *ev]))
    rows = []
    for par in params:
        rec = model.records[par.record]
        q = (rec.quantile(lo_q), rec.quantile(hi_q))
        if par.component is not None:
            q = (q[0][par.component], q[1][par.component])
        rows.append((par, np.array(q, dtype=float)))
    # in slices: a network read from a file has a record per table column (thousands),
    # and one build for all of them would hold every record repeated for every row
    p_tor = np.concatenate([p_rows(model, ev, rows[i:i + TORNADO_SLICE])
                            for i in range(0, len(rows), TORNADO_SLICE)]).reshape(-1, 2) \
        if rows else np.zeros((0, 2))
    tor = []
    for (par, q), (pl, ph) in zip(rows, p_tor):
        rec = model.records[par.record]
        tor.append({"parameter": par.name, "source": rec.label, "low": float(pl),
                    "high": float(ph), "swing": float(abs(ph - pl)), "value_low": float(q[0]),
                    "value_point": par.point(rec), "value_high": float(q[1]),
                    "basis": rec.basis, "record": rec.id, "quantity": rec.quantity})
    table = pd.DataFrame(tor, columns=TORNADO_COLUMNS)
    # largest swing first; swings equal to rounding (parameters that do not matter here)
    # are ordered by parameter name, so the order is the same in every process
    key = table.assign(swing=table["swing"].round(12))
    order = key.sort_values(["swing", "parameter"], ascending=[False, True], kind="stable").index
    return table.loc[order].reset_index(drop=True), params


def parameter_label(model: CompiledModel, labels: Labels, par: Parameter) -> str:
    """A parameter in words: the record's quantity, and for a Dirichlet component the
    state it is the probability of (``Case mix: time since SRS -- 9 to 18 months``)."""
    rec = model.records[par.record]
    quantity = rec.quantity
    if len(quantity) > LONG and " (" in quantity:  # the main clause; the rest is in JSON
        quantity = quantity.split(" (", 1)[0] if quantity.index(" (") > 20 else quantity
    if len(quantity) > LONG and ", " in quantity[:LONG + 20]:
        quantity = quantity[:quantity.rindex(", ", 0, LONG + 20)]
    if par.component is None:
        return quantity
    state = (rec.states or ())[par.component]
    homes = [n for n in model.nodes if state in model.states(n)
             and any(r.id == rec.id for r in model.records_for(n))]
    return f"{quantity} -- {labels.state(homes[0], state) if homes else state}"


def with_labels(model: CompiledModel, labels: Labels, table: pd.DataFrame,
                params: Sequence[Parameter]) -> pd.DataFrame:
    """``table`` (keyed by ``parameter``) with ``label`` (the parameter in words) and
    ``unit`` (probability or odds ratio) after ``parameter``."""
    by_name = {p.name: p for p in params}
    out = table.copy()
    names = list(out["parameter"])
    at = list(out.columns).index("parameter") + 1
    out.insert(at, "label", [parameter_label(model, labels, by_name[n]) for n in names])
    out.insert(at + 1, "unit", ["odds ratio" if model.records[by_name[n].record].family
                                == "lognormal" else "probability" for n in names])
    return out
