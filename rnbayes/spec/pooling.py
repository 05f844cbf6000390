"""The pooling document (``priors/pooling.yaml``): study-level inputs of pooled records.

Some prior records are not one study's figure but a combination of several: the default
prior P(TTP) for an enlarging lesion (a random-effects pool of the published RN/TTP
splits) and odds ratios pooled from conflicting studies. Their inputs live in
``priors/pooling.yaml``, one entry per record, and
:func:`rnbayes.analysis.pooling.pool_all` redoes the arithmetic so that a test checks each
record against it instead of trusting a prose derivation.

Validated like every document: the ``pooling.json`` schema (stage 1), then the checks it
cannot state (stage 2: events within their totals, an estimate inside its interval, a
pool that uses another naming an *earlier* one).

Methods (``method:``)
---------------------
``proportion_re``   DerSimonian-Laird random effects on the logit scale (0.5 added to each
                    cell); ``location`` names the designs that set the estimate, every
                    study informs tau^2.
``effect_re``       DerSimonian-Laird on the log scale of ratio estimates (estimate with
                    ci95 or se_log, or a 2x2 table as a risk ratio); ``transform:
                    reciprocal`` turns a pooled RN risk ratio into an odds ratio for TTP.
``log_mean_sd``     geometric mean of ratio estimates without standard errors.
``two_by_two``      one study's odds or risk ratio, counts optionally divided by a design
                    effect; ``add_tau2_from`` adds an earlier pool's tau^2.
``odds_chain``      odds in one cohort's stratum over a reference odds built from an
                    earlier pool times another cohort's within-study gradient.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine.frozen import FrozenMap
from ..errors import SemanticError
from .resources import default_priors_dir
from .yamlio import load_document

Counts = tuple[float, float]


@dataclass(frozen=True)
class ProportionStudy:
    """One study's split: ``events`` of ``total`` (TTP among enlarging lesions)."""

    id: str
    design: str
    events: float
    total: float
    note: str = ""


@dataclass(frozen=True)
class RatioStudy:
    """A ratio estimate with ``ci95`` or ``se_log``, or a 2x2 table ``exposed``/``unexposed``
    as ``(events, total)``, counts divided by ``design_effect`` (clustered lesions)."""

    id: str
    estimate: float | None = None
    ci95: Counts | None = None
    se_log: float | None = None
    exposed: Counts | None = None
    unexposed: Counts | None = None
    design_effect: float = 1.0
    note: str = ""


@dataclass(frozen=True)
class Pool:
    """One pooled record: its id, the method and the method's inputs.

    ``measure`` (``or``/``rr``) and ``transform`` apply to ratio methods; ``location``
    to ``proportion_re``; ``add_tau2_from`` to ``two_by_two``; ``numerator``,
    ``reference``, ``stratum`` and ``overall`` to ``odds_chain``.
    """

    record: str
    method: str
    studies: tuple[ProportionStudy | RatioStudy, ...] = ()
    location: tuple[str, ...] = ()
    excluded: Mapping[str, str] = field(default_factory=dict)
    measure: str = "rr"
    transform: str | None = None
    add_tau2_from: str | None = None
    numerator: Counts | None = None
    reference: str | None = None
    stratum: Counts | None = None
    overall: Counts | None = None

    @property
    def study(self) -> RatioStudy:
        """The one study of a ``two_by_two`` pool."""
        study = self.studies[0]
        assert isinstance(study, RatioStudy)
        return study


@dataclass(frozen=True)
class PoolingDocument:
    """Every pool of a pooling document, in file order (a pool may use earlier ones)."""

    file: str
    pools: Mapping[str, Pool]


def default_pooling_path() -> Path:
    """The bundled ``priors/pooling.yaml``."""
    return default_priors_dir() / "pooling.yaml"


def load_pooling(path: str | Path | None = None) -> PoolingDocument:
    """Read and validate a pooling document (default: the bundled one)."""
    path = Path(path) if path is not None else default_pooling_path()
    return parse_pooling(load_document(path, "pooling"), path.name)


def parse_pooling(doc: Mapping[str, Any], file: str) -> PoolingDocument:
    """A schema-valid pooling document as typed pools (stage 2 checks)."""
    pools: dict[str, Pool] = {}
    for rid, raw in doc["pools"].items():
        pool = _pool(rid, raw)
        _check(file, pool, pools)
        pools[rid] = pool
    return PoolingDocument(file, FrozenMap(pools))


