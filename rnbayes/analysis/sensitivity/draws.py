"""Parameter draws of a model: which records to draw, and their batched tables.

* **draw only what matters** -- :func:`ancestral_records` lists the records feeding the
  tables of a query's ancestral set; tables of other nodes are never rebuilt;
* **chunked generation** -- tables are regenerated for a few hundred draws at a time, so
  the calibrated log-odds table (thousands of parent configurations per draw) stays in
  cache instead of becoming a gigabyte array; chunks run on two threads;
* the generic engine then absorbs single-child roots and answers every draw in one
  contraction (:mod:`rnbayes.engine.draws`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from ...engine.draws import DrawnNetwork, absorb_roots
from ...engine.network import is_batched
from ...spec.compiled import CompiledModel
from ...spec.tables import Values, generate_table, point_values


def ancestral_records(model: CompiledModel, nodes: Sequence[str]) -> list[str]:
    """Ids of the records that feed the tables of ``nodes`` and their ancestors."""
    keep = model.network.ancestors(list(nodes))
    out: list[str] = []
    for n in model.nodes:
        if n in keep:
            for r in model.records_for(n):
                if r.id not in out:
                    out.append(r.id)
    return out


def build_subset(model: CompiledModel, values: Values, nodes: Sequence[str],
                 drawn: set[str]) -> dict[str, np.ndarray]:
    """Tables of the ancestral set of ``nodes``: a table is regenerated (batched) when a
    ``drawn`` record feeds it or a table it derives from was regenerated; the rest are
    the model's point tables (unbatched). Tables given directly are never regenerated."""
    keep = model.network.ancestors(list(nodes))
    gen_tables: dict[str, np.ndarray] = {}  # generator view: batch axis always present
    out: dict[str, np.ndarray] = {}
    changed: set[str] = set()
    for name in model.spec.order:
        if name not in keep:
            continue
        node = model.spec.nodes[name]
        own = {r.id for r in model.records_for(name)}
        deps = set(node.cpt.depends_on(node, model.spec.nodes))
        if name not in model.given_tables and (own & drawn or deps & changed):
            arr = generate_table(model.spec, model.records, name, values, gen_tables)
            changed.add(name)
            gen_tables[name] = arr
            out[name] = arr
        else:
            point = model.network.cpts[name]
            gen_tables[name] = point[None]
            out[name] = point
    return out


def drawn_network(model: CompiledModel, evidence: Mapping[str, Any], targets: Sequence[str], *,
                  draws: Mapping[str, np.ndarray], batch: int, chunk: int = 256,
                  workers: int = 2, on_chunk: Callable[[int], None] | None = None
                  ) -> DrawnNetwork:
    """Build batched tables from ``draws`` (record id -> ``(B,)`` or ``(B, k)``; records not
    given stay at their point value), chunk by chunk, absorbing single-child roots.

    ``targets`` are every node any later query will ask about (they are never absorbed).
    """
    points = point_values(model.records)
    drawn = set(draws)
    need = list(targets) + list(evidence)

    def one(sl: slice) -> Any:
        def values(rid: str) -> np.ndarray:
            return draws[rid][sl] if rid in draws else points(rid)

        tabs = build_subset(model, values, need, drawn)
        out = absorb_roots(model.network, tabs, evidence, list(targets))
        if on_chunk is not None:
            on_chunk(sl.stop - sl.start)
        return out

    slices = [slice(s, min(s + chunk, batch)) for s in range(0, batch, chunk)]
    if workers > 1 and len(slices) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(one, slices))
    else:
        parts = [one(sl) for sl in slices]
    small, _, ev = parts[0]
    tables: dict[str, np.ndarray] = {}
    for n in small.nodes:
        first = parts[0][1][n]
        if is_batched(first, len(small.parents[n])):
            tables[n] = np.concatenate([p[1][n] for p in parts], axis=0)
        else:
            tables[n] = first
    return DrawnNetwork(small, tables, ev, batch)
