"""The case report: built from results (computes nothing), self-contained HTML, escaping,
Markdown and JSON whose numbers are the results' numbers."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import matplotlib
import pytest

import rnbayes
from rnbayes import Case, build_report
from rnbayes.errors import ParameterError
from rnbayes.results.render import md_escape

VOID = {"meta", "br", "img", "hr", "input", "link"}
CASE = Case(evidence={"months_since_srs": "3_to_9", "enhancement_pattern": "thin_rim"},
            id="case <b>7</b>", notes="note <script>alert('x')</script> & more")


class Checker(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.errors, self.tags, self.srcs, self.text = [], [], set(), [], []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.srcs += [v for k, v in attrs if k in ("src", "href")]
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unbalanced </{tag}> (open: {self.stack[-3:]})")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def results(model):
    return (model.posterior(CASE.evidence), model.value_of_information(CASE.evidence),
            model.sensitivity(CASE.evidence, n_draws=200, seed=1, progress=False))


@pytest.fixture(scope="module")
def page(results):
    post, voi, sens = results
    return build_report(post, voi, sens, case=CASE,
                        extra_sections=[("Audit", "<p>extra here</p>")])


def test_html_is_well_formed_and_self_contained(page):
    c = Checker()
    c.feed(page)
    c.close()
    assert page.startswith("<!DOCTYPE html>")
    assert not c.errors and not c.stack
    assert "script" not in c.tags and "link" not in c.tags
    assert len(c.srcs) == 4 and all(s.startswith("data:image/png;base64,") for s in c.srcs)
    assert "http://" not in page and "https://" not in page.split("<details>")[0]
    assert "@import" not in page and "url(" not in page


def test_case_text_is_escaped(page):
    assert "<script>" not in page and "<b>7</b>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    c = Checker()
    c.feed(page)
    assert "note <script>alert('x')</script> & more" in "".join(c.text)


def test_html_contains_every_part_with_the_results_numbers(page, results, model):
    post, voi, sens = results
    for heading in ("The answer", "Case findings", "What drove it", "Additional tests, ranked",
                    "Test values", "What if", "Decision thresholds",
                    "Sensitivity to the published figures", "Provenance",
                    "Sources of the priors", "Identifiers behind the labels"):
        assert heading in page, heading
    assert page.count("Sensitivity to the published figures") == 1
    assert model.digest in page and rnbayes.NOTICE in page and "pgmpy_version" in page
    assert "FET PET" in page and "Treat as radiation necrosis" in page
    assert page.index("extra here") < page.index("Provenance")
    assert f"{post.p_progression:.3f}" in page and f"{sens.interval.low:.3f}" in page
    assert f"{voi.evpi:.2f}" in page


def test_markdown_and_json_carry_the_results(results):
    post, voi, sens = results
    md = build_report(post, voi, case=CASE, format="md")
    assert md.startswith("# rnbayes report: case &lt;b&gt;7&lt;/b&gt;")
    assert "## Additional tests, ranked" in md and "| test |" in md
    assert f"P(tumour progression) = {post.p_progression:.3f}" in md
    for label, net in zip(voi.table["label"], voi.table["net_value"]):
        assert f"| {md_escape(label)} |" in md and f"{net:.2f}" in md
    data = json.loads(build_report(post, voi, sens, case=CASE, format="json"))
    assert data["case"]["notes"] == CASE.notes and "path" not in data["case"]
    assert data["posterior"] == json.loads(json.dumps(post.to_dict()))
    assert data["value_of_information"] == json.loads(json.dumps(voi.to_dict()))
    assert data["sensitivity"]["interval"]["low"] == sens.interval.low
    assert len(data["sources"]) == len(post.sources) and data["notice"] == rnbayes.NOTICE


def test_report_rejects_bad_format_and_results_of_another_case(results, model):
    post, voi, _ = results
    with pytest.raises(ParameterError, match="The 'format' parameter of build_report"):
        build_report(post, voi, format="pdf")
    other = model.value_of_information({"enhancement_pattern": "solid"})
    with pytest.raises(ParameterError, match="same model and evidence"):
        build_report(post, other)
    what_if = model.with_records({"p_ttp_enlarging_lesion": 0.5})
    with pytest.raises(ParameterError, match="same model and evidence"):
        build_report(post, what_if.value_of_information(CASE.evidence))


def test_building_a_report_leaves_the_backend_and_pyplot_alone(results):
    import matplotlib.pyplot as plt

    matplotlib.use("svg")  # stands in for a notebook's inline backend
    try:
        figures = plt.get_fignums()
        build_report(*results[:2], case=CASE)  # the test-value chart is drawn
        assert matplotlib.get_backend() == "svg" and plt.get_fignums() == figures
    finally:
        matplotlib.use("Agg")
