"""Stage 1 of validation: YAML documents against their versioned JSON Schemas.

The schemas ship as package data in ``rnbayes/spec/schemas/<version>/`` -- one per kind
of document (``network``, ``records``, ``tests``, ``utilities``, ``case``, ``pooling``,
``audit``). They are the
reference for anyone editing a spec (and work with editors' YAML language servers). A
document is checked with :mod:`jsonschema` (Draft 2020-12); the first problem becomes one
:class:`~rnbayes.errors.SchemaError` naming the file, the path in the document, the bad
value and the expected form. Unknown keys and ambiguous forms are errors.

The network schema's ``cpt`` definitions come from the CPT generator registry (each
generator class holds its own schema fragment); ``python -m rnbayes.spec.generators``
writes them into ``network.json`` and a test checks that the file is up to date.

Examples
--------
>>> validate({"schema_version": 1, "evidence": {"rcbv": 1.4}, "note": "x"}, "case", "c.yaml")
Traceback (most recent call last):
...
rnbayes.errors.SchemaError: c.yaml: unknown top-level key 'note'; did you mean 'notes'? (valid: [...])
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from ..errors import SchemaError, excerpt, suggest

if TYPE_CHECKING:  # jsonschema loads on first validation, not on ``import rnbayes``
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

SCHEMA_VERSION = 1
KINDS = ("network", "records", "tests", "utilities", "case", "pooling", "audit", "labels",
         "missingness", "columns")
_TYPE_WORDS = {"object": "a mapping", "array": "a list", "string": "a text", "number": "a number",
               "integer": "an integer", "boolean": "true or false", "null": "nothing"}


def schema_text(kind: str, version: int = SCHEMA_VERSION) -> str:
    """The JSON text of one schema as shipped."""
    return (resources.files("rnbayes.spec") / "schemas" / str(version) / f"{kind}.json"
            ).read_text(encoding="utf-8")


@cache
def schema(kind: str) -> dict[str, Any]:
    """The parsed schema of one kind of document (``network``, ``records``, ...)."""
    if kind not in KINDS:
        raise ValueError(f"unknown schema {kind!r}; valid: {list(KINDS)}")
    return json.loads(schema_text(kind))


@cache
def _validator(kind: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    registry: Registry = Registry().with_resources(
        (f"{k}.json", Resource.from_contents(schema(k))) for k in KINDS)
    return Draft202012Validator(schema(kind), registry=registry)


def validate(doc: Any, kind: str, file: str, *, error: type[SchemaError] = SchemaError) -> None:
    """Check ``doc`` against the ``kind`` schema; raise ``error`` for the first problem
    (an unknown key first: a typo'd key also makes its intended key look missing)."""
    _check_keys(doc, file, error)
    errors = list(_validator(kind).iter_errors(doc))
    if errors:
        first = min(errors, key=lambda e: e.validator != "additionalProperties")
        path, message, value, expected = describe(first)
        raise error(message, file=file, path=path, value=value, expected=expected)


def _check_keys(doc: Any, file: str, error: type[SchemaError]) -> None:
    """Every mapping key must be a text (JSON Schema assumes it; YAML reads ``1:`` or
    ``~:`` as a number or null)."""
    stack: list[tuple[Any, tuple[Any, ...]]] = [(doc, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, Mapping):
            for k, v in node.items():
                if not isinstance(k, str):
                    raise error(f"a key must be a text; got {excerpt(k)} (quote it)",
                                file=file, path=dotted(path), value=k, expected="a text key")
                stack.append((v, (*path, k)))
        elif isinstance(node, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(node))


def dotted(parts: Any) -> str:
    """``nodes.rcbv.measure[0]`` from a jsonschema path deque."""
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def describe(e: ValidationError) -> tuple[str, str, Any, str | None]:
    """``(path, message, value, expected)`` of one validation error, in plain words."""
    e = _narrow(e)
    path, sub, value = dotted(e.absolute_path), e.schema, e.instance
    custom, expected = sub.get("x-message"), sub.get("x-expected")
    if isinstance(custom, str):
        return path, custom.format(value=value), value, custom
    if e.validator == "additionalProperties" and isinstance(value, Mapping):
        valid = sorted(sub.get("properties", {}))
        extra = sorted((k for k in value if k not in valid), key=str)[0]
        where = "top-level key" if not path else "key"
        return (path, f"unknown {where} {excerpt(extra)}{suggest(extra, valid)} (valid: {valid})",
                extra, f"one of {valid}")
    if e.validator == "required" and isinstance(value, Mapping):
        missing = next(k for k in e.validator_value if k not in value)
        return (f"{path}.{missing}" if path else missing, f"missing required field {missing!r}",
                None, f"a value for {missing!r}")
    if e.validator == "oneOf" and expected and _count_valid(e) > 1:
        return path, f"ambiguous: expected {expected}; got {excerpt(value)}", value, expected
    if expected:
        return path, f"expected {expected}; got {excerpt(value)}", value, expected
    if e.validator == "enum":
        valid = list(e.validator_value)
        hint = suggest(value, [str(v) for v in valid]) if isinstance(value, str) else ""
        return path, f"must be one of {valid}; got {excerpt(value)}{hint}", value, f"one of {valid}"
    if e.validator == "type":
        kinds = e.validator_value if isinstance(e.validator_value, list) else [e.validator_value]
        want = " or ".join(_TYPE_WORDS.get(k, k) for k in kinds)
        return path, f"expected {want}; got {excerpt(value)}", value, want
    return path, e.message, value, None


def _narrow(e: ValidationError) -> ValidationError:
    """For a failed ``oneOf``/``anyOf``, the error inside the one alternative the value was
    evidently meant as (its type and required keys fit), when there is exactly one."""
    while e.validator in ("oneOf", "anyOf") and e.context:
        branches: dict[int, list[ValidationError]] = {}
        for sub in e.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        meant = [errs for errs in branches.values()
                 if not any(s.validator in ("type", "required") and not s.relative_path
                            for s in errs)]
        if len(meant) != 1 or _count_valid(e) > 0:
            return e
        e = meant[0][0]
    return e


def _count_valid(e: ValidationError) -> int:
    """How many alternatives of a ``oneOf`` the value satisfies."""
    n = len(e.validator_value) if isinstance(e.validator_value, list) else 0
    failed = {sub.relative_schema_path[0] for sub in e.context or ()}
    return n - len(failed)
