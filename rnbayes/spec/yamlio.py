"""Reading YAML documents, and caching what is built from files while they are unchanged.

:func:`load_document` reads one file and checks it against its schema; a missing file,
a file that is not UTF-8, or malformed YAML is one line naming the file and the line.

Every file is read with one loader, the YAML 1.2 *core* schema on top of libyaml (when
PyYAML has it) with limits checked *before* any Python object is built:

* booleans are ``true``/``false`` only -- ``yes``, ``no``, ``on``, ``off`` stay text (YAML
  1.1 read them as booleans, so ``immunotherapy: yes`` became True);
* numbers are YAML 1.2 numbers: ``2.5e0`` and ``1e5`` are floats, ``010`` is ten, and
  ``9:30`` stays text (YAML 1.1 read it as 570, base 60); a number too large for a float
  and ``.inf``/``.nan`` are errors (every number in a spec is finite); dates stay text;
* a key given twice is an error naming both lines; merge keys (``<<``) and tags other
  than the core ones (``!!python/...``, ``!!binary``, ``!!set``) are errors;
* at most :data:`MAX_BYTES` per file, :data:`MAX_DEPTH` levels of nesting,
  :data:`MAX_ALIASES` aliases and :data:`MAX_NODES` nodes once aliases are expanded (a
  475-byte "billion laughs" file would otherwise expand to hundreds of millions of nodes).

libyaml composes the document in C; aliases share nodes there, so composing is linear in
the text. The limits are checked on the composed nodes, before PyYAML constructs anything.

:class:`FileCache` keeps objects built from files (a model, a utilities table, a tests
catalogue) keyed on the identity and modification of every file read -- path, mtime and
size -- so an edited file is re-read on the next call. A file modified within the last
two seconds is not trusted to show a later edit in its mtime (file systems store coarse
times: the "racy git" problem), so what was built from it is not cached.
"""

from __future__ import annotations

import math
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from ..errors import SchemaError, excerpt
from .schema import validate

T = TypeVar("T")

#: a file modified this recently (ns) may still change within the same mtime tick
RACY_NS = 2_000_000_000
#: largest file read (bytes): ~80x the largest shipped file (networks/rn_vs_ttp.yaml)
MAX_BYTES = 2 * 1024 * 1024
#: deepest nesting of mappings and lists (the shipped files nest at most 9 levels)
MAX_DEPTH = 50
#: most aliases (``*name``) in one document (the shipped files have none)
MAX_ALIASES = 1_000
#: most nodes once every alias is expanded (~70x the largest shipped file)
MAX_NODES = 100_000
_CORE = "tag:yaml.org,2002:"
_SURROGATE = re.compile("[\ud800-\udfff]")


class LimitError(yaml.YAMLError):
    """A document exceeds one of the limits, or uses a YAML feature rnbayes refuses."""

    def __init__(self, problem: str, mark: Any = None):
        super().__init__(problem)
        self.problem, self.problem_mark = problem, mark


class _Resolver(BaseResolver):
    """The YAML 1.2 core schema's implicit types (no 1.1 yes/no booleans, sexagesimal
    numbers, octal ``010``, timestamps or merge keys)."""


for _tag, _pattern, _first in (
        ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
        ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
        ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                  r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+0123456789."),
        ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""])):
    _Resolver.add_implicit_resolver(_CORE + _tag, re.compile(_pattern), list(_first))


class _Constructor(SafeConstructor):
    """Plain data only: mappings (no repeated key), lists, text, YAML 1.2 numbers,
    booleans and null; any other tag is an error."""

    yaml_constructors: ClassVar[dict[Any, Any]] = {}  # only the core tags below

    def construct_mapping(self, node: Node, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, MappingNode):
            raise ConstructorError(None, None, "expected a mapping", node.start_mark)
        out: dict[Any, Any] = {}
        lines: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                line = lines.get(key)
            except TypeError:
                raise LimitError("a key must be a text or a number", key_node.start_mark) from None
            if line is not None:
                raise LimitError(f"duplicate key {excerpt(key)} at lines {line} and "
                                 f"{key_node.start_mark.line + 1}")
            if key == "<<":
                raise LimitError("merge keys ('<<') are not supported; write the keys out",
                                 key_node.start_mark)
            lines[key] = key_node.start_mark.line + 1
            out[key] = self.construct_object(value_node, deep=deep)
        return out

    def construct_str(self, node: Node) -> str:
        value = self.construct_scalar(node)
        bad = None if value.isascii() else _SURROGATE.search(value)
        if bad:
            raise LimitError(f"a lone surrogate {bad.group()!r} is not a character",
                             node.start_mark)
        return value

    def construct_int(self, node: Node) -> int:
        text = self.construct_scalar(node).lstrip("+")
        base = {"0o": 8, "0x": 16}.get(text[:2], 10)
        try:
            value = int(text[2:] if base != 10 else text, base)
            float(value)
        except (ValueError, OverflowError):  # beyond a float, or too many digits for int()
            raise LimitError(f"the number {excerpt(text)} is too large", node.start_mark
                             ) from None
        return value

    def construct_float(self, node: Node) -> float:
        text = self.construct_scalar(node)
        if "inf" in text.lower() or "nan" in text.lower():
            raise LimitError(f"{text!r} is not a finite number (rnbayes files hold finite "
                             "numbers only)", node.start_mark)
        value = float(text)
        if math.isinf(value):
            raise LimitError(f"the number {excerpt(text)} is too large", node.start_mark)
        return value

    def construct_bool(self, node: Node) -> bool:
        return self.construct_scalar(node).lower() == "true"

    def construct_refused(self, node: Node) -> Any:
        raise LimitError(f"the YAML tag {node.tag!r} is not allowed (plain data only)",
                         node.start_mark)


