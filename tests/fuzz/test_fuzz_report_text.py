"""Hostile text in a case's id and notes (markup, table pipes, control characters, lone
surrogates) through every report format: the HTML report escapes it, the JSON report keeps
it exactly, and no format crashes. (How the Markdown report escapes it belongs to the
report rendering; here it only has to be built and written.)"""

from __future__ import annotations

import html
import json

from hypothesis import given
from hypothesis import strategies as st

import rnbayes
from rnbayes.cli._output import write_file
from tests.fuzz import fuzz

EV = {"enhancement_pattern": "thin_rim", "rcbv": 1.4}
POST = rnbayes.posterior(EV)
VOI = rnbayes.value_of_information(EV, pairs=False)
ATTACKS = ["<script>alert(1)</script>", "a | b | c", "</td></tr><td>", "&amp; &lt;",
           "<img src=x onerror=alert(1)>", "line\nbreak", "\ud83e\udde0", "|---|"]
HOSTILE = st.one_of(
    st.sampled_from(ATTACKS),
    st.text(alphabet=st.sampled_from(list("<>&|\"'`*_[]()#\n\\ab\u00e9\U0001f9e0")), max_size=30),
)


@fuzz(1)  # each example lays out three reports with their figures (~1-3 s)
@given(HOSTILE, HOSTILE)
def test_hostile_ids_and_notes_are_escaped_in_html_and_kept_in_json(tmp_path_factory, id_, notes):
    check(tmp_path_factory, id_, notes)


def test_every_listed_attack_at_once(tmp_path_factory):
    every = " ".join(ATTACKS)
    check(tmp_path_factory, every, every[::-1])


def check(tmp_path_factory, id_: str, notes: str) -> None:
    case = rnbayes.Case(evidence=EV, id=id_, notes=notes)
    page = rnbayes.build_report(POST, VOI, case=case, format="html")
    assert "<script" not in page.lower() and "<img src=x" not in page
    assert html.escape(id_) in page or html.escape(id_, quote=False) in page
    doc = json.loads(rnbayes.build_report(POST, VOI, case=case, format="json"))
    as_json = json.loads(json.dumps({"id": id_, "notes": notes}))  # a surrogate pair is one char
    assert doc["case"]["id"] == as_json["id"] and doc["case"]["notes"] == as_json["notes"]
    md = rnbayes.build_report(POST, VOI, case=case, format="md")
    folder = tmp_path_factory.mktemp("r")
    for name, text in (("r.html", page), ("r.md", md)):
        written = write_file(folder / name, text, [], "test").read_bytes()
        assert len(written) >= len(text) // 2
