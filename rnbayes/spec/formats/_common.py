"""The plain-data network every interchange format reads into and writes from.

A :class:`NetworkData` is nothing but names, states, parents and tables (plus optional
labels, descriptions, groups and positions), so it does not depend on how rnbayes builds
its models. Every table has the child's states on axis 0 and the parents' states on the
following axes, in the node's parent order -- the same convention as the inference engine.

Most formats list a table with the parents' states varying slowest (first parent
slowest) and the child's states fastest: :func:`parents_major` and
:func:`from_parents_major` convert between that flat order and the array.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NoReturn

import numpy as np

# The one place the project's error base is imported.
from ...errors import SpecError

#: a column of a table may miss 1 by this much: files written to six decimals, as many
#: published networks are, round each entry by up to 5e-7
SUM_TOLERANCE = 1e-5


class InterchangeError(SpecError):
    """A network file cannot be read or written.

    The message is one line naming the file, the place in it and the problem.
    """


@dataclass(frozen=True, eq=False)
class NetworkData:
    """A discrete Bayesian network as plain data, for reading and writing files.

    Parameters
    ----------
    name : network name
    states : node -> tuple of state names; nodes are kept in a topological order
        (parents before children; the given order is kept where it already is one)
    parents : node -> tuple of parent names, in the order of the table's axes
    cpts : node -> array of shape ``(card(node), *card(parents))``; every column
        (one parent configuration) sums to 1 within :data:`SUM_TOLERANCE`
    labels, descriptions, groups : optional node -> text (display name, free text,
        group such as a submodel or imaging technique); may cover some nodes only
    positions : optional node -> (x, y) centre on the drawing canvas, in pixels
    description : optional free text about the whole network

    All mappings are read-only and tables are read-only copies: the object does not
    change once built. Invalid content raises :class:`InterchangeError`.

    Examples
    --------
    >>> import numpy as np
    >>> data = NetworkData(
    ...     name="tiny",
    ...     states={"rain": ("yes", "no"), "wet": ("yes", "no")},
    ...     parents={"rain": (), "wet": ("rain",)},
    ...     cpts={"rain": np.array([0.2, 0.8]),
    ...           "wet": np.array([[0.9, 0.1], [0.1, 0.9]])})
    >>> data.nodes
    ('rain', 'wet')
    >>> float(data.cpts["wet"][0, 1])   # P(wet=yes | rain=no)
    0.1
    """

    name: str
    states: Mapping[str, tuple[str, ...]]
    parents: Mapping[str, tuple[str, ...]]
    cpts: Mapping[str, np.ndarray]
    labels: Mapping[str, str] = field(default_factory=dict)
    descriptions: Mapping[str, str] = field(default_factory=dict)
    groups: Mapping[str, str] = field(default_factory=dict)
    positions: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    description: str = ""

    def __post_init__(self) -> None:
        states = {str(n): tuple(str(s) for s in v) for n, v in dict(self.states).items()}
        parents = {str(n): tuple(str(p) for p in v) for n, v in dict(self.parents).items()}
        _check_structure(states, parents)
        order = topological_order(states, parents)
        extra = sorted(set(dict(self.cpts)) - set(states))
        if extra:
            raise InterchangeError(f"tables given for {extra}, which are not nodes")
        cpts = {n: _checked_table(n, self.cpts, states, parents) for n in order}
        set_ = object.__setattr__
        set_(self, "name", clean_text(self.name, "the network name"))
        set_(self, "description", clean_text(self.description, "the network description"))
        set_(self, "states", MappingProxyType({n: states[n] for n in order}))
        set_(self, "parents", MappingProxyType({n: parents[n] for n in order}))
        set_(self, "cpts", MappingProxyType(cpts))
        for attr in ("labels", "descriptions", "groups"):
            set_(self, attr, MappingProxyType(_node_texts(attr, getattr(self, attr), states)))
        set_(self, "positions", MappingProxyType(_positions(self.positions, states)))

    @property
    def nodes(self) -> tuple[str, ...]:
        """Node names in topological order."""
        return tuple(self.states)

    def card(self, node: str) -> int:
        """Number of states of ``node``."""
        return len(self.states[node])


def _check_structure(states: dict[str, tuple[str, ...]],
                     parents: dict[str, tuple[str, ...]]) -> None:
    if not states:
        raise InterchangeError("the network has no nodes")
    for n, sts in states.items():
        for name in (n, *sts):
            if not name or name != name.strip() or re.search(r"[\x00-\x1f\x7f]", name):
                raise InterchangeError(f"node {n!r}: name {name!r} is empty, has surrounding "
                                       "blanks or holds a control character")
        if len(sts) < 2:
            raise InterchangeError(f"node {n!r} has {len(sts)} state(s); at least 2 are needed")
        if len(set(sts)) != len(sts) or "" in sts:
            raise InterchangeError(f"node {n!r} has empty or repeated state names: {list(sts)}")
    if set(parents) != set(states):
        odd = sorted(set(parents) ^ set(states))
        raise InterchangeError(f"states and parents name different nodes: {odd}")
    for n, ps in parents.items():
        for p in ps:
            if p not in states:
                raise InterchangeError(f"node {n!r} has parent {p!r}, which is not a node")
        if n in ps or len(set(ps)) != len(ps):
            raise InterchangeError(f"node {n!r} has itself or a repeated node among its "
                                   f"parents: {list(ps)}")


def topological_order(states: Iterable[str], parents: Mapping[str, Iterable[str]]) -> list[str]:
    """Nodes with parents first, keeping the given order wherever it allows (an order
    that is already topological comes back unchanged).

    Raises :class:`InterchangeError` naming a cycle if there is one.
    """
    pending = list(states)
    placed: dict[str, None] = {}
    while pending:
        before = len(placed)
        for n in pending:  # in order, so a node may follow a parent placed in this pass
            if all(p in placed for p in parents[n]):
                placed[n] = None
        if len(placed) == before:
            raise InterchangeError("the network has a cycle: " + " -> ".join(_cycle(pending, parents)))
        pending = [n for n in pending if n not in placed]
    return list(placed)


def _cycle(nodes: list[str], parents: Mapping[str, Iterable[str]]) -> list[str]:
    """One cycle among ``nodes`` (every one of which has an unplaced parent)."""
    left = set(nodes)
    path = [nodes[0]]
    while True:
        nxt = next(p for p in parents[path[-1]] if p in left)
        if nxt in path:
            cyc = [*path[path.index(nxt):], nxt]
            return cyc[::-1]  # parent -> child direction
        path.append(nxt)


def _checked_table(node: str, cpts: Mapping[str, Any], states: Mapping[str, tuple[str, ...]],
                   parents: Mapping[str, tuple[str, ...]]) -> np.ndarray:
    if node not in cpts:
        raise InterchangeError(f"node {node!r} has no probability table")
    try:
        arr = np.array(cpts[node], dtype=float)
    except (TypeError, ValueError):
        raise InterchangeError(f"node {node!r}: the table is not numeric") from None
    shape = (len(states[node]), *(len(states[p]) for p in parents[node]))
    if arr.shape != shape:
        axes = ", ".join([f"states of {node!r}"] + [f"states of {p!r}" for p in parents[node]])
        raise InterchangeError(f"node {node!r}: table has shape {arr.shape}, expected {shape} ({axes})")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0) or np.any(arr > 1 + SUM_TOLERANCE):
        raise InterchangeError(f"node {node!r}: probabilities must lie in [0, 1]")
    sums = arr.reshape(arr.shape[0], -1).sum(axis=0)
    bad = np.flatnonzero(np.abs(sums - 1) > SUM_TOLERANCE)
    if bad.size:
        where = np.unravel_index(int(bad[0]), shape[1:]) if shape[1:] else ()
        given = ", ".join(f"{p}={states[p][int(i)]}" for p, i in zip(parents[node], where))
        cond = f" given {given}" if given else ""
        raise InterchangeError(f"node {node!r}: probabilities{cond} sum to "
                               f"{float(sums[bad[0]]):.10g}, not 1")
    arr = arr + 0.0  # no negative zeros
    arr.setflags(write=False)
    return arr


def _node_texts(what: str, texts: Mapping[str, str] | None,
                states: Mapping[str, Any]) -> dict[str, str]:
    out = {}
    for n, t in dict(texts or {}).items():
        if n not in states:
            raise InterchangeError(f"{what} name {n!r}, which is not a node")
        text = clean_text(t, f"the {what[:-1]} of {n!r}")
        if text and not (what == "labels" and text == n):  # a label that is the name adds nothing
            out[str(n)] = text
    return out


def clean_text(text: Any, what: str) -> str:
    """Free text as every format keeps it: line breaks as ``\\n``, no surrounding blanks.

    Control characters other than line breaks and tabs are refused (XML cannot hold them).
    """
    text = "" if text is None else str(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    bad = _CONTROL.search(text)
    if bad:
        raise InterchangeError(f"{what} contains the control character {bad.group()!r}")
    return text


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _positions(pos: Mapping[str, Any] | None, states: Mapping[str, Any]) -> dict[str, tuple[float, float]]:
    out = {}
    for n, xy in dict(pos or {}).items():
        if n not in states:
            raise InterchangeError(f"positions name {n!r}, which is not a node")
        try:
            x, y = (float(v) for v in xy)
        except (TypeError, ValueError):
            raise InterchangeError(f"position of {n!r} must be a pair of numbers; got {xy!r}") from None
        if not (np.isfinite(x) and np.isfinite(y)):
            raise InterchangeError(f"position of {n!r} must be finite; got {xy!r}")
        out[str(n)] = (x, y)
    return out


def build(source: str, **fields: Any) -> NetworkData:
    """Construct :class:`NetworkData` from what a reader found; errors name ``source``."""
    try:
        return NetworkData(**fields)
    except InterchangeError as exc:
        raise InterchangeError(str(exc), file=source) from None


# -- table orders ---------------------------------------------------------------------
def parents_major(table: np.ndarray) -> np.ndarray:
    """Flatten a ``(child, *parents)`` table with the first parent slowest, child fastest.

    >>> parents_major(np.array([[0.1, 0.4], [0.9, 0.6]])).tolist()
    [0.1, 0.9, 0.4, 0.6]
    """
    return np.moveaxis(np.asarray(table), 0, -1).ravel()


def from_parents_major(values: Iterable[float], card: int, parent_cards: Iterable[int]) -> np.ndarray:
    """Inverse of :func:`parents_major`: a flat list back to a ``(child, *parents)`` array."""
    arr = np.asarray(list(values), dtype=float).reshape(*parent_cards, card)
    return np.moveaxis(arr, -1, 0)


def fmt(x: float) -> str:
    """A probability at full precision: the shortest text that reads back to the same double."""
    return repr(float(x) + 0.0)


# -- text escaping --------------------------------------------------------------------
def encode_text(text: str, specials: str) -> str:
    """Replace each character of ``specials`` by ``%XX`` (its hex code), reversibly.

    A ``%`` is itself escaped (as ``%25``) only where it would otherwise read as one of
    these codes, so ordinary text such as "15% of cases" is left alone.

    >>> encode_text('say "hi"; 15%', '";')
    'say %22hi%22%3B 15%'
    >>> decode_text(encode_text('50%22 odds', '"'), '"')
    '50%22 odds'
    """
    codes = _codes(specials)
    out = []
    for i, ch in enumerate(text):
        if ch in specials:
            out.append(f"%{ord(ch):02X}")
        elif ch == "%" and text[i + 1:i + 3].upper() in codes:
            out.append("%25")
        else:
            out.append(ch)
    return "".join(out)


def decode_text(text: str, specials: str) -> str:
    """Inverse of :func:`encode_text`."""
    codes = _codes(specials)
    return re.sub(r"%([0-9A-Fa-f]{2})",
                  lambda m: chr(int(m.group(1), 16)) if m.group(1).upper() in codes else m.group(0),
                  text)


def _codes(specials: str) -> set[str]:
    return {f"{ord(c):02X}" for c in specials} | {"25"}


def check_names(data: NetworkData, pattern: re.Pattern[str], fmt_name: str, rule: str, *,
                states: bool = True, reserved: Iterable[str] = ()) -> None:
    """Raise one clear error for the first node (or state) name ``pattern`` rejects."""
    reserved = {r.lower() for r in reserved}

    def bad(name: str) -> bool:
        return not pattern.fullmatch(name) or name.lower() in reserved

    for n in data.nodes:
        if bad(n):
            raise InterchangeError(f"node name {n!r} cannot be written as {fmt_name}: {rule}; "
                                   "rename it or save as .xmlbif or .xdsl")
        for s in data.states[n] if states else ():
            if bad(s):
                raise InterchangeError(f"state {s!r} of node {n!r} cannot be written as "
                                       f"{fmt_name}: {rule}; rename it or save as .xmlbif or .xdsl")


class Tokens:
    """A cursor over the tokens of a text format (BIF, NET).

    ``skip`` matches blanks and comments, ``token`` one token; a character neither
    matches is an error naming its line. Line numbers are worked out only for errors.
    """

    def __init__(self, text: str, skip: str, token: str, source: str):
        self.text, self.source = text, source
        self._pattern = re.compile(f"(?:{skip})|({token})|(.)", re.DOTALL)
        found = self._pattern.findall(text)
        self.toks = [tok for tok, _ in found if tok]
        if any(bad for _, bad in found):
            m = next(m for m in self._pattern.finditer(text) if m.group(2) is not None)
            self.fail(f"unexpected character {m.group(2)!r}", m.start())
        self.i = 0

    def fail(self, message: str, pos: int | None = None) -> NoReturn:
        """Raise :class:`InterchangeError` for the current token (or offset ``pos``)."""
        if pos is None:
            pos = len(self.text)
            seen = 0
            for m in self._pattern.finditer(self.text):
                if m.group(1):
                    if seen == self.i:
                        pos = m.start()
                        break
                    seen += 1
        raise InterchangeError(f"line {self.text.count(chr(10), 0, pos) + 1}: {message}",
                               file=self.source)

    def peek(self) -> str:
        return self.toks[self.i] if self.i < len(self.toks) else ""

    def take(self, expected: str | None = None) -> str:
        tok = self.toks[self.i] if self.i < len(self.toks) else ""
        if not tok or (expected is not None and tok != expected):
            self.fail(f"expected {expected or 'more text'!r}, found {tok or 'end of file'!r}")
        self.i += 1
        return tok
