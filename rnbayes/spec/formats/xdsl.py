"""GeNIe / SMILE XDSL.

**Table order.** SMILE stores a CPT as a flat vector whose coordinates are (first
parent, ..., last parent, node): "The most significant (leftmost) coordinate will
represent the state of the first parent. The state of the node itself corresponds to
the least significant (rightmost) coordinate." (BayesFusion, SMILE manual, "Using SMILE >
Anatomy of a node > Multidimensional arrays", support.bayesfusion.com/docs/SMILE/
using_arrays.html). So ``<probabilities>`` lists the child's states fastest, then the
last parent, with the first parent slowest -- :func:`~._common.parents_major`. GeNIe's
own example networks read correctly only this way: in BayesFusion's AsiaDiagnosis.xdsl,
``Dyspnea`` (parents ``TbOrCa Bronchitis``) lists 0.9 0.1 0.2 0.8 0.3 0.7 0.1 0.9, which
is the published asia table P(dyspnoea | either, bronchitis) in this order and not in
the reverse one (checked in the tests). pgmpy's ``XDSLReader`` reads this order; pyAgrum
3.3's XDSL reader takes the first parent as fastest, so it disagrees on every node with
two or more parents.

**Identifiers.** SMILE ids must start with a letter and contain only letters, digits
and ``_``. Other node, state and group names are mapped to such ids (invalid characters
become ``_``, a leading non-letter gets an ``n_``/``s_``/``g_`` prefix, clashes a numeric
suffix) and the original names are kept in ``<property id="original_name">`` /
``<property id="original_states">`` (a JSON list) so that this reader restores them.

**Layout.** Groups become GeNIe submodels, laid side by side in the order of
:func:`rnbayes.spec.layout.layered` (context, target, latent, findings by technique);
each submodel holds its nodes in a column, top to bottom as in that layout. Labels go in
``<name>``, descriptions in ``<comment>`` (line breaks written as ``\\n``, GeNIe's
convention).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import numpy as np

from ..layout import layered
from ._common import (
    InterchangeError,
    NetworkData,
    build,
    fmt,
    from_parents_major,
    parents_major,
)
from ._layout import cell, default_positions
from .xmlbif import parse_xml

ID = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_STYLE = {"interior": {"color": "e5f6f7"}, "outline": {"color": "000080"},
          "font": {"color": "000000", "name": "Arial", "size": "8"}}


def smile_ids(names: list[str], prefix: str, taken: set[str] = frozenset()) -> dict[str, str]:
    """Name -> a distinct valid SMILE id, avoiding the ids in ``taken``; valid names that
    are free map to themselves.

    >>> smile_ids(["lt_3", "3_to_9", "3 to 9"], "s_")
    {'lt_3': 'lt_3', '3_to_9': 's_3_to_9', '3 to 9': 's_3_to_9_2'}
    """
    def keeps(n: str) -> bool:
        return bool(ID.fullmatch(n)) and n not in taken

    used = set(taken) | {n for n in names if keeps(n)}
    out = {}
    for n in names:
        if keeps(n):
            out[n] = n
            continue
        base = re.sub(r"[^A-Za-z0-9_]", "_", n)
        base = prefix + base if not base[:1].isalpha() or n in taken else base
        cand, k = base, 2
        while cand in used:
            cand, k = f"{base}_{k}", k + 1
        used.add(cand)
        out[n] = cand
    return out


def _genie_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\r\n", "\n").replace("\n", "\\n")


def _plain_text(text: str) -> str:
    return re.sub(r"\\(n|\\)", lambda m: "\n" if m.group(1) == "n" else "\\", text)


def write(data: NetworkData) -> str:
    """The network as XDSL text, tables in SMILE's order."""
    node_id = smile_ids(list(data.nodes), "n_")
    net_id = smile_ids([data.name or "network"], "n_")[data.name or "network"]
    root = ET.Element("smile", version="1.0", id=net_id, numsamples="10000", discsamples="10000")
    nodes = ET.SubElement(root, "nodes")
    for n in data.nodes:
        cpt = ET.SubElement(nodes, "cpt", id=node_id[n])
        state_id = smile_ids(list(data.states[n]), "s_")
        for s in data.states[n]:
            ET.SubElement(cpt, "state", id=state_id[s])
        if data.parents[n]:
            ET.SubElement(cpt, "parents").text = " ".join(node_id[p] for p in data.parents[n])
        ET.SubElement(cpt, "probabilities").text = " ".join(fmt(v) for v in parents_major(data.cpts[n]))
        if node_id[n] != n:
            ET.SubElement(cpt, "property", id="original_name").text = n
        if any(state_id[s] != s for s in data.states[n]):
            ET.SubElement(cpt, "property", id="original_states").text = json.dumps(list(data.states[n]))
    genie = ET.SubElement(ET.SubElement(root, "extensions"), "genie", version="1.0",
                          app="rnbayes", name=data.name)
    if data.description:
        ET.SubElement(genie, "comment").text = _genie_text(data.description)
    _write_layout(genie, data, node_id)
    ET.indent(root, space="\t")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _write_layout(genie: ET.Element, data: NetworkData, node_id: dict[str, str]) -> None:
    lay = layered(data.nodes, data.parents, data.groups) if data.groups else None
    groups = [g for g in lay.columns if g] if lay is not None else []
    rows = default_positions(data, lay)  # the same layout: its columns are the groups
    if not groups:
        for n, xy in rows.items():
            _node(genie, data, n, node_id[n], xy)
        return
    group_id = smile_ids(groups, "g_", taken=set(node_id.values()))
    for i, g in enumerate(groups):
        sub = ET.SubElement(genie, "submodel", id=group_id[g])
        ET.SubElement(sub, "name").text = _genie_text(g)
        for tag, attrs in _STYLE.items():
            ET.SubElement(sub, tag, attrs)
        ET.SubElement(sub, "position").text = _rect(cell(i, 0), g)
        members = sorted((n for n in data.nodes if data.groups.get(n) == g),
                         key=lambda n: rows[n][1])  # top to bottom as in the whole layout
        for k, n in enumerate(members):  # one column inside the submodel
            _node(sub, data, n, node_id[n], data.positions.get(n, cell(0, k)))
    loose = [n for n in data.nodes if n not in data.groups]
    for j, n in enumerate(loose):  # below the row of submodels
        _node(genie, data, n, node_id[n], data.positions.get(n, cell(j, 2)))


