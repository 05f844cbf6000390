"""The model users hold: the compiled spec plus the analyses as methods.

A :class:`Model` never changes: its tables are read-only and a what-if returns a new
model (``model.with_records({"p_ttp_enlarging_lesion": 0.5})``), with its own caches and
its own digest. So :func:`load_model` can hand the same object to every caller; it
re-reads the files when any of them changes on disk.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..results.columns import Columns
from ..spec.compiled import CompiledModel
from ..spec.formats import network_data_from_model, write_network
from ..spec.labels import Labels, labels_for
from ..spec.network import load_spec
from ..spec.records import load_records, record_files
from ..spec.resources import default_network_path, default_priors_dir
from ..spec.yamlio import FileCache
from . import model_cache
from . import node_info as _node_info
from . import posterior as _posterior
from . import present as _present
from .cohort.methods import CohortMethods

if TYPE_CHECKING:  # the analyses below import tqdm, scipy, ...: loaded when first used
    import pandas as pd

    from ..results.audit import Audit
    from ..results.compare import Comparison
    from ..results.marginals import Marginals
    from ..results.posterior import Posterior
    from ..results.sensitivity import Sensitivity
    from ..results.voi import ValueOfInformation
    from ..spec.case import Case
    from ..spec.catalog import Catalog
    from ..spec.comparators import Comparators
    from ..spec.utilities import Utilities

_MODELS = FileCache(4)


@dataclass(frozen=True, eq=False)
class Model(CompiledModel, CohortMethods):
    """An RN-vs-TTP Bayesian network built from a spec and sourced prior records.

    Create it with :func:`rnbayes.load_model`. It is immutable; ``with_records``,
    ``with_tables`` and ``update`` (cohorts: score, validate, update, simulate) return new models.

    Examples
    --------
    >>> import rnbayes
    >>> model = rnbayes.load_model()
    >>> model.states("enhancement_pattern")
    ('thin_rim', 'nodular', 'solid')
    >>> post = model.posterior({"enhancement_pattern": "nodular"})
    >>> round(post.p_progression + post.p_necrosis, 12)
    1.0
    >>> what_if = model.with_records({"p_ttp_enlarging_lesion": 0.5})
    >>> round(what_if.prior_progression, 12), what_if.digest != model.digest
    (0.5, True)
    """

    @cached_property
    def prior_progression(self) -> float:
        """P(TTP) with no findings: the model's population prior."""
        # every node's prior marginal at once: the conflict score reads the findings' ones
        # (engine.retract), so a new evidence shape's first call need not work them out
        return float(self.network.marginals()[self.target][self.positive_index])

    @cached_property
    def sources(self) -> pd.DataFrame:
        """The prior records behind every table: node, record, basis, quantity, source."""
        return self._source_columns.to_frame()

    @cached_property
    def _source_columns(self) -> Columns:
        return _posterior.source_columns(self)

    # -- analyses --------------------------------------------------------------------
    @cached_property
    def labels(self) -> Labels:
        """The words shown to people for nodes and states (``labels.yaml`` beside the
        network file, else the bundled one)."""
        return labels_for(self.network_path)

    def posterior(self, evidence: Mapping[str, Any] | None = None, *,
                  utilities: Utilities | str | Path | None = None,
                  interval: bool | int = False, seed: int = 0) -> Posterior:
        """Posterior P(TTP) vs P(RN) given ``evidence``, with per-finding contributions and
        the recommended action.

        Parameters
        ----------
        evidence : mapping
            node -> state name, number (measured nodes) or mapping state -> likelihood.
        utilities : Utilities, path or bundled set name, optional
            The utilities behind ``.action`` (default: the asymptomatic-lesion set).
        interval : bool or int
            Also a credible interval of P(TTP) from parameter uncertainty: True for a
            quick one (2,000 draws), an int for that many draws, False (default) for none.
        seed : int
            Seed of the interval's draws.

        Returns
        -------
        Posterior
            ``.p_progression``, ``.action`` and ``.recommendation`` (with the threshold
            and the utilities assumed), ``.contributions``, ``.interval``.

        Raises
        ------
        EvidenceError
            Unknown node or state, out-of-range number, evidence on the target or a
            latent node, or findings that are impossible together.
        ParameterError
            Bad ``utilities``, ``interval`` or ``seed``.

        Examples
        --------
        >>> import rnbayes
        >>> post = rnbayes.load_model().posterior({"enhancement_pattern": "thin_rim"})
        >>> post.action, post.utilities.describe()
        ('surveillance', 'asymptomatic lesion (default)')
        """
        return _present.posterior(self, evidence, utilities=utilities, interval=interval,
                                  seed=seed)

    def marginals(self, evidence: Mapping[str, Any] | None = None, *,
                  nodes: Iterable[str] | None = None) -> Marginals:
        """The probability of every state of every node (or of ``nodes``) given
        ``evidence``, next to its probability before any finding: "how likely is an
        elevated rCBV given what we know?".

        Returns
        -------
        Marginals
            ``.table`` (node, state, labels, ``p``, ``p_before``), ``.of(node)``,
            ``.p(node, state)``.

        Examples
        --------
        >>> import rnbayes
        >>> m = rnbayes.load_model().marginals({"enhancement_pattern": "nodular"},
        ...                                    nodes=["rcbv"])
        >>> round(float(m.of("rcbv").sum()), 12), m.p("rcbv", "elevated") > m.p_before("rcbv", "elevated")
        (1.0, True)
        """
        from . import marginals as _marginals

        return _marginals.marginals(self, evidence, nodes=nodes)

    def value_of_information(self, evidence: Mapping[str, Any] | None = None, *,
                             tests: Iterable[str] | None = None,
                             utilities: Utilities | str | Path | None = None,
                             rank_by: str = "net_value",
                             catalog: Catalog | str | Path | None = None,
                             pairs: bool | int = True) -> ValueOfInformation:
        """Rank the additional tests by how much each would change the answer and the decision.

        Parameters
        ----------
        evidence : mapping, optional
            Current findings (same forms as :meth:`posterior`).
        tests : list of str, optional
            Test ids from the catalogue (default: all).
        utilities : Utilities, path or bundled set name, optional
            Decision utilities (default: ``priors/utilities.yaml``; ``"symptomatic"``).
        rank_by : str
            ``net_value`` (default), ``evsi``, ``mutual_information``,
            ``expected_abs_change`` or ``p_action_change``.
        catalog : Catalog or path, optional
            Candidate tests (default: ``tests.yaml`` beside the network, else bundled).
        pairs : bool or int
            Evaluate pairs of tests (True), none (False), or pairs among the top k.

        Returns
        -------
        ValueOfInformation
            ``.table`` (ranked), ``.what_if``, ``.pairs``, ``.thresholds``.

        Examples
        --------
        >>> import rnbayes
        >>> voi = rnbayes.load_model().value_of_information({"enhancement_pattern": "thin_rim"})
        >>> bool((voi.table["evsi"] >= 0).all())
        True
        """
        from . import voi as _voi

        return _voi.value_of_information(self, evidence, tests=tests, utilities=utilities,
                                         rank_by=rank_by, catalog=catalog, pairs=pairs)

    def sensitivity(self, evidence: Mapping[str, Any] | None = None, *, n_draws: int = 10_000,
                    seed: int = 0, utilities: Utilities | str | Path | None = None,
                    catalog: Catalog | str | Path | None = None, level: float = 0.95,
                    progress: bool | None = None, tests: Iterable[str] | None = None,
                    rank_by: str = "net_value") -> Sensitivity:
        """How much this case's P(TTP) and decision depend on the published figures.

        Draws every sourced parameter from its distribution (``n_draws`` times, seeded),
        and adds one-way (tornado) analysis, flip points and the prior curve. The
        parameters are those of :func:`rnbayes.analysis.sensitivity.sensitivity`.

        ``tests`` and ``rank_by`` choose the test ranking whose robustness is checked,
        as in :meth:`value_of_information` (the same tests, the same measure).

        Returns
        -------
        Sensitivity
            ``.interval`` (a CredibleInterval), ``.p_decision_differs``, ``.tornado``,
            ``.flip_points``, ``.prior_curve``, ``.ranking``.

        Examples
        --------
        >>> import rnbayes
        >>> sens = rnbayes.load_model().sensitivity({"enhancement_pattern": "thin_rim"},
        ...                                         n_draws=500, seed=1, progress=False)
        >>> lo, hi = sens.interval
        >>> 0.0 <= lo <= hi <= 1.0
        True
        """
        from .sensitivity import sensitivity as _sensitivity

        return _sensitivity(self, evidence, n_draws=n_draws, seed=seed, utilities=utilities,
                            catalog=catalog, level=level, progress=progress, tests=tests,
                            rank_by=rank_by)

    def compare(self, cases: Sequence[Case | Mapping[str, Any]] | Mapping[str, Any], *,
                utilities: Utilities | str | Path | None = None, interval: bool | int = True,
                seed: int = 0, tests: Iterable[str] | None = None,
                rank_by: str = "net_value") -> Comparison:
        """Several cases side by side: P(TTP) with a quick credible interval, the
        recommendation (under ``utilities``, else each case file's own, else the default)
        and the best next test.

        Parameters
        ----------
        cases : list of Case or evidence mappings, or mapping name -> Case or evidence
        utilities : Utilities, path or bundled set name, optional
        interval : bool or int
            Quick credible intervals (True: 2,000 draws; an int: that many; False: none).
        seed : int
        tests, rank_by
            As in :meth:`value_of_information`.

        Returns
        -------
        Comparison
            ``.table`` (one row per case), ``.side_by_side()``, ``.differing_findings()``.

        Examples
        --------
        >>> import rnbayes
        >>> c = rnbayes.load_model().compare({"rim": {"enhancement_pattern": "thin_rim"},
        ...                                   "nodular": {"enhancement_pattern": "nodular"}},
        ...                                  interval=False)
        >>> c.cases, bool(c.table["p_progression"].is_monotonic_increasing)
        (('rim', 'nodular'), True)
        """
        from . import compare as _compare

        return _compare.compare(self, cases, utilities=utilities, interval=interval, seed=seed,
                                tests=tests, rank_by=rank_by)

    def audit(self, comparators: Comparators | str | Path | None = None) -> Audit:
        """Implied vs published accuracy of every test, and the review's directions.

        Parameters
        ----------
        comparators : Comparators or path, optional
            Comparator file (default: ``audit.yaml`` beside the priors, else the bundled one).

        Returns
        -------
        Audit
            ``.table`` (implied sensitivity/specificity with context and latent nodes at
            their priors, likelihood ratios, the published figure with its interval and
            source, inside?), ``.strata``, ``.combinations``, ``.directions``; ``.passed``
            and ``.failures()``.

        Examples
        --------
        >>> import rnbayes
        >>> a = rnbayes.load_model().audit()
        >>> a.passed
        True
        >>> row = a.table[(a.table["node"] == "rcbv") & (a.table["role"] == "check")].iloc[0]
        >>> print(f"{row['implied_sn']:.3f} {row['implied_sp']:.3f}")
        0.816 0.806
        """
        from . import audit as _audit

        return _audit.audit(self, comparators)

    # -- looking inside ----------------------------------------------------------------
    def describe(self, node: str) -> str:
        """What ``node`` means, its states, parents, how numbers convert, and its sources."""
        self._check_node(node)
        return _node_info.describe(self, node)

    def cpt(self, node: str) -> pd.DataFrame:
        """``node``'s table as a DataFrame: rows are its states, columns parent configurations."""
        self._check_node(node)
        return _node_info.cpt_frame(self, node)

    def save(self, path: str | Path, format: str | None = None, *,
             overwrite: bool = False) -> Path:
        """Write the network for GeNIe, Hugin, SamIam, pyAgrum, pgmpy or UAI solvers.

        Every table at full double precision, with state names, descriptions, node groups
        (XDSL: a GeNIe submodel each) and the layout of :func:`rnbayes.plot_network`
        where the format holds them (UAI holds only numbers).

        Parameters
        ----------
        path : str or path
            ``.xdsl``, ``.net``, ``.bif``, ``.xmlbif`` / ``.bifxml`` or ``.uai``.
        format : str, optional
            ``"bif"``, ``"xmlbif"``, ``"xdsl"``, ``"net"`` or ``"uai"`` (default: the suffix).
        overwrite : bool
            Replace an existing file (by default an existing file is never touched).

        Returns
        -------
        Path
            The file written; it appears whole or not at all. An unknown format, an
            existing file or a name the format cannot hold raises :class:`SpecError`.

        Examples
        --------
        >>> import tempfile, rnbayes
        >>> path = rnbayes.load_model().save(tempfile.mkdtemp() + "/rn.net")
        >>> path.suffix, rnbayes.load_network(path).target
        ('.net', 'diagnosis')
        """
        return write_network(network_data_from_model(self), path, format, overwrite=overwrite)

    def to_pgmpy(self) -> Any:
        """The network as a pgmpy ``DiscreteBayesianNetwork`` with the same node and state names."""
        from ..engine.pgmpy import to_pgmpy

        return to_pgmpy(self.network, latents=set(self.spec.latent))

    def __repr__(self) -> str:
        return (f"<rnbayes.Model {self.name!r}: {len(self.nodes)} nodes, "
                f"{len(self.records)} sourced records, digest {self.digest}>")


