"""plot_network: one column per group in the layout's order, a box per node, latent nodes
dashed, the target heavy, an arrow per edge; on the given Axes or a new one."""

import matplotlib.pyplot as plt
import numpy as np

import rnbayes
from rnbayes.spec.formats import NetworkData, write_network
from rnbayes.spec.layout import layered


def _boxes(ax):
    return {p.get_gid()[5:]: p for p in ax.patches if (p.get_gid() or "").startswith("node:")}


def test_every_node_is_a_box_in_its_groups_column(model):
    fig, ax = plt.subplots()
    try:
        assert rnbayes.plot_network(model, ax=ax) is ax
        boxes = _boxes(ax)
        assert set(boxes) == set(model.nodes)
        lay = layered(list(model.spec.order), {n: model.spec.parents(n) for n in model.nodes},
                      {n: model.spec.nodes[n].group for n in model.nodes})
        for n, box in boxes.items():
            col, _ = lay.position[n]
            centre = box.get_x() + box.get_width() / 2
            assert abs(centre - col) < 1e-9, n
        # no two boxes overlap
        rects = [(b.get_x(), b.get_y(), b.get_x() + b.get_width(), b.get_y() + b.get_height())
                 for b in boxes.values()]
        for i, a in enumerate(rects):
            for b in rects[i + 1:]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
    finally:
        plt.close(fig)


def test_latent_nodes_are_dashed_and_the_target_heavy(model):
    ax = rnbayes.plot_network(model)
    try:
        boxes = _boxes(ax)
        for n, box in boxes.items():
            dashed = box.get_linestyle() not in ("-", "solid")
            assert dashed == (n in model.spec.latent), n
        widths = {n: b.get_linewidth() for n, b in boxes.items()}
        assert max(widths, key=widths.get) == model.target
        arrows = [p for p in ax.patches if p not in boxes.values()]
        assert len(arrows) == sum(len(model.spec.parents(n)) for n in model.nodes)
        titles = {t.get_text() for t in ax.texts if not (t.get_gid() or "").startswith("node:")}
        assert {"Clinical context", "Diagnosis", "Latent (not observed)"} <= titles
    finally:
        plt.close(ax.figure)


def test_a_network_without_groups_is_drawn_by_generation(tmp_path):
    data = NetworkData("chain", states={n: ("no", "yes") for n in "abc"},
                       parents={"a": (), "b": ("a",), "c": ("b",)},
                       cpts={"a": [0.5, 0.5], "b": np.eye(2), "c": np.eye(2)[::-1]})
    net = rnbayes.load_network(write_network(data, tmp_path / "chain.bif"), target="b")
    ax = rnbayes.plot_network(net, labels={"c": "the last one"})
    try:
        xs = {n: b.get_x() + b.get_width() / 2 for n, b in _boxes(ax).items()}
        assert xs["a"] < xs["b"] < xs["c"]
        assert "the last one" in {t.get_text() for t in ax.texts}
    finally:
        plt.close(ax.figure)