def _rect(xy: tuple[float, float], label: str) -> str:
    w = min(200, max(100, 6 * len(label) + 20))
    x, y = xy
    return f"{round(x - w / 2)} {round(y - 20)} {round(x + w / 2)} {round(y + 20)}"


def _node(parent: ET.Element, data: NetworkData, n: str, nid: str, xy: tuple[float, float]) -> None:
    node = ET.SubElement(parent, "node", id=nid)
    label = data.labels.get(n, n)
    ET.SubElement(node, "name").text = _genie_text(label)
    for tag, attrs in _STYLE.items():
        ET.SubElement(node, tag, attrs)
    ET.SubElement(node, "position").text = _rect(xy, label)
    if n in data.descriptions:
        ET.SubElement(node, "comment").text = _genie_text(data.descriptions[n])


# -- reading --------------------------------------------------------------------------
def read(raw: bytes, source: str) -> NetworkData:
    """Parse XDSL bytes; ``source`` names the file in error messages."""
    root = parse_xml(raw, source)
    if root.tag != "smile" or root.find("nodes") is None:
        raise InterchangeError("no <smile><nodes> element; is this an XDSL file?", file=source)
    name_of: dict[str, str] = {}  # smile id -> original name
    states: dict[str, tuple[str, ...]] = {}
    raw_parents: dict[str, list[str]] = {}
    cpts: dict[str, np.ndarray] = {}
    elems = list(root.find("nodes"))  # type: ignore[arg-type]
    for e in elems:
        nid = e.get("id", "")
        if nid in states:
            raise InterchangeError(f"node id {nid!r} is used twice", file=source)
        if e.tag not in ("cpt", "deterministic"):
            raise InterchangeError(f"node {nid!r} is a <{e.tag}> node; only <cpt> and "
                                   "<deterministic> nodes can be read (in GeNIe, change its "
                                   "type to a chance node)", file=source)
        props = {p.get("id"): (p.text or "") for p in e.findall("property")}
        name_of[nid] = props.get("original_name", nid)
        ids = [s.get("id", "") for s in e.findall("state")]
        states[nid] = tuple(_original_states(props, ids, nid, source))
        raw_parents[nid] = ((e.findtext("parents") or "").split())
    for e in elems:
        nid = e.get("id", "")
        for p in raw_parents[nid]:
            if p not in states:
                raise InterchangeError(f"node {nid!r} has parent {p!r}, which is not a node", file=source)
        cpts[nid] = _table(e, nid, raw_parents[nid], states, source)
    net_name, net_comment, texts = _read_extensions(root)

    def ren(n: str) -> str:
        return name_of.get(n, n)

    def by_name(found: dict) -> dict:
        return {ren(n): v for n, v in found.items() if n in states and v}

    return build(source, name=net_name or root.get("id", ""), description=net_comment,
                 states={ren(n): s for n, s in states.items()},
                 parents={ren(n): tuple(ren(p) for p in ps) for n, ps in raw_parents.items()},
                 cpts={ren(n): t for n, t in cpts.items()},
                 labels={n: v for n, v in by_name(texts["labels"]).items() if v != n},
                 descriptions=by_name(texts["descriptions"]), groups=by_name(texts["groups"]),
                 positions=by_name(texts["positions"]))


