"""rnbayes: radiation necrosis vs true tumour progression after radiosurgery.

A Bayesian network whose priors come from published incidence and test-accuracy
figures. It turns what is known about one enhancing lesion at a brain-metastasis
site treated with stereotactic radiosurgery into P(tumour progression) vs
P(radiation necrosis), and says which findings drove it.

Research use only: rnbayes is not a medical device.

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

from collections.abc import Mapping
from typing import Any

from .analysis.model import Model, load_model
from .analysis.voi import ValueOfInformation
from .errors import CaseFileError, EvidenceError, RnbayesError, RnbayesWarning, SpecError
from .plots.sensitivity import plot_posterior_interval, plot_prior_curve, plot_tornado
from .results.posterior import NOTICE, Posterior
from .results.sensitivity import Sensitivity

__version__ = "0.1.0"

__all__ = [
    "NOTICE",
    "CaseFileError",
    "EvidenceError",
    "Model",
    "Posterior",
    "RnbayesError",
    "RnbayesWarning",
    "Sensitivity",
    "SpecError",
    "ValueOfInformation",
    "__version__",
    "load_model",
    "plot_posterior_interval",
    "plot_prior_curve",
    "plot_tornado",
    "posterior",
    "sensitivity",
    "value_of_information",
]


def posterior(evidence: Mapping[str, Any] | None = None) -> Posterior:
    """Posterior P(TTP) vs P(RN) on the default model.

    Parameters
    ----------
    evidence : mapping, optional
        Node name -> state name (``"thin_rim"``); a number for measured nodes
        (``months_since_srs``, ``lesion_diameter_cm``, ``rcbv``, ``fet_tbr_max``,
        ``fet_tbr_mean``, ``lesion_quotient``); or a mapping state -> likelihood for an
        uncertain read (soft evidence).

    Returns
    -------
    Posterior

    Examples
    --------
    >>> import rnbayes
    >>> rim = rnbayes.posterior({"enhancement_pattern": "thin_rim"})
    >>> nodular = rnbayes.posterior({"enhancement_pattern": "nodular"})
    >>> rim.p_progression < nodular.p_progression
    True
    """
    return load_model().posterior(evidence)


def value_of_information(evidence: Mapping[str, Any] | None = None, **kwargs: Any) -> ValueOfInformation:
    """Value of information of each additional test on the default model.

    See :meth:`Model.value_of_information` for the parameters.

    Examples
    --------
    >>> import rnbayes
    >>> voi = rnbayes.value_of_information({"enhancement_pattern": "thin_rim", "months_since_srs": 6})
    >>> list(voi.table.columns[:2])
    ['test', 'label']
    """
    return load_model().value_of_information(evidence, **kwargs)


def sensitivity(evidence: Mapping[str, Any] | None = None, **kwargs: Any) -> Sensitivity:
    """Uncertainty and sensitivity analysis of one case on the default model.

    See :meth:`Model.sensitivity` for the parameters.

    Examples
    --------
    >>> import rnbayes
    >>> sens = rnbayes.sensitivity({"enhancement_pattern": "nodular"}, n_draws=300, progress=False)
    >>> 0.0 <= sens.p_decision_differs <= 1.0
    True
    """
    return load_model().sensitivity(evidence, **kwargs)
