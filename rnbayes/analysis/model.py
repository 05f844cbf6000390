"""The compiled model: validated spec + sourced records + exact inference engine."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..engine.network import DiscreteNetwork
from ..errors import EvidenceError, suggest
from ..results.posterior import Posterior
from ..spec import generators as _cpt
from ..spec.evidence import Finding, engine_evidence, parse_evidence
from ..spec.network import NetworkSpec, build_tables, load_network
from ..spec.records import Record, short_citation
from ..spec.resources import default_network_path, default_priors_dir


class Model:
    """An RN-vs-TTP Bayesian network built from a spec and sourced prior records.

    Create it with :func:`rnbayes.load_model`.

    Examples
    --------
    >>> import rnbayes
    >>> model = rnbayes.load_model()
    >>> model.states("enhancement_pattern")
    ('thin_rim', 'nodular', 'solid')
    >>> post = model.posterior({"enhancement_pattern": "nodular"})
    >>> round(post.p_progression + post.p_necrosis, 12)
    1.0
    """

    def __init__(self, spec: NetworkSpec, records: dict[str, Record], tables: dict[str, np.ndarray],
                 *, network_path: Path, priors_path: Path):
        self.spec = spec
        self.records = records
        self.network_path = Path(network_path)
        self.priors_path = Path(priors_path)
        self.network = DiscreteNetwork(
            states={n: spec.states(n) for n in spec.order},
            parents={n: spec.parents(n) for n in spec.order},
            cpts=tables,
        )
        self._prior: float | None = None

    # -- vocabulary ------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def digest(self) -> str:
        """Hash of the network spec and every prior record (changes when any number does)."""
        return self.spec.digest

    @property
    def target(self) -> str:
        return self.spec.target

    @property
    def nodes(self) -> tuple[str, ...]:
        """All node names in topological order (including the target and latent nodes)."""
        return self.spec.order

    @property
    def observable(self) -> tuple[str, ...]:
        """Nodes that can be given as evidence."""
        return tuple(n for n in self.spec.order
                     if n != self.target and not self.spec.nodes[n].get("latent"))

    def _check_node(self, node: str) -> None:
        if node not in self.spec.nodes:
            raise EvidenceError(f"unknown node {node!r}{suggest(node, self.nodes)} "
                                f"(valid: {', '.join(self.nodes)})")

    def states(self, node: str) -> tuple[str, ...]:
        """State names of ``node``."""
        self._check_node(node)
        return self.spec.states(node)

    def parents(self, node: str) -> tuple[str, ...]:
        self._check_node(node)
        return self.spec.parents(node)

    def records_for(self, node: str) -> list[Record]:
        """The prior records feeding ``node``'s table, in spec order."""
        self._check_node(node)
        seen: list[str] = []
        for _, ref in _cpt.spec_record_refs(self.spec.nodes[node]):
            for rid in _cpt.ref_ids(ref):
                if rid not in seen:
                    seen.append(rid)
        return [self.records[r] for r in seen]

    def describe(self, node: str) -> str:
        """What ``node`` means, its states, parents, how numbers convert, and its sources."""
        self._check_node(node)
        nd = self.spec.nodes[node]
        out = [f"{node} ({nd['group']}{', latent' if nd.get('latent') else ''})",
               textwrap.fill(nd["description"], 88, initial_indent="  ", subsequent_indent="  "),
               f"  states: {', '.join(nd['states'])}"]
        if nd.get("parents"):
            out.append(f"  parents: {', '.join(nd['parents'])}")
        out.append(f"  table: {nd['cpt']['generator']}")
        for m in self.spec.measures.values():
            if m.node == node:
                cites = "; ".join(short_citation(s) for s in m.sources)
                out.append(f"  number '{m.key}' ({m.unit}): {m.rule} [{cites}]")
        recs = self.records_for(node)
        if recs:
            out.append("  sources:")
            for r in recs:
                point = r.point()
                val = (", ".join(f"{s}={v:.3f}" for s, v in zip(r.states, point))
                       if isinstance(point, np.ndarray) else f"{point:.3g}")
                out.append(f"    {r.id} [{r.basis}] = {val}: {r.label}")
        return "\n".join(out)

    # -- inference -------------------------------------------------------------------
    def findings(self, evidence: Mapping[str, Any] | None) -> dict[str, Finding]:
        """Validate evidence (see :func:`rnbayes.posterior` for the accepted forms)."""
        return parse_evidence(self.spec, evidence)

    def _p_target(self, ev: Mapping[str, Any]) -> tuple[float, float]:
        post, p_e = self.network.query([self.target], ev)
        k = self.spec.states(self.target).index(self.spec.positive)
        return float(post[k]), float(p_e)

    @property
    def prior_progression(self) -> float:
        """P(TTP) with no findings: the model's population prior."""
        if self._prior is None:
            self._prior = self._p_target({})[0]
        return self._prior

    def posterior(self, evidence: Mapping[str, Any] | None = None) -> Posterior:
        """Posterior P(TTP) vs P(RN) given ``evidence``, with per-finding contributions.

        Parameters
        ----------
        evidence : mapping
            node -> state name, number (measured nodes) or mapping state -> likelihood.

        Returns
        -------
        Posterior

        Raises
        ------
        EvidenceError
            Unknown node or state, out-of-range number, evidence on the target or a
            latent node, or findings that are impossible together.
        """
        findings = self.findings(evidence)
        ev = engine_evidence(self.spec, findings)
        p, p_e = self._p_target(ev)
        if not p_e > 0 or not math.isfinite(p):
            listed = ", ".join(f"{n}={f.describe()}" for n, f in findings.items())
            raise EvidenceError(f"the findings are impossible together under the model "
                                f"(probability 0): {listed}")
        rows = []
        log_marginals = 0.0
        for node, f in findings.items():
            rest = {k: v for k, v in ev.items() if k != node}
            p_without, _ = self._p_target(rest)
            _, p_single = self.network.query([], {node: ev[node]})
            log_marginals += math.log(float(p_single))
            l10 = _log10_odds(p) - _log10_odds(p_without)
            rows.append({
                "node": node,
                "finding": f.describe(),
                "log10_lr": l10,
                "likelihood_ratio": 10.0 ** l10 if math.isfinite(l10) else float("inf"),
                "p_progression_without": p_without,
                "favours": "TTP" if l10 > 1e-12 else ("RN" if l10 < -1e-12 else "neither"),
            })
        contrib = pd.DataFrame(rows, columns=["node", "finding", "log10_lr", "likelihood_ratio",
                                              "p_progression_without", "favours"])
        if not contrib.empty:
            order = contrib["log10_lr"].abs().sort_values(ascending=False, kind="stable").index
            contrib = contrib.loc[order].reset_index(drop=True)
        conflict = log_marginals - math.log(p_e) if findings else 0.0
        return Posterior(
            p_progression=p, p_necrosis=1.0 - p, prior_progression=self.prior_progression,
            contributions=contrib, conflict=conflict,
            evidence={n: f.given for n, f in findings.items()},
            model_name=self.name, model_digest=self.digest, log_p_evidence=math.log(p_e),
            provenance=_versions(),
        )

    # -- decisions -------------------------------------------------------------------
    def value_of_information(self, evidence: Mapping[str, Any] | None = None, **kwargs: Any):
        """Rank the additional tests by how much each would change the answer and the decision.

        Parameters
        ----------
        evidence : mapping, optional
            Current findings (same forms as :meth:`posterior`).
        tests : list of str, optional
            Test ids from ``networks/tests.yaml`` (default: all).
        utilities : Utilities or path, optional
            Decision utilities (default: ``priors/utilities.yaml``).
        rank_by : str
            ``net_value`` (default), ``evsi``, ``mutual_information``,
            ``expected_abs_change`` or ``p_action_change``.
        pairs : bool or int
            Evaluate pairs of tests (True), none (False), or pairs among the top k.

        Returns
        -------
        ValueOfInformation
            ``.table`` (ranked), ``.what_if``, ``.best_pairs``, ``.thresholds``.

        Examples
        --------
        >>> import rnbayes
        >>> voi = rnbayes.load_model().value_of_information({"enhancement_pattern": "thin_rim"})
        >>> bool((voi.table["evsi"] >= 0).all())
        True
        """
        from .voi import value_of_information

        return value_of_information(self, evidence, **kwargs)

    def sensitivity(self, evidence: Mapping[str, Any] | None = None, *, n_draws: int = 10_000,
                    seed: int = 0, utilities: Any = None, progress: bool | None = None):
        """How much this case's P(TTP) and decision depend on the published figures.

        Draws every sourced parameter from its distribution (``n_draws`` times, seeded),
        and adds one-way (tornado) analysis, flip points and the prior curve.

        Parameters
        ----------
        evidence : mapping, optional
            The case's findings (same forms as :meth:`posterior`).
        n_draws : int
            Monte Carlo parameter draws (default 10,000).
        seed : int
            Random seed; the same seed gives the same result.
        utilities : Utilities, optional
            Decision utilities (default: ``priors/utilities.yaml``).
        progress : bool, optional
            Show a progress bar (default: only for runs longer than about 2 s).

        Returns
        -------
        Sensitivity
            ``.interval`` (dict: level, low, high, mean, median), ``.p_decision_differs``,
            ``.tornado``, ``.flip_points``,
            ``.prior_curve``, ``.voi_intervals``.

        Examples
        --------
        >>> import rnbayes
        >>> sens = rnbayes.load_model().sensitivity({"enhancement_pattern": "thin_rim"},
        ...                                         n_draws=500, seed=1, progress=False)
        >>> 0.0 <= sens.interval["low"] <= sens.interval["high"] <= 1.0
        True
        """
        from .sensitivity import sensitivity

        return sensitivity(self, evidence, n_draws=n_draws, seed=seed, utilities=utilities,
                           progress=progress)

    # -- tables ----------------------------------------------------------------------
    def build_tables(self, values) -> dict[str, np.ndarray]:
        """Regenerate every table from ``values(record_id) -> (B, ...)`` (batched)."""
        return build_tables(self.spec, self.records, values)

    def cpt(self, node: str) -> pd.DataFrame:
        """``node``'s table as a DataFrame: rows are its states, columns parent configurations."""
        self._check_node(node)
        arr = self.network.cpts[node]
        parents = self.spec.parents(node)
        if parents:
            cols = pd.MultiIndex.from_product([self.spec.states(p) for p in parents], names=parents)
        else:
            cols = pd.Index(["p"])
        return pd.DataFrame(arr.reshape(arr.shape[0], -1), index=pd.Index(self.states(node), name=node),
                            columns=cols)

    def to_pgmpy(self):
        """The network as a pgmpy ``DiscreteBayesianNetwork`` with the same node and state names."""
        from ..engine.pgmpy import to_pgmpy

        return to_pgmpy(self.network, latents={n for n in self.nodes
                                               if self.spec.nodes[n].get("latent")})

    def __repr__(self) -> str:
        return (f"<rnbayes.Model {self.name!r}: {len(self.nodes)} nodes, "
                f"{len(self.records)} sourced records, digest {self.digest}>")


