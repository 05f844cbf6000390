"""Tables from records: every node's CPT generated from record values, batched.

``values(record_id)`` gives a record's values with a leading batch axis: ``(B,)`` or
``(B, k)`` -- B parameter draws, or 1 for the point values (:func:`point_values`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from ..engine.network import table_problem
from ..errors import SemanticError
from .generators import BuildContext, CheckContext
from .generators.base import point_values
from .network import NetworkSpec
from .records import Record

Values = Callable[[str], np.ndarray]


def generate_table(spec: NetworkSpec, records: Mapping[str, Record], name: str,
                   values: Values, tables: Mapping[str, np.ndarray]) -> np.ndarray:
    """``name``'s table, batched, from ``values``; ``tables`` holds the (batched) tables
    already generated for the nodes it depends on."""
    node = spec.nodes[name]
    ctx = BuildContext(node=node, nodes=spec.nodes, values=values, records=records,
                       tables=tables)
    return node.cpt.build(ctx)


def build_tables(spec: NetworkSpec, records: Mapping[str, Record],
                 values: Values) -> dict[str, np.ndarray]:
    """Generate every table, batched: ``(B, card, *parent_cards)`` per node."""
    tables: dict[str, np.ndarray] = {}
    for name in spec.order:
        tables[name] = generate_table(spec, records, name, values, tables)
    return tables


def point_tables(spec: NetworkSpec, records: Mapping[str, Record]) -> dict[str, np.ndarray]:
    """Every table at the records' point values, checked (stage 2): the right shape,
    entries in [0, 1], columns summing to 1 within 1e-9, and each generator's own check
    of the point tables (a latent test must be able to keep its published accuracy)."""
    tables = {k: v[0] for k, v in build_tables(spec, records, point_values(records)).items()}
    for name in spec.order:
        want = (len(spec.states(name)), *(len(spec.states(q)) for q in spec.parents(name)))
        problem = table_problem(tables[name], want)
        if problem:
            raise SemanticError(f"generated {problem}", file=spec.file, path=f"nodes.{name}.cpt")
    for name in spec.order:
        node = spec.nodes[name]
        node.cpt.check_point(CheckContext(spec.file, node, spec.nodes, records), tables)
    return tables
