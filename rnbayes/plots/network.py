"""The network drawn as a clinician reads it: context -> diagnosis -> latents -> findings.

Nodes sit in one column per group (:func:`rnbayes.spec.layout.layered`, the layout the
saved files use too), the rows of each column ordered to cut edge crossings. Latent nodes
have dashed outlines, the target a heavy one; edges run left to right, and an edge that
runs back (a modifier that is a child of the diagnosis) or within a column is drawn as an
arc so it does not hide behind the boxes.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

from ..spec.layout import group_key, layered, readable
from ._common import axes
from .colours import DARK, LIGHT, NEUTRAL

#: column headers of the groups an rnbayes network uses
GROUP_TITLES = {"context": "Clinical context", "target": "Diagnosis",
                "latent": "Latent (not observed)", "conventional": "Conventional MRI",
                "advanced": "Advanced imaging", "pet": "PET", "follow_up": "Follow-up"}
#: box fill of each group (pale tints; red and blue are kept for TTP and RN)
GROUP_FILLS = {"context": "#efefef", "target": "#fff1c1", "latent": "#ffffff",
               "conventional": "#e6f0df", "advanced": "#ece5f3", "pet": "#f5e6da",
               "follow_up": "#dff0ee"}
#: inches per column and per row; box size as a fraction of them
COLUMN_IN, ROW_IN, BOX_W, BOX_H = 2.3, 0.62, 0.82, 0.74
LABEL_WIDTH = 24  # characters per line of a node label (two lines for most labels)


def plot_network(model: Any, *, ax: Any = None, labels: Mapping[str, str] | None = None) -> Any:
    """Draw a model's network with its nodes grouped by technique.

    One column per group -- clinical context, the diagnosis, latent nodes, then the
    findings by technique (conventional MRI, advanced imaging, PET, follow-up) -- or,
    for a network without groups (one read from a file), one column per generation.
    Latent nodes have a dashed outline and the target a heavy one. Computes nothing but
    the layout; never switches the matplotlib backend or changes pyplot settings (without
    ``ax`` it makes a new figure with pyplot's current backend).

    Parameters
    ----------
    model : Model
        The bundled model, one from :func:`rnbayes.load_model`, or one read with
        :func:`rnbayes.load_network`.
    ax : matplotlib Axes, optional
        Where to draw; the figure is best about 2.2 in per column and 0.6 in per node of
        the tallest column (the size used when ``ax`` is None).
    labels : mapping, optional
        node -> text shown in its box (default: the model's labels, as in its results;
        else the name with underscores as spaces).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import rnbayes
    >>> ax = rnbayes.plot_network(rnbayes.load_model())
    >>> sorted(t.get_text() for t in ax.texts if t.get_gid() == "node:rcbv")
    ['rCBV (DSC perfusion)']
    """
    spec = model.spec
    nodes = list(spec.order)
    groups = {n: spec.nodes[n].group for n in nodes}
    lay = layered(nodes, {n: spec.parents(n) for n in nodes}, groups)
    ax = axes(ax, (max(5.0, COLUMN_IN * len(lay.columns)), max(3.0, ROW_IN * lay.height + 1.3)))
    pos = {n: (float(c), -float(r)) for n, (c, r) in lay.position.items()}
    for n in nodes:
        for p in spec.parents(n):
            _edge(ax, pos[p], pos[n])
    for n in nodes:
        text = (labels or {}).get(n) or _label(model, n)
        _box(ax, n, pos[n], textwrap.fill(text, LABEL_WIDTH, break_long_words=False),
             group=group_key(groups[n]), latent=spec.nodes[n].latent,
             target=n == model.target)
    for c, g in enumerate(lay.columns):
        if g:
            title = GROUP_TITLES.get(group_key(g)) or readable(g).capitalize()
            ax.text(c, 0.75, title, ha="center",
                    va="bottom", fontsize=9, fontweight="bold", color=DARK)
    ax.set_xlim(-0.55, len(lay.columns) - 0.45)
    ax.set_ylim(-lay.height + 0.3, 1.25)
    ax.set_axis_off()
    _legend(ax, latent=bool(spec.latent))
    return ax


def _label(model: Any, node: str) -> str:
    """The model's label of ``node`` (labels.yaml), without the "(not observed)" the
    dashed outline already says; the plain name for a model without labels."""
    found = getattr(model, "labels", None)
    text = found.node(node) if found is not None else readable(node)
    return text.replace(" (not observed)", "")


def _box(ax: Any, node: str, xy: tuple[float, float], text: str, *, group: str,
         latent: bool, target: bool) -> None:
    from matplotlib.patches import FancyBboxPatch

    x, y = xy
    fill = GROUP_FILLS.get("latent" if latent else group, "#f4f4f4")
    patch = FancyBboxPatch((x - BOX_W / 2, y - BOX_H / 2), BOX_W, BOX_H,
                           boxstyle="round,pad=0,rounding_size=0.08", facecolor=fill,
                           edgecolor=DARK, linewidth=2.0 if target else 0.9,
                           linestyle="--" if latent else "-", zorder=2, gid=f"node:{node}")
    ax.add_patch(patch)
    ax.text(x, y, text, ha="center", va="center", fontsize=7.5, zorder=3, color=DARK,
            fontweight="bold" if target else "normal", fontstyle="italic" if latent else "normal",
            gid=f"node:{node}")


def _edge(ax: Any, a: tuple[float, float], b: tuple[float, float]) -> None:
    """An arrow from the parent's box to the child's: straight when it runs forward to
    the next column, an arc otherwise (so it passes beside the boxes between)."""
    from matplotlib.patches import FancyArrowPatch

    (xa, ya), (xb, yb) = a, b
    if xb > xa:
        start, end = (xa + BOX_W / 2, ya), (xb - BOX_W / 2, yb)
        rad = 0.0 if xb - xa == 1 else (-0.12 if yb >= ya else 0.12)
    elif xb < xa:  # a child placed in an earlier column: straight, in the gap between
        start, end, rad = (xa - BOX_W / 2, ya), (xb + BOX_W / 2, yb), 0.0
    else:  # within a column: out of the right side and back in
        start, end, rad = (xa + BOX_W / 2, ya), (xb + BOX_W / 2, yb), -0.6
    ax.add_patch(FancyArrowPatch(start, end, connectionstyle=f"arc3,rad={rad}",
                                 arrowstyle="-|>", mutation_scale=8, linewidth=0.7,
                                 color=NEUTRAL, alpha=0.75, zorder=1, shrinkA=0, shrinkB=1))


def _legend(ax: Any, *, latent: bool) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=GROUP_FILLS["target"], edgecolor=DARK, linewidth=2.0,
                     label="the target (what P(...) is about)"),
               Patch(facecolor=LIGHT, edgecolor="none", alpha=0.0,
                     label="arrow: parent -> child (the child's table is conditioned on it)")]
    if latent:
        handles.insert(1, Patch(facecolor="white", edgecolor=DARK, linestyle="--",
                                label="latent: never observed; links findings with a shared cause"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3,
              fontsize=7.5, frameon=False)
