"""The report as a document (issue 11, items 7-10, and issue 10 defect 12): it prints with
the answer on the first page and nothing cut, its Markdown renders (every cell and case
text escaped) with charts beside it, it names no machine path, and it carries a
generation time that SOURCE_DATE_EPOCH fixes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

import rnbayes
from rnbayes import Case, build_report, write_report
from rnbayes.report.files import combined_document
from rnbayes.results.render import md_escape
from tests.helpers import ROOT

markdown_it = pytest.importorskip("markdown_it")

HOSTILE = Case(evidence={"enhancement_pattern": "thin_rim", "susceptibility_foci": "none",
                         "months_since_srs": 6},
               id="bad | id <script>alert(1)</script>",
               notes="a | b <script>alert('x')</script> *bold* [link](http://x) `code`")


@pytest.fixture(scope="module")
def results(model):
    ev = HOSTILE.evidence
    return (model.posterior(ev), model.value_of_information(ev),
            model.sensitivity(ev, n_draws=300, seed=1, progress=False))


def rendered(md: str) -> tuple[str, list]:
    parser = markdown_it.MarkdownIt("commonmark").enable("table")
    return parser.render(md), parser.parse(md)


def test_markdown_renders_every_table_and_escapes_what_users_wrote(results):
    md = build_report(*results, case=HOSTILE, format="md")
    html, tokens = rendered(md)
    # every table written (a header line followed by |---|) is parsed as a table
    written = len(re.findall(r"^\|.*\|\n\|(?:---\|)+$", md, re.M))
    assert written >= 8 and sum(t.type == "table_open" for t in tokens) == written
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "bad | id" in html  # the pipe shows as text, the table is not broken
    assert "<em>bold</em>" not in html and "<a href" not in html and "<code>" not in html
    assert html.count("<h1>") == 1 and "rnbayes report: bad | id &lt;script&gt;" in html


def test_markdown_report_writes_its_charts_beside_it_and_links_them(results, tmp_path):
    post, voi, sens = results
    paths = write_report(tmp_path / "board.md", post, voi, sens, case=HOSTILE)
    names = sorted(p.name for p in paths)
    assert names == ["board-interval.png", "board-prior-curve.png", "board-test-values.png",
                     "board-tornado.png", "board.md"]
    md = (tmp_path / "board.md").read_text()
    links = re.findall(r"!\[[^\]]*\]\(<([^>]+)>\)", md)
    assert sorted(links) == names[:-1] and all((tmp_path / x).stat().st_size > 5000
                                                for x in links)
    html, _ = rendered(md)
    assert html.count("<img") == 4


def test_html_prints_without_scroll_bars_or_cut_columns(results):
    page = build_report(*results[:2], case=HOSTILE)
    css = page.split("@media print", 1)[1]
    assert ".tw{overflow:visible}" in css and "table{width:100%" in css
    assert "section.first{break-after:page" in css  # the answer alone on page 1
    assert page.index("The answer") < page.index("Case findings")


def test_no_machine_path_in_any_report(results, tmp_path):
    post, voi, _ = results
    case = Case(evidence=HOSTILE.evidence, id="c", path=str(tmp_path / "case.yaml"))
    (tmp_path / "case.yaml").write_text("evidence: {}\n")
    mine = tmp_path / "mine.yaml"
    shutil.copy(ROOT / "priors" / "utilities.yaml", mine)
    voi2 = rnbayes.value_of_information(HOSTILE.evidence, utilities=mine, pairs=False)
    texts = {(fmt, k): build_report(post, v, case=case, format=fmt)
             for fmt in ("md", "json") for k, v in (("bundled", voi), ("mine", voi2))}
    texts["html", "mine"] = build_report(post, voi2, case=case)
    for key, text in texts.items():
        for path in (str(ROOT), str(tmp_path), "site-packages", "/work/", "/tmp/"):
            assert path not in text, (key, path)
    assert re.search(r"mine\.yaml \(sha256 [0-9a-f]{12}\)", texts["html", "mine"])
    assert "case.yaml (sha256" in texts["html", "mine"]
    assert "utilities.yaml (bundled)" in texts["md", "bundled"]


@pytest.mark.parametrize("fmt", ["html", "md", "json"])
def test_every_format_carries_the_generation_time_fixed_by_source_date_epoch(
        results, fmt, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    parts = results if fmt != "html" else results[:2]  # one chart is enough to compare
    a = build_report(*parts, case=HOSTILE, format=fmt)
    b = build_report(*parts, case=HOSTILE, format=fmt)
    assert a == b  # byte for byte, figures included
    stamp = "1970-01-02T00:00:00Z" if fmt == "json" else "1970-01-02 00:00 UTC"
    assert stamp in a
    if fmt == "json":
        assert json.loads(a)["generated"] == stamp


def test_the_answer_comes_first_and_says_everything_a_board_needs(results):
    post, voi, sens = results
    md = build_report(post, voi, sens, case=HOSTILE, format="md")
    answer = md.split("## The answer", 1)[1].split("\n## ", 1)[0]
    iv = sens.interval
    u = voi.utilities
    nxt = voi.next_test
    assert nxt is not None  # this case has a test worth its cost
    note = voi.evidence_note(nxt)
    for part in (f"P(tumour progression) = {post.p_progression:.3f}",
                 f"95% credible interval {iv.low:.3f}-{iv.high:.3f}",
                 f"Recommended: {u.label(u.best_action(post.p_progression))}",
                 "Utilities assumed: asymptomatic lesion (default)",
                 f"Best next test: {md_escape(voi.test_label(nxt))}", "If ", ": P(TTP)",
                 *([md_escape(note)] if note else []), "is the best in"):
        assert part in answer, part
    assert md.index(rnbayes.NOTICE) < md.index("## The answer")


def test_without_a_sensitivity_run_the_answer_says_there_is_no_interval(results):
    post, voi, _ = results
    md = build_report(post, voi, format="md")
    assert "no credible interval: the report was made without a sensitivity run" in md
    with_iv = rnbayes.posterior(HOSTILE.evidence, interval=200)
    md = build_report(with_iv, voi, format="md")
    assert f"{with_iv.interval.low:.3f}-{with_iv.interval.high:.3f}" in md


def test_reference_case_section_shows_how_the_answer_differs(model, results):
    post, voi, _ = results
    ref = Case(evidence={"enhancement_pattern": "thin_rim", "rcbv": "not_elevated"}, id="ref")
    comparison = model.compare([ref, HOSTILE], interval=False)
    actions = comparison.table["action"]
    assert actions.iloc[0] != actions.iloc[-1]  # the premise: the two cases differ
    page = build_report(post, voi, case=HOSTILE, reference=comparison)
    section = page.split("Compared with the reference case (ref)", 1)[1]
    assert "the recommendation is different" in section and "Findings that differ" in section
    assert page.index("Compared with the reference") < page.index("Case findings")


def test_combined_report_has_a_summary_table_then_each_case(model):
    cases = [rnbayes.load_case(ROOT / "examples" / "cases" / f"{n}.yaml")
             for n in ("demo_numbers", "fig1b_nodular")]
    items = [(c, model.posterior(c.evidence), model.value_of_information(c.evidence,
                                                                         pairs=False), None)
             for c in cases]
    md = combined_document(items, format="md").text
    html, _ = rendered(md)
    summary = md.split("## Summary", 1)[1].split("\n# ", 1)[0]
    assert "demo\\_numbers" in summary and "fig1b\\_nodular" in summary
    assert "demo_numbers" in html
    assert "none worth its cost" in summary and md.count("## The answer") == 2
    data = json.loads(combined_document(items, format="json").text)
    assert [r["case"] for r in data["summary"]] == ["demo_numbers", "fig1b_nodular"]


@pytest.mark.slow
@pytest.mark.skipif(not (shutil.which("chromium") and shutil.which("pdftotext")),
                    reason="needs chromium and poppler-utils")
def test_printed_first_page_is_the_answer(results, tmp_path):
    """Print the HTML to PDF in headless Chromium: page 1 holds the whole answer."""
    voi = results[1]
    with_interval = rnbayes.posterior(HOSTILE.evidence, interval=300)  # one chart: faster
    page = tmp_path / "r.html"
    page.write_text(build_report(with_interval, voi, case=HOSTILE), encoding="utf-8")
    pdf = tmp_path / "r.pdf"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
                   capture_output=True, timeout=180, check=False)
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    flat = " ".join(first.split())
    u = voi.utilities
    for part in ("Research use only", "P(tumour progression) = ", "credible interval",
                 f"Recommended: {u.label(u.best_action(voi.p_positive))}",
                 "asymptomatic lesion (default)",
                 f"Best next test: {voi.test_label(voi.next_test)}", "If "):
        assert part in flat, part
    assert "Case findings" not in flat  # the detail starts on page 2
