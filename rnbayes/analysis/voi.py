"""Value of information: which additional test would most change the answer, and is it worth it.

Generic over any :class:`~rnbayes.engine.network.DiscreteNetwork`, a target node with one
*positive* state (tumour progression for rnbayes), and a
:class:`~rnbayes.spec.utilities.Utilities` whose expected utility is linear in
p = P(positive). Every test's joint with the target comes from one small query
(:class:`~rnbayes.engine.joints.ResultJoints`); the measures (:mod:`.measures`) are then
computed for all tests in one vectorised pass:

* mutual information, expected absolute change in P(positive), probability the
  recommended action changes, and EVSI;
* **net value** = EVSI - cost, where cost = fixed cost + waiting loss x P(pos|e);
* **EVPI** (perfect information about the target): the ceiling on any EVSI;
* pairs and two-test sequences (:mod:`.pairs`).

A test whose nodes are all observed already has every measure 0; it is never ranked but
listed apart as already done (``ValueOfInformation.done``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._params import check_choice, check_pairs
from ..engine.joints import ResultJoints
from ..engine.network import DiscreteNetwork
from ..errors import EvidenceError, SemanticError, suggest
from ..results.base import Provenance
from ..results.columns import frame
from ..results.voi import DONE_COLUMNS, MEASURES, TABLE_COLUMNS, WHAT_IF_COLUMNS, ValueOfInformation
from ..spec.catalog import CandidateTest, Catalog, resolve_catalog
from ..spec.compiled import CompiledModel
from ..spec.labels import labels_for
from ..spec.utilities import Utilities, resolve_utilities
from .measures import MEASURE_KEYS, measures_all
from .pairs import pair_table
from .strength import strengths


def remaining(test: CandidateTest, evidence: Mapping[str, Any]) -> tuple[str, ...]:
    """The nodes ``test`` would reveal that are not observed yet."""
    return tuple(n for n in test.reveals if n not in evidence)


def compute_voi(network: DiscreteNetwork, target: str, positive: str,
                evidence: Mapping[str, Any], tests: Sequence[CandidateTest],
                utilities: Utilities, *, rank_by: str = "net_value", pairs: bool | int = True,
                provenance: Provenance | None = None, given: Mapping[str, Any] | None = None,
                catalog_file: str = "",
                extra: Mapping[str, Mapping[str, Any]] | None = None) -> ValueOfInformation:
    """Value of information of ``tests`` on any discrete network.

    Parameters
    ----------
    network : DiscreteNetwork
    target : str
        The node whose state the decision is about.
    positive : str
        The target state whose probability p the utilities are linear in.
    evidence : mapping
        Engine evidence: node -> state index or likelihood vector.
    tests : sequence of CandidateTest
    utilities : Utilities
    rank_by : {'net_value', 'evsi', 'mutual_information', 'expected_abs_change',
        'p_action_change'}
    pairs : bool or int
        Evaluate pairs of tests (True: all; an int k: the k best by ``rank_by``; False: none).
    provenance, given, catalog_file
        Carried into the result (the network's name and digest; the evidence as the user
        wrote it; the catalogue file).

    Returns
    -------
    ValueOfInformation

    Examples
    --------
    >>> from rnbayes.engine.network import DiscreteNetwork
    >>> net = DiscreteNetwork(states={"d": ("no", "yes"), "x": ("neg", "pos")},
    ...                       parents={"d": (), "x": ("d",)},
    ...                       cpts={"d": [0.6, 0.4], "x": [[0.9, 0.2], [0.1, 0.8]]})
    >>> u = Utilities(actions=("wait", "treat"), table=np.array([[1.0, 0.0], [0.0, 1.0]]))
    >>> voi = compute_voi(net, "d", "yes", {}, [CandidateTest("x_test", ("x",), cost=0.01)], u)
    >>> bool(0 < voi.table.loc[0, "evsi"] <= voi.evpi)
    True
    """
    rank_by = check_choice(rank_by, "rank_by", "value_of_information", MEASURES)
    pairs = check_pairs(pairs, "value_of_information")
    if target not in network.states:
        raise EvidenceError(f"unknown target {target!r}{suggest(target, network.nodes)}")
    pos = network.states[target].index(positive)
    if target in evidence:
        raise EvidenceError(f"the target {target!r} cannot be given as evidence")
    measured = [t for t in tests if remaining(t, evidence)]
    joints = ResultJoints(network, target, evidence, [remaining(t, evidence) for t in measured])
    if not joints.p_evidence > 0:
        raise EvidenceError("the evidence is impossible under the model (probability 0)")
    p0 = float(joints.target_posterior[pos])
    cols, what_if, groups = _singles(network, joints, tests, evidence, pos, utilities, p0)
    order = _ranking(cols, rank_by)
    # a test already done is never ranked: it is listed apart
    observed = [i for i in order if cols["status"][i] == "already observed"]
    order = np.array([i for i in order if cols["status"][i] != "already observed"], dtype=np.intp)
    table_cols = {c: _take(cols[c], order) for c in TABLE_COLUMNS}
    ranked = [cols["test"][i] for i in order]
    for name, by_test in (extra or {}).items():  # columns the caller adds, per test id
        table_cols[name] = [by_test[t] for t in ranked]
    text = _TABLE_TEXT + tuple(n for n in extra or {} if all(isinstance(v, str) for v in
                                                           extra[n].values()))
    table = frame(table_cols, text=text)
    done = frame({c: [cols[c][i] for i in observed] for c in DONE_COLUMNS}, text=DONE_COLUMNS)
    candidates = [tid for tid in ranked if tid in groups]
    if pairs is False:
        candidates = []
    elif pairs is not True:
        candidates = candidates[: int(pairs)]
    gi = np.array([i for i, t in enumerate(tests) if t.id in groups], dtype=np.intp)
    singles = {k: np.asarray(cols[k])[gi] for k in ("mutual_information", "evsi")}
    pair_rows = pair_table(joints, network.card, candidates, groups, {t.id: t for t in tests},
                           singles, pos, utilities, p0)
    return ValueOfInformation(
        table=table, what_if=_what_if_frame(what_if, ranked), pairs=pair_rows, p_positive=p0,
        action=utilities.best_action(p0), value_now=float(utilities.value(p0)),
        evpi=utilities.evpi(p0), target=target, positive=positive, rank_by=rank_by,
        utilities=utilities, tests=tuple(tests), catalog_file=catalog_file, done=done,
        provenance=provenance or Provenance.of("", ""), evidence=dict(given or {}))


_TABLE_TEXT = ("test", "label", "reveals", "status")


def _take(column: list | np.ndarray, order: np.ndarray) -> list | np.ndarray:
    return column[order] if isinstance(column, np.ndarray) else [column[i] for i in order]


def _ranking(cols: Mapping[str, Any], rank_by: str) -> np.ndarray:
    """Row order: ``rank_by`` (largest first), then net value, then test id (as
    :func:`rnbayes.results.voi.rank`)."""
    ids = cols["test"]
    by_id = np.empty(len(ids), dtype=np.intp)
    by_id[sorted(range(len(ids)), key=ids.__getitem__)] = np.arange(len(ids))
    keys = [by_id] + ([-cols["net_value"]] if rank_by != "net_value" else []) + [-cols[rank_by]]
    return np.lexsort(keys)


def _singles(network: DiscreteNetwork, joints: ResultJoints, tests: Sequence[CandidateTest],
             evidence: Mapping[str, Any], pos: int, u: Utilities, p0: float
             ) -> tuple[dict[str, Any], dict[str, Any], dict[str, tuple[int, tuple[str, ...]]]]:
    """The single-test table's columns (tests in catalogue order), the what-if columns,
    and each measured test's group."""
    n = len(tests)
    measures = np.zeros((len(MEASURE_KEYS), n))
    groups: dict[str, tuple[int, tuple[str, ...]]] = {}
    rows = []
    for k, t in enumerate(tests):
        nodes = remaining(t, evidence)
        if nodes:
            groups[t.id] = (len(groups), nodes)
            rows.append(k)
    what_if: dict[str, Any] = {"test": [], "result": [], "result_states": []}
    if joints.singles.shape[1]:
        m_all, p_r_all, p_after_all = measures_all(joints.singles, joints.starts,
                                                   joints.target_posterior, pos, u)
        measures[:, rows] = np.stack([m_all[key] for key in MEASURE_KEYS])
        best_all = u.best_index(p_after_all)
        for tid, (_, nodes) in groups.items():
            labels, states = _results(network, nodes)
            what_if["test"].extend([tid] * len(labels))
            what_if["result"].extend(labels)
            what_if["result_states"].extend(dict(zip(nodes, s)) for s in states)
        what_if.update(p_result=p_r_all, p_positive_after=p_after_all,
                       action=[u.actions[b] for b in best_all.tolist()],
                       changes_action=best_all != int(u.best_index(p0)))
    cost = np.array([float(t.total_cost(p0)) if t.id in groups else 0.0 for t in tests])
    mi, abs_change, p_change, evsi = measures
    status = ["already observed" if t.id not in groups else
              "partly observed" if len(groups[t.id][1]) < len(t.reveals) else "" for t in tests]
    cols = {"test": [t.id for t in tests], "label": [t.label or t.id for t in tests],
            "reveals": [", ".join(t.reveals) for t in tests], "mutual_information": mi,
            "expected_abs_change": abs_change, "p_action_change": p_change, "evsi": evsi,
            "cost": cost, "net_value": evsi - cost, "evpi": np.full(n, u.evpi(p0)),
            "status": status}
    return cols, what_if, groups


