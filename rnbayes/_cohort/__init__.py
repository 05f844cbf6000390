"""Cohort tools: validate predicted P(TTP) against outcomes, plot and report the
validation, and simulate synthetic cohorts from a network.

These parts need only arrays and a network's tables; batch scoring, ``Model.validate``,
``Model.simulate`` and the CLI commands are built on top of them.
"""

from __future__ import annotations

from ._project import CohortInputError, decision_threshold
from .exact import ExactPatterns, exact_expected_auc, exact_patterns
from .metrics import Estimate
from .missingness import MissingnessPlan, imaging_available, plan_missingness
from .plots import plot_calibration, plot_decision_curve, plot_roc
from .report import validation_report_html
from .result import Validation
from .simulate import simulate, simulate_model
from .validation import validate_predictions

__all__ = [
    "CohortInputError",
    "Estimate",
    "ExactPatterns",
    "MissingnessPlan",
    "Validation",
    "decision_threshold",
    "exact_expected_auc",
    "exact_patterns",
    "imaging_available",
    "plan_missingness",
    "plot_calibration",
    "plot_decision_curve",
    "plot_roc",
    "simulate",
    "simulate_model",
    "validate_predictions",
    "validation_report_html",
]
