"""The case report: self-contained HTML, escaping, Markdown and JSON formats."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

import rnbayes
from rnbayes.report.document import build_report
from rnbayes.spec.case import Case

VOID = {"meta", "br", "img", "hr", "input", "link"}


class Checker(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.errors, self.tags, self.srcs, self.text = [], [], set(), [], []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for k, v in attrs:
            if k in ("src", "href"):
                self.srcs.append(v)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unbalanced </{tag}> (open: {self.stack[-3:]})")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


CASE = Case(evidence={"months_since_srs": "3_to_9", "enhancement_pattern": "thin_rim"},
            id="case <b>7</b>", notes="note <script>alert('x')</script> & more")


@pytest.fixture(scope="module")
def model():
    return rnbayes.load_model()


@pytest.fixture(scope="module")
def page(model):
    return build_report(model, CASE, extra_sections=[("Sensitivity", "<p>tornado here</p>")])


def test_html_is_well_formed_and_self_contained(page):
    c = Checker()
    c.feed(page)
    c.close()
    assert page.startswith("<!DOCTYPE html>")
    assert not c.errors and not c.stack
    assert "script" not in c.tags and "link" not in c.tags
    assert c.srcs and all(s.startswith("data:image/png;base64,") for s in c.srcs)
    assert "http://" not in page and "https://" not in page.split("<details>")[0]
    assert "@import" not in page and "url(" not in page


def test_case_text_is_escaped(page):
    assert "<script>" not in page and "<b>7</b>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    c = Checker()
    c.feed(page)
    assert "note <script>alert('x')</script> & more" in "".join(c.text)


def test_html_contains_every_part(page, model):
    for heading in ("Case findings", "Posterior", "contributions", "Additional tests, ranked",
                    "Test values", "What if", "Decision thresholds", "Provenance",
                    "Sources of the priors"):
        assert heading in page, heading
    assert model.digest in page and rnbayes.NOTICE in page and "pgmpy_version" in page
    assert "FET PET" in page and "treat_as_necrosis" in page
    # extra sections go before provenance
    assert page.index("tornado here") < page.index("Provenance")
    post = model.posterior(CASE.evidence)
    assert f"{post.p_progression:.3f}" in page


def test_markdown_and_json(model):
    md = build_report(model, CASE, format="md")
    assert md.startswith("# rnbayes report: case <b>7</b>")
    assert "## Additional tests, ranked" in md and "| test |" in md and rnbayes.NOTICE in md
    data = json.loads(build_report(model, CASE, format="json"))
    assert data["case"]["notes"] == CASE.notes
    assert data["value_of_information"]["table"][0]["test"]
    assert data["posterior"]["p_progression"] == pytest.approx(
        model.posterior(CASE.evidence).p_progression)
    assert data["sources"] and data["notice"] == rnbayes.NOTICE
    with pytest.raises(ValueError, match="format must be one of"):
        build_report(model, CASE, format="pdf")


def test_plot_labels(model):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from rnbayes.analysis.voi import value_of_information
    from rnbayes.plots.voi import plot_test_values

    voi = value_of_information(model, CASE.evidence, pairs=False)
    fig, ax = plt.subplots()
    try:
        out = plot_test_values(voi, ax=ax)
        assert out is ax
        assert "utility points" in ax.get_xlabel()
        labels = [t.get_text() for t in ax.get_yticklabels()]
        assert labels[-1] == voi.table.iloc[0]["label"]  # best at the top
        assert len(labels) == len(voi.table)
    finally:
        plt.close(fig)


def test_chart_marks_already_observed_tests(model):
    import matplotlib.pyplot as plt

    from rnbayes.plots.voi import plot_test_values

    voi = model.value_of_information({"susceptibility_foci": "none"}, pairs=False)
    ax = plot_test_values(voi)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    plt.close(ax.figure)
    assert any("(already observed)" in s for s in labels)
