"""BIF (the Bayesian Interchange Format, version 0.15 text form).

Written so that pyAgrum's and pgmpy's BIF readers both read it:

* every table of a node with parents is written row by row, each row naming its parent
  states -- ``(yes, high) 0.2, 0.8;`` -- so no reader has to guess an order;
* node and state names must be BIF words (letters, digits, ``_ . -``, not read as a
  number or keyword); other names are refused with one clear error (XMLBIF and XDSL
  take any name);
* labels, descriptions, groups and positions go in ``property`` lines. Characters a
  property cannot hold in those readers (``" ; = \\ { }`` and line breaks) are written as
  ``%XX`` codes (:func:`~._common.encode_text`) and decoded on reading.

The reader also takes files written elsewhere: ``table`` rows (child varying slowest, as
pyAgrum and pgmpy read them), ``default`` rows, comments and quoted names.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import numpy as np

from ._common import (
    InterchangeError,
    NetworkData,
    Tokens,
    build,
    check_names,
    decode_text,
    encode_text,
    fmt,
)
from ._layout import default_positions, parse_pair

#: what pyAgrum's BIF scanner reads as one identifier (or integer state) and pgmpy's
#: word pattern accepts
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*|\d+(?:[A-DF-Za-df-z_][A-Za-z0-9_.\-]*)?")
KEYWORDS = ("network", "variable", "probability", "property", "type", "discrete", "default",
            "table")
RULE = "BIF names are letters, digits, '_', '.' and '-', and must not read as a number or keyword"
#: characters written as %XX inside property values
SPECIALS = '"\\;={}\n\r'


def write(data: NetworkData) -> str:
    """The network as BIF text."""
    check_names(data, NAME, "BIF", RULE, reserved=KEYWORDS)
    out = [f"network {_quote(data.name)} {{"]
    if data.description:
        out.append(f"  property description = {_quote(data.description)};")
    out.append("}")
    positions = default_positions(data)
    for n in data.nodes:
        out.append(f"variable {n} {{")
        out.append(f"  type discrete [ {data.card(n)} ] {{ {', '.join(data.states[n])} }};")
        for key, texts in (("label", data.labels), ("description", data.descriptions),
                           ("group", data.groups)):
            if n in texts:
                out.append(f"  property {key} = {_quote(texts[n])};")
        x, y = positions[n]
        out.append(f"  property position = ({x:.0f}, {y:.0f});")
        out.append("}")
    for n in data.nodes:
        out.extend(_probability(data, n))
    return "\n".join(out) + "\n"


def _quote(text: str) -> str:
    return '"' + encode_text(text, SPECIALS) + '"'


def _probability(data: NetworkData, node: str) -> list[str]:
    ps = data.parents[node]
    table = data.cpts[node]
    if not ps:
        return [f"probability ( {node} ) {{", f"  table {', '.join(map(fmt, table))};", "}"]
    out = [f"probability ( {node} | {', '.join(ps)} ) {{"]
    for idx in itertools.product(*(range(data.card(p)) for p in ps)):
        names = ", ".join(data.states[p][i] for p, i in zip(ps, idx))
        out.append(f"  ({names}) {', '.join(fmt(v) for v in table[(slice(None), *idx)])};")
    out.append("}")
    return out


# -- reading --------------------------------------------------------------------------
_SKIP = r"\s+|//[^\n]*|/\*.*?\*/"
_TOKEN = r'"(?:[^"\\]|\\.)*"|[{}()\[\];,|=]|[^\s{}()\[\];,|="]+'


class _Tokens(Tokens):
    """BIF tokens, with the few shapes BIF needs on top of a plain cursor."""

    def __init__(self, text: str, source: str):
        super().__init__(text, _SKIP, _TOKEN, source)

    def name(self) -> str:
        tok = self.take()
        if tok in "{}()[];,|=":
            self.fail(f"expected a name, found {tok!r}")
        return tok[1:-1] if tok.startswith('"') else tok

    def until_semicolon(self) -> str:
        """The tokens up to the next ``;`` (consumed), joined by single spaces."""
        start = self.i
        while self.peek() != ";":
            self.take()
        self.i += 1
        return " ".join(self.toks[start:self.i - 1])

    def numbers(self) -> list[float]:
        """Numbers (commas optional) up to the next ``;``, which is consumed."""
        toks, i = self.toks, self.i
        end = i
        while end < len(toks) and toks[end] != ";":
            end += 1
        if end == len(toks):
            self.fail("a list of probabilities does not end with ';'")
        try:
            vals = [float(tok) for tok in toks[i:end] if tok not in (",", "|")]
        except ValueError:
            bad = next(tok for tok in toks[i:end] if not _is_number(tok))
            self.fail(f"expected a probability, found {bad!r}")
        self.i = end + 1
        return vals


def _is_number(tok: str) -> bool:
    try:
        float(tok)
    except ValueError:
        return tok in (",", "|")
    return True


def read(text: str, source: str) -> NetworkData:
    """Parse BIF text; ``source`` names the file in error messages."""
    t = _Tokens(text, source)
    name, description = "", ""
    states: dict[str, tuple[str, ...]] = {}
    props: dict[str, dict[str, str]] = {}
    tables: dict[str, tuple[tuple[str, ...], np.ndarray]] = {}
    while t.peek():
        word = t.take()
        if word == "network":
            name = decode_text(t.name(), SPECIALS)
            description = _block_properties(t).get("description", "")
        elif word == "variable":
            node = t.name()
            if node in states:
                t.fail(f"variable {node!r} is declared twice")
            states[node], props[node] = _variable(t, node)
        elif word == "probability":
            node, parents, table = _probability_block(t, states)
            if node in tables:
                t.fail(f"node {node!r} has two probability blocks")
            tables[node] = (parents, table)
        else:
            t.fail(f"expected 'network', 'variable' or 'probability', found {word!r}")
    missing = [n for n in states if n not in tables]
    if missing:
        raise InterchangeError(f"node {missing[0]!r} has no probability block", file=source)
    positions = {n: xy for n, p in props.items() if (xy := parse_pair(p.get("position", "")))}
    return build(source, name=name, description=description, states=states,
                 parents={n: tables[n][0] for n in states}, cpts={n: tables[n][1] for n in states},
                 labels=_prop(props, "label"), descriptions=_prop(props, "description"),
                 groups=_prop(props, "group"), positions=positions)


def _prop(props: dict[str, dict[str, str]], key: str) -> dict[str, str]:
    return {n: p[key] for n, p in props.items() if key in p}


def _property(raw: str) -> tuple[str, str]:
    """``label = "Months"`` or ``"position = (1, 2)"`` -> (key, decoded value)."""
    raw = raw.strip()
    if raw.startswith('"') and raw.endswith('"') and raw.count('"') == 2:
        raw = raw[1:-1]
    key, sep, value = raw.partition("=")
    if not sep:
        key, _, value = raw.partition(" ")
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return key.strip(), decode_text(value, SPECIALS)


def _block_properties(t: _Tokens) -> dict[str, str]:
    t.take("{")
    out = {}
    while t.peek() != "}":
        if t.take() != "property":
            t.fail("only 'property' lines may appear here")
        key, value = _property(t.until_semicolon())
        out[key] = value
    t.take("}")
    return out


def _variable(t: _Tokens, node: str) -> tuple[tuple[str, ...], dict[str, str]]:
    t.take("{")
    props: dict[str, str] = {}
    names: list[str] | None = None
    while t.peek() != "}":
        word = t.take()
        if word == "property":
            key, value = _property(t.until_semicolon())
            props[key] = value
        elif word == "type":
            kind = t.take()
            if kind != "discrete":
                t.fail(f"variable {node!r} is of type {kind!r}; only discrete variables can be read")
            t.take("[")
            count = t.take()
            t.take("]")
            t.take("{")
            names = []
            while t.peek() != "}":
                names.append(t.name())
                if t.peek() == ",":
                    t.take()
            t.take("}")
            t.take(";")
            if not count.isdigit() or int(count) != len(names):
                t.fail(f"variable {node!r} declares {count} states but lists {len(names)}")
        else:
            t.fail(f"unexpected {word!r} in variable {node!r}")
    t.take("}")
    if names is None:
        t.fail(f"variable {node!r} has no 'type discrete' line")
    return tuple(names or ()), props


def _probability_block(t: _Tokens, states: dict[str, tuple[str, ...]]
                       ) -> tuple[str, tuple[str, ...], np.ndarray]:
    t.take("(")
    words = []
    while t.peek() != ")":
        tok = t.take()
        if tok not in ("|", ","):
            words.append(tok[1:-1] if tok.startswith('"') else tok)
    t.take(")")
    if not words:
        t.fail("a probability block names no variable")
    node, parents = words[0], tuple(words[1:])
    for v in words:
        if v not in states:
            t.fail(f"probability block uses {v!r}, which is not a declared variable")
    card, pcards = len(states[node]), [len(states[p]) for p in parents]
    table = np.full((card, *pcards), np.nan)
    t.take("{")
    default = None
    for kind, key, vals in _rows(t):
        if kind == "table":
            if len(vals) != table.size:
                t.fail(f"node {node!r}: 'table' has {len(vals)} numbers, expected {table.size}")
            table = np.asarray(vals, dtype=float).reshape(table.shape)  # child slowest
        elif kind == "default":
            default = vals
        else:
            idx = _row_index(t, node, parents, key, states)
            if len(vals) != card:
                t.fail(f"node {node!r}: row {key} has {len(vals)} numbers, expected {card}")
            table[(slice(None), *idx)] = vals
    missing = np.isnan(table[0])
    if missing.any():
        if default is None or len(default) != card:
            first = tuple(int(i) for i in np.argwhere(missing)[0])
            given = ", ".join(states[p][i] for p, i in zip(parents, first))
            t.fail(f"node {node!r} has no probabilities for parent states ({given})")
        table[:, missing] = np.asarray(default, dtype=float)[:, None]
    return node, parents, table


def _rows(t: _Tokens) -> Iterator[tuple[str, tuple[str, ...], list[float]]]:
    while t.peek() != "}":
        word = t.peek()
        if word in ("table", "default"):
            t.take()
            yield word, (), t.numbers()
        elif word == "property":
            t.take()
            t.until_semicolon()
        elif word == "(":
            t.take()
            key = []
            while t.peek() != ")":
                tok = t.take()
                if tok == ",":
                    continue
                if tok in "{}()[];|=" or not tok:
                    t.fail(f"expected a state name, found {tok or 'end of file'!r}")
                key.append(tok[1:-1] if tok.startswith('"') else tok)
            t.take(")")
            yield "row", tuple(key), t.numbers()
        else:
            t.fail(f"unexpected {word!r} in a probability block")
    t.take("}")


def _row_index(t: _Tokens, node: str, parents: tuple[str, ...], key: tuple[str, ...],
               states: dict[str, tuple[str, ...]]) -> tuple[int, ...]:
    if len(key) != len(parents):
        t.fail(f"node {node!r}: row ({', '.join(key)}) names {len(key)} states for "
               f"{len(parents)} parents")
    idx = []
    for p, s in zip(parents, key):
        if s not in states[p]:
            t.fail(f"node {node!r}: {s!r} is not a state of parent {p!r}; states are "
                   f"{list(states[p])}")
        idx.append(states[p].index(s))
    return tuple(idx)
