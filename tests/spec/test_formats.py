"""Interchange files, checked with independent readers.

* pyAgrum (3.3) and pgmpy read the files we write and give the same posteriors as pgmpy's
  VariableElimination on the original tables, to 1e-9, on 20 random evidence cases per
  network and format; where a reader differs from a format's documented order, a test
  pins exactly how (the README says which readers agree).
* Our readers give back every table bit for bit, and names and texts where the format
  holds them.
* Hand-written files (tests/data/formats) fix each format's documented table order.
* Bad input gets one clear InterchangeError line naming the file.
"""

from __future__ import annotations

import dataclasses
import doctest
import itertools
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnbayes.errors import RnbayesError
from rnbayes.spec.formats import (
    FORMATS,
    InterchangeError,
    NetworkData,
    _common,
    _layout,
    adapters,
    bif,
    net,
    network_data_from_model,
    network_data_from_pgmpy,
    read_network,
    write_network,
    xdsl,
    xmlbif,
)

gum = pytest.importorskip("pyagrum")
DATA = Path(__file__).parent.parent / "data" / "formats"
SUFFIX = {"bif": ".bif", "xmlbif": ".bifxml", "xdsl": ".xdsl", "net": ".net", "uai": ".uai"}
N_CASES = 20


# -- networks ---------------------------------------------------------------------------
def _renormalised(data: NetworkData) -> NetworkData:
    return dataclasses.replace(data, cpts={n: t / t.sum(axis=0, keepdims=True)
                                           for n, t in data.cpts.items()})


def _dyadic(data: NetworkData, bits: int = 20) -> NetworkData:
    """Tables rounded to multiples of 2**-bits, each column summing to exactly 1: numbers
    a float32 holds exactly (pyAgrum parses BIF, NET and UAI numbers as float32)."""
    cpts = {}
    for n, t in data.cpts.items():
        a = np.round(np.asarray(t) * 2**bits) / 2**bits
        flat = a.reshape(a.shape[0], -1)
        for col in flat.T:
            k = col.argmax()
            col[k] = 1.0 - (col.sum() - col[k])
        cpts[n] = flat.reshape(a.shape)
    return dataclasses.replace(data, cpts=cpts)


def _pgmpy_network(name: str) -> NetworkData:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgmpy.utils import get_example_model

        return _renormalised(network_data_from_pgmpy(get_example_model(name), name=name))


#: network -> (target, nodes that may be observed)
@pytest.fixture(scope="module")
def networks(model):
    rn = network_data_from_model(model)
    observable = [n for n in rn.nodes if rn.groups.get(n) not in ("latent", "target")]
    asia, alarm = _pgmpy_network("asia"), _pgmpy_network("alarm")
    return {
        "rnbayes": (rn, "diagnosis", observable),
        "asia": (asia, "lung", [n for n in asia.nodes if n != "lung"]),
        "alarm": (alarm, "LVFAILURE", [n for n in alarm.nodes if n != "LVFAILURE"]),
    }