for _tag, _method in (("null", SafeConstructor.construct_yaml_null),
                      ("bool", _Constructor.construct_bool),
                      ("int", _Constructor.construct_int),
                      ("float", _Constructor.construct_float),
                      ("str", _Constructor.construct_str),
                      ("seq", SafeConstructor.construct_yaml_seq),
                      ("map", SafeConstructor.construct_yaml_map)):
    _Constructor.add_constructor(_CORE + _tag, _method)
_Constructor.add_constructor(None, _Constructor.construct_refused)


def check_limits(root: Node) -> None:
    """Refuse a composed document over :data:`MAX_DEPTH`, :data:`MAX_ALIASES` or
    :data:`MAX_NODES` (counting every alias expanded), or with an alias inside the node
    it names. Composed nodes share what aliases refer to, so this walk is linear in the
    text; each node's expanded size is summed once, when its children are done, so a
    "billion laughs" document is refused at the first node that passes the limit."""
    sizes: dict[int, int] = {}  # expanded size of each finished collection node
    on_path: set[int] = set()
    aliases = 0
    stack: list[tuple[Node, int, list[Node] | None]] = [(root, 1, None)]
    while stack:
        node, depth, nested = stack[-1]
        if nested is not None:  # its children are done
            stack.pop()
            on_path.discard(id(node))
            size = sizes[id(node)] = 1 + len(node.value) * (
                2 if isinstance(node, MappingNode) else 1) + sum(sizes[id(k)] - 1 for k in nested)
            if size > MAX_NODES:
                raise LimitError(f"more than {MAX_NODES} values once aliases are expanded",
                                 node.start_mark)
        elif not isinstance(node, (MappingNode, SequenceNode)):
            stack.pop()
        elif id(node) in sizes:
            stack.pop()
            aliases += 1
            if aliases > MAX_ALIASES:
                raise LimitError(f"more than {MAX_ALIASES} aliases", node.start_mark)
        elif id(node) in on_path:
            raise LimitError("an alias refers to a node that contains it", node.start_mark)
        elif depth > MAX_DEPTH:
            raise LimitError(f"nested more than {MAX_DEPTH} levels deep", node.start_mark)
        else:
            on_path.add(id(node))
            kids = (node.value if isinstance(node, SequenceNode)
                    else [x for kv in node.value for x in kv])
            nested = [k for k in kids if not isinstance(k, ScalarNode)]
            stack[-1] = (node, depth, nested)
            stack.extend((k, depth + 1, None) for k in reversed(nested))


class _Limited:
    """The loader's entry point: compose (libyaml's C composer when there), check the
    limits, then build Python objects."""

    def get_single_data(self: Any) -> Any:
        try:
            node = self.get_single_node()
        except RecursionError:  # pragma: no cover - only PyYAML's pure-Python composer
            raise LimitError(f"nested more than {MAX_DEPTH} levels deep") from None
        if node is None:
            return None
        check_limits(node)
        return self.construct_document(node)


def _loader_class() -> type:
    if getattr(yaml, "__with_libyaml__", False):
        from yaml.cyaml import CParser

        parts: tuple[type, ...] = (CParser,)
    else:  # pragma: no cover - PyYAML built without libyaml
        from yaml.composer import Composer
        from yaml.parser import Parser
        from yaml.reader import Reader
        from yaml.scanner import Scanner

        parts = (Reader, Scanner, Parser, Composer)

    def init(self: Any, stream: str) -> None:
        parts[0].__init__(self, stream)
        for base in parts[1:]:
            base.__init__(self)
        _Constructor.__init__(self)
        _Resolver.__init__(self)

    return type("RnbayesLoader", (_Limited, *parts, _Constructor, _Resolver), {"__init__": init})