def _log10_odds(p: float) -> float:
    if p <= 0.0:
        return float("-inf")
    if p >= 1.0:
        return float("inf")
    return math.log10(p) - math.log10(1.0 - p)


@lru_cache(maxsize=1)
def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("rnbayes", "numpy", "pgmpy"):
        try:
            out[f"{pkg}_version"] = version(pkg)
        except PackageNotFoundError:
            out[f"{pkg}_version"] = "not installed"
    return out


@lru_cache(maxsize=4)
def _load_cached(network: str, priors: str) -> Model:
    spec, records, tables = load_network(Path(network), Path(priors))
    return Model(spec, records, tables, network_path=Path(network), priors_path=Path(priors))


def load_model(network: str | Path | None = None, priors: str | Path | None = None) -> Model:
    """Load and validate a network spec and its prior records.

    Parameters
    ----------
    network : path, optional
        Network spec YAML; defaults to the bundled ``rn_vs_ttp.yaml``.
    priors : path, optional
        Folder of prior-record YAML files; defaults to the bundled ``priors/``.

    Returns
    -------
    Model

    Raises
    ------
    SpecError
        The spec or a prior file is malformed (schema) or inconsistent (semantics).

    Examples
    --------
    >>> import rnbayes
    >>> model = rnbayes.load_model()
    >>> "rcbv" in model.nodes
    True
    """
    net = Path(network) if network is not None else default_network_path()
    pri = Path(priors) if priors is not None else default_priors_dir()
    return _load_cached(str(net.resolve()), str(pri.resolve()))