def _cases(data: NetworkData, target: str, observable: list[str], seed: int):
    """Hard evidence on random subsets of observable nodes, drawn from the network itself
    (so it is never impossible), and the nodes to compare: the target and three others."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(N_CASES):
        sample: dict[str, int] = {}
        for n in data.nodes:
            col = data.cpts[n][(slice(None), *(sample[p] for p in data.parents[n]))]
            sample[n] = int(rng.choice(len(col), p=col / col.sum()))
        most = min(7, len(observable), len(data.nodes) - 4)
        seen = rng.choice(observable, size=int(rng.integers(1, most + 1)), replace=False)
        evidence = {str(n): sample[str(n)] for n in seen}
        others = [n for n in data.nodes if n not in evidence and n != target]
        out.append((evidence, [target, *rng.choice(others, size=3, replace=False).tolist()]))
    return out


@pytest.fixture(scope="module")
def reference(networks):
    """(network, dyadic) -> (tables, cases, posteriors by pgmpy), each computed once."""
    cache: dict = {}

    def get(name: str, dyadic: bool = False):
        if (name, dyadic) not in cache:
            data, target, observable = networks[name]
            data = _dyadic(data) if dyadic else data
            cases = _cases(data, target, observable, seed=len(name) + dyadic)
            cache[name, dyadic] = (data, cases, _reference(data, cases))
        return cache[name, dyadic]

    return get


def _reference(data: NetworkData, cases) -> list[dict[str, np.ndarray]]:
    """Posterior marginals by pgmpy's VariableElimination on ``data``'s own tables."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgmpy.factors.discrete import TabularCPD
        from pgmpy.inference import VariableElimination
        from pgmpy.models import DiscreteBayesianNetwork

        pg = DiscreteBayesianNetwork([(p, n) for n in data.nodes for p in data.parents[n]])
        pg.add_nodes_from(data.nodes)
        for n in data.nodes:
            ps = list(data.parents[n])
            pg.add_cpds(TabularCPD(n, data.card(n), np.asarray(data.cpts[n]).reshape(data.card(n), -1),
                                   evidence=ps or None, evidence_card=[data.card(p) for p in ps] or None,
                                   state_names={v: list(data.states[v]) for v in [n, *ps]}))
        ve = VariableElimination(pg)
        out = []
        for evidence, queried in cases:
            ev = {n: data.states[n][i] for n, i in evidence.items()}
            res = ve.query(variables=queried, evidence=ev, joint=False, show_progress=False)
            out.append({q: np.asarray([res[q].get_value(**{q: s}) for s in data.states[q]])
                        for q in queried})
        return out


def _pyagrum_posteriors(path: Path, cases, name_of=str, state_of=None) -> list[dict[str, np.ndarray]]:
    bn = gum.loadBN(str(path))
    out = []
    for evidence, queried in cases:
        ie = gum.LazyPropagation(bn)
        ie.setEvidence({name_of(n): (state_of(n, i) if state_of else i) for n, i in evidence.items()})
        for q in queried:
            ie.addTarget(name_of(q))
        ie.makeInference()
        out.append({q: ie.posterior(name_of(q)).toarray() for q in queried})
    return out


def _assert_close(got, want, tol=1e-9):
    worst = max(float(np.max(np.abs(g[q] - w[q]))) for g, w in zip(got, want) for q in w)
    assert worst < tol, f"largest posterior difference {worst:.3g}"


# -- pyAgrum: posteriors ------------------------------------------------------------------
@pytest.mark.parametrize("name", ["rnbayes", "asia", "alarm"])
def test_pyagrum_reads_xmlbif_to_full_precision(reference, name, tmp_path):
    data, cases, want = reference(name)
    path = write_network(data, tmp_path / f"{name}.bifxml")
    _assert_close(_pyagrum_posteriors(path, cases), want)


@pytest.mark.parametrize("fmt", ["bif", "net"])
@pytest.mark.parametrize("name", ["rnbayes", "asia", "alarm"])
def test_pyagrum_reads_bif_and_net(reference, name, fmt, tmp_path):
    # pyAgrum parses BIF and NET numbers as float32; tables of float32-exact numbers make
    # any misplaced entry, not rounding, the only thing that could differ
    data, cases, want = reference(name, dyadic=True)
    path = write_network(data, tmp_path / f"{name}{SUFFIX[fmt]}")
    _assert_close(_pyagrum_posteriors(path, cases), want)


def _gum_table(bn, node: str, axes: list[str]) -> np.ndarray:
    t = bn.cpt(node)
    names = list(t.names)[::-1]  # toarray() puts the first variable last
    return np.transpose(t.toarray(), [names.index(v) for v in axes])


def _f32(a) -> np.ndarray:
    return np.asarray(a, dtype=np.float32).astype(float)


