"""CPT generators: one registered class per generator (see :mod:`.base` for the contract).

Adding a generator: write a module here with a class that subclasses
:class:`~.base.Generator`, decorate it with :func:`~.base.register`, import the module
below, then run ``python -m rnbayes.spec.generators`` to write its schema fragment into
``network.json`` (a test checks that the file is up to date).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from ..schema import SCHEMA_VERSION, schema_text
from . import latent_test, logodds, noisy, risk_factor, table
from .base import GENERATORS, BuildContext, CheckContext, Generator, parse_cpt, register

__all__ = ["GENERATORS", "BuildContext", "CheckContext", "Generator", "latent_test", "logodds",
           "network_schema", "noisy", "parse_cpt", "register", "risk_factor", "table"]


def generator_defs() -> dict[str, Any]:
    """The ``cpt`` definitions of ``network.json``, from the registry."""
    names = list(GENERATORS)
    defs: dict[str, Any] = {"cpt": {
        "type": "object",
        "x-expected": "a mapping with 'generator' and its fields",
        "required": ["generator"],
        "properties": {"generator": {"enum": names}},
        "allOf": [{"if": {"properties": {"generator": {"const": n}}, "required": ["generator"]},
                   "then": {"$ref": f"#/$defs/cpt_{n}"}} for n in names],
    }}
    for n, cls in GENERATORS.items():
        defs[f"cpt_{n}"] = cls.schema
    return defs


def network_schema() -> dict[str, Any]:
    """``network.json`` with its ``cpt`` definitions regenerated from the registry."""
    doc = json.loads(schema_text("network"))
    doc["$defs"] = {k: v for k, v in doc["$defs"].items() if not k.startswith("cpt")}
    doc["$defs"].update(generator_defs())
    return doc


def write_network_schema() -> str:
    """Write :func:`network_schema` into the package's ``network.json``; return its path."""
    target = resources.files("rnbayes.spec") / "schemas" / str(SCHEMA_VERSION) / "network.json"
    with resources.as_file(target) as path:
        path.write_text(json.dumps(network_schema(), indent=2) + "\n", encoding="utf-8")
        return str(path)
