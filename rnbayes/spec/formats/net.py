"""Hugin NET (read by Hugin, SamIam, pyAgrum and pgmpy).

Written in the classic NET language: a ``net`` block, one ``node`` block per variable
(``states``, ``label``, ``position``, and the description as Hugin's ``HR_Desc``
attribute; the group as a ``group`` attribute), then one ``potential`` per node whose
``data`` nests the parents' states in parent order -- the first parent outermost -- with
the child's states innermost. (The same order as GeNIe's, checked in the tests against
the asia network published as NET with known tables.)

Node names must be identifiers (letters, digits, ``_``, not starting with a digit);
state names and texts are quoted strings, any text: a double quote, backslash or line
break inside them is written as a ``%XX`` code, because pyAgrum's NET reader allows no
escape inside a string.

This writer replaces pgmpy's ``NETWriter``, whose ``roles = {'latents'}`` line pyAgrum
refuses.
"""

from __future__ import annotations

import re

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
    from_parents_major,
)
from ._layout import default_positions, parse_pair

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
KEYWORDS = ("net", "node", "potential", "data", "class", "discrete", "continuous",
            "decision", "utility", "function", "instance", "temporal", "experience", "fading")
RULE = "NET node names are letters, digits and '_', not starting with a digit"
SPECIALS = '"\\\n\r'


def write(data: NetworkData) -> str:
    """The network as Hugin NET text."""
    check_names(data, NAME, "NET", RULE, states=False, reserved=KEYWORDS)
    out = ["net", "{", "    node_size = (150 40);", f"    name = {_quote(data.name)};"]
    if data.description:
        out.append(f"    HR_Desc = {_quote(data.description)};")
    out.append("}")
    positions = default_positions(data)
    for n in data.nodes:
        x, y = positions[n]
        out += ["", f"node {n}", "{",
                f"    label = {_quote(data.labels.get(n, n))};",
                f"    position = ({x:.0f} {y:.0f});",
                "    states = (" + " ".join(_quote(s) for s in data.states[n]) + ");"]
        if n in data.descriptions:
            out.append(f"    HR_Desc = {_quote(data.descriptions[n])};")
        if n in data.groups:
            out.append(f"    group = {_quote(data.groups[n])};")
        out.append("}")
    for n in data.nodes:
        ps = data.parents[n]
        head = f"potential ({n} | {' '.join(ps)})" if ps else f"potential ({n})"
        table = np.moveaxis(data.cpts[n], 0, -1)  # (*parents, child)
        out += ["", head, "{", "    data = " + _nested(table, len("    data = ")) + ";", "}"]
    return "\n".join(out) + "\n"


def _quote(text: str) -> str:
    return '"' + encode_text(text, SPECIALS) + '"'


def _nested(arr: np.ndarray, col: int) -> str:
    """``data`` as nested lists, one innermost list per line, aligned under its opener
    (``col`` is the column of this list's opening parenthesis)."""
    if arr.ndim == 1:
        return "(" + " ".join(fmt(v) for v in arr) + ")"
    return "(" + ("\n" + " " * (col + 1)).join(_nested(sub, col + 1) for sub in arr) + ")"


# -- reading --------------------------------------------------------------------------
_SKIP = r"\s+|%[^\n]*|//[^\n]*|/\*.*?\*/"
_TOKEN = r'"[^"]*"|[{}()=;|,]|[^\s{}()=;|,"%]+'


class _Reader(Tokens):
    def __init__(self, text: str, source: str):
        super().__init__(text, _SKIP, _TOKEN, source)

    def value(self) -> object:
        """A string, number or word, or a (nested) list of them."""
        tok = self.take()
        if tok == "(":
            items = []
            while self.peek() != ")":
                items.append(self.value())
            self.take(")")
            return items
        if tok in "{}=;|,":
            self.fail(f"expected a value, found {tok!r}")
        return decode_text(tok[1:-1], SPECIALS) if tok.startswith('"') else tok

    def attributes(self) -> dict[str, object]:
        self.take("{")
        out: dict[str, object] = {}
        while self.peek() != "}":
            key = self.take()
            self.take("=")
            out[key] = self.value()
            self.take(";")
        self.take("}")
        return out


