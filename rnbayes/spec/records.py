"""Prior records: published figures with their sources, and the distributions they become.

Every number the network uses is a record in ``priors/*.yaml``::

    dsc_sensitivity:
      quantity: P(rcbv elevated | tumour progression), DSC perfusion
      basis: metastasis              # metastasis | mixed | glioma | judgement | derived
      source: {first_author: Kwee, year: 2020, journal: ..., doi: ..., population: ..., n: ...,
               reported: "pooled Sn 81.6% (70.6-89.1)"}
      distribution: {family: beta, mean: 0.816, ci95: [0.706, 0.891]}

The form of a record (required fields, sources, exactly one distribution form) is the
``records.json`` schema; :mod:`rnbayes.spec.distributions` turns the figures into
distribution parameters.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..engine.frozen import FrozenMap
from ..errors import SchemaError, SemanticError
from .distributions import parse_distribution
from .schema import validate
from .yamlio import load_yaml


@dataclass(frozen=True)
class Record:
    """One sourced parameter and its distribution.

    ``params`` holds the distribution's parameters: ``a, b`` (beta), ``alpha``
    (dirichlet, in ``states`` order) or ``mu, sigma_lo, sigma_hi`` (lognormal, log scale:
    a two-piece log-normal with its own spread below and above the median).
    """

    id: str
    file: str
    quantity: str
    basis: str
    family: str
    params: Mapping[str, Any]
    sources: tuple[Mapping[str, Any], ...]
    states: tuple[str, ...] | None = None
    rationale: str | None = None
    derivation: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    # -- point values and draws ---------------------------------------------------
    def point(self) -> float | np.ndarray:
        """Mean (Beta, Dirichlet) or median (log-normal) of the distribution (computed
        once; a Dirichlet's mean is a read-only array)."""
        cached = self.__dict__.get("_point")
        if cached is not None:
            return cached
        p = self.params
        if self.family == "beta":
            value: float | np.ndarray = p["a"] / (p["a"] + p["b"])
        elif self.family == "dirichlet":
            a = np.asarray(p["alpha"], dtype=float)
            value = a / a.sum()
            value.setflags(write=False)
        else:
            value = math.exp(p["mu"])
        object.__setattr__(self, "_point", value)  # frozen, but a cache changes nothing seen
        return value

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws: shape ``(n,)``, or ``(n, k)`` for a Dirichlet."""
        p = self.params
        if self.family == "beta":
            return rng.beta(p["a"], p["b"], size=n)
        if self.family == "dirichlet":
            return rng.dirichlet(np.asarray(p["alpha"], dtype=float), size=n)
        z = rng.standard_normal(size=n)
        return np.exp(p["mu"] + z * self._log_sigma(z))

    def quantile(self, q: float) -> float | np.ndarray:
        """Quantile ``q`` of a scalar record; for a Dirichlet, of each component's
        Beta marginal (used by one-way sensitivity)."""
        # scipy.special, not scipy.stats: the same inverses, a fraction of the import time
        # and of the per-call overhead (a network read from a file has thousands of records)
        from scipy.special import betaincinv, ndtri

        p = self.params
        if self.family == "beta":
            return float(betaincinv(p["a"], p["b"], q))
        if self.family == "lognormal":
            z = float(ndtri(q))
            return float(math.exp(p["mu"] + z * float(self._log_sigma(z))))
        a = np.asarray(p["alpha"], dtype=float)
        return betaincinv(a, a.sum() - a, q)

    def figures(self) -> dict[str, float]:
        """The numbers as written in the record's distribution: its centre (``mean`` or
        ``median``), ``ci95_low``/``ci95_high`` and ``sigma``, where given (a pooled record
        is checked against the arithmetic of its inputs through these).

        Examples
        --------
        >>> r = parse_record("f.yaml", "p", {"quantity": "q", "basis": "judgement",
        ...     "rationale": "r", "distribution": {"family": "beta", "mean": 0.3,
        ...                                         "ci95": [0.2, 0.4]}})
        >>> r.figures()
        {'mean': 0.3, 'ci95_low': 0.2, 'ci95_high': 0.4}
        """
        d = self.raw.get("distribution", {})
        out = {k: float(d[k]) for k in ("mean", "median") if isinstance(d.get(k), (int, float))}
        if "ci95" in d:
            out["ci95_low"], out["ci95_high"] = (float(x) for x in d["ci95"])
        if "sigma" in d:
            out["sigma"] = float(d["sigma"])
        return out

    def _log_sigma(self, z: Any) -> Any:
        """A log-normal's log-scale sigma on the side of the median where ``z`` falls."""
        return np.where(np.asarray(z) < 0, self.params["sigma_lo"], self.params["sigma_hi"])

    @property
    def label(self) -> str:
        """Short citation: ``Kwee 2020`` or ``judgement``; ``+ local data (n=...)`` when a
        site's data updated it; ``(what-if)`` when overridden."""
        if self.basis == "judgement" and not self.sources:
            tag = "expert judgement"
        else:
            tag = "; ".join(short_citation(s) for s in self.sources)
            if self.basis in ("judgement", "glioma"):
                tag = f"{tag} [{self.basis}]"
        if "local_update" in self.raw:
            tag = f"{tag} + local data (n={self.raw['local_update']['n']})"
        return f"{tag} (what-if)" if "what_if" in self.raw else tag

    # -- what-if ------------------------------------------------------------------
    def with_point(self, value: Any) -> Record:
        """This record with its point value replaced and its spread kept.

        A Beta keeps its concentration ``a + b`` and takes mean ``value`` (a number in
        (0, 1)); a log-normal keeps both sigmas and takes median ``value`` (> 0); a
        Dirichlet keeps its total concentration and takes the mean ``value`` (a mapping
        state -> probability over the same states, summing to 1). The record's ``raw``
        gains a ``what_if`` entry, so a model's digest changes with it.

        Raises
        ------
        ValueError
            A value of the wrong form or outside its range; the message is the form
            expected.

        Examples
        --------
        >>> r = parse_record("f.yaml", "p", {"quantity": "q", "basis": "judgement",
        ...     "rationale": "r", "distribution": {"family": "beta", "mean": 0.3, "n_eff": 10}})
        >>> w = r.with_point(0.5)
        >>> float(w.point()), w.params["a"] + w.params["b"] == r.params["a"] + r.params["b"]
        (0.5, True)
        """
        p = self.params
        if self.family == "dirichlet":
            new = _dirichlet_point(self, value)
            params: dict[str, Any] = {"alpha": [v * float(sum(p["alpha"])) for v in new]}
            shown: Any = dict(zip(self.states or (), new))
        else:
            v = _number(value)
            if self.family == "beta":
                if v is None or not 0 < v < 1:
                    raise ValueError(f"a number in (0, 1) for the beta record {self.id!r}")
                total = p["a"] + p["b"]
                params = {"a": v * total, "b": (1 - v) * total}
            else:
                if v is None or not v > 0:
                    raise ValueError(f"a number > 0 for the lognormal odds-ratio record "
                                     f"{self.id!r}")
                params = {"mu": math.log(v), "sigma_lo": p["sigma_lo"],
                          "sigma_hi": p["sigma_hi"]}
            shown = v
        raw = {**self.raw, "what_if": {"point": shown}}
        return replace(self, params=FrozenMap(params), raw=FrozenMap(raw))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return None
    v = float(value)
    return v if math.isfinite(v) else None


