"""A network file as a spec: one Dirichlet record per table column with a stated ess,
structural zeros kept, the target and positive state given or read from the file, and
the layout shared by saved files and plot_network."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from rnbayes.errors import ParameterError
from rnbayes.spec.formats import NetworkData
from rnbayes.spec.generators.base import point_values
from rnbayes.spec.layout import GROUP_ORDER, layered, readable
from rnbayes.spec.loaded import POSITIVE_WORDS, spec_from_data
from rnbayes.spec.tables import build_tables


def _data(groups=None) -> NetworkData:
    return NetworkData(
        "t", states={"d": ("no", "yes"), "m": ("a", "b", "c"), "x": ("neg", "pos", "odd")},
        parents={"d": (), "m": ("d",), "x": ("d", "m")},
        cpts={"d": [0.7, 0.3],
              "m": [[0.2, 1.0], [0.5, 0.0], [0.3, 0.0]],  # given d=yes, m is certainly 'a'
              "x": np.array([[[0.9, 0.6, 0.0], [0.2, 0.1, 0.5]],
                             [[0.1, 0.4, 0.7], [0.8, 0.9, 0.5]],
                             [[0.0, 0.0, 0.3], [0.0, 0.0, 0.0]]])},
        groups=groups or {})


def test_one_dirichlet_per_column_centred_on_the_file_with_the_stated_ess():
    spec, records = spec_from_data(_data(), file="t.bif", target="d", ess=4)
    # a column with one state at 1 is fixed: no record
    assert "P(m | d=yes)" not in records
    rec = records["P(x | d=no, m=c)"]  # zero for 'neg': the Dirichlet covers pos and odd
    assert rec.states == ("pos", "odd") and rec.family == "dirichlet"
    np.testing.assert_allclose(rec.params["alpha"], [4 * 0.7, 4 * 0.3])
    assert rec.label == "t.bif (ess 4)" and "equivalent sample size 4" in rec.derivation
    n_cols = sum(int(np.prod([len(spec.states(p)) for p in spec.parents(n)])) for n in spec.order)
    assert len(records) == n_cols - 1


def test_point_tables_are_the_files_and_draws_keep_structural_zeros():
    data = _data()
    spec, records = spec_from_data(data, file="t.bif", target="d")
    point = build_tables(spec, records, point_values(records))
    for n in data.nodes:
        np.testing.assert_allclose(point[n][0], data.cpts[n], atol=1e-15)
    rng = np.random.default_rng(0)
    draws = {rid: r.sample(rng, 500) for rid, r in records.items()}
    drawn = build_tables(spec, records, lambda rid: draws[rid])
    zero = np.asarray(data.cpts["x"]) == 0
    assert np.all(drawn["x"][:, zero] == 0)
    np.testing.assert_allclose(drawn["x"].sum(axis=1), 1.0, atol=1e-12)
    assert np.all(drawn["m"][:, 0, 1] == 1.0)  # the fixed column
    # the spread is that of Dirichlet(ess p): the mean over draws is near p
    np.testing.assert_allclose(drawn["x"].mean(axis=0), data.cpts["x"], atol=0.05)


def test_a_column_written_to_six_decimals_is_renormalised():
    data = NetworkData("r", states={"a": ("y", "n")}, parents={"a": ()},
                       cpts={"a": [0.333333, 0.666666]})
    spec, records = spec_from_data(data, file="r.bif", target="a", positive="y")
    table = build_tables(spec, records, point_values(records))["a"][0]
    assert abs(table.sum() - 1) < 1e-15 and spec.positive == "y"


def test_target_from_the_group_rnbayes_writes_and_positive_its_last_state():
    spec, _ = spec_from_data(_data({"d": "target", "x": "advanced"}), file="t.xdsl")
    assert (spec.target, spec.positive) == ("d", "yes")
    assert spec.nodes["x"].group == "advanced"


@pytest.mark.parametrize("word", POSITIVE_WORDS)
def test_positive_read_from_a_state_name(word):
    data = NetworkData("w", states={"a": ("other", word.upper())}, parents={"a": ()},
                       cpts={"a": [0.5, 0.5]})
    assert spec_from_data(data, file="w.bif", target="a")[0].positive == word.upper()


def test_what_cannot_be_told_is_one_line_saying_how_to_give_it():
    with pytest.raises(ParameterError, match=r"target='NODE' \(command line: --target NODE\); "
                                             r"nodes: d, m, x"):
        spec_from_data(_data(), file="t.uai")
    with pytest.raises(ParameterError, match=r"positive='STATE' \(command line: --positive "
                                             r"STATE\); states: \['a', 'b', 'c'\]"):
        spec_from_data(_data(), file="t.uai", target="m")
    with pytest.raises(ParameterError, match="Did you mean 'd'"):
        spec_from_data(_data(), file="t.uai", target="dd")
    with pytest.raises(ParameterError, match="Did you mean 'yes'"):
        spec_from_data(_data(), file="t.uai", target="d", positive="yess")
    for bad in (0, -1.0, float("nan"), "10", True):
        with pytest.raises(ParameterError, match="'ess' parameter of load_network"):
            spec_from_data(_data(), file="t.uai", target="d", ess=bad)


def test_the_group_latent_marks_latent_nodes():
    spec, _ = spec_from_data(_data({"d": "target", "m": "latent"}), file="t.net")
    assert spec.latent == ("m",) and "m" not in spec.observable


# -- layout -------------------------------------------------------------------------------
def test_rnbayes_groups_flow_from_context_to_findings(model):
    spec = model.spec
    lay = layered(spec.order, {n: spec.parents(n) for n in spec.order},
                  {n: spec.nodes[n].group for n in spec.order})
    assert lay.columns == ("context", "target", "latent", "conventional", "advanced", "follow_up")
    assert [g for g in GROUP_ORDER if g in lay.columns] == list(lay.columns)
    for n, (col, _) in lay.position.items():
        assert lay.columns[col] == spec.nodes[n].group
    # no two nodes share a place; rows are centred on the tallest column
    assert len(set(lay.position.values())) == len(spec.order)
    assert lay.height == max(sum(1 for n in spec.order if spec.nodes[n].group == g)
                             for g in lay.columns)


def _crossings(position, parents) -> int:
    edges = [(position[p], position[n]) for n in parents for p in parents[n]
             if position[n][0] == position[p][0] + 1]
    return sum(1 for (a, b), (c, d) in itertools.combinations(edges, 2)
               if a[0] == c[0] and (a[1] - c[1]) * (b[1] - d[1]) < 0)


def test_barycentre_order_cuts_edge_crossings():
    """A heuristic, so not on every graph: over 100 random DAGs it removes most of the
    crossings that rows in topological order leave."""
    ours = naive = 0
    for seed in range(100):
        rng = np.random.default_rng(seed)
        nodes = [f"n{i}" for i in range(14)]
        parents = {n: [nodes[j] for j in range(i) if rng.random() < 0.2]
                   for i, n in enumerate(nodes)}
        lay = layered(nodes, parents)
        for n in nodes:  # generations: every parent in an earlier column
            assert all(lay.position[p][0] < lay.position[n][0] for p in parents[n])
        given = {n: (c, float(sum(1 for m in nodes[:nodes.index(n)]
                                  if lay.position[m][0] == c)))
                 for n, (c, _) in lay.position.items()}
        ours += _crossings(lay.position, parents)
        naive += _crossings(given, parents)
    assert ours < 0.5 * naive


def test_readable_names():
    assert readable("months_since_srs") == "months since srs"
    assert readable("a__b_") == "a b"
