"""Records updated with a site's counts, and writing a folder of prior records a site can
keep and load (``load_model(priors=folder)``).

An updated record keeps its quantity, basis and published sources; its distribution is
the posterior (published pseudo-counts x weight + the site's counts), written as
``mean`` + ``n_eff`` (exactly that Beta or Dirichlet), and ``local_update`` records the
published distribution, the weight, the site's counts and n, and the method. The
document form is the ``records.json`` schema, so the folder loads like the bundled one.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from .._files import write_bytes
from ..errors import CohortError
from .records import Record, document_kind, parse_record, record_files
from .yamlio import load_yaml

SAFE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def plain(x: Any) -> Any:
    """Nested mappings and sequences as plain dicts, lists and Python numbers (for YAML)."""
    if isinstance(x, Mapping):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if isinstance(x, np.generic):
        return x.item()
    return x


def updated_record(rec: Record, alpha: np.ndarray, counts: np.ndarray, *, n: int,
                   weight: float, method: str, data: str = "", outcome: str = "") -> Record:
    """``rec`` with the posterior ``alpha`` (Beta: ``[a, b]``; Dirichlet: one per state)
    and a ``local_update`` entry saying where it came from.

    Examples
    --------
    >>> r = parse_record("f.yaml", "p", {"quantity": "q", "basis": "judgement", "rationale": "r",
    ...                                   "distribution": {"family": "beta", "mean": 0.3, "n_eff": 10}})
    >>> u = updated_record(r, np.array([3 + 8, 7 + 2]), np.array([8.0, 2.0]), n=10, weight=1.0,
    ...                    method="counts")
    >>> float(u.point()), u.raw["local_update"]["counts"]
    (0.55, {'event': 8.0, 'no event': 2.0})
    """
    raw = plain(rec.raw)
    raw.pop("what_if", None)
    total = float(np.sum(alpha))
    if rec.family == "beta":
        dist: dict[str, Any] = {"family": "beta", "mean": float(alpha[0]) / total, "n_eff": total}
        names = ["event", "no event"]
    else:
        states = list(rec.states or ())
        dist = {"family": "dirichlet", "mean": {s: float(a) / total for s, a in zip(states, alpha)},
                "n_eff": total}
        names = states
    local = {"method": method, **({"data": data} if data else {}),
             **({"outcome": outcome} if outcome else {}), "n": int(n),
             "counts": {s: float(c) for s, c in zip(names, counts)}, "weight": float(weight),
             "prior": raw["distribution"]}
    if "local_update" in raw:
        local["earlier"] = raw["local_update"]
    raw.update({"distribution": dist, "local_update": local})
    return parse_record(rec.file, rec.id, raw)


def priors_documents(records: Mapping[str, Record]) -> dict[str, dict[str, Any]]:
    """File name -> records document, every record in the file it came from."""
    docs: dict[str, dict[str, Any]] = {}
    for rid, rec in records.items():
        doc = docs.setdefault(Path(rec.file).name, {"schema_version": 1, "records": {}})
        raw = plain(rec.raw)
        raw.pop("what_if", None)
        doc["records"][rid] = raw
    return docs


def write_priors(folder: str | Path, records: Mapping[str, Record], *,
                 copy_from: str | Path | None = None, overwrite: bool = False) -> list[Path]:
    """Write every record into ``folder`` (one YAML file per original file; the other
    documents of ``copy_from`` -- utilities, pooling, audit -- copied alongside, so the
    folder is a complete priors folder).

    Nothing is overwritten unless ``overwrite``; each file is written to a temporary file
    and renamed into place, so a failure leaves no half-written file.

    Raises
    ------
    CohortError
        ``folder`` is a file, or already holds files this would write (without
        ``overwrite``).
    """
    out = Path(folder)
    if out.exists() and not out.is_dir():
        raise CohortError(f"{str(out)!r} is a file; give a folder for the prior records")
    texts = {name: yaml.dump(doc, Dumper=SAFE_DUMPER, sort_keys=False, allow_unicode=True,
                             width=100) for name, doc in priors_documents(records).items()}
    if copy_from is not None:
        for f in record_files(copy_from):
            if f.name not in texts and document_kind(load_yaml(f)) != "records":
                texts[f.name] = f.read_text(encoding="utf-8")
    clash = sorted(n for n in texts if (out / n).exists())
    if clash and not overwrite:
        raise CohortError(f"{str(out)!r} already holds {', '.join(clash)}; choose another "
                          "folder or allow overwriting (--force)")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in texts.items():
        write_bytes(out / name, text.encode("utf-8"))
        written.append(out / name)
    return written