@pytest.mark.parametrize("fmt", ["bif", "net"])
def test_pyagrum_bif_and_net_tables_are_ours_rounded_to_float32(networks, fmt, tmp_path):
    data = networks["rnbayes"][0]
    bn = gum.loadBN(str(write_network(data, tmp_path / f"rn{SUFFIX[fmt]}")))
    for n in data.nodes:
        assert tuple(bn.variable(n).labels()) == data.states[n]
        got = _gum_table(bn, n, [n, *data.parents[n]])
        np.testing.assert_array_equal(got, _f32(data.cpts[n]), err_msg=n)


def _random_tree(seed: int = 3) -> NetworkData:
    """A network in which no node has two parents (where pyAgrum reads UAI correctly)."""
    rng = np.random.default_rng(seed)
    states, parents, cpts = {}, {}, {}
    for i in range(14):
        n = f"x{i}"
        states[n] = tuple(f"s{j}" for j in range(int(rng.integers(2, 5))))
        parents[n] = (f"x{int(rng.integers(0, i))}",) if i else ()
        shape = (len(states[n]), *(len(states[p]) for p in parents[n]))
        cpts[n] = rng.dirichlet(np.ones(shape[0]), size=shape[1:]).reshape(*shape[1:], shape[0])
        cpts[n] = np.moveaxis(cpts[n], -1, 0)
    return _dyadic(NetworkData("tree", states=states, parents=parents, cpts=cpts))


def test_pyagrum_reads_uai_where_no_node_has_two_parents(tmp_path):
    data = _random_tree()
    path = write_network(data, tmp_path / "tree.uai")
    cases = _cases(data, "x0", list(data.nodes[1:]), seed=4)
    index = {n: str(i) for i, n in enumerate(data.nodes)}
    got = _pyagrum_posteriors(path, cases, name_of=index.__getitem__)
    _assert_close(got, _reference(data, cases))


def _first_parent_fastest(table: np.ndarray) -> np.ndarray:
    """What a reader that takes the *first* parent as fastest makes of our flat order."""
    flat = _common.parents_major(table)
    card, pcards = table.shape[0], table.shape[1:]
    arr = np.moveaxis(flat.reshape(*pcards[::-1], card), -1, 0)  # (child, *reversed parents)
    return np.transpose(arr, [0, *range(arr.ndim - 1, 0, -1)])


@pytest.mark.parametrize("fmt", ["xdsl", "uai"])
def test_pyagrum_reads_xdsl_and_uai_with_the_first_parent_fastest(networks, fmt, tmp_path):
    # pinned: pyAgrum 3.3 disagrees with SMILE's and the UAI format's documented order on
    # every node with two or more parents (the README says so; if this test starts failing,
    # pyAgrum has changed and the README must be updated)
    data = networks["rnbayes"][0]
    bn = gum.loadBN(str(write_network(data, tmp_path / f"rn{SUFFIX[fmt]}")))
    index = {n: (str(i) if fmt == "uai" else n) for i, n in enumerate(data.nodes)}
    rounding = _f32 if fmt == "uai" else np.asarray
    differs = 0
    for n in data.nodes:
        got = _gum_table(bn, index[n], [index[v] for v in (n, *data.parents[n])])
        np.testing.assert_array_equal(got, rounding(_first_parent_fastest(data.cpts[n])), err_msg=n)
        differs += not np.array_equal(got, rounding(data.cpts[n]))
    assert differs == sum(len(data.parents[n]) >= 2 for n in data.nodes)


