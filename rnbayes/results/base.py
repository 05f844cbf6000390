"""The contract every result shares.

A result is a frozen dataclass holding already-computed numbers and tables, plus
:class:`Provenance` (network name, digest, package versions, seed). Every result has

* ``to_dict()`` -- JSON-safe (``json.dumps`` works on it), with ``provenance`` and the
  research-use notice;
* ``to_frame()`` -- its main table as a DataFrame (a copy);
* ``summary()`` -- plain text (also ``str(result)``);
* ``_repr_html_()`` -- the notebook view;
* ``==`` -- same type and same ``to_dict()``; it never raises (DataFrames inside are
  compared through their JSON form). Results are not hashable.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._provenance import NOTICE, package_versions
from ..engine.frozen import FrozenMap
from ..spec.labels import Labels
from .render import jsonable

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Provenance:
    """Where a result came from.

    Examples
    --------
    >>> p = Provenance.of("rn_vs_ttp", "abc123", seed=0)
    >>> p.to_dict()["digest"], "numpy_version" in p.versions
    ('abc123', True)
    """

    network: str
    digest: str
    versions: Mapping[str, str] = field(default_factory=dict)
    seed: int | None = None

    @classmethod
    def of(cls, network: str, digest: str, *, seed: int | None = None) -> Provenance:
        """Provenance with the installed package versions."""
        return cls(network, digest, FrozenMap(dict(package_versions())), seed)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.network, "digest": self.digest, **self.versions}
        if self.seed is not None:
            out["seed"] = self.seed
        return out


@dataclass(frozen=True, eq=False, kw_only=True)
class Result(ABC):
    """Base of :class:`~rnbayes.Posterior`, :class:`~rnbayes.ValueOfInformation` and
    :class:`~rnbayes.Sensitivity` (see the module docstring for the contract)."""

    provenance: Provenance
    evidence: Mapping[str, Any] = field(default_factory=dict)
    #: the words shown to people for nodes and states (identifiers stay in ``to_dict``)
    labels: Labels = field(default_factory=Labels, repr=False)

    @abstractmethod
    def _content(self) -> dict[str, Any]:
        """The result's own JSON-safe fields (without provenance and notice)."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dictionary: the result, ``evidence``, ``model`` (provenance), ``notice``."""
        return {**self._content(), "evidence": jsonable(self.evidence),
                "model": jsonable(self.provenance.to_dict()), "notice": NOTICE}

    @abstractmethod
    def to_frame(self) -> pd.DataFrame:
        """The result's main table (a copy)."""

    @abstractmethod
    def summary(self) -> str:
        """Plain text for a terminal."""

    @abstractmethod
    def _repr_html_(self) -> str:
        """HTML for a notebook."""

    @property
    def model_name(self) -> str:
        return self.provenance.network

    @property
    def model_digest(self) -> str:
        return self.provenance.digest

    def __str__(self) -> str:
        return self.summary()

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.to_dict() == other.to_dict()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]