def _flat(v: object) -> list[object]:
    return [x for item in v for x in _flat(item)] if isinstance(v, list) else [v]


def read(text: str, source: str) -> NetworkData:
    """Parse Hugin NET text; ``source`` names the file in error messages."""
    r = _Reader(text, source)
    if r.peek() == "class":
        r.fail("object-oriented (class) networks cannot be read; save the network as a plain net")
    r.take("net")
    net_attrs = r.attributes()
    attrs: dict[str, dict[str, object]] = {}
    potentials: dict[str, tuple[tuple[str, ...], dict[str, object]]] = {}
    while r.peek():
        word = r.take()
        if word in ("discrete", "continuous"):
            if word == "continuous":
                r.fail("continuous nodes cannot be read")
            word = r.take()
        if word in ("decision", "utility", "function"):
            r.fail(f"{word} nodes cannot be read; only chance nodes")
        if word == "node":
            name = r.take()
            if name in attrs:
                r.fail(f"node {name!r} is declared twice")
            attrs[name] = r.attributes()
        elif word == "potential":
            node, parents = _head(r)
            if node in potentials:
                r.fail(f"node {node!r} has two potentials")
            potentials[node] = (parents, r.attributes())
        else:
            r.fail(f"expected 'node' or 'potential', found {word!r}")
    states = {n: _states(r, n, a) for n, a in attrs.items()}
    for n, (ps, _) in potentials.items():
        for v in (n, *ps):
            if v not in states:
                raise InterchangeError(f"the potential of {n!r} uses {v!r}, which is not a "
                                       "declared node", file=source)
    parents, cpts = {}, {}
    for n in states:
        if n not in potentials:
            raise InterchangeError(f"node {n!r} has no potential", file=source)
        parents[n], body = potentials[n]
        cpts[n] = _data(r, n, parents[n], body, states)
    text_attr = {k: {n: str(a[k]) for n, a in attrs.items() if isinstance(a.get(k), str)}
                 for k in ("label", "HR_Desc", "group")}
    labels = {n: v for n, v in text_attr["label"].items() if v != n}
    positions = {n: xy for n, a in attrs.items() if isinstance(a.get("position"), list)
                 and (xy := parse_pair(" ".join(map(str, a["position"]))))}
    return build(source, name=str(net_attrs.get("name", "")),
                 description=str(net_attrs.get("HR_Desc", "")),
                 states=states, parents=parents, cpts=cpts, labels=labels,
                 descriptions=text_attr["HR_Desc"], groups=text_attr["group"], positions=positions)


def _head(r: _Reader) -> tuple[str, tuple[str, ...]]:
    r.take("(")
    head, tail, seen_bar = [], [], False
    while r.peek() != ")":
        tok = r.take()
        if tok == "|":
            seen_bar = True
        elif tok != ",":
            (tail if seen_bar else head).append(tok)
    r.take(")")
    if len(head) != 1:
        r.fail(f"a potential must name exactly one child; found {head}")
    return head[0], tuple(tail)


def _states(r: _Reader, node: str, a: dict[str, object]) -> tuple[str, ...]:
    sts = a.get("states")
    if not isinstance(sts, list) or any(isinstance(s, list) for s in sts):
        raise InterchangeError(f"node {node!r} has no 'states = (...)' list", file=r.source)
    return tuple(str(s) for s in sts)


def _data(r: _Reader, node: str, parents: tuple[str, ...], body: dict[str, object],
          states: dict[str, tuple[str, ...]]) -> np.ndarray:
    if "data" not in body:
        kind = "an expression (model_data)" if "model_data" in body else "nothing"
        raise InterchangeError(f"node {node!r}: its potential gives {kind} instead of "
                               "'data = (...)'", file=r.source)
    try:
        values = [float(v) for v in _flat(body["data"])]  # type: ignore[arg-type]
    except ValueError:
        raise InterchangeError(f"node {node!r}: 'data' holds something that is not a number",
                               file=r.source) from None
    card, pcards = len(states[node]), [len(states[p]) for p in parents]
    expected = card * int(np.prod(pcards, dtype=np.int64))
    if len(values) != expected:
        raise InterchangeError(f"node {node!r}: 'data' has {len(values)} numbers, expected "
                               f"{expected}", file=r.source)
    return from_parents_major(values, card, pcards)