# -- pgmpy: posteriors and exact tables ---------------------------------------------------
def _pgmpy_read(fmt: str, path: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgmpy import readwrite

        reader = {"bif": readwrite.BIFReader, "xmlbif": readwrite.XMLBIFReader,
                  "xdsl": readwrite.XDSLReader, "net": readwrite.NETReader,
                  "uai": readwrite.UAIReader}[fmt]
        return reader(str(path)).get_model()


def _pgmpy_table(model, node: str, data: NetworkData, smile: bool = False) -> np.ndarray:
    """pgmpy's table for ``node`` with axes (node, *our parents) and our state order
    (``smile``: the file holds SMILE ids, which pgmpy does not map back)."""
    def ident(v: str) -> str:
        return xdsl.smile_ids(list(data.nodes), "n_")[v] if smile else v

    cpd = model.get_cpds(ident(node))
    arr = np.asarray(cpd.values)
    axes = (node, *data.parents[node])
    arr = np.transpose(arr, [cpd.variables.index(ident(v)) for v in axes])
    for ax, v in enumerate(axes):
        names = [str(s) for s in cpd.state_names[ident(v)]]
        ids = xdsl.smile_ids(list(data.states[v]), "s_") if smile else {s: s for s in data.states[v]}
        arr = np.take(arr, [names.index(ids[s]) for s in data.states[v]], axis=ax)
    return arr


# pgmpy's BIF and NET readers take seconds on alarm and the rnbayes network's 3024-row
# table (pyparsing over the whole text), so those two formats are checked on asia
@pytest.mark.parametrize("name, fmt", [("asia", "bif"), ("asia", "net"), ("alarm", "xmlbif"),
                                       ("alarm", "xdsl"), ("rnbayes", "xmlbif"), ("rnbayes", "xdsl")])
def test_pgmpy_readers_get_our_tables_exactly(networks, name, fmt, tmp_path):
    data = networks[name][0]
    model = _pgmpy_read(fmt, write_network(data, tmp_path / f"{name}{SUFFIX[fmt]}"))
    for n in data.nodes:
        got = _pgmpy_table(model, n, data, smile=fmt == "xdsl")
        np.testing.assert_array_equal(got, data.cpts[n], err_msg=n)


@pytest.mark.parametrize("name", ["rnbayes", "asia", "alarm"])
def test_pgmpy_xdsl_reader_gives_the_same_posteriors(reference, name, tmp_path):
    data, cases, want = reference(name)
    model = _pgmpy_read("xdsl", write_network(data, tmp_path / f"{name}.xdsl"))
    node_id = xdsl.smile_ids(list(data.nodes), "n_")
    state_id = {n: xdsl.smile_ids(list(data.states[n]), "s_") for n in data.nodes}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgmpy.inference import VariableElimination

        ve = VariableElimination(model)
        got = []
        for evidence, queried in cases:
            ev = {node_id[n]: state_id[n][data.states[n][i]] for n, i in evidence.items()}
            res = ve.query(variables=[node_id[q] for q in queried], evidence=ev, joint=False,
                           show_progress=False)
            got.append({q: np.asarray([res[node_id[q]].get_value(**{node_id[q]: state_id[q][s]})
                                       for s in data.states[q]]) for q in queried})
    _assert_close(got, want)


# -- our own readers ----------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", ["rnbayes", "asia", "alarm"])
def test_own_reader_gives_back_every_table_exactly(networks, name, fmt, tmp_path):
    data = networks[name][0]
    back = read_network(write_network(data, tmp_path / f"{name}{SUFFIX[fmt]}"))
    assert len(back.nodes) == len(data.nodes)
    pairs = list(zip(data.nodes, back.nodes))
    for a, b in pairs:
        assert np.array_equal(back.cpts[b], data.cpts[a]), a
        assert back.card(b) == data.card(a)
    if fmt == "uai":  # names are not part of UAI
        assert back.nodes == tuple(f"v{i}" for i in range(len(data.nodes)))
        last = len(data.nodes) - 1
        assert back.parents[f"v{last}"] == tuple(f"v{data.nodes.index(p)}"
                                                 for p in data.parents[data.nodes[last]])
        return
    assert back.states == data.states and back.parents == data.parents
    assert back.name == data.name and back.description == data.description
    assert back.descriptions == data.descriptions and back.groups == data.groups
    assert back.labels == data.labels
    assert set(back.positions) == set(data.nodes)


@pytest.mark.parametrize("fmt", ["bif", "xmlbif", "xdsl", "net"])
def test_texts_positions_and_awkward_values_round_trip(fmt, tmp_path):
    awkward = 'Say "hi"; a = b {c} 15% %22 back\\slash\nsecond line\ttab & <tag> é ✓'
    data = NetworkData(
        "awk", description=awkward,
        states={"a": ("yes", "no"), "b": ("lo", "mid", "hi")}, parents={"a": (), "b": ("a",)},
        cpts={"a": np.array([0.1 + 0.2, 1 - (0.1 + 0.2)]),
              "b": np.array([[1e-300, 0.5], [5e-324, 0.25], [1 - 1e-300, 0.25]])},
        labels={"a": awkward, "b": "B label"}, descriptions={"a": awkward},
        groups={"a": "group & one", "b": awkward}, positions={"a": (10, 20), "b": (300, 400)})
    back = read_network(write_network(data, tmp_path / f"awk{SUFFIX[fmt]}"))
    assert back.description == awkward and back.labels == data.labels
    assert back.descriptions == data.descriptions and back.groups == data.groups
    assert back.positions == data.positions
    assert all(np.array_equal(back.cpts[n], data.cpts[n]) for n in data.nodes)
    gum.loadBN(str(tmp_path / f"awk{SUFFIX[fmt]}"))  # still opens in pyAgrum


@pytest.mark.parametrize("fmt", ["xmlbif", "xdsl"])
def test_any_names_survive_in_xml_formats(fmt, tmp_path):
    data = NetworkData(
        "months & more", states={"3 months": ("<3", "3 to 9", "3_to_9"), "x-ray": ("+", "−")},
        parents={"3 months": (), "x-ray": ("3 months",)},
        cpts={"3 months": np.array([0.2, 0.3, 0.5]), "x-ray": np.full((2, 3), 0.5)},
        groups={"3 months": "time & dose", "x-ray": "time & dose"})
    path = write_network(data, tmp_path / f"n{SUFFIX[fmt]}")
    back = read_network(path)
    assert back.name == data.name and back.states == data.states and back.parents == data.parents
    assert back.groups == data.groups
    if fmt == "xdsl":  # what GeNIe sees: valid SMILE ids, distinct
        text = path.read_text()
        assert 'id="n_3_months"' in text and 'id="s_3_to_9"' in text and 'id="s_3_to_9_2"' in text


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t\r%\\"),
                max_size=30)


