"""Cohort tools: validate predicted P(TTP) against outcomes, plot and report the
validation, and simulate synthetic cohorts from a network.

These parts need only arrays and a network's tables; batch scoring, ``Model.validate``,
``Model.simulate`` and the CLI commands are built on top of them.
"""

from __future__ import annotations

from ._project import CohortInputError, decision_threshold
from .metrics import Estimate
from .plots import plot_calibration, plot_decision_curve, plot_roc
from .report import validation_report_html
from .result import Validation
from .validation import validate_predictions

__all__ = [
    "CohortInputError",
    "Estimate",
    "Validation",
    "decision_threshold",
    "plot_calibration",
    "plot_decision_curve",
    "plot_roc",
    "validate_predictions",
    "validation_report_html",
]