def _counts(raw: Any) -> Counts | None:
    return None if raw is None else (float(raw[0]), float(raw[1]))


def _ratio_study(raw: Mapping[str, Any]) -> RatioStudy:
    return RatioStudy(id=str(raw["id"]), estimate=raw.get("estimate"), ci95=_counts(raw.get("ci95")),
                      se_log=raw.get("se_log"), exposed=_counts(raw.get("exposed")),
                      unexposed=_counts(raw.get("unexposed")),
                      design_effect=float(raw.get("design_effect", 1.0)),
                      note=str(raw.get("note", raw.get("derivation", ""))))


def _pool(rid: str, raw: Mapping[str, Any]) -> Pool:
    method = raw["method"]
    if method == "proportion_re":
        studies: tuple[ProportionStudy | RatioStudy, ...] = tuple(
            ProportionStudy(str(s["id"]), str(s["design"]), float(s["events"]), float(s["total"]),
                            str(s.get("note", ""))) for s in raw["studies"])
        return Pool(rid, method, studies, location=tuple(raw["location"]),
                    excluded=FrozenMap({str(e["id"]): str(e["reason"])
                                        for e in raw.get("excluded", ())}))
    if method in ("effect_re", "log_mean_sd"):
        return Pool(rid, method, tuple(_ratio_study(s) for s in raw["studies"]),
                    measure=raw.get("measure", "rr"), transform=raw.get("transform"))
    if method == "two_by_two":
        return Pool(rid, method, (_ratio_study(raw["study"]),), measure=raw.get("measure", "or"),
                    transform=raw.get("transform"), add_tau2_from=raw.get("add_tau2_from"))
    within = raw["reference"]["within"]
    return Pool(rid, method, numerator=_counts(raw["numerator"]["counts"]),
                reference=raw["reference"]["pool"], stratum=_counts(within["stratum"]),
                overall=_counts(within["overall"]))


def _check(file: str, pool: Pool, earlier: Mapping[str, Pool]) -> None:
    """Stage 2: what the schema cannot state."""
    where = f"pools.{pool.record}"

    def fail(path: str, message: str, value: Any) -> SemanticError:
        return SemanticError(message, file=file, path=f"{where}.{path}", value=value)

    for i, s in enumerate(pool.studies):
        pairs = ([("events", (s.events, s.total))] if isinstance(s, ProportionStudy)
                 else [("exposed", s.exposed), ("unexposed", s.unexposed)])
        for key, counts in pairs:
            if counts is not None and counts[0] > counts[1]:
                raise fail(f"studies[{i}].{key}", f"events {counts[0]:g} exceed total "
                           f"{counts[1]:g}", list(counts))
        if isinstance(s, RatioStudy) and s.ci95 is not None and s.estimate is not None \
                and not s.ci95[0] < s.estimate < s.ci95[1]:
            raise fail(f"studies[{i}].ci95", f"estimate {s.estimate} must lie inside "
                       f"{list(s.ci95)}", list(s.ci95))
    designs = {s.design for s in pool.studies if isinstance(s, ProportionStudy)}
    for d in pool.location:
        if d not in designs:
            raise fail("location", f"no study has design {d!r}; designs: {sorted(designs)}", d)
    for key, name in (("add_tau2_from", pool.add_tau2_from), ("reference.pool", pool.reference)):
        if name is not None and name not in earlier:
            raise fail(key, f"{name!r} is not a pool defined earlier in the file "
                       f"({list(earlier)})", name)
    if pool.reference is not None and earlier[pool.reference].method != "proportion_re":
        raise fail("reference.pool", f"{pool.reference!r} must be a proportion_re pool",
                   pool.reference)
    if pool.stratum is not None and pool.overall is not None and not (
            pool.stratum[0] <= pool.overall[0] and pool.stratum[1] <= pool.overall[1]):
        raise fail("reference.within.stratum", f"the stratum {list(pool.stratum)} must be part "
                   f"of the overall group {list(pool.overall)}", list(pool.stratum))
    for key, counts in (("numerator.counts", pool.numerator), ("reference.within.overall",
                                                               pool.overall)):
        if counts is not None and counts[0] > counts[1]:
            raise fail(key, f"events {counts[0]:g} exceed total {counts[1]:g}", list(counts))