@settings(max_examples=12, deadline=None)
@given(label=_TEXT, description=_TEXT, group=_TEXT)
def test_any_text_round_trips_through_every_named_format(label, description, group, tmp_path_factory):
    data = NetworkData("t", states={"a": ("y", "n")}, parents={"a": ()}, cpts={"a": np.array([0.5, 0.5])},
                       labels={"a": label}, descriptions={"a": description}, groups={"a": group},
                       description=description)
    folder = tmp_path_factory.mktemp("text")
    for fmt in ("bif", "xmlbif", "xdsl", "net"):
        path = write_network(data, folder / f"t{SUFFIX[fmt]}", overwrite=True)
        gum.loadBN(str(path))  # pyAgrum still parses it
        back = read_network(path)
        assert (back.labels, back.descriptions, back.groups, back.description) == \
            (data.labels, data.descriptions, data.groups, data.description), fmt


@settings(max_examples=60, deadline=None)
@given(text=st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
       specials=st.sampled_from([bif.SPECIALS, net.SPECIALS, xmlbif.SPECIALS]))
def test_percent_escaping_is_reversible(text, specials):
    encoded = _common.encode_text(text, specials)
    assert not set(encoded) & set(specials)
    assert _common.decode_text(encoded, specials) == text


# -- documented orders, by hand-written files ---------------------------------------------
TWO_PARENTS = {("a1", "b1"): (0.1, 0.2, 0.7), ("a1", "b2"): (0.15, 0.25, 0.6),
               ("a1", "b3"): (0.2, 0.3, 0.5), ("a2", "b1"): (0.55, 0.35, 0.1),
               ("a2", "b2"): (0.6, 0.3, 0.1), ("a2", "b3"): (0.65, 0.25, 0.1)}


