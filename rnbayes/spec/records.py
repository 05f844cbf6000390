"""Prior records: published figures with their sources, and the distributions they become.

Every number the network uses is a record in ``priors/*.yaml``::

    dsc_sensitivity:
      quantity: P(rcbv elevated | tumour progression), DSC perfusion
      basis: metastasis              # metastasis | mixed | glioma | judgement | derived
      source: {first_author: Kwee, year: 2020, journal: ..., doi: ..., population: ..., n: ...,
               reported: "pooled Sn 81.6% (70.6-89.1)"}
      distribution: {family: beta, mean: 0.816, ci95: [0.706, 0.891]}

Distribution forms
------------------
``beta``       ``counts: [k, n]`` (Jeffreys Beta(k+1/2, n-k+1/2)); ``mean`` + ``ci95``
               (moments, sd = CI width / 3.92); ``mean`` + ``n_eff`` (Beta(m n, (1-m) n)).
``dirichlet``  ``counts: {state: c}`` (Dirichlet(c + 1/2)); ``mean: {state: p}`` + ``n_eff``.
``lognormal``  for odds ratios: ``median`` + ``ci95``, or ``median`` + ``sigma`` (log scale).

The point value fed to the tables is the mean (Beta, Dirichlet) or the median
(log-normal odds ratio); the spread feeds the uncertainty analysis.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from ..errors import SchemaError, SemanticError

BASES = ("metastasis", "mixed", "glioma", "judgement", "derived")
FAMILIES = ("beta", "dirichlet", "lognormal")
SOURCE_REQUIRED = ("first_author", "year", "journal", "population")


@dataclass(frozen=True)
class Record:
    """One sourced parameter and its distribution."""

    id: str
    file: str
    quantity: str
    basis: str
    family: str
    params: dict[str, Any]
    sources: tuple[dict[str, Any], ...]
    states: tuple[str, ...] | None = None
    rationale: str | None = None
    derivation: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    # -- point values and draws ---------------------------------------------------
    def point(self) -> float | np.ndarray:
        """Mean (Beta, Dirichlet) or median (log-normal) of the distribution."""
        p = self.params
        if self.family == "beta":
            return p["a"] / (p["a"] + p["b"])
        if self.family == "dirichlet":
            a = np.asarray(p["alpha"], dtype=float)
            return a / a.sum()
        return math.exp(p["mu"])

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws: shape ``(n,)``, or ``(n, k)`` for a Dirichlet."""
        p = self.params
        if self.family == "beta":
            return rng.beta(p["a"], p["b"], size=n)
        if self.family == "dirichlet":
            return rng.dirichlet(np.asarray(p["alpha"], dtype=float), size=n)
        return np.exp(rng.normal(p["mu"], p["sigma"], size=n))

    def quantile(self, q: float) -> float | np.ndarray:
        """Quantile ``q`` of a scalar record; for a Dirichlet, of each component's
        Beta marginal, renormalised (used by one-way sensitivity)."""
        from scipy import stats

        p = self.params
        if self.family == "beta":
            return float(stats.beta.ppf(q, p["a"], p["b"]))
        if self.family == "lognormal":
            return float(math.exp(p["mu"] + p["sigma"] * stats.norm.ppf(q)))
        a = np.asarray(p["alpha"], dtype=float)
        return stats.beta.ppf(q, a, a.sum() - a)

    @property
    def label(self) -> str:
        """Short citation: ``Kwee 2020`` or ``judgement``."""
        if self.basis == "judgement" and not self.sources:
            return "expert judgement"
        tag = "; ".join(short_citation(s) for s in self.sources)
        if self.basis in ("judgement", "glioma"):
            tag = f"{tag} [{self.basis}]"
        return tag

    def to_dict(self) -> dict[str, Any]:
        point = self.point()
        return {
            "id": self.id,
            "file": self.file,
            "quantity": self.quantity,
            "basis": self.basis,
            "family": self.family,
            "point": point.tolist() if isinstance(point, np.ndarray) else point,
            "sources": [dict(s) for s in self.sources],
            "rationale": self.rationale,
            "derivation": self.derivation,
        }


def short_citation(source: dict[str, Any]) -> str:
    """``Kwee 2020``; where the first author is unknown (written in parentheses in the
    record), the journal instead: ``Radiat Oncol 2014``."""
    names = [str(source.get(k, "")) for k in ("first_author", "journal")]
    who = next((n for n in names if n and not n.startswith("(")), names[0] or "?")
    return f"{who} {source.get('year', '')}".strip()


def _fail(file: str, path: str, msg: str) -> SchemaError:
    return SchemaError(msg, file=file, path=path)


