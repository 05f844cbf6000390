"""Synthetic cohorts by forward (ancestral) sampling from a discrete network.

Every node is sampled for all lesions at once (one vectorised draw per node, in blocks),
then a missingness plan blanks whole test bundles (:mod:`.missingness`).

Seeding: one seed gives the same lesions whatever the missingness (values and
missingness are drawn from two independent streams spawned from the seed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ...engine.network import DiscreteNetwork, check_tables
from ...errors import CohortError
from ...spec.compiled import CompiledModel
from ...spec.missingness import Missingness
from .missingness import MissingnessPlan, model_rates, plan_missingness

#: lesions sampled per block (bounds the per-node probability arrays)
BLOCK = 1 << 18


def check_network(net: DiscreteNetwork) -> None:
    """Raise one clear line if a table is not a distribution (columns summing to 1)."""
    problems = check_tables(net)
    if problems:
        raise CohortError(f"network: table of {problems[0]}")


def sample_codes(net: DiscreteNetwork, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """State indices of every node for ``n`` lesions (ancestral sampling, vectorised)."""
    out = {node: np.empty(n, dtype=np.int16) for node in net.nodes}
    for start in range(0, n, BLOCK):
        stop = min(start + BLOCK, n)
        for node in net.nodes:
            pa = net.parents[node]
            table = net.cpts[node].reshape(net.card[node], -1)
            cum = np.cumsum(table, axis=0).T  # (parent configurations, states)
            cfg = (np.ravel_multi_index(tuple(out[p][start:stop] for p in pa),
                                        tuple(net.card[p] for p in pa))
                   if pa else np.zeros(stop - start, dtype=np.intp))
            u = rng.random(stop - start)
            # the state is the number of cumulative probabilities at or below u (states of
            # probability 0 are never drawn); the last state absorbs rounding of the sum
            code = (cum[cfg] <= u[:, None]).sum(axis=1)
            out[node][start:stop] = np.minimum(code, net.card[node] - 1)
    return out


def simulate(net: DiscreteNetwork, n: int, *, seed: int, target: str, missing: Any = "none",
             hide: Sequence[str] = (), groups: Mapping[str, str] | None = None,
             bundles: Mapping[str, Sequence[str]] | None = None,
             rates: Missingness | None = None) -> pd.DataFrame:
    """Draw ``n`` synthetic lesions from a network, with a chosen missingness pattern.

    Parameters
    ----------
    net : DiscreteNetwork
    n : int
        Number of lesions.
    seed : int
        Random seed; the same seed gives the same lesions whatever ``missing`` is.
    target : str
        The diagnosis node: always recorded, never hidden.
    missing : "none", float, "realistic" or mapping
        ``"none"``; a missing rate for every test bundle and finding (MCAR);
        ``"realistic"`` (judgement rates of ``rates``, needs ``groups``); or
        node-or-test -> missing rate (others always recorded).
    hide : sequence of str
        Nodes left out of the output (latent nodes; findings never recorded).
    groups : mapping, optional
        Node -> group, for ``missing="realistic"``.
    bundles : mapping, optional
        Test -> nodes recorded together (default: the tests listed in ``rates``).
    rates : Missingness, optional
        Default: the bundled ``networks/missingness.yaml``.

    Returns
    -------
    pandas.DataFrame
        One row per lesion, one categorical column per node (state names; NaN = not
        recorded), in the network's order. ``df.attrs["rnbayes_simulation"]`` holds the
        seed, n and the missingness plan.

    Examples
    --------
    >>> net = DiscreteNetwork({"d": ("rn", "ttp"), "t": ("neg", "pos")}, {"t": ("d",)},
    ...                       {"d": [0.7, 0.3], "t": [[0.9, 0.2], [0.1, 0.8]]})
    >>> df = simulate(net, 1000, seed=1, missing=0.5, target="d", bundles={})
    >>> list(df.columns), bool(df["d"].isna().any()), bool(0.4 < df["t"].isna().mean() < 0.6)
    (['d', 't'], False, True)
    """
    check_count(n)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise CohortError(f"seed must be a non-negative integer; got {seed!r}")
    check_network(net)
    plan = cohort_plan(net, missing=missing, hide=hide, target=target, groups=groups,
                       bundles=bundles, rates=rates)
    value_seq, mask_seq = np.random.SeedSequence(int(seed)).spawn(2)
    codes = sample_codes(net, int(n), np.random.default_rng(value_seq))
    mask_rng = np.random.default_rng(mask_seq)
    for unit in plan.units:
        if unit.p_missing > 0:
            gone = mask_rng.random(int(n)) < unit.p_missing
            for node in unit.nodes:
                codes[node][gone] = -1
    keep = [nd for nd in net.nodes if nd not in set(hide)]
    df = pd.DataFrame({nd: pd.Categorical.from_codes(codes[nd], categories=list(net.states[nd]))
                       for nd in keep})
    df.attrs["rnbayes_simulation"] = {"n": int(n), "seed": int(seed), "target": target,
                                      "hidden": list(hide), "missing": plan.description,
                                      "units": plan.to_frame().to_dict(orient="records")}
    return df


def cohort_plan(net: DiscreteNetwork, *, missing: Any, hide: Sequence[str], target: str,
                groups: Mapping[str, str] | None, bundles: Mapping[str, Sequence[str]] | None,
                rates: Missingness | None = None) -> MissingnessPlan:
    """The missingness plan over the recorded (not hidden, not target) nodes."""
    unknown = [h for h in hide if h not in net.states]
    if unknown:
        raise CohortError(f"hide: unknown node(s) {unknown}; valid: {', '.join(net.nodes)}")
    if target not in net.states:
        raise CohortError(f"target {target!r} is not a node; valid: {', '.join(net.nodes)}")
    if target in hide:
        raise CohortError(f"the target {target!r} cannot be hidden: it is the outcome column")
    observable = [nd for nd in net.nodes if nd != target and nd not in set(hide)]
    return plan_missingness(missing, observable=observable, groups=groups, bundles=bundles,
                            rates=rates)


def check_count(n: Any) -> None:
    """``n`` must be a whole number of lesions, at least 1."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise CohortError(f"n must be a positive whole number of lesions; got {n!r}")


def simulate_model(model: CompiledModel, n: int, *, seed: int, missing: Any = "none",
                   hide: Sequence[str] | None = None) -> pd.DataFrame:
    """:func:`simulate` from a model: its network, node groups, target and missingness file
    (``missingness.yaml`` beside the network, else the bundled one); latent nodes are
    always hidden, ``hide`` hides more (findings never recorded in this cohort).

    Examples
    --------
    >>> import rnbayes
    >>> cohort = simulate_model(rnbayes.load_model(), 200, seed=1, missing="realistic")
    >>> bool(cohort["diagnosis"].notna().all()), "tumour_vascularity" in cohort
    (True, False)
    >>> bool(cohort["enhancement_pattern"].notna().all())   # conventional MRI always recorded
    True
    """
    hidden = tuple(dict.fromkeys([*model.spec.latent, *(hide or ())]))  # latent: never seen
    groups = {n: model.spec.nodes[n].group for n in model.nodes}
    return simulate(model.network, n, seed=seed, missing=missing, hide=hidden,
                    target=model.target, groups=groups, rates=model_rates(model))
