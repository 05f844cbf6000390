"""Validation plots draw on a new figure or the Axes given, show the numbers the result
holds, and use one colour per diagnosis."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from rnbayes.analysis.cohort.validation import validate_predictions
from rnbayes.plots.validation import COLOURS, plot_calibration, plot_decision_curve, plot_roc


@pytest.fixture(scope="module")
def validation():
    rng = np.random.default_rng(11)
    p = rng.beta(1.2, 2.5, 600)
    y = (rng.uniform(size=600) < p).astype(int)
    groups = np.where(np.arange(600) < 20, "+ PET <rare>", "+ DWI/SWI")
    return validate_predictions(p, y, groups=groups, threshold=0.649, n_boot=100,
                                threshold_label="surveillance -> treat as progression",
                                group_name="imaging available")


@pytest.mark.parametrize("plot", [plot_roc, plot_calibration, plot_decision_curve])
def test_plots_draw_on_a_new_figure_without_pyplot_or_backend_change(validation, plot):
    import matplotlib.pyplot as plt

    before, backend = plt.get_fignums(), matplotlib.get_backend()
    ax = plot(validation)
    assert plt.get_fignums() == before and matplotlib.get_backend() == backend
    xlabel = ax.get_xlabel() or ax.child_axes[0].get_xlabel()  # calibration: under the histogram
    assert xlabel and ax.get_ylabel() and ax.lines


@pytest.mark.parametrize("plot", [plot_roc, plot_calibration, plot_decision_curve])
def test_plots_draw_on_the_axes_given(validation, plot):
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    assert plot(validation, ax=ax) is ax


def test_plots_show_the_numbers_of_the_result(validation):
    roc = plot_roc(validation)
    curve = roc.lines[1]
    np.testing.assert_array_equal(curve.get_xdata(), validation.roc["fpr"])
    assert f"{validation.auc.value:.3f}" in curve.get_label()
    dca = plot_decision_curve(validation)
    marked = [ln for ln in dca.lines if "decision threshold 0.65" in ln.get_label()]
    assert marked and marked[0].get_xdata()[0] == pytest.approx(0.649)
    model = next(ln for ln in dca.lines if ln.get_label() == "act on the model")
    np.testing.assert_allclose(model.get_ydata(), validation.net_benefit["model"])


def test_calibration_plot_uses_one_colour_per_diagnosis(validation):
    ax = plot_calibration(validation)
    hist = ax.child_axes[0]
    colours = {matplotlib.colors.to_hex(p.get_facecolor()) for p in hist.patches}
    assert colours == {COLOURS["tumour_progression"], COLOURS["radiation_necrosis"]}
    heights = [p.get_height() for p in hist.patches]
    h = validation.histogram
    assert sum(x for x in heights if x > 0) == h["n_positive"].sum()
    assert -sum(x for x in heights if x < 0) == h["n_negative"].sum()
