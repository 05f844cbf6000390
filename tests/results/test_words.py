"""Clinical language (issue 11, items 5 and 6): labels where people read, whole words,
soft evidence with its states, the conflict sign explained, EVSI/EVPI in a sentence,
consistent JSON names."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnbayes.results.text import GLOSSARY, conflict_text, text_table

SOFT = {"ktrans": "elevated", "rcbv": {"elevated": 0.6, "not_elevated": 0.4}}
IDS = ("enhancement_pattern", "thin_rim", "asl_perfusion", "treat_as_progression",
       "tumour_progression", "susceptibility_foci", "months_since_srs")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.text(alphabet="abc xyz-()", min_size=0, max_size=60), min_size=3,
                         max_size=3), min_size=1, max_size=4),
       st.lists(st.integers(4, 20), min_size=3, max_size=3))
def test_text_tables_wrap_at_word_boundaries_and_never_cut_a_word(rows, widths):
    lines = text_table(["a", "b", "c"], rows, widths)
    words = " ".join(lines).split()
    for row in rows:
        for cell in row:
            for word in cell.split():
                assert word in words  # every word of every cell whole somewhere


def test_soft_evidence_shows_its_states(model):
    post = model.posterior(SOFT)
    text, html = post.summary(), post._repr_html_()
    assert "rCBV (DSC perfusion): elevated 0.6 / not elevated 0.4" in text
    assert "elevated 0.6 / not elevated 0.4" in html
    assert "soft: 0.6, 0.4" not in text


@pytest.mark.parametrize("conflict, words", [(0.38, "positive, so the findings are less "
                                                    "likely together"),
                                             (-2.31, "zero or negative, so the findings are "
                                                     "at least as likely together")])
def test_the_conflict_line_says_what_its_sign_means(conflict, words):
    assert words in conflict_text(conflict)


def test_a_conflict_names_the_findings_against_the_direction(model):
    ev = {"enhancement_pattern": "thin_rim", "susceptibility_foci": "none",
          "months_since_srs": 6}
    post = model.posterior(ev)
    assert post.conflict > 0 and post.conflict_flagged
    assert "against the overall direction: Enhancement pattern: thin irregular rim" in \
        post.summary().replace("\n    ", " ")


def test_decision_terms_get_one_plain_sentence_each(model):
    voi = model.value_of_information(SOFT, pairs=False)
    text = voi.summary().replace("\n    ", " ")
    for key in ("EVSI", "EVPI", "MI", "net value"):
        assert GLOSSARY[key] in text
        assert GLOSSARY[key].count(". ") == 0  # one sentence


@pytest.mark.parametrize("kind", ["posterior", "voi", "sensitivity"])
def test_people_read_labels_not_identifiers(model, kind):
    ev = {"enhancement_pattern": "thin_rim", "susceptibility_foci": "none",
          "months_since_srs": 6}
    result = {"posterior": lambda: model.posterior(ev),
              "voi": lambda: model.value_of_information(ev),
              "sensitivity": lambda: model.sensitivity(ev, n_draws=100, progress=False)}[kind]()
    for view in (result.summary(), result._repr_html_()):
        found = [i for i in IDS if i in view]
        assert not found, found


def walk_keys(x):
    if isinstance(x, dict):
        for k, v in x.items():
            yield k
            yield from walk_keys(v)
    elif isinstance(x, list):
        for v in x:
            yield from walk_keys(v)


def test_json_names_p_progression_everywhere(model):
    ev = {"enhancement_pattern": "nodular"}
    results = [model.posterior(ev), model.value_of_information(ev),
               model.sensitivity(ev, n_draws=60, progress=False),
               model.marginals(ev, nodes=["rcbv"]), model.compare([ev], interval=False)]
    for r in results:
        keys = set(walk_keys(json.loads(json.dumps(r.to_dict()))))
        assert not {k for k in keys if "p_positive" in k}, type(r).__name__
    assert "p_progression" in model.value_of_information(ev).to_dict()
