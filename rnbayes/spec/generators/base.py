"""The generator contract and registry.

A CPT generator turns record values into one node's conditional probability table. Each
generator is one registered class that holds everything about it:

* ``name`` and ``schema`` -- its key in ``cpt: {generator: ...}`` and the JSON Schema
  fragment of its fields (assembled into ``network.json``);
* :meth:`Generator.parse` -- the typed object from a schema-valid mapping;
* :meth:`Generator.check` -- its semantic checks (stage 2: parents, states, records);
* :meth:`Generator.refs` -- the record references it holds, with their paths;
* :meth:`Generator.depends_on` -- other tables it reads (they are built first; a
  parameter draw that changes one of them rebuilds this table too);
* :meth:`Generator.build` -- the table, batched over parameter draws.

Every generator works on a batch of parameter values at once: ``values(record_id)``
returns ``(B,)`` (Beta, log-normal) or ``(B, k)`` (Dirichlet) and a table comes back as
``(B, card(child), *card(parents))``, parents in the node's declared order.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import numpy as np

from ...errors import SemanticError
from ..records import Record
from ..refs import DistributionRef

Values = Callable[[str], np.ndarray]
_UNSET: Any = object()


class NodeLike(Protocol):
    """What a generator reads about a node (:class:`~rnbayes.spec.network.NodeSpec`)."""

    name: str
    states: tuple[str, ...]
    parents: tuple[str, ...]
    latent: bool


@dataclass(frozen=True)
class CheckContext:
    """What a semantic check sees: the node, every node, the records; and how to fail."""

    file: str
    node: NodeLike
    nodes: Mapping[str, NodeLike]
    records: Mapping[str, Record]

    def fail(self, sub: str, message: str, value: Any = _UNSET) -> SemanticError:
        """A SemanticError at ``nodes.<node>.cpt.<sub>``."""
        path = f"nodes.{self.node.name}.cpt" + (f".{sub}" if sub else "")
        return SemanticError(message, file=self.file, path=path,
                             **({} if value is _UNSET else {"value": value}))

    def states(self, node: str) -> tuple[str, ...]:
        return self.nodes[node].states


@dataclass(frozen=True)
class BuildContext:
    """What a build sees: the node, every node, record values and earlier tables."""

    node: NodeLike
    nodes: Mapping[str, NodeLike]
    values: Values
    records: Mapping[str, Record]
    tables: Mapping[str, np.ndarray]  # batched tables of nodes built before this one

    @property
    def child_states(self) -> list[str]:
        return list(self.node.states)

    @property
    def parents(self) -> list[str]:
        return list(self.node.parents)

    @property
    def parent_states(self) -> list[list[str]]:
        return [list(self.nodes[p].states) for p in self.node.parents]

    def table(self, name: str) -> np.ndarray:
        """An earlier node's batched table; a root's as ``(B, card)``."""
        t = self.tables[name]
        return t.reshape(t.shape[0], -1) if not self.nodes[name].parents else t


class Generator(ABC):
    """Base of every CPT generator (see the module docstring for the contract)."""

    name: ClassVar[str]
    schema: ClassVar[dict[str, Any]]

    @classmethod
    @abstractmethod
    def parse(cls, raw: Mapping[str, Any]) -> Generator:
        """The typed generator from a schema-valid ``cpt`` mapping."""

    @abstractmethod
    def check(self, ctx: CheckContext) -> None:
        """Raise :class:`~rnbayes.errors.SemanticError` if the node's spec is inconsistent."""

    @abstractmethod
    def refs(self) -> tuple[tuple[str, DistributionRef | str], ...]:
        """Every ``(path below cpt, reference)`` this generator holds, in spec order."""

    def depends_on(self, node: NodeLike, nodes: Mapping[str, NodeLike]) -> tuple[str, ...]:
        """Nodes whose tables this one is derived from (none by default); ``nodes`` is
        every node of the network (a table built from a marginal depends on every
        ancestor)."""
        return ()

    @abstractmethod
    def build(self, ctx: BuildContext) -> np.ndarray:
        """The node's table, batched: ``(B, card(child), *card(parents))``."""

    def check_point(self, ctx: CheckContext, tables: Mapping[str, np.ndarray]) -> None:  # noqa: B027
        """A check of the point tables (after they are built); nothing by default."""

    def entry_of(self, ctx: CheckContext, record: str, component: int | None
                 ) -> tuple[int, ...] | None:
        """The one table entry (child state, *parent states) that ``record`` (component)
        sets directly and alone, if there is one (used by exact one-way sensitivity)."""
        return None


#: generator name -> class, in registration order
GENERATORS: dict[str, type[Generator]] = {}


def register(cls: type[Generator]) -> type[Generator]:
    """Class decorator adding a generator to :data:`GENERATORS`."""
    if cls.name in GENERATORS:
        raise ValueError(f"generator {cls.name!r} is registered twice")
    GENERATORS[cls.name] = cls
    return cls


def parse_cpt(raw: Mapping[str, Any]) -> Generator:
    """The registered generator named by ``raw["generator"]``, parsed."""
    return GENERATORS[raw["generator"]].parse(raw)


def point_values(records: Mapping[str, Record]) -> Values:
    """``values`` returning each record's point value with a batch axis of 1."""
    cache: dict[str, np.ndarray] = {}

    def values(rid: str) -> np.ndarray:
        if rid not in cache:
            v = np.asarray(records[rid].point(), dtype=float)
            cache[rid] = v.reshape(1, *v.shape)
        return cache[rid]

    return values


def broadcast_batch(*arrays: np.ndarray) -> int:
    """The batch size of arrays whose first axis is a batch of B draws or 1 (a point
    value); drawn and point values mix when only some records are drawn."""
    return max([1, *(np.shape(a)[0] for a in arrays)])
