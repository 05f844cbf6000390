"""The catalogue of additional tests (``networks/tests.yaml``): what each reveals and costs.

A test reveals one or more network nodes at once (FET PET gives ``fet_tbr`` and
``fet_curve``). Its cost in utility points (the scale of ``priors/utilities.yaml``) is a
judgement; a test may also carry a *waiting* loss charged in proportion to P(positive)
at the time it is chosen (the follow-up MRI: active tumour grows while one waits). The
document form is the ``tests.json`` schema.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._params import check_names, fail
from ..engine.frozen import FrozenMap
from ..errors import SemanticError, excerpt, suggest
from .resources import cache_key, data_dir, file_identity
from .yamlio import FileCache, load_document

_CACHE = FileCache(8)


@dataclass(frozen=True)
class CandidateTest:
    """One candidate test.

    Attributes
    ----------
    id, label : str
    reveals : tuple of node names observed together when the test is done
    cost : float
        Fixed cost in utility points (a judgement unless ``cost_basis`` says otherwise).
    waiting_loss : float
        Extra loss in utility points if the positive state (tumour) is true, charged
        as ``waiting_loss * P(positive)``; 0 for tests with no wait.
    """

    id: str
    reveals: tuple[str, ...]
    cost: float = 0.0
    label: str = ""
    waiting_loss: float = 0.0
    cost_basis: str = "judgement"
    cost_reasoning: str = ""
    waiting_reasoning: str = ""
    burden: Mapping[str, Any] = field(default_factory=dict, compare=False)
    sources: tuple[Mapping[str, Any], ...] = field(default=(), compare=False)

    def total_cost(self, p_positive: Any) -> Any:
        """Cost in utility points when chosen at ``P(positive) = p_positive``."""
        return self.cost + self.waiting_loss * p_positive

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label or self.id, "reveals": list(self.reveals),
                "cost": self.cost, "cost_basis": self.cost_basis,
                "cost_reasoning": self.cost_reasoning, "waiting_loss": self.waiting_loss,
                "waiting_reasoning": self.waiting_reasoning, "burden": dict(self.burden),
                "sources": [dict(s) for s in self.sources]}


@dataclass(frozen=True)
class Catalog:
    """An ordered collection of :class:`CandidateTest` loaded from YAML.

    Examples
    --------
    >>> cat = load_catalog()
    >>> cat["fet_pet"].reveals
    ('fet_tbr', 'fet_curve')
    >>> cat.select(["fet_pett"])
    Traceback (most recent call last):
    ...
    rnbayes.errors.ParameterError: The 'tests' parameter ... Got 'fet_pett' instead. Did you mean 'fet_pet'?
    """

    tests: tuple[CandidateTest, ...]
    file: str = ""
    scale: str = ""
    #: the file as a report names it (``tests.yaml (bundled)``, or name and digest)
    source: str = ""

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.tests)

    def __getitem__(self, name: str) -> CandidateTest:
        return self.select([name])[0]

    def __iter__(self) -> Iterator[CandidateTest]:
        return iter(self.tests)

    def __len__(self) -> int:
        return len(self.tests)

    def select(self, names: Iterable[str] | None, caller: str = "value_of_information"
               ) -> tuple[CandidateTest, ...]:
        """The tests named in ``names`` (all when None), in the order given.

        Raises
        ------
        ParameterError
            An unknown test name (with the closest valid names suggested).
        """
        chosen = check_names(names, "tests", caller, self.ids)
        if chosen is None:
            return self.tests
        by_id = {t.id: t for t in self.tests}
        return tuple(by_id[n] for n in dict.fromkeys(chosen))

    def check(self, nodes: Sequence[str], latent: Iterable[str] = (),
              target: str | None = None) -> None:
        """Check every revealed node exists in the network and is observable (neither
        latent nor the ``target``, which the tests are meant to inform).

        Raises
        ------
        SemanticError
            A test reveals an unknown or latent node, or the target.
        """
        latent = set(latent)
        for t in self.tests:
            for k, n in enumerate(t.reveals):
                where = {"file": self.file, "path": f"tests.{t.id}.reveals[{k}]", "value": n}
                if n not in nodes:
                    raise SemanticError(f"unknown node {excerpt(n)}{suggest(n, nodes)}", **where)
                if n in latent:
                    raise SemanticError(f"{n!r} is a latent node and cannot be revealed", **where)
                if n == target:
                    raise SemanticError(f"{n!r} is the diagnosis the tests are meant to inform; "
                                        "a test cannot reveal it", **where)


def default_catalog_path() -> Path:
    return data_dir("networks") / "tests.yaml"


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Load and validate a test catalogue (default: the bundled ``networks/tests.yaml``).

    Unchanged files are read once.

    Raises
    ------
    SchemaError
        Missing file, malformed YAML, or a test with a bad field (the message names the
        file, the path such as ``tests.fet_pet.utility_cost.value`` and the bad value).

    Examples
    --------
    >>> "follow_up_mri" in load_catalog().ids
    True
    """
    p = Path(path) if path is not None else default_catalog_path()
    return _CACHE.get(cache_key(p), lambda: [p], lambda: _read(p))


def _read(p: Path) -> Catalog:
    doc = load_document(p, "tests")
    tests = []
    for tid, d in doc["tests"].items():
        uc, wait = d["utility_cost"], d.get("waiting") or {}
        tests.append(CandidateTest(
            id=tid, reveals=tuple(d["reveals"]), cost=float(uc["value"]),
            label=str(d.get("label", tid)),
            waiting_loss=float(wait.get("loss_if_progression", 0.0)),
            cost_basis=uc.get("basis", "judgement"), cost_reasoning=str(uc.get("reasoning", "")),
            waiting_reasoning=str(wait.get("reasoning", "")),
            burden=FrozenMap(dict(d.get("burden") or {})),
            sources=tuple(FrozenMap(dict(s)) for s in d.get("sources", ()))))
    return Catalog(tests=tuple(tests), file=str(p), scale=str(doc.get("scale", "")),
                   source=file_identity(p))


def resolve_catalog(value: Catalog | str | Path | None, caller: str,
                    default: Catalog | Path | None = None) -> Catalog:
    """The ``catalog`` parameter of an analysis: a :class:`Catalog`, a YAML path, or None
    (``default``, else the bundled catalogue)."""
    if isinstance(value, Catalog):
        return value
    if value is None:
        return default if isinstance(default, Catalog) else load_catalog(default)
    if isinstance(value, (str, Path)) and Path(value).is_file():
        return load_catalog(value)
    if isinstance(value, (str, Path)):
        what = "a folder" if Path(value).is_dir() else "no such file"
        raise fail("catalog", caller, f"a Catalog or the path of a tests YAML file ({what})", value)
    raise fail("catalog", caller, "a Catalog or a path", value)
