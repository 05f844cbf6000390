"""UAI model format (``BAYES`` networks), as used by the UAI inference evaluations.

The format: a preamble (``BAYES``, the number of variables, their cardinalities, the
number of functions and each function's scope with the child last), then one table per
function in the order of its scope with the **last variable varying fastest** -- so the
child's states fastest, then the last parent, the first parent slowest (UAI 2014
competition "Model Format" page, V. Gogate; the same rule is spelled out with an example
in the schlandals documentation, "UAI file format": entries ordered (0,0), (0,1), (1,0),
(1,1)).

The format has **no names**: this writer writes variable *i* for the *i*-th node in
topological order, its function *i* has variable *i* as child, and every name, label
and text is dropped. The reader calls the variables ``v0, v1, ...`` and their states
``s0, s1, ...`` (no sidecar file is written or read). Lines starting with ``c`` are
comments (UAI 2016 format) and are skipped on reading.

Readers that disagree with the format on tables of nodes with two or more parents:
pyAgrum 3.3 (first parent fastest) and pgmpy 1.1 (child slowest); see the tests.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ._common import InterchangeError, NetworkData, build, fmt, from_parents_major, parents_major


def write(data: NetworkData) -> str:
    """The network as a UAI ``BAYES`` file (names are not part of the format)."""
    index = {n: i for i, n in enumerate(data.nodes)}
    out = ["BAYES", str(len(index)), " ".join(str(data.card(n)) for n in data.nodes),
           str(len(index))]
    for n in data.nodes:
        scope = [index[p] for p in data.parents[n]] + [index[n]]
        out.append(" ".join(map(str, [len(scope), *scope])))
    for n in data.nodes:
        values = parents_major(data.cpts[n])
        card = data.card(n)
        out.append("")
        out.append(str(values.size))
        out += [" ".join(fmt(v) for v in values[i:i + card]) for i in range(0, values.size, card)]
    return "\n".join(out) + "\n"


class _Numbers:
    def __init__(self, text: str, source: str):
        body = "\n".join(line for line in text.splitlines() if not re.match(r"\s*c(\s|$)", line))
        self.toks, self.i, self.source = body.split(), 0, source

    def word(self, what: str) -> str:
        if self.i >= len(self.toks):
            raise InterchangeError(f"the file ends where {what} was expected", file=self.source)
        self.i += 1
        return self.toks[self.i - 1]

    def count(self, what: str) -> int:
        tok = self.word(what)
        if not tok.isdigit():
            raise InterchangeError(f"expected {what} (a whole number), found {tok!r}", file=self.source)
        return int(tok)

    def number(self, what: str) -> float:
        tok = self.word(what)
        try:
            return float(tok)
        except ValueError:
            raise InterchangeError(f"expected {what}, found {tok!r}", file=self.source) from None


def read(text: str, source: str) -> NetworkData:
    """Parse a UAI ``BAYES`` file; ``source`` names the file in error messages."""
    t = _Numbers(text, source)
    kind = t.word("the network type").upper()
    if kind != "BAYES":
        what = "a Markov network, not a Bayesian network" if kind == "MARKOV" else f"of type {kind!r}"
        raise InterchangeError(f"the file describes {what}; only BAYES files can be read", file=source)
    n = t.count("the number of variables")
    cards = [t.count(f"the cardinality of variable {i}") for i in range(n)]
    m = t.count("the number of functions")
    scopes = []
    for f in range(m):
        size = t.count(f"the scope size of function {f}")
        scope = [t.count(f"a variable of function {f}") for _ in range(size)]
        bad = [v for v in scope if v >= n]
        if size == 0 or bad:
            raise InterchangeError(f"function {f} has an empty scope or names a variable "
                                   f"beyond {n - 1}: {scope}", file=source)
        scopes.append(scope)
    child_of = {}
    for f, scope in enumerate(scopes):
        if scope[-1] in child_of:
            raise InterchangeError(f"variable {scope[-1]} is the child (last in scope) of "
                                   f"functions {child_of[scope[-1]]} and {f}", file=source)
        child_of[scope[-1]] = f
    lost = [v for v in range(n) if v not in child_of]
    if lost:
        raise InterchangeError(f"variable {lost[0]} is the child of no function", file=source)
    names = [f"v{i}" for i in range(n)]
    cpts = {}
    for f, scope in enumerate(scopes):
        size = t.count(f"the table size of function {f}")
        expected = int(np.prod([cards[v] for v in scope], dtype=np.int64))
        if size != expected:
            raise InterchangeError(f"function {f} has {size} entries, expected {expected} "
                                   f"(the product of its variables' cardinalities)", file=source)
        values = [t.number(f"entry {j} of function {f}") for j in range(size)]
        cpts[names[scope[-1]]] = from_parents_major(values, cards[scope[-1]], [cards[v] for v in scope[:-1]])
    if t.i != len(t.toks):
        raise InterchangeError(f"unexpected text after the last table: {t.toks[t.i]!r}", file=source)
    return build(source, name=Path(source).stem,
                 states={names[i]: tuple(f"s{j}" for j in range(cards[i])) for i in range(n)},
                 parents={names[s[-1]]: tuple(names[v] for v in s[:-1]) for s in scopes},
                 cpts=cpts)
