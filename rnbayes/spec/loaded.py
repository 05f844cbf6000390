"""A network read from a file (BIF, XMLBIF, XDSL, NET, UAI) as a spec the analyses run on.

A file holds tables but no sources, so each column of a table (one parent
configuration) becomes one Dirichlet record centred on the file's probabilities with a
stated **equivalent sample size** (``ess``): ``alpha = ess x p``, as if the column had been
estimated from ``ess`` cases with that parent configuration. The point tables are the
file's tables (each column renormalised, so files rounded to a few decimals still sum to
1); the spread feeds :meth:`~rnbayes.Model.sensitivity`. Structural zeros stay zero in
every draw (the Dirichlet covers only the states with probability > 0), and a column that
puts all its mass on one state is fixed.

The diagnosis the analyses are about (the *target*) and its *positive* state come from
the caller, else from the file: the one node in group ``target`` (files rnbayes writes),
with its last state as the positive one; else a target state named like a positive
finding (``yes``, ``true``, ``present``, ``positive``, ``abnormal``).
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from .._params import fail
from ..engine.frozen import FrozenMap
from ..engine.network import readonly
from ..errors import ParameterError, suggest
from .formats import NetworkData
from .generators.base import BuildContext, CheckContext, Generator, broadcast_batch
from .layout import group_key
from .network import NetworkSpec, NodeSpec
from .records import Record
from .refs import RecordRef

#: equivalent sample size per parent configuration when none is given
DEFAULT_ESS = 10.0
#: state names read as the positive state of a target that is not marked in the file
POSITIVE_WORDS = ("yes", "true", "present", "positive", "abnormal")
#: the ``file`` of the utilities a network file gets when none are given
UTILITY_FILE = "default for a network file: 1 for a correct call, 0 for a wrong one"


@dataclass(frozen=True)
class Column:
    """One column of a table: its parent states, the Dirichlet record drawn for it (None
    when the column is fixed) and the child states with probability > 0."""

    config: tuple[int, ...]
    record: str | None
    support: tuple[int, ...]


@dataclass(frozen=True, eq=False)
class FileTable(Generator):
    """A table read from a file: each column one Dirichlet record (or fixed).

    Not registered: it is never written in a network YAML, only built by
    :func:`spec_from_data`. Columns with the same support are filled in one step, so a
    table of thousands of columns builds in a few array operations.
    """

    name: ClassVar[str] = "file_table"
    schema: ClassVar[dict[str, Any]] = {}

    table: np.ndarray
    columns: tuple[Column, ...]

    def __post_init__(self) -> None:
        flat_shape = self.table.shape[1:]
        by_support: dict[tuple[int, ...], list[tuple[int, str]]] = {}
        for c in self.columns:
            if c.record is not None:
                flat = int(np.ravel_multi_index(c.config, flat_shape)) if c.config else 0
                by_support.setdefault(c.support, []).append((flat, c.record))
        groups = tuple((support, np.array([f for f, _ in cols], dtype=np.intp),
                        tuple(r for _, r in cols)) for support, cols in by_support.items())
        object.__setattr__(self, "_groups", groups)
        object.__setattr__(self, "_refs", tuple(
            (f"columns[{i}]", RecordRef(c.record)) for i, c in enumerate(self.columns)
            if c.record is not None))

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> FileTable:
        raise TypeError("a file_table is built from a network file, not parsed from YAML")

    def check(self, ctx: CheckContext) -> None:
        """Nothing to check: :class:`~rnbayes.spec.formats.NetworkData` checked the file."""

    def refs(self) -> tuple[tuple[str, RecordRef], ...]:
        return self._refs  # type: ignore[attr-defined]

    def build(self, ctx: BuildContext) -> np.ndarray:
        groups = [(support, cols, [ctx.values(r) for r in rids])
                  for support, cols, rids in self._groups]  # type: ignore[attr-defined]
        batch = broadcast_batch(*(v for _, _, vals in groups for v in vals))
        card = self.table.shape[0]
        flat = self.table.reshape(card, -1)
        out = np.broadcast_to(flat, (batch, *flat.shape)).copy()
        for support, cols, vals in groups:
            drawn = np.array([v.shape[0] > 1 for v in vals])
            for pick, many in ((~drawn, False), (drawn, True)):
                if not pick.any():
                    continue
                chosen = [v for v, keep in zip(vals, pick) if keep]
                # point values: (n, k), the same in every row; drawn ones: (batch, n, k)
                block = np.stack(chosen, axis=1) if many else np.concatenate(chosen)[None]
                for j, state in enumerate(support):
                    out[:, state, cols[pick]] = block[:, :, j]
        return out.reshape(batch, *self.table.shape)

    def entry_of(self, ctx: CheckContext, record: str, component: int | None
                 ) -> tuple[int, ...] | None:
        col = next((c for c in self.columns if c.record == record), None)
        if col is None or component is None:
            return None
        return (col.support[component], *col.config)


def spec_from_data(data: NetworkData, *, file: str, target: str | None = None,
                   positive: str | None = None, ess: float = DEFAULT_ESS
                   ) -> tuple[NetworkSpec, dict[str, Record]]:
    """The spec and the records of a network read from ``file``.

    Raises
    ------
    ParameterError
        No target or positive state given and none can be told from the file (the
        message says how to give them), an unknown node or state, or a bad ``ess``.

    Examples
    --------
    >>> import numpy as np
    >>> data = NetworkData("t", states={"d": ("no", "yes"), "x": ("neg", "pos")},
    ...                    parents={"d": (), "x": ("d",)},
    ...                    cpts={"d": [0.7, 0.3], "x": [[0.9, 0.2], [0.1, 0.8]]})
    >>> spec, records = spec_from_data(data, file="t.bif", target="d")
    >>> spec.positive, sorted(records)
    ('yes', ['P(d)', 'P(x | d=no)', 'P(x | d=yes)'])
    >>> records["P(x | d=yes)"].params["alpha"]
    (2.0, 8.0)
    """
    if isinstance(ess, bool) or not isinstance(ess, (int, float)) or not (
            math.isfinite(ess) and ess > 0):
        raise fail("ess", "load_network", "a positive number (the equivalent sample size "
                   "of each parent configuration)", ess)
    target, positive = choose_target(data, file, target, positive)
    records: dict[str, Record] = {}
    nodes = {}
    for n in data.nodes:
        table, columns = _columns(data, n, file, float(ess), records)
        nodes[n] = NodeSpec(name=n, group=data.groups.get(n, ""),
                            description=data.descriptions.get(n, ""), states=data.states[n],
                            parents=data.parents[n],
                            latent=group_key(data.groups.get(n, "")) == "latent",
                            cpt=FileTable(table=table, columns=columns))
    h = hashlib.sha256(f"{file}|{data.name}|{ess}|{target}|{positive}".encode())
    for n in data.nodes:
        h.update(repr((n, data.states[n], data.parents[n])).encode())
        h.update(np.ascontiguousarray(data.cpts[n]).tobytes())
    spec = NetworkSpec(name=data.name or file, file=file, target=target, positive=positive,
                       description=data.description, nodes=FrozenMap(nodes), order=data.nodes,
                       measures=FrozenMap({}), digest=h.hexdigest()[:16])
    return spec, records


def _columns(data: NetworkData, node: str, file: str, ess: float,
             records: dict[str, Record]) -> tuple[np.ndarray, tuple[Column, ...]]:
    """The renormalised table of ``node`` and one :class:`Column` per parent configuration
    (its Dirichlet record added to ``records``)."""
    states, parents = data.states[node], data.parents[node]
    raw = np.asarray(data.cpts[node], dtype=float)
    table = raw / raw.sum(axis=0, keepdims=True)
    columns = []
    for config in itertools.product(*(range(data.card(p)) for p in parents)):
        p = table[(slice(None), *config)]
        support = tuple(int(i) for i in np.flatnonzero(p > 0))
        rid = None
        if len(support) > 1:
            given = ", ".join(f"{q}={data.states[q][i]}" for q, i in zip(parents, config))
            rid = f"P({node} | {given})" if given else f"P({node})"
            records[rid] = _record(rid, file, ess, {states[i]: float(p[i]) for i in support})
        columns.append(Column(config=tuple(config), record=rid, support=support))
    return readonly(table), tuple(columns)


def _record(rid: str, file: str, ess: float, mean: dict[str, float]) -> Record:
    derivation = (f"the table in {file}; Dirichlet with equivalent sample size {ess:g} per "
                  f"parent configuration (alpha = {ess:g} x p)")
    raw = {"quantity": f"{rid} in {file}", "basis": "derived", "derivation": derivation,
           "distribution": {"family": "dirichlet", "mean": mean, "n_eff": ess}}
    return Record(id=rid, file=file, quantity=raw["quantity"], basis="derived",
                  family="dirichlet",
                  params=FrozenMap({"alpha": tuple(ess * v for v in mean.values())}),
                  # the short citation every output shows: the file and the stated ess
                  sources=(FrozenMap({"first_author": f"{file} (ess {ess:g})",
                                      "citation": f"table in {file}"}),),
                  states=tuple(mean), derivation=derivation, raw=FrozenMap(raw))


def choose_target(data: NetworkData, file: str, target: str | None,
                  positive: str | None) -> tuple[str, str]:
    """The target node and its positive state: as given, else as the file marks them."""
    nodes = list(data.nodes)
    marked = False
    if target is None:
        tagged = [n for n in nodes if group_key(data.groups.get(n, "")) == "target"]
        if len(tagged) != 1:
            raise ParameterError(
                f"{file} does not say which node is the diagnosis to analyse: give it with "
                f"target='NODE' (command line: --target NODE); nodes: {_listed(nodes)}")
        target, marked = tagged[0], True
    elif target not in data.states:
        raise fail("target", "load_network", f"a node of {file}: {_listed(nodes)}", target,
                   suggest(str(target), nodes))
    states = list(data.states[target])
    if positive is None:
        words = [s for s in states if s.lower() in POSITIVE_WORDS]
        if marked and len(states) == 2:
            positive = states[-1]
        elif len(words) == 1:
            positive = words[0]
        else:
            raise ParameterError(
                f"{file}: which state of {target!r} is the positive one (the one decisions "
                f"and P(...) refer to)? Give it with positive='STATE' (command line: "
                f"--positive STATE); states: {states}")
    elif positive not in states:
        raise fail("positive", "load_network", f"a state of {target!r}: {states}", positive,
                   suggest(str(positive), states))
    return target, positive


def _listed(names: list[str], most: int = 12) -> str:
    shown = ", ".join(names[:most])
    return shown + (f", ... ({len(names)} nodes)" if len(names) > most else "")
