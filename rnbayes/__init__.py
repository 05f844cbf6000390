"""rnbayes: radiation necrosis vs true tumour progression after radiosurgery.

A Bayesian network whose priors come from published incidence and test-accuracy
figures. It turns what is known about one enhancing lesion at a brain-metastasis
site treated with stereotactic radiosurgery into P(tumour progression) vs
P(radiation necrosis), says which findings drove it, and ranks additional tests by
value of information.

Research use only: rnbayes is not a medical device.

This module is the public API; the stage subpackages (``spec``, ``engine``,
``analysis``, ``results``, ``plots``, ``report``, ``cli``) are its implementation.

Examples
--------
>>> import rnbayes
>>> post = rnbayes.posterior({"enhancement_pattern": "thin_rim", "rcbv": 1.4,
...                           "months_since_srs": 9})
>>> 0.0 < post.p_progression < 0.5
True
>>> abs(post.p_progression + post.p_necrosis - 1.0) < 1e-12
True
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._provenance import NOTICE, __version__

if TYPE_CHECKING:  # the names below, for type checkers (at run time: loaded on first use)
    from .analysis.files import load_network
    from .analysis.model import Model, load_model
    from .errors import (
        CaseFileError,
        CohortError,
        EvidenceError,
        ImplausibleValueWarning,
        ParameterError,
        RnbayesError,
        RnbayesWarning,
        SchemaError,
        SemanticError,
        SpecError,
    )
    from .plots import (
        plot_network,
        plot_posterior_interval,
        plot_prior_curve,
        plot_test_values,
        plot_tornado,
    )
    from .plots.validation import plot_calibration, plot_decision_curve, plot_roc
    from .report import build_report, write_report
    from .report.validation import build_validation_report
    from .results import (
        Audit,
        Comparison,
        CredibleInterval,
        Marginals,
        Posterior,
        Provenance,
        Result,
        Sensitivity,
        Threshold,
        ValueOfInformation,
    )
    from .results.validation import Estimate, Validation
    from .spec.case import Case, load_case
    from .spec.catalog import CandidateTest, Catalog, load_catalog
    from .spec.labels import Labels, load_labels
    from .spec.utilities import Utilities, load_utilities

#: public name -> the module defining it; imported when first used, so that ``import
#: rnbayes`` and ``rnbayes --help`` do not pay for numpy, pandas and matplotlib up front
_LAZY = {
    **dict.fromkeys(["Model", "load_model"], "analysis.model"),
    "load_network": "analysis.files",
    **dict.fromkeys(["CaseFileError", "EvidenceError", "ImplausibleValueWarning",
                     "ParameterError", "RnbayesError", "RnbayesWarning", "SchemaError",
                     "SemanticError", "SpecError"], "errors"),
    **dict.fromkeys(["plot_network", "plot_posterior_interval", "plot_prior_curve",
                     "plot_test_values", "plot_tornado"], "plots"),
    **dict.fromkeys(["build_report", "write_report"], "report"),
    **dict.fromkeys(["Audit", "Comparison", "CredibleInterval", "Marginals", "Posterior",
                     "Provenance", "Result", "Sensitivity", "Threshold",
                     "ValueOfInformation"], "results"),
    **dict.fromkeys(["Case", "load_case"], "spec.case"),
    **dict.fromkeys(["CandidateTest", "Catalog", "load_catalog"], "spec.catalog"),
    **dict.fromkeys(["Labels", "load_labels"], "spec.labels"),
    **dict.fromkeys(["Utilities", "load_utilities"], "spec.utilities"),
    # cohorts (issue 12): what Model.score / validate / update / simulate return or raise
    "CohortError": "errors",
    **dict.fromkeys(["plot_calibration", "plot_decision_curve", "plot_roc"], "plots.validation"),
    "build_validation_report": "report.validation",
    **dict.fromkeys(["Estimate", "Validation"], "results.validation"),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'rnbayes' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "NOTICE",
    "Audit",
    "CandidateTest",
    "Case",
    "CaseFileError",
    "Catalog",
    "CohortError",
    "Comparison",
    "CredibleInterval",
    "Estimate",
    "EvidenceError",
    "ImplausibleValueWarning",
    "Labels",
    "Marginals",
    "Model",
    "ParameterError",
    "Posterior",
    "Provenance",
    "Result",
    "RnbayesError",
    "RnbayesWarning",
    "SchemaError",
    "SemanticError",
    "Sensitivity",
    "SpecError",
    "Threshold",
    "Utilities",
    "Validation",
    "ValueOfInformation",
    "__version__",
    "build_report",
    "build_validation_report",
    "compare",
    "load_case",
    "load_catalog",
    "load_labels",
    "load_model",
    "load_network",
    "load_utilities",
    "marginals",
    "plot_calibration",
    "plot_decision_curve",
    "plot_network",
    "plot_posterior_interval",
    "plot_prior_curve",
    "plot_roc",
    "plot_test_values",
    "plot_tornado",
    "posterior",
    "sensitivity",
    "value_of_information",
    "write_report",
]


def posterior(evidence: Mapping[str, Any] | None = None, *,
              utilities: Utilities | str | Path | None = None, interval: bool | int = False,
              seed: int = 0) -> Posterior:
    """Posterior P(TTP) vs P(RN) on the default model, with the recommended action.

    Parameters
    ----------
    evidence : mapping, optional
        Node name -> state name (``"thin_rim"``); a number for measured nodes
        (``months_since_srs``, ``lesion_diameter_cm``, ``rcbv``, ``fet_tbr_max``,
        ``fet_tbr_mean``, ``lesion_quotient``); or a mapping state -> likelihood for an
        uncertain read (soft evidence).
    utilities : Utilities, path or bundled set name, optional
        Behind ``.action``: default the asymptomatic-lesion set; ``"symptomatic"``.
    interval : bool or int
        Also a credible interval of P(TTP): True for 2,000 parameter draws, an int for
        that many, False (default) for none.
    seed : int
        Seed of the interval's draws.

    Returns
    -------
    Posterior
        ``.p_progression``, ``.action`` and ``.recommendation``, ``.contributions``,
        ``.interval``.

    Examples
    --------
    >>> import rnbayes
    >>> rim = rnbayes.posterior({"enhancement_pattern": "thin_rim"})
    >>> nodular = rnbayes.posterior({"enhancement_pattern": "nodular"})
    >>> rim.p_progression < nodular.p_progression
    True
    >>> rim.action, rnbayes.posterior({"enhancement_pattern": "thin_rim"},
    ...                               utilities="symptomatic").action
    ('surveillance', 'treat_as_necrosis')
    """
    from .analysis.model import load_model

    return load_model().posterior(evidence, utilities=utilities, interval=interval, seed=seed)


def marginals(evidence: Mapping[str, Any] | None = None, *,
              nodes: Iterable[str] | None = None) -> Marginals:
    """P(state) of any node given the findings, on the default model.

    See :meth:`Model.marginals`.

    Examples
    --------
    >>> import rnbayes
    >>> m = rnbayes.marginals({"enhancement_pattern": "nodular"}, nodes=["rcbv"])
    >>> round(m.p("rcbv", "elevated") + m.p("rcbv", "not_elevated"), 12)
    1.0
    """
    from .analysis.model import load_model

    return load_model().marginals(evidence, nodes=nodes)


def compare(cases: Sequence[Case | Mapping[str, Any]] | Mapping[str, Any], *,
            utilities: Utilities | str | Path | None = None, interval: bool | int = True,
            seed: int = 0, tests: Iterable[str] | None = None,
            rank_by: str = "net_value") -> Comparison:
    """Several cases side by side on the default model.

    See :meth:`Model.compare` for the parameters.

    Examples
    --------
    >>> import rnbayes
    >>> c = rnbayes.compare([{"enhancement_pattern": "thin_rim"}, {"rcbv": "elevated"}],
    ...                     interval=False)
    >>> c.cases
    ('case 1', 'case 2')
    """
    from .analysis.model import load_model

    return load_model().compare(cases, utilities=utilities, interval=interval, seed=seed,
                                tests=tests, rank_by=rank_by)


def value_of_information(evidence: Mapping[str, Any] | None = None, *,
                         tests: Iterable[str] | None = None,
                         utilities: Utilities | str | Path | None = None,
                         rank_by: str = "net_value",
                         catalog: Catalog | str | Path | None = None,
                         pairs: bool | int = True) -> ValueOfInformation:
    """Value of information of each additional test on the default model.

    See :meth:`Model.value_of_information` for the parameters.

    Examples
    --------
    >>> import rnbayes
    >>> voi = rnbayes.value_of_information({"enhancement_pattern": "thin_rim",
    ...                                     "months_since_srs": 6}, utilities="symptomatic")
    >>> list(voi.table.columns[:2])
    ['test', 'label']
    """
    from .analysis.model import load_model

    return load_model().value_of_information(evidence, tests=tests, utilities=utilities,
                                             rank_by=rank_by, catalog=catalog, pairs=pairs)


def sensitivity(evidence: Mapping[str, Any] | None = None, *, n_draws: int = 10_000,
                seed: int = 0, utilities: Utilities | str | Path | None = None,
                catalog: Catalog | str | Path | None = None, level: float = 0.95,
                progress: bool | None = None, tests: Iterable[str] | None = None,
                rank_by: str = "net_value") -> Sensitivity:
    """Uncertainty and sensitivity analysis of one case on the default model.

    See :meth:`Model.sensitivity` for the parameters.

    Examples
    --------
    >>> import rnbayes
    >>> sens = rnbayes.sensitivity({"enhancement_pattern": "nodular"}, n_draws=300,
    ...                            utilities="symptomatic", progress=False)
    >>> 0.0 <= sens.p_decision_differs <= 1.0
    True
    """
    from .analysis.model import load_model

    return load_model().sensitivity(evidence, n_draws=n_draws, seed=seed, utilities=utilities,
                                    catalog=catalog, level=level, progress=progress,
                                    tests=tests, rank_by=rank_by)
