"""Sensitivity plots draw a result and return the Axes."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from rnbayes.analysis.sensitivity import sensitivity
from rnbayes.plots.sensitivity import (
    plot_posterior_interval,
    plot_prior_curve,
    plot_tornado,
)
from rnbayes.report.document import sensitivity_html


@pytest.fixture(scope="module")
def sens(model):
    return sensitivity(model, {"enhancement_pattern": "thin_rim"}, n_draws=300, progress=False)


@pytest.mark.parametrize("fn", [plot_tornado, plot_posterior_interval, plot_prior_curve])
def test_plot_returns_axes_on_given_ax(sens, fn, tmp_path):
    fig, ax = plt.subplots()
    out = fn(sens, ax=ax)
    assert out is ax
    assert "P(tumour progression" in ax.get_xlabel() + ax.get_ylabel()
    fig.savefig(tmp_path / "p.png")
    assert (tmp_path / "p.png").stat().st_size > 1000
    plt.close(fig)


def test_tornado_has_one_bar_pair_per_row(sens):
    ax = plot_tornado(sens, top=5)
    assert len(ax.patches) == 10
    assert len(ax.get_yticklabels()) == 5
    plt.close(ax.figure)


def test_report_section_escapes_and_embeds(model, sens):
    frag = sensitivity_html(sens)
    assert frag.count("data:image/png;base64,") == 3
    assert "<script" not in frag