def _results(network: DiscreteNetwork, nodes: tuple[str, ...]
             ) -> tuple[list[str], list[tuple[str, ...]]]:
    """``node=state, ...`` and the states, for every joint result of ``nodes`` (built once
    per network)."""
    def build() -> tuple[list[str], list[tuple[str, ...]]]:
        combos = list(itertools.product(*(network.states[n] for n in nodes)))
        return [", ".join(f"{n}={s}" for n, s in zip(nodes, states)) for states in combos], combos

    return network.memo(("result-labels", nodes), build)


def _what_if_frame(cols: Mapping[str, Any], ranked: Sequence[str]) -> pd.DataFrame:
    """The what-if table, tests in ranked order (results in their own order)."""
    if not cols["test"]:
        return frame({c: [] for c in WHAT_IF_COLUMNS}, text=("test", "result", "action"))
    rank_of = {tid: i for i, tid in enumerate(ranked)}
    order = np.argsort(np.array([rank_of[t] for t in cols["test"]]), kind="stable")
    return frame({c: _take(cols[c], order) for c in WHAT_IF_COLUMNS},
                 text=("test", "result", "action"))


def check_catalog(model: CompiledModel, cat: Catalog, *, given: bool) -> None:
    """``cat`` must fit ``model``; when it was not given and the network has no
    ``tests.yaml`` beside it, the bundled catalogue was used, and the error says to give one."""
    try:
        cat.check(model.nodes, model.spec.latent, model.target)
    except SemanticError as exc:
        if given or model.catalog_path() is not None:
            raise
        raise SemanticError(f"the bundled test catalogue does not fit network {model.name!r} "
                            f"({exc}); give a catalogue of its tests with catalog= (or --catalog "
                            f"on the command line), or put a tests.yaml beside the network",
                            value=exc.value) from None


