"""The YAML loader every spec file goes through: YAML 1.2 core types, limits checked before
any Python object is built, and one line (with the position) for every problem."""

from __future__ import annotations

import time

import pytest
import yaml

from rnbayes.errors import SchemaError
from rnbayes.spec import yamlio
from rnbayes.spec.yamlio import MAX_BYTES, MAX_DEPTH, MAX_NODES, LimitError, load_yaml, parse_yaml
from tests.helpers import ROOT


def load_text(tmp_path, text: str | bytes):
    p = tmp_path / "doc.yaml"
    p.write_bytes(text.encode() if isinstance(text, str) else text)
    return load_yaml(p)


def one_line_error(tmp_path, text: str | bytes) -> str:
    with pytest.raises(SchemaError) as info:
        load_text(tmp_path, text)
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"{tmp_path / 'doc.yaml'}: ")
    assert len(message) - len(str(tmp_path)) < 200
    return message


@pytest.mark.parametrize("text,value", [
    ("x: yes", "yes"), ("x: no", "no"), ("x: on", "on"), ("x: off", "off"), ("x: Y", "Y"),
    ("x: true", True), ("x: False", False),
    ("x: 2.5e0", 2.5), ("x: 1e5", 100000.0), ("x: .5", 0.5), ("x: -3.", -3.0),
    ("x: 9:30", "9:30"), ("x: 1:00:00", "1:00:00"), ("x: 010", 10), ("x: 0o17", 15),
    ("x: 0x1F", 31), ("x: +7", 7), ("x: 1_000", "1_000"), ("x: 2024-01-31", "2024-01-31"),
    ("x: ~", None), ("x: null", None), ("x:", None), ("x: 'null'", "null"),
])
def test_yaml_1_2_core_types(text, value):
    """YAML 1.1 traps: yes/no/on/off are text, 2.5e0 a number, 9:30 not 570, 010 not 8."""
    got = parse_yaml(text)["x"]
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize("text", ["x: .inf", "x: -.Inf", "x: .nan", "x: .NaN"])
def test_infinity_and_nan_are_refused(tmp_path, text):
    assert "is not a finite number" in one_line_error(tmp_path, text)


def test_shipped_documents_read_the_same_as_with_pyyaml():
    """No shipped file relies on a YAML 1.1 type the loader dropped."""
    for f in [*ROOT.glob("networks/*.yaml"), *ROOT.glob("priors/*.yaml"),
              *ROOT.glob("examples/cases/*.yaml")]:
        assert parse_yaml(f.read_text()) == yaml.safe_load(f.read_text()), f


@pytest.mark.parametrize("text,pattern", [
    ("evidence:\n  rcbv: 1.4\n  rcbv: 3.0\n", r"duplicate key 'rcbv' at lines 2 and 3$"),
    ("evidence: {}\nid: a\nevidence: {}\n", r"duplicate key 'evidence' at lines 1 and 3$"),
    ("utilities:\n  surveillance: {a: 1}\n  surveillance: {a: 2}\n",
     r"duplicate key 'surveillance' at lines 2 and 3"),
    ("rcbv: 1" + "0" * 400 + "\n", r"the number '10+\.\.\.0+' is too large at line 1, column 7"),
    ("rcbv: 1" + "0" * 5000 + "\n", r"is too large at line 1"),
    ("rcbv: 1e400\n", r"the number '1e400' is too large"),
    ("evidence:\n  rcbv: 1.4\x07\n", r"line 2, column 12: character 0x0007 is not allowed"),
    ("id: \x1b[31m\n", r"line 1, column 5: character 0x001b is not allowed"),
    ("a: !!python/object/apply:os.system [ls]\n", r"tag .*python/object/apply:os.system.* not allowed"),
    ("a: !!binary aGVsbG8=\n", r"tag .*binary.* not allowed"),
    ("base: &b {x: 1}\nother:\n  <<: *b\n", r"merge keys \('<<'\) are not supported"),
    ("? [1, 2]\n: 3\n", r"a key must be a text or a number"),
    ("a: &a [*a]\n", r"an alias refers to a node that contains it at line 1"),
    ("a: [1\n", r"malformed YAML at line 2, column 1"),
])
def test_bad_yaml_is_one_line_with_the_position(tmp_path, text, pattern):
    import re

    assert re.search(pattern, one_line_error(tmp_path, text))


def test_billion_laughs_is_refused_quickly_with_a_short_message(tmp_path):
    text = "evidence:\n  b0: &b0 [" + ",".join(["xxxxxxxxx"] * 9) + "]\n"
    for i in range(1, 9):
        text += f"  b{i}: &b{i} [" + ",".join([f"*b{i - 1}"] * 9) + "]\n"
    assert len(text) < 500  # 9**9 = 387 million strings once expanded
    t0 = time.perf_counter()
    message = one_line_error(tmp_path, text)
    assert time.perf_counter() - t0 < 2.0
    assert f"more than {MAX_NODES} values once aliases are expanded" in message


def test_many_aliases_and_wide_expansion_are_bounded(tmp_path):
    assert "more than 1000 aliases" in one_line_error(
        tmp_path, "a: &a [1]\nb: [" + ",".join(["*a"] * 1001) + "]\n")
    wide = "a: &a [" + ",".join(["x"] * 1000) + "]\nb: [" + ",".join(["*a"] * 200) + "]\n"
    assert "values once aliases are expanded" in one_line_error(tmp_path, wide)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 999, 5000])
def test_deep_nesting_is_refused_without_recursion_error(tmp_path, depth):
    message = one_line_error(tmp_path, "evidence: " + "[" * depth + "]" * depth + "\n")
    assert "nested more than" in message or "maximum nesting depth" in message


def test_nesting_up_to_the_limit_loads(tmp_path):
    doc = load_text(tmp_path, "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1))
    assert isinstance(doc["a"], list)


def test_large_files_are_refused_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlio, "MAX_BYTES", 1000)
    message = one_line_error(tmp_path, "notes: '" + "x" * 2000 + "'\n")
    assert "larger than" in message
    assert MAX_BYTES >= 50 * (ROOT / "networks" / "rn_vs_ttp.yaml").stat().st_size


@pytest.mark.parametrize("data,pattern", [
    (b"evidence: {}\n# caf\xe9\n", r"not a UTF-8 text file \(byte 0xe9 at line 2, column 6\)"),
    (b"\xff\xfee\x00v\x00", r"not a UTF-8 text file \(byte 0xff at line 1, column 1\)"),
    (b"id: \xed\xa0\xbd\n", r"not a UTF-8 text file"),  # a surrogate encoded as UTF-8 (CESU)
])
def test_non_utf8_files_name_the_byte_and_position(tmp_path, data, pattern):
    import re

    assert re.search(pattern, one_line_error(tmp_path, data))


def test_a_utf8_byte_order_mark_is_accepted(tmp_path):
    assert load_text(tmp_path, "\ufeffid: x\n") == {"id": "x"}


def test_lone_surrogate_escapes_are_refused():
    with pytest.raises(yaml.YAMLError):
        parse_yaml('id: "\\ud83e\\udde0"')
    assert parse_yaml('id: "\\U0001F9E0"') == {"id": "\U0001F9E0"}  # the proper escape


def test_a_folder_and_a_missing_file_say_so(tmp_path):
    with pytest.raises(SchemaError, match="is a folder, not a file"):
        load_yaml(tmp_path)
    with pytest.raises(SchemaError, match="file not found"):
        load_yaml(tmp_path / "nope.yaml")


def test_limit_error_is_a_yaml_error():
    assert issubclass(LimitError, yaml.YAMLError)
