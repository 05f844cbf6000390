"""Fuzzing spec files: malformed YAML and wrong types anywhere in every kind of document.

Each example mutates a good document (tests/data/good: network, records, tests catalogue,
utilities, case) -- a value replaced by one of another type, a key removed or added, or
characters inserted into the text -- and loads it the way rnbayes does. Invariant: a
loaded object, or an rnbayes error of one line; never another exception. Case files also go
through the command line: exit 0 or 2, at most one error line, no traceback.
"""

from __future__ import annotations

import contextlib
import copy
import io
import shutil
import warnings

import yaml
from hypothesis import given
from hypothesis import strategies as st

import rnbayes
from rnbayes import RnbayesError, RnbayesWarning
from rnbayes.cli import main
from rnbayes.spec.catalog import load_catalog
from rnbayes.spec.records import load_records
from rnbayes.spec.utilities import load_utilities
from rnbayes.spec.yamlio import parse_yaml
from tests.fuzz import fuzz
from tests.helpers import ROOT

GOOD = ROOT / "tests" / "data" / "good"
TEXT = {"network": (GOOD / "network.yaml").read_text(),
        "records": (GOOD / "priors" / "records.yaml").read_text(),
        "tests": (GOOD / "tests.yaml").read_text(),
        "utilities": (GOOD / "utilities.yaml").read_text(),
        "case": (GOOD / "case.yaml").read_text()}
DOCS = {kind: yaml.safe_load(text) for kind, text in TEXT.items()}
TINY = rnbayes.load_model(GOOD / "network.yaml", GOOD / "priors")

VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-(10 ** 6), 10 ** 6), st.integers(10 ** 300, 10 ** 400),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=15),
    st.sampled_from(["yes", "no", "9:30", "2.5e0", "<<", "~", "high", "p_d", "d", "", "\x07"]),
    st.lists(st.one_of(st.integers(), st.text(max_size=5)), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
NOISE = st.text(alphabet=":-[]{}&*!|>'\"#%@`,? \t\n\\x0123abc", min_size=1, max_size=6)


def places(doc, path=()):
    """Every (container, key) in a document."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield doc, k
            yield from places(v, (*path, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield doc, i
            yield from places(v, (*path, i))


@st.composite
def mutated(draw, kind: str) -> str:
    """The text of a good document of ``kind`` with one defect (or several)."""
    how = draw(st.sampled_from(["replace", "replace", "delete", "add", "text"]))
    if how == "text":  # characters inserted into the YAML text
        text = TEXT[kind]
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(NOISE) + text[at + draw(st.integers(0, 3)):]
        return text
    doc = copy.deepcopy(DOCS[kind])
    container, key = draw(st.sampled_from(list(places(doc))))
    if how == "replace":
        container[key] = draw(VALUES)
    elif how == "delete":
        del container[key]
    elif isinstance(container, dict):
        container[draw(st.text(max_size=8))] = draw(VALUES)
    else:
        container.append(draw(VALUES))
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def loads_or_one_line_error(load, path) -> object | None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", RnbayesWarning)
        try:
            return load(path)
        except RnbayesError as exc:
            message = str(exc)
            assert "\n" not in message and len(message) < 1500, message
            return None


def write(tmp_path_factory, name: str, text: str):
    folder = tmp_path_factory.mktemp("doc")
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return folder, path


@fuzz(25)
@given(mutated("network"))
def test_mutated_network(tmp_path_factory, text):
    folder, path = write(tmp_path_factory, "network.yaml", text)
    shutil.copy(GOOD / "tests.yaml", folder)
    model = loads_or_one_line_error(lambda p: rnbayes.load_model(p, GOOD / "priors"), path)
    if model is not None:
        loads_or_one_line_error(lambda _: model.value_of_information({}, pairs=False), None)


@fuzz(25)
@given(mutated("records"))
def test_mutated_records(tmp_path_factory, text):
    folder, _ = write(tmp_path_factory, "records.yaml", text)
    records = loads_or_one_line_error(load_records, folder)
    if records is not None:
        loads_or_one_line_error(lambda f: rnbayes.load_model(GOOD / "network.yaml", f), folder)


@fuzz(25)
@given(mutated("tests"))
def test_mutated_tests_catalogue(tmp_path_factory, text):
    _, path = write(tmp_path_factory, "tests.yaml", text)
    cat = loads_or_one_line_error(load_catalog, path)
    if cat is not None:
        loads_or_one_line_error(lambda c: TINY.value_of_information({}, catalog=c), cat)


@fuzz(25)
@given(mutated("utilities"))
def test_mutated_utilities(tmp_path_factory, text):
    _, path = write(tmp_path_factory, "utilities.yaml", text)
    u = loads_or_one_line_error(load_utilities, path)
    if u is not None:
        assert len(u.thresholds()) <= len(u.actions)


@fuzz(25)
@given(mutated("case"))
def test_mutated_case_through_the_api_and_the_cli(tmp_path_factory, text):
    _, path = write(tmp_path_factory, "case.yaml", text)
    case = loads_or_one_line_error(rnbayes.load_case, path)
    if case is not None:
        loads_or_one_line_error(lambda c: rnbayes.posterior(c.evidence), case)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["assess", str(path), "--json"])
    assert code in (0, 2)
    lines = [ln for ln in err.getvalue().splitlines() if ln.startswith("rnbayes: error:")]
    assert len(lines) == (code == 2) and "Traceback" not in err.getvalue()


@fuzz(60)
@given(st.text(alphabet=st.sampled_from(list(":-[]{}&*!|>'\"#%@`,?~ \t\n\\abcxyz019.eE\u00e9")),
               max_size=120))
def test_random_text_is_data_or_one_yaml_error(text):
    try:
        parse_yaml(text)
    except yaml.YAMLError as exc:  # load_yaml turns these into one SchemaError line
        assert str(exc)
