"""Defect 1 of issue 11: a test already done was ranked first whenever no remaining test
was worth its cost (demo_numbers, near_certain_progression, fig2a_small_solid_regressed).

On every example case, no ranked output -- the API table, the CLI text, the CLI JSON, the
HTML and Markdown reports, the chart -- lists a test whose findings are all known; those
are listed apart as already done, and when nothing is worth its cost the outputs say so.
"""

from __future__ import annotations

import json
import re

import matplotlib.pyplot as plt
import pytest

import rnbayes
from rnbayes.cli import main
from rnbayes.report import build_report, sections
from rnbayes.results.render import md_escape
from tests.helpers import CASES

#: the cases where the defect showed
DEFECT_CASES = {"demo_numbers", "near_certain_progression", "fig2a_small_solid_regressed"}


def done_tests(model, evidence) -> set[str]:
    """Independently of the VOI code: tests every node of which is observed."""
    known = set(model.findings(evidence))
    return {t.id for t in rnbayes.load_catalog() if set(t.reveals) <= known}


def first_html_row(section_html: str) -> str:
    body = section_html.split("<tbody>", 1)[1]
    return re.search(r"<td>(.*?)</td>", body).group(1)


def ranked_md_rows(md: str) -> list[str]:
    block = md.split("## Additional tests, ranked", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in block.splitlines() if line.startswith("| ")]
    return [r.split(" | ")[0].lstrip("| ").strip() for r in rows[1:]]  # after the header


def ranked_cli_rows(text: str) -> list[str]:
    block = text.split("Tests ranked by", 1)[1].split("\n\n", 1)[0].splitlines()[2:]
    return [line for line in block if line and not line.startswith(" ")]


@pytest.mark.parametrize("path", CASES, ids=[c.stem for c in CASES])
def test_no_ranked_output_puts_a_test_already_done_first(model, path, capsys):
    case = rnbayes.load_case(path)
    done = done_tests(model, case.evidence)
    voi = model.value_of_information(case.evidence, pairs=False)
    labels = {t.id: t.label for t in rnbayes.load_catalog()}
    done_labels = {labels[t] for t in done}
    # API
    assert not set(voi.table["test"]) & done and set(voi.done["test"]) == done
    # CLI text and JSON: through the CLI where the defect showed; elsewhere the same
    # summary() and to_dict() the CLI prints
    if path.stem in DEFECT_CASES:
        assert main(["tests", str(path)]) == 0
        text = capsys.readouterr().out
    else:
        text = voi.summary()
    rows = ranked_cli_rows(text)
    assert rows and not any(r.startswith(tuple(done_labels)) for r in rows if done_labels)
    if path.stem in DEFECT_CASES:
        assert main(["tests", str(path), "--json"]) == 0
        d = json.loads(capsys.readouterr().out)
    else:
        d = json.loads(json.dumps(voi.to_dict()))
    assert not {r["test"] for r in d["table"]} & done
    assert {r["test"] for r in d["already_done"]} == done
    # HTML (the ranked section) and Markdown
    if len(voi.table):
        assert first_html_row(sections.tests_sections(voi)[0].html) not in done_labels
    md_rows = ranked_md_rows(build_report(model.posterior(case.evidence), voi, format="md"))
    assert not set(md_rows) & {md_escape(x) for x in done_labels}
    # the chart: nothing done is drawn; the best is at the top
    ax = rnbayes.plot_test_values(voi)
    try:
        drawn = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
        assert not any(lab.startswith(tuple(done_labels)) for lab in drawn if done_labels)
    finally:
        plt.close(ax.figure)
    if path.stem in DEFECT_CASES:
        assert done, "these cases have a test already done"
        worth = voi.table[voi.table["net_value"] > 0]
        if worth.empty:  # say so in words, everywhere
            assert voi.next_test is None
            assert "No further test is worth its cost; recommended: " in text
            html = build_report(model.posterior(case.evidence), voi)
            assert "No further test is worth its cost; recommended: " in html
