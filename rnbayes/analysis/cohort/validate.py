"""Validating a model on a cohort with known outcomes, and updating it with one.

Both read the table the same way: the outcome column must hold the target's two states
in every row (anything else is an error naming the rows); rows with a bad finding are
left out, counted in a note (a warning), and every other row is used.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...engine.rows import MISSING, RowEvidence, row_query
from ...errors import RnbayesWarning, SpecError
from ...results.base import Provenance
from ...results.validation import Validation
from ...spec.compiled import CompiledModel
from ...spec.utilities import Utilities, resolve_utilities
from .missingness import imaging_available, model_rates
from .scoring import progress_bar
from .stream import Collected, collect
from .update import update_records
from .validation import validate_predictions


def read_outcome_cohort(model: CompiledModel, data: Any, outcome: str, *,
                        id_column: str | None = None, passthrough: Sequence[str] = (),
                        allow_empty: bool = False, chunksize: int | None = None) -> Collected:
    """The checked cohort with its outcome (a file read in chunks); bad rows reported once
    as a warning."""
    col = collect(model, data, outcome=outcome, id_column=id_column, passthrough=passthrough,
                  allow_empty=allow_empty, chunksize=chunksize)
    for note in col.warnings:
        warnings.warn(note, RnbayesWarning, stacklevel=4)
    bad = col.bad()
    if bad.any():
        e = col.errors().iloc[0]
        warnings.warn(f"{int(bad.sum()):,} of {col.n:,} rows left out for bad values "
                      f"(first: row {e['row']}, {e['column']}={e['value']!r}: {e['reason']})",
                      RnbayesWarning, stacklevel=4)
    return col


def decision_threshold(u: Utilities) -> tuple[float | None, str]:
    """Where the utilities switch to the action taken for the positive state (the action
    best at P = 1), and a label for it."""
    act = u.best_action(1.0)
    into = [t for t in u.thresholds() if t.above == act]
    if not into:
        return None, ""
    t = into[-1]
    return float(t.p), f"{t.below.replace('_', ' ')} \u2192 {t.above.replace('_', ' ')}"


def imaging_groups(model: CompiledModel, ev: RowEvidence) -> pd.Series | None:
    """Each row's imaging tier (None when the model has no tiers that fit its tests)."""
    try:
        rates = model_rates(model)
    except SpecError:
        return None
    if not rates.imaging_tiers:
        return None
    recorded = pd.DataFrame({v: c != MISSING for v, c in ev.codes.items()})
    return imaging_available(recorded, rates)


def validate_cohort(model: CompiledModel, data: Any, *, outcome: str,
                    id_column: str | None = None, passthrough: Sequence[str] = (),
                    utilities: Utilities | str | Path | None = None, n_boot: int = 2000,
                    seed: int = 0, level: float = 0.95, n_bins: int = 10,
                    strategy: str = "uniform", progress: bool | None = None,
                    chunksize: int | None = None) -> Validation:
    """See :meth:`rnbayes.Model.validate`."""
    u = resolve_utilities(utilities, "validate")
    col = read_outcome_cohort(model, data, outcome, id_column=id_column,
                              passthrough=passthrough, chunksize=chunksize)
    bad = col.bad()
    good = np.flatnonzero(~bad)
    ev = col.evidence().rows(good)
    with progress_bar(len(good), progress, "scoring") as update:
        post, p_e = row_query(model.network, [model.target], ev, on_chunk=update)
    ok = p_e > 0
    p = post[ok, model.positive_index]
    y = (col.outcome()[good][ok] == model.positive_index).astype(int)
    used = ev.rows(np.flatnonzero(ok))
    groups = imaging_groups(model, used)
    threshold, label = decision_threshold(u)
    states = model.states(model.target)
    v = validate_predictions(
        p, y, groups=None if groups is None else groups.reset_index(drop=True),
        threshold=threshold, threshold_label=label, n_boot=n_boot, seed=seed, level=level,
        n_bins=n_bins, strategy=strategy, group_name="imaging available",
        labels=(states[1 - model.positive_index], states[model.positive_index]),
        provenance=Provenance.of(model.name, model.digest, seed=seed))
    recorded = {node: float(np.mean(used.codes[node] != MISSING)) for node in model.nodes
                if node in used.codes} if used.n else {}
    local = sum("local_update" in r.raw for r in model.records.values())
    v = dataclasses.replace(v, recorded=recorded,
                            recorded_labels={n: model.labels.node(n) for n in recorded},
                            settings={**v.settings, "local_records": local})
    left = int(bad.sum()) + int((~ok).sum())
    if left:
        note = (f"{left:,} of {col.n:,} rows left out ({int(bad.sum()):,} with bad "
                f"values, {int((~ok).sum()):,} with findings impossible under the model)")
        v = dataclasses.replace(v, notes=(*v.notes, note))
    return v


def update_cohort(model: CompiledModel, data: Any, *, outcome: str, weight: float = 1.0,
                  id_column: str | None = None, passthrough: Sequence[str] = (),
                  max_iter: int = 100, tol: float = 1e-8, chunksize: int | None = None
                  ) -> tuple[CompiledModel, dict[str, Any]]:
    """See :meth:`rnbayes.Model.update`; also returns the report of what was updated."""
    col = read_outcome_cohort(model, data, outcome, id_column=id_column,
                              passthrough=passthrough, allow_empty=True, chunksize=chunksize)
    bad = col.bad()
    ev = col.evidence()
    ev = RowEvidence({**ev.codes, model.target: col.outcome()}, ev.soft).rows(np.flatnonzero(~bad))
    name = Path(data).name if isinstance(data, (str, Path)) else ""
    new, report = update_records(model, ev, weight=weight, max_iter=max_iter, tol=tol,
                                 data=name, outcome=outcome)
    report["bad_rows"] = int(bad.sum())
    return new, report