def _dirichlet_point(rec: Record, value: Any) -> list[float]:
    states = list(rec.states or ())
    ok = isinstance(value, Mapping) and set(value) == set(states)
    vals = [_number(value[s]) for s in states] if ok else []
    if not ok or any(v is None or not 0 < v <= 1 for v in vals) \
            or abs(sum(vals) - 1) > 1e-9:  # type: ignore[arg-type]
        raise ValueError(f"a mapping of each of {states} to a probability in (0, 1], summing "
                         f"to 1, for the dirichlet record {rec.id!r}")
    return [float(v) for v in vals]  # type: ignore[arg-type]


def short_citation(source: Mapping[str, Any]) -> str:
    """``Kwee 2020``; where the first author is unknown (written in parentheses in the
    record), the journal instead: ``Radiat Oncol 2014``.

    Examples
    --------
    >>> short_citation({"first_author": "Kwee", "year": 2020, "journal": "JMRI"})
    'Kwee 2020'
    """
    names = [str(source.get(k, "")) for k in ("first_author", "journal")]
    who = next((n for n in names if n and not n.startswith("(")), names[0] or "?")
    return f"{who} {source.get('year', '')}".strip()


def parse_record(file: str, rid: str, d: Mapping[str, Any]) -> Record:
    """A record from its YAML mapping: schema (stage 1), then consistency (stage 2)."""
    validate({"schema_version": 1, "records": {rid: d}}, "records", file)
    return _record(file, rid, d)