def value_of_information(model: CompiledModel, evidence: Mapping[str, Any] | None = None, *,
                         tests: Iterable[str] | None = None,
                         utilities: Utilities | str | Path | None = None,
                         rank_by: str = "net_value",
                         catalog: Catalog | str | Path | None = None,
                         pairs: bool | int = True) -> ValueOfInformation:
    """Rank the additional tests for a lesion by how much they would change the decision.

    Parameters
    ----------
    model : Model
    evidence : mapping, optional
        The findings so far (same forms as :meth:`Model.posterior`).
    tests : iterable of str, optional
        Test ids from the catalogue (default: all).
    utilities : Utilities, path or bundled set name, optional
        Default: the bundled ``priors/utilities.yaml``; ``"symptomatic"`` names
        ``priors/utilities_symptomatic.yaml``.
    rank_by : str
        One of ``'net_value'`` (default), ``'evsi'``, ``'mutual_information'``,
        ``'expected_abs_change'``, ``'p_action_change'``.
    catalog : Catalog or path, optional
        Default: ``tests.yaml`` beside the network file, else the bundled catalogue.
    pairs : bool or int
        Evaluate pairs of tests (True: all; an int k: the k best by ``rank_by``; False: none).

    Returns
    -------
    ValueOfInformation

    Raises
    ------
    EvidenceError
        Invalid evidence.
    ParameterError
        A bad ``tests``, ``utilities``, ``rank_by``, ``catalog`` or ``pairs``.
    SpecError
        A malformed utilities or test catalogue file.

    Examples
    --------
    >>> import rnbayes
    >>> voi = value_of_information(rnbayes.load_model(), {"enhancement_pattern": "thin_rim"})
    >>> list(voi.table.columns[:3])
    ['test', 'label', 'reveals']
    >>> bool((voi.table["evsi"] <= voi.evpi + 1e-9).all())
    True
    """
    caller = "value_of_information"
    u = resolve_utilities(utilities if utilities is not None else model.default_utilities,
                          caller)
    cat = resolve_catalog(catalog, caller, model.catalog_default())
    check_catalog(model, cat, given=catalog is not None or model.default_catalog is not None)
    chosen = cat.select(tests, caller)
    findings = model.findings(evidence)
    labels = labels_for(model.network_path)
    power = strengths(model, chosen)
    voi = compute_voi(model.network, model.target, model.positive,
                      model.engine_evidence(findings), chosen, u, rank_by=rank_by, pairs=pairs,
                      provenance=Provenance.of(model.name, model.digest),
                      given={n: f.given for n, f in findings.items()},
                      catalog_file=cat.source or cat.file,
                      extra={"evidence": {t: s.text() for t, s in power.items()},
                             "weak_evidence": {t: s.weak(labels.few_patients)
                                               for t, s in power.items()}})
    return replace(voi, labels=labels)
