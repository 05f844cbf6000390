"""Plots draw a result on the given Axes, return it, and compute nothing."""

import matplotlib
import matplotlib.pyplot as plt
import pytest

import rnbayes

CASE = {"months_since_srs": "3_to_9", "enhancement_pattern": "thin_rim"}


@pytest.fixture(scope="module")
def sens(model):
    return model.sensitivity({"enhancement_pattern": "thin_rim"}, n_draws=300, progress=False)


@pytest.fixture(scope="module")
def voi(model):
    return model.value_of_information(CASE, pairs=False)


@pytest.mark.parametrize("fn", [rnbayes.plot_tornado, rnbayes.plot_posterior_interval,
                                rnbayes.plot_prior_curve])
def test_sensitivity_plot_returns_the_given_axes(sens, fn, tmp_path):
    fig, ax = plt.subplots()
    try:
        assert fn(sens, ax=ax) is ax
        assert "P(tumour progression" in ax.get_xlabel() + ax.get_ylabel()
        fig.savefig(tmp_path / "p.png")
        assert (tmp_path / "p.png").stat().st_size > 1000
    finally:
        plt.close(fig)


def test_tornado_has_one_bar_pair_per_row(sens):
    ax = rnbayes.plot_tornado(sens, top=5)
    try:
        assert len(ax.patches) == 10 and len(ax.get_yticklabels()) == 5
        bars = sorted(p.get_width() + p.get_x() for p in ax.patches)
        expected = sorted([*sens.tornado.head(5)["low"], *sens.tornado.head(5)["high"]])
        assert bars == pytest.approx(expected, abs=1e-12)  # drawn from the result's numbers
    finally:
        plt.close(ax.figure)


def test_test_values_labels_and_order(voi):
    fig, ax = plt.subplots()
    try:
        assert rnbayes.plot_test_values(voi, ax=ax) is ax
        assert "utility points" in ax.get_xlabel()
        labels = [t.get_text() for t in ax.get_yticklabels()]
        assert labels[-1] == voi.table.iloc[0]["label"]  # best at the top
        assert len(labels) == len(voi.table)
    finally:
        plt.close(fig)


def test_chart_marks_already_observed_tests(model):
    voi = model.value_of_information({"susceptibility_foci": "none"}, pairs=False)
    ax = rnbayes.plot_test_values(voi)
    try:
        assert any("(already observed)" in t.get_text() for t in ax.get_yticklabels())
    finally:
        plt.close(ax.figure)


def test_plots_do_not_switch_the_backend(sens, voi):
    backend = matplotlib.get_backend()
    for fn, result in ((rnbayes.plot_tornado, sens), (rnbayes.plot_test_values, voi)):
        plt.close(fn(result).figure)
    assert matplotlib.get_backend() == backend