def _record(file: str, rid: str, d: Mapping[str, Any]) -> Record:
    def fail(sub: str, message: str, value: Any) -> SemanticError:
        return SemanticError(message, file=file, path=f"records.{rid}.distribution.{sub}", value=value)

    family, params, states = parse_distribution(d["distribution"], fail)
    raw_sources = d.get("sources", [d["source"]] if "source" in d else [])
    return Record(
        id=rid, file=file, quantity=str(d["quantity"]), basis=d["basis"], family=family,
        params=FrozenMap(params),
        sources=tuple(FrozenMap(dict(s)) for s in raw_sources), states=states,
        rationale=d.get("rationale"), derivation=d.get("derivation"),
        raw=FrozenMap(dict(d)),
    )


#: top-level keys that mark a priors-folder document as something other than records
OTHER_KINDS = {"utilities": ("utilities",), "pooling": ("pools",),
               "audit": ("tests", "strata", "combinations", "directions")}


def document_kind(doc: Any) -> str:
    """What a priors-folder document holds: ``records`` unless it is a utilities, pooling
    (``pools:``) or audit-comparator document (``tests:``, ``directions:``, ... and no
    ``records:``).

    Examples
    --------
    >>> document_kind({"schema_version": 1, "pools": {}}), document_kind({"records": {}})
    ('pooling', 'records')
    """
    if isinstance(doc, dict) and "records" not in doc:
        for kind, keys in OTHER_KINDS.items():
            if any(k in doc for k in keys):
                return kind
    return "records"


def is_utilities(doc: Any) -> bool:
    """A priors file holds records unless it is a utilities document (or another kind,
    see :func:`document_kind`)."""
    return document_kind(doc) == "utilities"


def record_files(folder: str | Path) -> list[Path]:
    """The ``*.yaml`` files of a priors folder (records and utilities alike)."""
    return sorted(Path(folder).glob("*.yaml"))


def load_records(folder: str | Path) -> dict[str, Record]:
    """Load every records document in ``folder`` (the ``*.yaml`` files other than
    utilities, pooling and audit documents, which are read where they are used)."""
    files = record_files(folder)
    if not files:
        what = ("is a file; give the folder of prior files" if Path(folder).is_file() else
                "no such folder" if not Path(folder).exists() else "no *.yaml prior files found")
        raise SchemaError(what, file=str(folder))
    records: dict[str, Record] = {}
    for f in files:
        doc = load_yaml(f)
        if document_kind(doc) != "records":
            continue
        validate(doc, "records", f.name)
        for rid, d in doc["records"].items():
            if rid in records:
                raise SemanticError(f"record id {rid!r} is also defined in {records[rid].file}",
                                    file=f.name, path=f"records.{rid}", value=rid)
            records[rid] = _record(f.name, rid, d)
    return records