def load_model(network: str | Path | None = None, priors: str | Path | None = None) -> Model:
    """Load and validate a network spec and its prior records.

    The model is kept while its files are unchanged (the same object is returned; it is
    immutable, so sharing it is safe); editing any of them makes the next call re-read.
    Other processes read it from the user's cache folder instead of rebuilding it while
    the files, rnbayes and numpy are unchanged (:mod:`rnbayes.analysis.model_cache`).

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
        The spec or a prior file is malformed (SchemaError) or inconsistent
        (SemanticError).

    Examples
    --------
    >>> import rnbayes
    >>> model = rnbayes.load_model()
    >>> "rcbv" in model.nodes and rnbayes.load_model() is model
    True
    """
    net = (Path(network) if network is not None else default_network_path()).resolve()
    pri = (Path(priors) if priors is not None else default_priors_dir()).resolve()

    def build() -> Model:
        records = load_records(pri)
        return Model.build(load_spec(net, records), records, network_path=net, priors_path=pri)

    def files() -> list[Path]:
        return [net, *record_files(pri)]

    # in this process: kept while the files are unchanged; across processes: the user's
    # cache folder, under a key that covers every file's content (model_cache)
    return _MODELS.get((str(net), str(pri)), files,
                       lambda: model_cache.load_or_build(files(), build))
