"""The catalogue of additional tests (``networks/tests.yaml``): what each reveals and costs.

A test reveals one or more network nodes at once (FET PET gives ``fet_tbr`` and
``fet_curve``). Its cost in utility points (the scale of ``priors/utilities.yaml``)
is a judgement; a test may also carry a *waiting* loss charged in proportion to
P(positive) at the time it is chosen (the follow-up MRI: active tumour grows while
one waits).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import EvidenceError, SchemaError, SemanticError, suggest
from .records import load_yaml
from .resources import data_dir

BASES = ("published", "judgement", "derived")


@dataclass(frozen=True)
class TestSpec:
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

    __test__ = False  # not a pytest class

    id: str
    reveals: tuple[str, ...]
    cost: float = 0.0
    label: str = ""
    waiting_loss: float = 0.0
    cost_basis: str = "judgement"
    cost_reasoning: str = ""
    waiting_reasoning: str = ""
    burden: dict[str, Any] = field(default_factory=dict, compare=False)
    sources: tuple[dict[str, Any], ...] = field(default=(), compare=False)

    def total_cost(self, p_positive: Any) -> Any:
        """Cost in utility points when chosen at ``P(positive) = p_positive``."""
        return self.cost + self.waiting_loss * p_positive

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label or self.id, "reveals": list(self.reveals),
                "cost": self.cost, "cost_basis": self.cost_basis,
                "cost_reasoning": self.cost_reasoning, "waiting_loss": self.waiting_loss,
                "waiting_reasoning": self.waiting_reasoning, "burden": self.burden,
                "sources": list(self.sources)}


@dataclass(frozen=True)
class TestCatalog:
    """An ordered collection of :class:`TestSpec` loaded from YAML.

    Examples
    --------
    >>> from rnbayes.spec.catalog import load_tests
    >>> cat = load_tests()
    >>> cat["fet_pet"].reveals
    ('fet_tbr', 'fet_curve')
    >>> cat.select(["fet_pett"])
    Traceback (most recent call last):
    ...
    rnbayes.errors.EvidenceError: unknown test 'fet_pett'; did you mean 'fet_pet'? ...
    """

    __test__ = False

    tests: tuple[TestSpec, ...]
    file: str = ""
    scale: str = ""

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.tests)

    def __getitem__(self, name: str) -> TestSpec:
        return self.select([name])[0]

    def __iter__(self):
        return iter(self.tests)

    def __len__(self) -> int:
        return len(self.tests)

    def select(self, names: Iterable[str] | None) -> tuple[TestSpec, ...]:
        """The tests named in ``names`` (all when None), in the order given.

        Raises
        ------
        EvidenceError
            An unknown test name (with the closest valid names suggested).
        """
        if names is None:
            return self.tests
        by_id = {t.id: t for t in self.tests}
        out = []
        for n in names:
            if n not in by_id:
                raise EvidenceError(f"unknown test {n!r}{suggest(str(n), by_id)} "
                                    f"(valid: {', '.join(by_id)})")
            if by_id[n] not in out:
                out.append(by_id[n])
        return tuple(out)

    def check(self, nodes: Sequence[str], latent: Iterable[str] = ()) -> None:
        """Check every revealed node exists in the network and is observable.

        Raises
        ------
        SemanticError
            A test reveals an unknown or latent node.
        """
        latent = set(latent)
        for t in self.tests:
            for k, n in enumerate(t.reveals):
                if n not in nodes:
                    raise SemanticError(f"unknown node {n!r}{suggest(n, nodes)}",
                                        file=self.file, path=f"tests.{t.id}.reveals[{k}]")
                if n in latent:
                    raise SemanticError(f"{n!r} is a latent node and cannot be revealed",
                                        file=self.file, path=f"tests.{t.id}.reveals[{k}]")


def default_tests_path() -> Path:
    return data_dir("networks") / "tests.yaml"


def _number(file: str, path: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise SchemaError(f"expected a finite number >= 0; got {value!r}", file=file, path=path)
    if value < 0:
        raise SchemaError(f"expected a number >= 0; got {value!r}", file=file, path=path)
    return float(value)


def _parse_test(file: str, tid: Any, d: Any) -> TestSpec:
    where = f"tests.{tid}"
    if not isinstance(tid, str) or not tid.isidentifier():
        raise SchemaError(f"test ids must be identifiers; got {tid!r}", file=file, path="tests")
    if not isinstance(d, dict):
        raise SchemaError(f"expected a mapping; got {d!r}", file=file, path=where)
    allowed = {"label", "reveals", "burden", "utility_cost", "waiting", "sources"}
    unknown = sorted(set(d) - allowed)
    if unknown:
        raise SchemaError(f"unknown key(s) {unknown}; valid: {sorted(allowed)}",
                          file=file, path=where)
    rev = d.get("reveals")
    if (not isinstance(rev, list) or not rev
            or not all(isinstance(n, str) and n for n in rev) or len(set(rev)) != len(rev)):
        raise SchemaError(f"expected a non-empty list of distinct node names; got {rev!r}",
                          file=file, path=f"{where}.reveals")
    uc = d.get("utility_cost")
    if not isinstance(uc, dict) or "value" not in uc:
        raise SchemaError(f"expected a mapping with 'value', 'basis', 'reasoning'; got {uc!r}",
                          file=file, path=f"{where}.utility_cost")
    cost = _number(file, f"{where}.utility_cost.value", uc["value"])
    basis = uc.get("basis", "judgement")
    if basis not in BASES:
        raise SchemaError(f"basis must be one of {list(BASES)}; got {basis!r}",
                          file=file, path=f"{where}.utility_cost.basis")
    wait, wait_reason = 0.0, ""
    w = d.get("waiting")
    if w is not None:
        if not isinstance(w, dict) or "loss_if_progression" not in w:
            raise SchemaError(f"expected a mapping with 'loss_if_progression'; got {w!r}",
                              file=file, path=f"{where}.waiting")
        wait = _number(file, f"{where}.waiting.loss_if_progression", w["loss_if_progression"])
        wait_reason = str(w.get("reasoning", ""))
    burden = d.get("burden", {})
    if not isinstance(burden, dict):
        raise SchemaError(f"expected a mapping; got {burden!r}", file=file, path=f"{where}.burden")
    sources = d.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, dict) for s in sources):
        raise SchemaError(f"expected a list of source mappings; got {sources!r}",
                          file=file, path=f"{where}.sources")
    return TestSpec(id=tid, reveals=tuple(rev), cost=cost, label=str(d.get("label", tid)),
                    waiting_loss=wait, cost_basis=basis,
                    cost_reasoning=str(uc.get("reasoning", "")), waiting_reasoning=wait_reason,
                    burden=burden, sources=tuple(sources))


def load_tests(path: str | Path | None = None) -> TestCatalog:
    """Load and validate a test catalogue (default: the bundled ``networks/tests.yaml``).

    Raises
    ------
    SchemaError
        Missing file, malformed YAML, or a test with a bad field (the message names the
        file, the path such as ``tests.fet_pet.utility_cost.value`` and the bad value).

    Examples
    --------
    >>> from rnbayes.spec.catalog import load_tests
    >>> "follow_up_mri" in load_tests().ids
    True
    """
    p = Path(path) if path is not None else default_tests_path()
    doc = load_yaml(p)
    file = p.name
    if not isinstance(doc, dict) or not isinstance(doc.get("tests"), dict) or not doc["tests"]:
        raise SchemaError("expected a top-level 'tests:' mapping test id -> test",
                          file=file, path="tests")
    tests = tuple(_parse_test(file, tid, d) for tid, d in doc["tests"].items())
    return TestCatalog(tests=tests, file=str(p), scale=str(doc.get("scale", "")))
