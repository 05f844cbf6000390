"""Synthetic cohorts by forward (ancestral) sampling from a discrete network.

The network is plain data: ``states`` (node -> state names, in topological order),
``parents`` (node -> parent names) and ``cpts`` (node -> array of shape
``(card(node), *card(parents))``, columns summing to 1). Every node is sampled for all
lesions at once (one vectorised draw per node), then a missingness plan blanks whole
test bundles (see :mod:`rnbayes._cohort.missingness`).

Seeding: one seed gives the same lesions whatever the missingness (values and
missingness are drawn from two independent streams spawned from the seed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._project import CohortInputError, default_model, model_groups, model_latent, model_network
from ._project import model_target as _model_target
from .missingness import MissingnessPlan, plan_missingness

#: lesions sampled per block (bounds the per-node probability arrays)
BLOCK = 1 << 18


def check_network(states: Mapping[str, Sequence[str]], parents: Mapping[str, Sequence[str]],
                  cpts: Mapping[str, np.ndarray], tol: float = 1e-9) -> None:
    """Raise one clear line if the plain-data network is not usable for sampling."""
    seen: set[str] = set()
    for node, sts in states.items():
        pa = tuple(parents.get(node, ()))
        late = [p for p in pa if p not in seen]
        if late:
            raise CohortInputError(f"network: {node!r} comes before its parent(s) {late}; give "
                                   "states in topological order")
        if node not in cpts:
            raise CohortInputError(f"network: no table for {node!r}")
        arr = np.asarray(cpts[node], dtype=float)
        want = (len(sts), *(len(states[p]) for p in pa))
        if arr.shape != want:
            raise CohortInputError(f"network: table of {node!r} has shape {arr.shape}; expected {want} "
                                   "(node states first, then its parents' in order)")
        if not np.all(np.isfinite(arr)) or (arr < 0).any() or np.abs(arr.sum(axis=0) - 1).max() > tol:
            raise CohortInputError(f"network: table of {node!r} has columns that are not "
                                   f"probabilities summing to 1 (within {tol:g})")
        seen.add(node)


def sample_codes(states: Mapping[str, Sequence[str]], parents: Mapping[str, Sequence[str]],
                 cpts: Mapping[str, np.ndarray], n: int, rng: np.random.Generator
                 ) -> dict[str, np.ndarray]:
    """State indices of every node for ``n`` lesions (ancestral sampling, vectorised)."""
    out = {node: np.empty(n, dtype=np.int16) for node in states}
    for start in range(0, n, BLOCK):
        stop = min(start + BLOCK, n)
        for node in states:
            pa = tuple(parents.get(node, ()))
            table = np.asarray(cpts[node], dtype=float).reshape(len(states[node]), -1)
            cum = np.cumsum(table, axis=0).T  # (parent configurations, states)
            cfg = (np.ravel_multi_index(tuple(out[p][start:stop] for p in pa),
                                        tuple(len(states[p]) for p in pa))
                   if pa else np.zeros(stop - start, dtype=np.intp))
            u = rng.random(stop - start)
            # the state is the number of cumulative probabilities at or below u (states of
            # probability 0 are never drawn); the last state absorbs rounding of the sum
            code = (cum[cfg] <= u[:, None]).sum(axis=1)
            out[node][start:stop] = np.minimum(code, len(states[node]) - 1)
    return out


def simulate(states: Mapping[str, Sequence[str]], parents: Mapping[str, Sequence[str]],
             cpts: Mapping[str, np.ndarray], n: int, *, seed: int, missing: Any = "none",
             hide: Sequence[str] = (), target: str = "diagnosis",
             groups: Mapping[str, str] | None = None,
             bundles: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
    """Draw ``n`` synthetic lesions from a network, with a chosen missingness pattern.

    Parameters
    ----------
    states, parents, cpts : mappings
        The network as plain data (``model.network`` has these attributes).
    n : int
        Number of lesions.
    seed : int
        Random seed; the same seed gives the same lesions whatever ``missing`` is.
    missing : "none", float, "realistic" or mapping
        ``"none"``; a missing rate for every test bundle and finding (MCAR);
        ``"realistic"`` (judgement rates in ``networks/missingness.yaml``, needs
        ``groups``); or node-or-test -> missing rate (others always recorded).
    hide : sequence of str
        Nodes left out of the output (latent nodes; findings never recorded).
    target : str
        The diagnosis node: always recorded, never hidden.
    groups : mapping, optional
        Node -> group, for ``missing="realistic"`` (default: the default model's groups).
    bundles : mapping, optional
        Test -> nodes recorded together (default: the tests in ``missingness.yaml``).

    Returns
    -------
    pandas.DataFrame
        One row per lesion, one categorical column per node (state names; NaN = not
        recorded), in the network's order. ``df.attrs["rnbayes_simulation"]`` holds the
        seed, n and the missingness plan.

    Examples
    --------
    >>> import numpy as np
    >>> states = {"d": ("rn", "ttp"), "t": ("neg", "pos")}
    >>> parents = {"d": (), "t": ("d",)}
    >>> cpts = {"d": np.array([0.7, 0.3]), "t": np.array([[0.9, 0.2], [0.1, 0.8]])}
    >>> df = simulate(states, parents, cpts, 1000, seed=1, missing=0.5, target="d", bundles={})
    >>> list(df.columns), bool(df["d"].isna().any()), bool(0.4 < df["t"].isna().mean() < 0.6)
    (['d', 't'], False, True)
    """
    _check_count(n)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise CohortInputError(f"seed must be a non-negative integer; got {seed!r}")
    check_network(states, parents, cpts)
    plan = cohort_plan(states, missing=missing, hide=hide, target=target, groups=groups,
                       bundles=bundles)
    value_seq, mask_seq = np.random.SeedSequence(int(seed)).spawn(2)
    codes = sample_codes(states, parents, cpts, int(n), np.random.default_rng(value_seq))
    mask_rng = np.random.default_rng(mask_seq)
    for unit in plan.units:
        if unit.p_missing > 0:
            gone = mask_rng.random(int(n)) < unit.p_missing
            for node in unit.nodes:
                codes[node][gone] = -1
    keep = [nd for nd in states if nd not in set(hide)]
    df = pd.DataFrame({nd: pd.Categorical.from_codes(codes[nd], categories=list(states[nd]))
                       for nd in keep})
    df.attrs["rnbayes_simulation"] = {"n": int(n), "seed": int(seed), "target": target,
                                      "hidden": list(hide), "missing": plan.description,
                                      "units": plan.to_frame().to_dict(orient="records")}
    return df


def cohort_plan(states: Mapping[str, Sequence[str]], *, missing: Any, hide: Sequence[str],
                target: str, groups: Mapping[str, str] | None,
                bundles: Mapping[str, Sequence[str]] | None) -> MissingnessPlan:
    """The missingness plan over the recorded (not hidden, not target) nodes."""
    unknown = [h for h in hide if h not in states]
    if unknown:
        raise CohortInputError(f"hide: unknown node(s) {unknown}; valid: {', '.join(states)}")
    if target not in states:
        raise CohortInputError(f"target {target!r} is not a node; valid: {', '.join(states)}")
    if target in hide:
        raise CohortInputError(f"the target {target!r} cannot be hidden: it is the outcome column")
    observable = [nd for nd in states if nd != target and nd not in set(hide)]
    if isinstance(missing, str) and missing == "realistic" and groups is None:
        groups = model_groups(default_model())
    return plan_missingness(missing, observable=observable, groups=groups, bundles=bundles)


def _check_count(n: Any) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise CohortInputError(f"n must be a positive whole number of lesions; got {n!r}")


def simulate_model(model: Any = None, n: int = 500, *, seed: int, missing: Any = "none",
                   hide: Sequence[str] | None = None) -> pd.DataFrame:
    """:func:`simulate` from a model: its tables, groups and target; latent nodes are
    always hidden, ``hide`` hides more (findings never recorded in this cohort).

    Examples
    --------
    >>> cohort = simulate_model(n=200, seed=1, missing="realistic")
    >>> cohort["diagnosis"].notna().all() and "tumour_vascularity" not in cohort
    True
    >>> bool(cohort["enhancement_pattern"].notna().all())   # conventional MRI always recorded
    True
    """
    model = default_model() if model is None else model
    states, parents, cpts = model_network(model)
    hidden = tuple(dict.fromkeys([*model_latent(model), *(hide or ())]))  # latent: never seen
    return simulate(states, parents, cpts, n, seed=seed, missing=missing, hide=hidden,
                    target=_model_target(model)[0], groups=model_groups(model))