#: the loader every rnbayes file is read with (see the module docstring)
SAFE_LOADER = _loader_class()


def parse_yaml(text: str) -> Any:
    """A YAML text as plain Python data, under the rules and limits above.

    Examples
    --------
    >>> parse_yaml("a: yes\\nb: 2.5e0\\nc: 9:30\\nd: 010\\ne: true")
    {'a': 'yes', 'b': 2.5, 'c': '9:30', 'd': 10, 'e': True}
    >>> parse_yaml("a: 1\\na: 2")
    Traceback (most recent call last):
    ...
    rnbayes.spec.yamlio.LimitError: duplicate key 'a' at lines 1 and 2
    """
    loader = SAFE_LOADER(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _read_text(path: Path, error: type[SchemaError]) -> str:
    """The file's text: it must exist, be a file, be at most MAX_BYTES and be UTF-8."""
    if path.is_dir():
        raise error("is a folder, not a file", file=str(path))
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise error("file not found", file=str(path)) from None
    if len(data) > MAX_BYTES:
        raise error(f"larger than {MAX_BYTES // 1024 // 1024} MB; not a document rnbayes reads",
                    file=str(path))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise error(f"not a UTF-8 text file (byte 0x{data[exc.start]:02x} at line {line}, "
                    f"column {col}); save it as UTF-8", file=str(path)) from None


def _where(text: str, exc: yaml.YAMLError) -> str:
    """``line L, column C`` of a YAML error (a reader error gives only the character)."""
    mark = getattr(exc, "problem_mark", None)
    if mark is not None:
        return f"line {mark.line + 1}, column {mark.column + 1}"
    char = getattr(exc, "character", None)
    at = text.find(chr(char)) if isinstance(char, int) else -1
    if at < 0:
        return "an unknown position"
    return f"line {text.count(chr(10), 0, at) + 1}, column {at - text.rfind(chr(10), 0, at)}"


def load_yaml(path: str | Path, *, error: type[SchemaError] = SchemaError) -> Any:
    """Read a YAML file; a missing file, a folder, a file that is not UTF-8, malformed YAML
    or a document over the limits raises ``error`` in one line naming the position."""
    path = Path(path)
    text = _read_text(path, error)
    try:
        return parse_yaml(text)
    except LimitError as exc:
        at = f" at {_where(text, exc)}" if exc.problem_mark is not None else ""
        raise error(f"{exc.problem}{at}", file=str(path)) from None
    except yaml.YAMLError as exc:
        char = getattr(exc, "character", None)
        problem = (getattr(exc, "problem", None) or getattr(exc, "reason", None)
                   or str(exc).splitlines()[0])
        if isinstance(char, int):
            problem = f"character {char:#06x} is not allowed ({problem})"
        raise error(f"malformed YAML at {_where(text, exc)}: {problem}", file=str(path)) from None


def load_document(path: str | Path, kind: str, *,
                  error: type[SchemaError] = SchemaError) -> Any:
    """Read ``path`` and check it against the ``kind`` schema (stage 1 of validation).

    Errors after parsing name the file by its name (``net.yaml: nodes.rcbv: ...``).
    """
    doc = load_yaml(path, error=error)
    validate(doc, kind, Path(path).name, error=error)
    return doc


def file_stamp(paths: Sequence[Path]) -> tuple[tuple[str, int, int], ...]:
    """``(path, mtime_ns, size)`` of every file (``-1`` for a missing one)."""
    out = []
    for p in paths:
        try:
            st = os.stat(p)
            out.append((str(p), st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((str(p), -1, -1))
    return tuple(out)


class FileCache:
    """Objects built from files, reused while every file read is unchanged.

    Examples
    --------
    >>> import tempfile
    >>> cache = FileCache(4)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     f = Path(d) / "x.txt"
    ...     _ = f.write_text("1")
    ...     a = cache.get("x", lambda: [f], lambda: f.read_text())
    ...     _ = f.write_text("22")
    ...     b = cache.get("x", lambda: [f], lambda: f.read_text())
    >>> a, b
    ('1', '22')
    """

    def __init__(self, limit: int):
        self.limit = limit
        self._items: OrderedDict[Hashable, tuple[Any, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, files: Callable[[], Sequence[Path]],
            build: Callable[[], T]) -> T:
        """The object built for ``key``; rebuilt when any of ``files()`` changed."""
        stamp = file_stamp(files())
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and hit[0] == stamp:
                self._items.move_to_end(key)
                return hit[1]
        read_at = time.time_ns()
        value = build()
        if stamp == file_stamp(files()) and all(m >= 0 and read_at - m > RACY_NS
                                                for _, m, _ in stamp):
            with self._lock:
                self._items[key] = (stamp, value)
                self._items.move_to_end(key)
                while len(self._items) > self.limit:
                    self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
