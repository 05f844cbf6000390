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
        labels = [t.get_text().replace("\n", " ").removesuffix(" \u2020")
                  for t in ax.get_yticklabels()]
        assert labels[-1] == voi.table.iloc[0]["label"]  # best at the top
        assert labels == list(voi.table["label"])[::-1]
    finally:
        plt.close(fig)


def test_chart_never_draws_a_test_already_done(model):
    """Defect: the chart put "DSC perfusion (rCBV) (already observed)" at the top."""
    voi = model.value_of_information({"susceptibility_foci": "none", "rcbv": "elevated"},
                                     pairs=False)
    ax = rnbayes.plot_test_values(voi)
    try:
        labels = " ".join(t.get_text() for t in ax.get_yticklabels())
        assert "Susceptibility" not in labels and "DSC perfusion" not in labels
        assert "Already done (not ranked): DSC perfusion (rCBV), Susceptibility-weighted MRI" \
            in ax.get_title()
    finally:
        plt.close(ax.figure)


def test_one_colour_for_ttp_and_one_for_rn_in_the_tornado(sens):
    from rnbayes.plots.colours import RN, TTP

    ax = rnbayes.plot_tornado(sens, top=6)
    try:
        p0 = sens.p_progression
        for bar in ax.patches:
            towards_ttp = bar.get_x() + bar.get_width() > p0 + 1e-12
            expected = matplotlib.colors.to_rgba(TTP if towards_ttp else RN)
            assert bar.get_facecolor() == pytest.approx(expected)
    finally:
        plt.close(ax.figure)


@pytest.mark.parametrize("fn", [rnbayes.plot_tornado, rnbayes.plot_posterior_interval,
                                rnbayes.plot_prior_curve])
def test_threshold_labels_never_cover_the_data(sens, fn, tmp_path):
    """Threshold labels live in the legend, below the axes: no text inside the plot area,
    and the legend does not overlap the axes or the tick labels."""
    fig, ax = plt.subplots(figsize=(8, 6))
    try:
        fn(sens, ax=ax)
        fig.canvas.draw()
        assert not ax.texts  # no annotation drawn over bars
        renderer = fig.canvas.get_renderer()
        legend = ax.get_legend().get_window_extent(renderer)
        inside = ax.get_window_extent(renderer)
        ticks = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
        assert legend.y1 <= inside.y0 and not any(legend.overlaps(t) for t in ticks)
        assert any("threshold" in t.get_text() for t in ax.get_legend().get_texts())
    finally:
        plt.close(fig)


def test_tornado_labels_are_words_and_wrap_without_cutting(sens):
    ax = rnbayes.plot_tornado(sens, top=5)
    try:
        for tick, label in zip(ax.get_yticklabels()[::-1], sens.tornado["label"]):
            text = tick.get_text()
            assert text.split("\n(")[0].replace("\n", " ") == label  # whole words kept
            assert tick.get_fontsize() >= 9
    finally:
        plt.close(ax.figure)


def test_plots_do_not_switch_the_backend(sens, voi):
    backend = matplotlib.get_backend()
    for fn, result in ((rnbayes.plot_tornado, sens), (rnbayes.plot_test_values, voi)):
        plt.close(fn(result).figure)
    assert matplotlib.get_backend() == backend
