"""XMLBIF 0.3 (the XML form of BIF; pyAgrum calls it ``.bifxml``).

A ``<DEFINITION>`` lists the node (``<FOR>``), its parents (``<GIVEN>``, in table order)
and a ``<TABLE>`` in which the child's states vary fastest and the parents' states vary
with the last ``<GIVEN>`` fastest -- the order pgmpy's and pyAgrum's XMLBIF readers use
(both checked in the tests on a hand-built two-parent example).

Names may be any text (XML escapes them). Labels, descriptions, groups and positions go
in ``<PROPERTY>key = value</PROPERTY>`` elements; an ``=`` inside a value is written as
``%3D`` because pgmpy's reader splits each property at every ``=``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np

from ._common import (
    InterchangeError,
    NetworkData,
    build,
    decode_text,
    encode_text,
    fmt,
    from_parents_major,
    parents_major,
)
from ._layout import default_positions, parse_pair

SPECIALS = "="


def write(data: NetworkData) -> str:
    """The network as XMLBIF 0.3 text."""
    root = ET.Element("BIF", VERSION="0.3")
    net = ET.SubElement(root, "NETWORK")
    ET.SubElement(net, "NAME").text = data.name
    if data.description:
        _prop(net, "description", data.description)
    positions = default_positions(data)
    for n in data.nodes:
        var = ET.SubElement(net, "VARIABLE", TYPE="nature")
        ET.SubElement(var, "NAME").text = n
        for s in data.states[n]:
            ET.SubElement(var, "OUTCOME").text = s
        for key, texts in (("label", data.labels), ("description", data.descriptions),
                           ("group", data.groups)):
            if n in texts:
                _prop(var, key, texts[n])
        x, y = positions[n]
        ET.SubElement(var, "PROPERTY").text = f"position = ({x:.0f}, {y:.0f})"
    for n in data.nodes:
        d = ET.SubElement(net, "DEFINITION")
        ET.SubElement(d, "FOR").text = n
        for p in data.parents[n]:
            ET.SubElement(d, "GIVEN").text = p
        ET.SubElement(d, "TABLE").text = " ".join(fmt(v) for v in parents_major(data.cpts[n]))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _prop(parent: ET.Element, key: str, value: str) -> None:
    ET.SubElement(parent, "PROPERTY").text = f"{key} = {encode_text(value, SPECIALS)}"


def parse_xml(raw: bytes, source: str) -> ET.Element:
    """The root element, or one clear error naming the line of the XML fault."""
    try:
        return ET.fromstring(raw)
    except ET.ParseError as exc:
        raise InterchangeError(f"not well-formed XML ({exc})", file=source) from None


def _children(elem: ET.Element, tag: str) -> list[ET.Element]:
    return [c for c in elem if isinstance(c.tag, str) and c.tag.upper() == tag]


def _text(elem: ET.Element, tag: str, where: str, source: str) -> str:
    found = _children(elem, tag)
    if not found or not (found[0].text or "").strip():
        raise InterchangeError(f"{where} has no <{tag}>", file=source)
    return (found[0].text or "").strip()


def _props(elem: ET.Element) -> dict[str, str]:
    out = {}
    for p in _children(elem, "PROPERTY"):
        key, sep, value = (p.text or "").partition("=")
        if sep:
            out[key.strip()] = decode_text(value.strip(), SPECIALS)
    return out


def read(raw: bytes, source: str) -> NetworkData:
    """Parse XMLBIF bytes; ``source`` names the file in error messages."""
    root = parse_xml(raw, source)
    net = root if root.tag.upper() == "NETWORK" else next(iter(_children(root, "NETWORK")), None)
    if net is None:
        raise InterchangeError("no <NETWORK> element; is this an XMLBIF file?", file=source)
    states: dict[str, tuple[str, ...]] = {}
    props: dict[str, dict[str, str]] = {}
    for var in _children(net, "VARIABLE"):
        name = _text(var, "NAME", "a <VARIABLE>", source)
        kind = var.get("TYPE", "nature")
        if kind != "nature":
            raise InterchangeError(f"variable {name!r} is of type {kind!r}; only 'nature' "
                                   "(chance) variables can be read", file=source)
        if name in states:
            raise InterchangeError(f"variable {name!r} is declared twice", file=source)
        states[name] = tuple((o.text or "").strip() for o in _children(var, "OUTCOME"))
        props[name] = _props(var)
    parents, cpts = {}, {}
    for d in _children(net, "DEFINITION"):
        node = _text(d, "FOR", "a <DEFINITION>", source)
        if node not in states:
            raise InterchangeError(f"<DEFINITION> for {node!r}, which is not a declared variable",
                                   file=source)
        if node in parents:
            raise InterchangeError(f"node {node!r} has two <DEFINITION>s", file=source)
        given = tuple((g.text or "").strip() for g in _children(d, "GIVEN"))
        for g in given:
            if g not in states:
                raise InterchangeError(f"node {node!r} is given {g!r}, which is not a declared "
                                       "variable", file=source)
        parents[node] = given
        cpts[node] = _table(d, node, given, states, source)
    for n in states:
        if n not in parents:
            raise InterchangeError(f"node {n!r} has no <DEFINITION>", file=source)
    positions = {n: xy for n, p in props.items() if (xy := parse_pair(p.get("position", "")))}
    texts = {k: {n: p[k] for n, p in props.items() if k in p} for k in ("label", "description", "group")}
    names = _children(net, "NAME")
    return build(source, name=(names[0].text or "").strip() if names else "",
                 description=_props(net).get("description", ""), states=states, parents=parents,
                 cpts=cpts, positions=positions, labels=texts["label"],
                 descriptions=texts["description"], groups=texts["group"])


def _table(d: ET.Element, node: str, given: tuple[str, ...], states: dict[str, tuple[str, ...]],
           source: str) -> np.ndarray:
    text = _text(d, "TABLE", f"the <DEFINITION> of {node!r}", source)
    try:
        values = [float(v) for v in re.split(r"[\s,]+", text) if v]
    except ValueError:
        raise InterchangeError(f"node {node!r}: <TABLE> holds something that is not a number",
                               file=source) from None
    card, pcards = len(states[node]), [len(states[g]) for g in given]
    expected = card * int(np.prod(pcards, dtype=np.int64))
    if len(values) != expected:
        raise InterchangeError(f"node {node!r}: <TABLE> has {len(values)} numbers, expected "
                               f"{expected}", file=source)
    return from_parents_major(values, card, pcards)