def _original_states(props: dict[str | None, str], ids: list[str], nid: str, source: str) -> list[str]:
    if "original_states" not in props:
        return ids
    try:
        names = json.loads(props["original_states"])
    except ValueError:
        names = None
    if not (isinstance(names, list) and len(names) == len(ids) and all(isinstance(s, str) for s in names)):
        raise InterchangeError(f"node {nid!r}: property original_states must be a JSON list of "
                               f"{len(ids)} names", file=source)
    return names


def _table(e: ET.Element, nid: str, parents: list[str], states: dict[str, tuple[str, ...]],
           source: str) -> np.ndarray:
    card, pcards = len(states[nid]), [len(states[p]) for p in parents]
    expected = card * int(np.prod(pcards, dtype=np.int64))
    if e.tag == "deterministic":
        ids = [s.get("id", "") for s in e.findall("state")]
        picks = (e.findtext("resultingstates") or "").split()
        if len(picks) * card != expected or any(p not in ids for p in picks):
            raise InterchangeError(f"node {nid!r}: <resultingstates> must name one of its states "
                                   f"for each of the {expected // card} parent configurations", file=source)
        values = np.eye(card)[[ids.index(p) for p in picks]].ravel()
    else:
        try:
            values = np.array((e.findtext("probabilities") or "").split(), dtype=float)
        except ValueError:
            raise InterchangeError(f"node {nid!r}: <probabilities> holds something that is not a "
                                   "number", file=source) from None
    if values.size != expected:
        raise InterchangeError(f"node {nid!r}: <probabilities> has {values.size} numbers, expected "
                               f"{expected}", file=source)
    return from_parents_major(values, card, pcards)


def _read_extensions(root: ET.Element) -> tuple[str, str, dict[str, dict]]:
    """Network name and comment, and node labels, descriptions, groups and positions (by
    SMILE id) from GeNIe's ``<extensions>`` block; submodels are searched recursively."""
    genie = root.find("extensions/genie")
    out: dict[str, dict] = {"labels": {}, "descriptions": {}, "groups": {}, "positions": {}}
    if genie is None:
        return "", "", out

    def walk(elem: ET.Element, group: str) -> None:
        for child in elem:
            if child.tag == "submodel":
                walk(child, _plain_text(child.findtext("name") or child.get("id", "")))
            elif child.tag == "node":
                nid = child.get("id", "")
                out["labels"][nid] = _plain_text(child.findtext("name") or "")
                out["descriptions"][nid] = _plain_text(child.findtext("comment") or "")
                if group:
                    out["groups"][nid] = group
                rect = [float(v) for v in (child.findtext("position") or "").split()[:4]
                        if re.fullmatch(r"[-+]?\d+(\.\d*)?", v)]
                if len(rect) == 4:
                    out["positions"][nid] = ((rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2)

    walk(genie, "")
    return genie.get("name", ""), _plain_text(genie.findtext("comment") or ""), out
