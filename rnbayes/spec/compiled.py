"""The compiled model: a validated spec, its records, and the point tables as an immutable
:class:`~rnbayes.engine.network.DiscreteNetwork`.

Nothing here changes after construction. A what-if makes a new object --
:meth:`CompiledModel.with_records` (other figures for some records; every table is
re-derived) or :meth:`CompiledModel.with_tables` (tables given directly) -- with its own
network, its own compiled-query caches and its own digest.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from .._params import fail as param_fail
from ..engine.frozen import FrozenMap
from ..engine.network import DiscreteNetwork, readonly, table_problem
from ..errors import EvidenceError, excerpt, suggest
from .catalog import Catalog
from .evidence import Finding, engine_evidence, parse_evidence
from .network import NetworkSpec
from .records import Record
from .refs import ref_ids
from .tables import point_tables
from .utilities import Utilities

M = TypeVar("M", bound="CompiledModel")


def model_digest(spec: NetworkSpec, records: Mapping[str, Record],
                 tables: Mapping[str, np.ndarray] | None = None) -> str:
    """Hash of the network spec, every prior record (numbers and sources) and any table
    given directly: it changes when any number does."""
    doc = {"spec": spec.digest,
           "records": {k: dict(r.raw) for k, r in sorted(records.items())}}
    h = hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode())
    for name in sorted(tables or {}):
        h.update(name.encode())
        h.update(np.ascontiguousarray(tables[name]).tobytes())  # type: ignore[index]
    return h.hexdigest()[:16]


@dataclass(frozen=True, eq=False)
class CompiledModel:
    """A spec, its records and its point tables; build it with :meth:`build`."""

    spec: NetworkSpec
    records: Mapping[str, Record]
    network: DiscreteNetwork = field(repr=False)
    digest: str
    network_path: Path | None = None
    priors_path: Path | None = None
    #: tables given directly with :meth:`with_tables` (not derived from records)
    given_tables: Mapping[str, np.ndarray] = field(default_factory=dict, repr=False)
    #: the candidate tests and utilities the analyses use when the caller gives none
    #: (set for a network read from a file; None means the files beside the network,
    #: else the bundled ones)
    default_catalog: Catalog | None = field(default=None, repr=False)
    default_utilities: Utilities | None = field(default=None, repr=False)

    @classmethod
    def build(cls: type[M], spec: NetworkSpec, records: Mapping[str, Record], *,
              network_path: Path | None = None, priors_path: Path | None = None,
              given_tables: Mapping[str, np.ndarray] | None = None,
              default_catalog: Catalog | None = None,
              default_utilities: Utilities | None = None) -> M:
        """Generate and check the point tables, and compile them into a network."""
        given = {k: readonly(v) for k, v in (given_tables or {}).items()}
        tables = {**point_tables(spec, records), **given}
        network = DiscreteNetwork(states={n: spec.states(n) for n in spec.order},
                                  parents={n: spec.parents(n) for n in spec.order},
                                  cpts=tables)
        return cls(spec=spec, records=FrozenMap(dict(records)), network=network,
                   digest=model_digest(spec, records, given),
                   network_path=Path(network_path) if network_path else None,
                   priors_path=Path(priors_path) if priors_path else None,
                   given_tables=FrozenMap(given), default_catalog=default_catalog,
                   default_utilities=default_utilities)

    # -- what-if -------------------------------------------------------------------
    def with_records(self: M, records: Mapping[str, Any]) -> M:
        """A new model with other figures for some records; every table is re-derived.

        Parameters
        ----------
        records : mapping of record id -> new value
            A number replaces the point value of a Beta (a probability in (0, 1)) or a
            log-normal odds ratio (> 0); a mapping state -> probability replaces the
            mean of a Dirichlet; the spread is kept (see :meth:`Record.with_point`).
            A :class:`~rnbayes.spec.records.Record` replaces the record outright.

        Raises
        ------
        ParameterError
            An unknown record id, or a value of the wrong form or out of range.
        """
        new = dict(self.records)
        for rid, value in records.items():
            new[rid] = self._override(rid, value)
        return type(self).build(self.spec, new, given_tables=self.given_tables,
                                **self._origin())

    def _override(self, rid: str, value: Any) -> Record:
        where = "Model.with_records"
        if rid not in self.records:
            raise param_fail("records", where, "a mapping whose keys are record ids of this "
                             "model", rid, suggest(str(rid), self.records))
        old = self.records[rid]
        if isinstance(value, Record):
            if value.family != old.family or value.states != old.states:
                raise param_fail("records", where, f"a record of family {old.family!r} "
                                 f"(states {old.states}) for {rid!r}", value.family)
            return value
        try:
            return old.with_point(value)
        except ValueError as exc:
            raise param_fail("records", where, str(exc), value) from None

    def with_tables(self: M, tables: Mapping[str, Any]) -> M:
        """A new model with some tables given directly (``(card, *parent cards)`` arrays,
        columns summing to 1). Nothing else is re-derived; the records of a given table no
        longer feed it (parameter draws leave it fixed).

        Raises
        ------
        ParameterError
            An unknown node, or a table of the wrong shape or not a distribution.
        """
        for node, arr in tables.items():
            if node not in self.network.card:
                raise param_fail("tables", "Model.with_tables", "a mapping whose keys are node "
                                 "names", node, suggest(str(node), self.nodes))
            shape = (self.network.card[node], *(self.network.card[p] for p in self.parents(node)))
            problem = table_problem(np.asarray(arr, dtype=float), shape)
            if problem:
                raise param_fail("tables", "Model.with_tables", f"valid tables ({node}: "
                                 f"{problem})", node)
        return type(self).build(self.spec, self.records,
                                given_tables={**self.given_tables, **tables}, **self._origin())

    def _origin(self) -> dict[str, Any]:
        """What a what-if model keeps of this one besides spec, records and tables."""
        return {"network_path": self.network_path, "priors_path": self.priors_path,
                "default_catalog": self.default_catalog,
                "default_utilities": self.default_utilities}

    # -- vocabulary ----------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def target(self) -> str:
        return self.spec.target

    @property
    def positive(self) -> str:
        """The target state decisions depend on (tumour progression)."""
        return self.spec.positive

    @property
    def positive_index(self) -> int:
        return self.spec.states(self.target).index(self.spec.positive)

    @property
    def nodes(self) -> tuple[str, ...]:
        """All node names in topological order (including the target and latent nodes)."""
        return self.spec.order

    @property
    def observable(self) -> tuple[str, ...]:
        """Nodes that can be given as evidence."""
        return self.spec.observable

    def _check_node(self, node: str) -> None:
        if node not in self.spec.nodes:
            raise EvidenceError(f"unknown node {excerpt(node)}{suggest(node, self.nodes)} "
                                f"(valid: {', '.join(self.nodes)})")

    def states(self, node: str) -> tuple[str, ...]:
        """State names of ``node``."""
        self._check_node(node)
        return self.spec.states(node)

    def parents(self, node: str) -> tuple[str, ...]:
        self._check_node(node)
        return self.spec.parents(node)

    def records_for(self, node: str) -> list[Record]:
        """The prior records feeding ``node``'s table, in spec order (none for a table
        given directly)."""
        self._check_node(node)
        if node in self.given_tables:
            return []
        seen: dict[str, None] = {}  # ordered, and fast for tables of thousands of columns
        for _, ref in self.spec.nodes[node].cpt.refs():
            seen.update(dict.fromkeys(ref_ids(ref)))
        return [self.records[r] for r in seen]

    def findings(self, evidence: Mapping[str, Any] | None) -> dict[str, Finding]:
        """Validate evidence (see :func:`rnbayes.posterior` for the accepted forms)."""
        return parse_evidence(self.spec, evidence)

    def engine_evidence(self, findings: Mapping[str, Finding]) -> dict[str, Any]:
        """Findings as the engine takes them: node -> state index or likelihood vector."""
        return engine_evidence(self.spec, findings)

    def catalog_default(self) -> Catalog | Path | None:
        """The catalogue used when the caller gives none: the model's own (a network
        read from a file), else ``tests.yaml`` beside the network, else None (bundled)."""
        return self.default_catalog if self.default_catalog is not None else self.catalog_path()

    def catalog_path(self) -> Path | None:
        """``tests.yaml`` beside the network file, if there is one."""
        if self.network_path is None:
            return None
        path = self.network_path.parent / "tests.yaml"
        return path if path.is_file() else None
