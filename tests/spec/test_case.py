"""Case files."""

import pytest

import rnbayes
from rnbayes.errors import CaseFileError, SchemaError
from tests.helpers import CASES


def test_every_example_case_loads_with_an_expectation():
    assert len([c for c in CASES if c.name.startswith("fig")]) >= 12
    for path in CASES:
        case = rnbayes.load_case(path)
        assert case.id == path.stem and case.evidence and case.expected["direction"]
        assert case.extra["expected"] == dict(case.expected)


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(CaseFileError, match="case file not found"):
        rnbayes.load_case(tmp_path / "nope.yaml")
    bad = tmp_path / "c.yaml"
    bad.write_text("evidence: [unclosed\n")
    with pytest.raises(CaseFileError, match="malformed YAML at line"):
        rnbayes.load_case(bad)
    bad.write_bytes(b"\xff\xfe")
    with pytest.raises(CaseFileError, match="not a UTF-8 text file"):
        rnbayes.load_case(bad)
    assert issubclass(CaseFileError, SchemaError)


def test_minimal_case_and_empty_evidence(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("evidence:\n")
    case = rnbayes.load_case(p)
    assert case.evidence == {} and case.id == "c" and case.utilities is None
