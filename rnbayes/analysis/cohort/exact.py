"""What a model would score on its own synthetic cohorts, computed exactly.

Method (exact; no sampling): a synthetic lesion's record is an *evidence pattern*: each
unit of the missingness plan (a test bundle or a single finding) either recorded in one
of its joint states or missing. The engine gives the joint distribution of the diagnosis
and every recorded node, P(d, x); a unit missing with probability r contributes
(1 - r) P(d, x) for each of its recorded states and r times the sum over them (it is
summed out) for "missing". That yields P(d, pattern) for every pattern, hence the
model's posterior P(TTP | pattern) and the pattern's weight under each diagnosis. The
expected ROC AUC is the Mann-Whitney statistic over patterns weighted by P(pattern | TTP)
and P(pattern | RN) (ties, posteriors within 1e-12, count one half).

The number of patterns is the product over units of (joint states + 1 if the unit can
be missing): about 1.7 x 10^12 for the default network with every finding recordable and
the realistic pattern, so the full network is out of reach and ``hide=`` must leave out
enough findings (the cap ``max_patterns`` says so before any work is done). With the
context reduced to time since SRS and histology, and DWI, DSC, FET PET and follow-up as
the advanced findings, it is 1.4 million patterns and about a second.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ...engine.network import DiscreteNetwork
from ...errors import CohortError
from ...spec.cohort import rows_text
from ...spec.missingness import Missingness
from .missingness import Unit
from .sampling import check_network, cohort_plan

#: pattern posteriors closer than this (after sorting, neighbour to neighbour) are ties
TIE_TOL = 1e-12


@dataclass(frozen=True, eq=False)
class ExactPatterns:
    """Every evidence pattern of a synthetic cohort with P(diagnosis, pattern).

    Attributes
    ----------
    joint : numpy.ndarray
        ``(n_patterns, 2)``: P(negative, pattern) and P(positive, pattern).
    units, sizes : tuple
        The plan's units (recordable ones) and their number of pattern values.
    auc, brier, prevalence : float
        Expected ROC AUC and Brier score of the model's posterior on its own cohorts,
        and P(positive).
    """

    target: str
    labels: tuple[str, str]
    units: tuple[Unit, ...]
    sizes: tuple[int, ...]
    states: dict[str, tuple[str, ...]]
    joint: np.ndarray
    auc: float
    brier: float
    prevalence: float

    @property
    def n_patterns(self) -> int:
        return int(self.joint.shape[0])

    @property
    def p_positive(self) -> np.ndarray:
        """The model's posterior P(positive | pattern) for every pattern (NaN if impossible)."""
        tot = self.joint.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(tot > 0, self.joint[:, 1] / tot, np.nan)

    def pattern_index(self, cohort: pd.DataFrame) -> np.ndarray:
        """Index of each lesion's evidence pattern (rows of ``joint``)."""
        idx = np.zeros(len(cohort), dtype=np.int64)
        for unit, size in zip(self.units, self.sizes):
            cards = tuple(len(self.states[n]) for n in unit.nodes)
            codes = np.stack([_codes(cohort, n, self.states[n]) for n in unit.nodes])
            miss = codes < 0
            # a bundle is recorded or missing as a whole, and only if the plan lets it be
            bad = miss.any(axis=0) & (~miss.all(axis=0) | (unit.p_missing == 0))
            if bad.any():
                bad = np.flatnonzero(bad)
                raise CohortError(f"{unit.name} ({', '.join(unit.nodes)}): "
                                  f"{rows_text(list(cohort.index[bad]))} have a missing "
                                  "pattern this plan cannot produce")
            code = np.ravel_multi_index(tuple(np.where(miss, 0, codes)), cards)
            code[miss.all(axis=0)] = size - 1
            idx = idx * size + code
        return idx

    def score(self, cohort: pd.DataFrame) -> np.ndarray:
        """The model's exact P(positive | recorded findings) for each lesion, by looking up
        its pattern (exact; for cohorts simulated with the same plan)."""
        return self.p_positive[self.pattern_index(cohort)]


def _codes(cohort: pd.DataFrame, node: str, states: tuple[str, ...]) -> np.ndarray:
    if node not in cohort.columns:
        return np.full(len(cohort), -1)
    col = cohort[node]
    if isinstance(col.dtype, pd.CategoricalDtype) and tuple(col.cat.categories) == states:
        return col.cat.codes.to_numpy().astype(np.int64)
    lookup = {s: i for i, s in enumerate(states)}
    out = np.array([-1 if pd.isna(v) else lookup.get(str(v), -2) for v in col], dtype=np.int64)
    if (out == -2).any():
        bad = np.flatnonzero(out == -2)
        raise CohortError(f"column {node!r}: states must be one of {list(states)}; bad values at "
                          + rows_text(list(cohort.index[bad]), list(col.iloc[bad[:5]])))
    return out