def _number(file: str, path: str, value: Any, lo: float | None = None, hi: float | None = None,
            open_lo: bool = False, open_hi: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _fail(file, path, f"expected a finite number; got {value!r}")
    v = float(value)
    if lo is not None and (v < lo or (open_lo and v == lo)):
        rng = f"{'(' if open_lo else '['}{lo}, {hi if hi is not None else 'inf'}{')' if open_hi else ']'}"
        raise _fail(file, path, f"expected a number in {rng}; got {value!r}")
    if hi is not None and (v > hi or (open_hi and v == hi)):
        rng = f"{'(' if open_lo else '['}{lo}, {hi}{')' if open_hi else ']'}"
        raise _fail(file, path, f"expected a number in {rng}; got {value!r}")
    return v


def _beta_params(file: str, path: str, d: dict[str, Any]) -> dict[str, float]:
    if "counts" in d:
        c = d["counts"]
        if not (isinstance(c, list) and len(c) == 2):
            raise _fail(file, f"{path}.counts", f"expected [events, total]; got {c!r}")
        k = _number(file, f"{path}.counts[0]", c[0], 0)
        n = _number(file, f"{path}.counts[1]", c[1], 0, open_lo=True)
        if k > n:
            raise _fail(file, f"{path}.counts", f"events {k:g} exceed total {n:g}")
        return {"a": k + 0.5, "b": n - k + 0.5}
    if "mean" not in d:
        raise _fail(file, path, "a beta needs 'counts: [k, n]', or 'mean' with 'ci95' or 'n_eff'")
    m = _number(file, f"{path}.mean", d["mean"], 0, 1, open_lo=True, open_hi=True)
    if "ci95" in d:
        ci = d["ci95"]
        if not (isinstance(ci, list) and len(ci) == 2):
            raise _fail(file, f"{path}.ci95", f"expected [low, high]; got {ci!r}")
        lo = _number(file, f"{path}.ci95[0]", ci[0], 0, 1)
        hi = _number(file, f"{path}.ci95[1]", ci[1], 0, 1)
        if not lo <= m <= hi:
            raise _fail(file, f"{path}.ci95", f"mean {m} lies outside the interval {ci!r}")
        sd = (hi - lo) / 3.92
        nu = m * (1 - m) / sd**2 - 1
        if nu <= 0:
            raise _fail(file, f"{path}.ci95", f"interval {ci!r} is too wide for a Beta with mean {m}")
        return {"a": m * nu, "b": (1 - m) * nu}
    if "n_eff" in d:
        n = _number(file, f"{path}.n_eff", d["n_eff"], 0, open_lo=True)
        return {"a": m * n, "b": (1 - m) * n}
    raise _fail(file, path, "a beta with 'mean' also needs 'ci95: [low, high]' or 'n_eff'")


def _dirichlet_params(file: str, path: str, d: dict[str, Any]) -> tuple[tuple[str, ...], list]:
    if "counts" in d:
        c = d["counts"]
        if not isinstance(c, dict) or len(c) < 2:
            raise _fail(file, f"{path}.counts", f"expected a mapping state -> count; got {c!r}")
        states = tuple(str(s) for s in c)
        alpha = [_number(file, f"{path}.counts.{s}", v, 0) + 0.5 for s, v in c.items()]
        return states, alpha
    if "mean" in d:
        m = d["mean"]
        if not isinstance(m, dict) or len(m) < 2:
            raise _fail(file, f"{path}.mean", f"expected a mapping state -> probability; got {m!r}")
        vals = [_number(file, f"{path}.mean.{s}", v, 0, 1, open_lo=True) for s, v in m.items()]
        if abs(sum(vals) - 1) > 1e-6:
            raise _fail(file, f"{path}.mean", f"probabilities sum to {sum(vals):.6g}, expected 1")
        if "n_eff" not in d:
            raise _fail(file, path, "a dirichlet with 'mean' also needs 'n_eff'")
        n = _number(file, f"{path}.n_eff", d["n_eff"], 0, open_lo=True)
        return tuple(str(s) for s in m), [v * n for v in vals]
    raise _fail(file, path, "a dirichlet needs 'counts: {state: c}' or 'mean: {state: p}' + 'n_eff'")


def _lognormal_params(file: str, path: str, d: dict[str, Any]) -> dict[str, float]:
    med = _number(file, f"{path}.median", d.get("median"), 0, open_lo=True)
    mu = math.log(med)
    if "ci95" in d:
        ci = d["ci95"]
        if not (isinstance(ci, list) and len(ci) == 2):
            raise _fail(file, f"{path}.ci95", f"expected [low, high]; got {ci!r}")
        lo = _number(file, f"{path}.ci95[0]", ci[0], 0, open_lo=True)
        hi = _number(file, f"{path}.ci95[1]", ci[1], 0, open_lo=True)
        if not lo < med < hi:
            raise _fail(file, f"{path}.ci95", f"median {med} must lie inside {ci!r}")
        return {"mu": mu, "sigma": (math.log(hi) - math.log(lo)) / 3.92}
    if "sigma" in d:
        return {"mu": mu, "sigma": _number(file, f"{path}.sigma", d["sigma"], 0, open_lo=True)}
    raise _fail(file, path, "a lognormal needs 'median' with 'ci95' or 'sigma'")


def _parse_source(file: str, path: str, s: Any) -> dict[str, Any]:
    if not isinstance(s, dict):
        raise _fail(file, path, f"expected a mapping with {', '.join(SOURCE_REQUIRED)}; got {s!r}")
    missing = [k for k in SOURCE_REQUIRED if k not in s]
    if missing:
        raise _fail(file, path, f"source lacks {', '.join(missing)}")
    if not any(k in s for k in ("doi", "pmid", "url", "citation")):
        raise _fail(file, path,
                    "source needs at least one of doi, pmid, url or citation (journal volume:pages)")
    if not any(k in s for k in ("n", "counts", "ci")):
        raise _fail(file, path, "source needs 'n' (sample size, counts or studies)")
    return dict(s)


def parse_record(file: str, rid: str, d: Any) -> Record:
    """Validate one record's shape and build it (stage-1 validation)."""
    path = rid
    if not isinstance(d, dict):
        raise _fail(file, path, f"expected a mapping; got {type(d).__name__}")
    for key in ("quantity", "basis", "distribution"):
        if key not in d:
            raise _fail(file, path, f"missing required field {key!r}")
    basis = d["basis"]
    if basis not in BASES:
        raise _fail(file, f"{path}.basis", f"must be one of {list(BASES)}; got {basis!r}")
    raw_sources = d.get("sources", [d["source"]] if "source" in d else [])
    if not isinstance(raw_sources, list):
        raise _fail(file, f"{path}.sources", f"expected a list; got {raw_sources!r}")
    sources = tuple(_parse_source(file, f"{path}.sources[{i}]", s) for i, s in enumerate(raw_sources))
    if basis != "judgement" and not sources:
        raise _fail(file, path, f"a record with basis {basis!r} needs a 'source' or 'sources'")
    if basis == "judgement" and not d.get("rationale"):
        raise _fail(file, path, "a judgement record needs a 'rationale'")
    if basis == "derived" and not d.get("derivation"):
        raise _fail(file, path, "a derived record needs a 'derivation' showing the arithmetic")
    dist = d["distribution"]
    if not isinstance(dist, dict) or dist.get("family") not in FAMILIES:
        fam = dist.get("family") if isinstance(dist, dict) else dist
        raise _fail(file, f"{path}.distribution.family", f"must be one of {list(FAMILIES)}; got {fam!r}")
    fam = dist["family"]
    states = None
    if fam == "beta":
        params: dict[str, Any] = _beta_params(file, f"{path}.distribution", dist)
    elif fam == "lognormal":
        params = _lognormal_params(file, f"{path}.distribution", dist)
    else:
        states, alpha = _dirichlet_params(file, f"{path}.distribution", dist)
        params = {"alpha": alpha}
    return Record(
        id=rid, file=file, quantity=str(d["quantity"]), basis=basis, family=fam, params=params,
        sources=sources, states=states, rationale=d.get("rationale"),
        derivation=d.get("derivation"), raw=d,
    )


def load_yaml(path: Path) -> Any:
    """Read a YAML file, turning parse errors into a one-line SchemaError."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SchemaError("file not found", file=str(path)) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SchemaError(f"malformed YAML at {where}: {problem}", file=str(path)) from None


def load_records(folder: Path) -> dict[str, Record]:
    """Load every ``*.yaml`` in ``folder`` that holds a top-level ``records`` mapping."""
    records: dict[str, Record] = {}
    files = sorted(Path(folder).glob("*.yaml"))
    if not files:
        raise SchemaError("no *.yaml prior files found", file=str(folder))
    for f in files:
        doc = load_yaml(f)
        if not isinstance(doc, dict) or "records" not in doc:
            continue
        recs = doc["records"]
        if not isinstance(recs, dict):
            raise _fail(f.name, "records", f"expected a mapping id -> record; got {type(recs).__name__}")
        for rid, d in recs.items():
            if rid in records:
                raise SemanticError(
                    f"record id {rid!r} is also defined in {records[rid].file}", file=f.name, path=rid
                )
            records[rid] = parse_record(f.name, rid, d)
    return records