def _two_parents() -> NetworkData:
    c = np.zeros((3, 2, 3))
    for (a, b), col in TWO_PARENTS.items():
        c[:, int(a[1]) - 1, int(b[1]) - 1] = col
    return NetworkData("two_parents", states={"A": ("a1", "a2"), "B": ("b1", "b2", "b3"),
                                              "C": ("c1", "c2", "c3")},
                       parents={"A": (), "B": (), "C": ("A", "B")},
                       cpts={"A": np.array([0.25, 0.75]), "B": np.array([0.5, 0.3, 0.2]), "C": c})


HAND = {"bif": "two_parents.bif", "xmlbif": "two_parents.bifxml", "xdsl": "two_parents.xdsl",
        "net": "two_parents.net", "uai": "two_parents.uai"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_hand_written_files_read_as_documented(fmt):
    want = _two_parents()
    got = read_network(DATA / HAND[fmt])
    c = "C" if fmt != "uai" else "v2"
    np.testing.assert_array_equal(got.cpts[c], want.cpts["C"])
    if fmt != "uai":
        assert got.parents["C"] == ("A", "B") and got.states == want.states


@pytest.mark.parametrize("fmt", ["xmlbif", "xdsl", "net", "uai"])
def test_writer_lists_the_table_as_written_by_hand(fmt, tmp_path):
    hand = "0.1 0.2 0.7 0.15 0.25 0.6 0.2 0.3 0.5 0.55 0.35 0.1 0.6 0.3 0.1 0.65 0.25 0.1"
    text = write_network(_two_parents(), tmp_path / f"t{SUFFIX[fmt]}").read_text()
    numbers = " ".join(text.replace("(", " ").replace(")", " ").split())
    assert hand in numbers


@pytest.mark.parametrize("fmt", ["xmlbif", "xdsl", "net"])  # BIF rows name their states
def test_pgmpy_reads_the_hand_written_files_as_documented(fmt):
    model = _pgmpy_read(fmt, DATA / HAND[fmt])
    np.testing.assert_array_equal(_pgmpy_table(model, "C", _two_parents()), _two_parents().cpts["C"])


@pytest.mark.parametrize("fmt", ["bif", "xmlbif", "net"])
def test_pyagrum_reads_the_hand_written_files_as_documented(fmt):
    bn = gum.loadBN(str(DATA / HAND[fmt]))
    want = _two_parents().cpts["C"]
    got = _gum_table(bn, "C", ["C", "A", "B"])
    np.testing.assert_array_equal(got, want if fmt == "xmlbif" else _f32(want))


def test_uai_readers_that_disagree_with_the_format_are_pinned():
    # pinned for the README: pyAgrum takes the first parent fastest; pgmpy's UAIReader takes
    # the child's states slowest
    want = _two_parents().cpts["C"]
    bn = gum.loadBN(str(DATA / HAND["uai"]))
    np.testing.assert_array_equal(_gum_table(bn, "2", ["2", "0", "1"]), _f32(_first_parent_fastest(want)))
    model = _pgmpy_read("uai", DATA / HAND["uai"])
    child_slowest = np.asarray(model.get_cpds("var_2").values).reshape(3, -1)
    np.testing.assert_array_equal(child_slowest.ravel(), _common.parents_major(want))


def test_genie_asia_example_reads_as_the_published_asia_table(networks):
    # BayesFusion's AsiaDiagnosis.xdsl lists Dyspnea | TbOrCa, Bronchitis as
    # 0.9 0.1 0.2 0.8 0.3 0.7 0.1 0.9; read in SMILE's order it is the asia network's
    # P(dysp | either, bronc) as bnlearn/pgmpy publish it, read the other way it is not
    got = read_network(DATA / "asia_dyspnea.xdsl").cpts["Dyspnea"]  # (dysp, either, bronc)
    asia = networks["asia"][0]
    axes = ["dysp", *asia.parents["dysp"]]
    assert all(asia.states[v] == ("yes", "no") for v in axes)
    pub = np.transpose(asia.cpts["dysp"], [axes.index(v) for v in ("dysp", "either", "bronc")])
    pub = pub[::-1, ::-1, ::-1]  # GeNIe lists absent/nothing first
    np.testing.assert_allclose(got, pub, atol=1e-12)
    assert not np.allclose(_first_parent_fastest(got), pub)


def test_pyagrum_disagrees_on_the_hand_written_xdsl():
    bn = gum.loadBN(str(DATA / HAND["xdsl"]))
    want = _two_parents().cpts["C"]
    got = _gum_table(bn, "C", ["C", "A", "B"])
    np.testing.assert_array_equal(got, _first_parent_fastest(want))
    assert not np.array_equal(got, want)


# -- layout and structure of what we write -------------------------------------------------
def test_xdsl_groups_become_submodels_with_a_readable_layout(networks, tmp_path):
    import xml.etree.ElementTree as ET

    data = networks["rnbayes"][0]
    genie = ET.parse(write_network(data, tmp_path / "rn.xdsl")).getroot().find("extensions/genie")
    subs = {s.findtext("name"): s for s in genie.findall("submodel")}
    assert list(subs) == _layout.group_order(data)
    for g, sub in subs.items():
        members = [n.get("id") for n in sub.findall("node")]
        assert sorted(members) == sorted(n for n in data.nodes if data.groups[n] == g)
        boxes = [tuple(map(int, n.findtext("position").split())) for n in sub.findall("node")]
        for (a, b) in itertools.combinations(boxes, 2):  # no two nodes overlap
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
    assert genie.findall("node") == []  # every node sits in its technique's submodel


def test_net_and_bif_positions_put_each_group_in_a_column(networks, tmp_path):
    data = networks["rnbayes"][0]
    back = read_network(write_network(data, tmp_path / "rn.net"))
    xs = {}
    for n, (x, _) in back.positions.items():
        xs.setdefault(data.groups[n], set()).add(x)
    assert all(len(v) == 1 for v in xs.values())
    assert len({next(iter(v)) for v in xs.values()}) == len(xs)
    assert back.positions == read_network(write_network(data, tmp_path / "rn.bif")).positions


# -- bad input ---------------------------------------------------------------------------
BAD_FILES = {
    "truncated.bif": ("network x {}\nvariable a { type discrete [ 2 ] { y, n };\n", "line"),
    "sums.bif": ("network x {}\nvariable a { type discrete [ 2 ] { y, n }; }\n"
                 "probability ( a ) { table 0.5, 0.6; }\n", "sum to 1.1, not 1"),
    "cycle.bif": ("network x {}\nvariable a { type discrete [ 2 ] { y, n }; }\n"
                  "variable b { type discrete [ 2 ] { y, n }; }\n"
                  "probability ( a | b ) { (y) 0.5, 0.5; (n) 0.5, 0.5; }\n"
                  "probability ( b | a ) { (y) 0.5, 0.5; (n) 0.5, 0.5; }\n", "cycle"),
    "state.bif": ("network x {}\nvariable a { type discrete [ 2 ] { y, n }; }\n"
                  "variable b { type discrete [ 2 ] { y, n }; }\nprobability ( a ) { table 0.5, 0.5; }\n"
                  "probability ( b | a ) { (maybe) 0.5, 0.5; (n) 0.5, 0.5; }\n", "'maybe'"),
    "broken.xdsl": ("<smile id='x'><nodes><cpt id='a'></nodes></smile>", "XML"),
    "noisy.xdsl": ("<smile id='x'><nodes><noisymax id='a'/></nodes></smile>", "noisymax"),
    "short.xmlbif": ("<BIF><NETWORK><VARIABLE TYPE='nature'><NAME>a</NAME><OUTCOME>y</OUTCOME>"
                     "<OUTCOME>n</OUTCOME></VARIABLE><DEFINITION><FOR>a</FOR><TABLE>1</TABLE>"
                     "</DEFINITION></NETWORK></BIF>", "expected 2"),
    "sums.net": ('net {}\nnode a { states = ("y" "n"); }\npotential (a) { data = (0.2 0.2); }\n',
                 "sum to 0.4"),
    "markov.uai": ("MARKOV\n1\n2\n1\n1 0\n2\n1 1\n", "Markov"),
    "short.uai": ("BAYES\n1\n2\n1\n1 0\n2\n0.5\n", "ends"),
}


@pytest.mark.parametrize("fname", sorted(BAD_FILES))
def test_bad_files_give_one_clear_line(fname, tmp_path):
    text, expect = BAD_FILES[fname]
    path = tmp_path / fname
    path.write_text(text)
    with pytest.raises(InterchangeError) as err:
        read_network(path)
    msg = str(err.value)
    assert isinstance(err.value, RnbayesError) and "\n" not in msg
    assert msg.startswith(str(path)) and expect in msg, msg


def test_missing_file_unknown_suffix_and_existing_target(tmp_path):
    with pytest.raises(InterchangeError, match="no such file"):
        read_network(tmp_path / "absent.bif")
    with pytest.raises(InterchangeError, match=r"suffix '\.dne'.*'\.xdsl'"):
        read_network(tmp_path / "net.dne")
    data = _two_parents()
    path = write_network(data, tmp_path / "t.net")
    before = path.read_text()
    with pytest.raises(InterchangeError, match="file exists"):
        write_network(dataclasses.replace(data, name="other"), path)
    assert path.read_text() == before  # nothing the user had is lost
    write_network(data, path, format="bif", overwrite=True)
    assert read_network(path, format="bif").cpts["C"].shape == (3, 2, 3)


@pytest.mark.parametrize("fmt, name, state", [("bif", "3 months", "y"), ("bif", "a", "lt 3"),
                                              ("net", "x-ray", "y"), ("bif", "table", "y")])
def test_names_a_format_cannot_hold_are_refused_clearly(fmt, name, state, tmp_path):
    data = NetworkData("n", states={name: (state, "n")}, parents={name: ()},
                       cpts={name: np.array([0.5, 0.5])})
    with pytest.raises(InterchangeError, match=r"rename it or save as \.xmlbif or \.xdsl"):
        write_network(data, tmp_path / f"n{SUFFIX[fmt]}")
    assert not list(tmp_path.iterdir())  # no partial file left behind


def test_network_data_checks_its_content():
    ok = _two_parents()
    with pytest.raises(InterchangeError, match=r"given A=a2, B=b1 sum to"):
        bad = np.array(ok.cpts["C"])
        bad[0, 1, 0] += 0.1
        dataclasses.replace(ok, cpts={**ok.cpts, "C": bad})
    with pytest.raises(InterchangeError, match=r"shape \(3, 6\), expected \(3, 2, 3\)"):
        dataclasses.replace(ok, cpts={**ok.cpts, "C": ok.cpts["C"].reshape(3, 6)})
    with pytest.raises(InterchangeError, match="cycle: A -> C -> A"):
        dataclasses.replace(ok, parents={**ok.parents, "A": ("C",)},
                            cpts={**ok.cpts, "A": np.full((2, 3), 0.5)})
    with pytest.raises(ValueError, match="read-only"):
        ok.cpts["C"][0, 0, 0] = 1.0  # tables are read-only
    with pytest.raises(TypeError):
        ok.states["D"] = ("x", "y")  # type: ignore[index]
    # topological order is restored whatever order the nodes came in
    rev = NetworkData("r", states=dict(reversed(ok.states.items())), parents=ok.parents, cpts=ok.cpts)
    assert rev.nodes.index("C") == 2


def test_docstring_examples_run():
    import rnbayes.spec.formats as pkg

    for mod in (pkg, _common, adapters, xdsl):
        res = doctest.testmod(mod, verbose=False)
        assert res.failed == 0
    assert doctest.testmod(pkg).attempted > 0