def exact_patterns(net: DiscreteNetwork, *, target: str, positive: str | None = None,
                   missing: Any = "none", hide: Sequence[str] = (),
                   groups: Mapping[str, str] | None = None,
                   bundles: Mapping[str, Sequence[str]] | None = None,
                   rates: Missingness | None = None,
                   max_patterns: int = 2_000_000) -> ExactPatterns:
    """Enumerate every evidence pattern of :func:`simulate`'s cohorts with its exact
    probability jointly with the diagnosis (see the module docstring for the method).

    Parameters are those of :func:`~rnbayes.analysis.cohort.sampling.simulate`;
    ``positive`` is the target state counted as positive (default: its last state) and
    ``max_patterns`` the most patterns enumerated before a clear error.

    Examples
    --------
    >>> net = DiscreteNetwork({"d": ("rn", "ttp"), "t": ("neg", "pos")}, {"t": ("d",)},
    ...                       {"d": [0.7, 0.3], "t": [[0.9, 0.2], [0.1, 0.8]]})
    >>> ex = exact_patterns(net, target="d", bundles={})
    >>> ex.n_patterns, round(ex.auc, 4)      # (0.8 x 0.9) + half the ties: 0.72 + 0.5 x 0.26
    (2, 0.85)
    """
    check_network(net)
    plan = cohort_plan(net, missing=missing, hide=hide, target=target, groups=groups,
                       bundles=bundles, rates=rates)
    states = net.states
    if len(states[target]) != 2:
        raise CohortError(f"target {target!r} must have two states for an AUC; "
                          f"it has {list(states[target])}")
    units = tuple(u for u in plan.units if u.p_missing < 1.0)  # never recorded: no pattern
    sizes = tuple(math.prod(len(states[n]) for n in u.nodes) + (1 if u.p_missing > 0 else 0)
                  for u in units)
    total = math.prod(sizes)
    if total > max_patterns:
        raise CohortError(f"exact enumeration needs {total:,} evidence patterns (more than "
                          f"max_patterns={max_patterns:,}); hide some findings (hide=...) or "
                          "raise max_patterns")
    tstates = tuple(states[target])
    pos = tstates[-1] if positive is None else positive
    if pos not in tstates:
        raise CohortError(f"positive must be one of {list(tstates)}; got {pos!r}")
    nodes = [n for u in units for n in u.nodes]
    table, _ = net.query([target, *nodes])
    table = table.reshape(2, *(math.prod(len(states[n]) for n in u.nodes) for u in units))
    for axis, u in enumerate(units, start=1):
        if u.p_missing > 0:
            gone = table.sum(axis=axis, keepdims=True) * u.p_missing
            table = np.concatenate([table * (1.0 - u.p_missing), gone], axis=axis)
    k = tstates.index(pos)
    joint = np.stack([table[1 - k].reshape(-1), table[k].reshape(-1)], axis=1)
    auc, brier, prev = _expected_metrics(joint)
    return ExactPatterns(target=target, labels=(tstates[1 - k], pos), units=units, sizes=sizes,
                         states={n: tuple(states[n]) for n in nodes}, joint=joint, auc=auc,
                         brier=brier, prevalence=prev)


def _expected_metrics(joint: np.ndarray) -> tuple[float, float, float]:
    """Exact AUC (Mann-Whitney over weighted patterns), Brier score and prevalence."""
    tot = joint.sum(axis=1)
    keep = tot > 0
    w0, w1 = joint[keep, 0], joint[keep, 1]
    s = w1 / tot[keep]
    order = np.argsort(s, kind="stable")
    # consecutive sorted posteriors closer than the tolerance are one tie group
    inv = np.empty(len(s), dtype=np.int64)
    inv[order] = np.concatenate([[0], np.cumsum(np.diff(s[order]) > TIE_TOL)])
    g0, g1 = np.bincount(inv, weights=w0), np.bincount(inv, weights=w1)
    below = np.concatenate([[0.0], np.cumsum(g0)[:-1]])
    auc = float(np.sum(g1 * (below + 0.5 * g0)) / (g1.sum() * g0.sum()))
    brier = float(np.sum(w1 * (1 - s) ** 2 + w0 * s ** 2) / tot.sum())
    return auc, brier, float(w1.sum() / tot.sum())


def exact_expected_auc(net: DiscreteNetwork, *, target: str, missing: Any = "none",
                       hide: Sequence[str] = (), groups: Mapping[str, str] | None = None,
                       bundles: Mapping[str, Sequence[str]] | None = None,
                       rates: Missingness | None = None) -> float:
    """Exact ROC AUC of the model's posterior on its own synthetic cohorts (the same
    ``missing`` and ``hide`` as the :func:`simulate` call it describes; see
    :func:`exact_patterns`).

    Examples
    --------
    >>> net = DiscreteNetwork({"d": ("rn", "ttp"), "t": ("neg", "pos")}, {"t": ("d",)},
    ...                       {"d": [0.7, 0.3], "t": [[0.9, 0.2], [0.1, 0.8]]})
    >>> round(exact_expected_auc(net, target="d", bundles={}), 4)
    0.85
    """
    return exact_patterns(net, target=target, missing=missing, hide=hide, groups=groups,
                          bundles=bundles, rates=rates).auc
