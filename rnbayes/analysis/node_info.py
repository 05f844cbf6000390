"""Looking inside a model: what a node means (its states, parents, measurement rules and
sources) and its table as a labelled DataFrame."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import numpy as np

from ..spec.compiled import CompiledModel
from ..spec.records import short_citation

if TYPE_CHECKING:
    import pandas as pd


def describe(model: CompiledModel, node: str) -> str:
    """See :meth:`rnbayes.Model.describe`.

    Examples
    --------
    >>> import rnbayes
    >>> print(describe(rnbayes.load_model(), "rcbv").splitlines()[0])
    rcbv (advanced)
    """
    nd = model.spec.nodes[node]
    out = [f"{node} ({nd.group}{', latent' if nd.latent and nd.group != 'latent' else ''})",
           textwrap.fill(nd.description, 88, initial_indent="  ", subsequent_indent="  "),
           f"  states: {', '.join(nd.states)}"]
    if nd.parents:
        out.append(f"  parents: {', '.join(nd.parents)}")
    given = " (given directly with with_tables)" if node in model.given_tables else ""
    out.append(f"  table: {nd.cpt.name}{given}")
    for m in nd.measures:
        cites = "; ".join(short_citation(s) for s in m.sources)
        out.append(f"  number '{m.key}' ({m.unit}): {m.rule} [{cites}]")
        if m.plausible is not None:
            out.append(f"    usual range {m.plausible.describe()}; possible "
                       f"{m.minimum:g} to {m.maximum:g}: {m.plausible.reason}")
    recs = model.records_for(node)
    if recs:
        out.append("  sources:")
        for r in recs:
            point = r.point()
            val = (", ".join(f"{s}={v:.3f}" for s, v in zip(r.states or (), point))
                   if isinstance(point, np.ndarray) else f"{point:.3g}")
            out.append(f"    {r.id} [{r.basis}] = {val}: {r.label}")
    return "\n".join(out)


def cpt_frame(model: CompiledModel, node: str) -> pd.DataFrame:
    """See :meth:`rnbayes.Model.cpt`."""
    import pandas as pd

    arr = model.network.cpts[node]
    parents = model.spec.parents(node)
    cols = (pd.MultiIndex.from_product([model.spec.states(p) for p in parents], names=parents)
            if parents else pd.Index(["p"]))
    return pd.DataFrame(arr.reshape(arr.shape[0], -1),
                        index=pd.Index(model.states(node), name=node), columns=cols)
