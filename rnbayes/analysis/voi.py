"""Value of information: which additional test would most change the answer, and is it worth it.

Generic over any :class:`~rnbayes.engine.network.DiscreteNetwork`, a target node with one
*positive* state (tumour progression for rnbayes), and a
:class:`~rnbayes.spec.utilities.Utilities` whose expected utility is linear in
p = P(positive). For a test revealing nodes R, given current evidence e, one joint
query ``P(target, R | e)`` yields every measure:

* **mutual information** I(target; R | e) in bits;
* **expected absolute change** in P(positive): sum_r P(r|e) |P(pos|e,r) - P(pos|e)|;
* **probability the recommended action changes**;
* **EVSI** (expected value of sample information), utility points:
  sum_r P(r|e) V(P(pos|e,r)) - V(P(pos|e)), V = expected utility of the best action; >= 0;
* **net value** = EVSI - cost, where cost = fixed cost + waiting loss x P(pos|e);
* **EVPI** (perfect information about the target): the ceiling on any EVSI.

A test whose nodes are all observed already has every measure 0.

Pairs. For two tests A and B (revealing the union of their nodes):

* *joint* = both done now, then act: its EVSI and MI are compared with the sum of the
  parts; ``redundant`` when joint < sum, ``complementary`` when joint > sum, else
  ``additive``;
* *sequence A then B* = do A, look at the result, then either act at once or do B and
  act; its value (net of the costs actually incurred, relative to acting now) is
  ``sum_a P(a) max(V(p_a), sum_b P(b|a) V(p_ab) - cost_B(p_a)) - cost_A(p) - V(p)``.
  The best order is whichever of A-then-B and B-then-A is larger.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..engine.joints import ResultJoints
from ..engine.network import DiscreteNetwork
from ..errors import EvidenceError, suggest
from ..results.jsonsafe import jsonable, records
from ..results.posterior import NOTICE
from ..spec.catalog import TestCatalog, TestSpec, load_tests
from ..spec.utilities import Utilities, load_utilities

MEASURES = ("net_value", "evsi", "mutual_information", "expected_abs_change", "p_action_change")
TABLE_COLUMNS = ["test", "label", "reveals", "mutual_information", "expected_abs_change",
                 "p_action_change", "evsi", "cost", "net_value", "evpi", "status"]
_TOL = 1e-9


@dataclass(frozen=True)
class _Measures:
    mi: float
    abs_change: float
    p_change: float
    evsi: float


_TINY = np.finfo(float).tiny


def _xlogx(x: np.ndarray) -> np.ndarray:
    """x log2 x, with 0 log 0 = 0 (x is clipped inside the log only)."""
    return x * np.log2(np.maximum(x, _TINY))


def mutual_information(joint: np.ndarray) -> np.ndarray:
    """Mutual information in bits between the two last axes of ``joint`` (a joint
    distribution, or a batch of them over any leading axes)."""
    joint = np.asarray(joint, dtype=float)
    info = _xlogx(joint).sum(axis=(-2, -1)) - _xlogx(joint.sum(axis=-1)).sum(axis=-1) \
        - _xlogx(joint.sum(axis=-2)).sum(axis=-1)
    return np.maximum(0.0, info)


def _column_information(joint: np.ndarray, p_r: np.ndarray) -> np.ndarray:
    """Per column r of ``joint = P(target, r)``: sum_t P(t,r) log2 P(t,r) - P(r) log2 P(r).

    Summed over one test's columns and added to H(target) this is the mutual information.
    """
    return _xlogx(joint).sum(axis=0) - _xlogx(p_r)


def segment_mutual_information(joint: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Mutual information (bits) between the target and each of several tests at once.

    ``joint`` is ``(card_target, C)``, each test's P(target, r) flattened side by side,
    test ``i`` in columns ``starts[i]:starts[i+1]``.

    Examples
    --------
    >>> import numpy as np
    >>> j = np.array([[0.25, 0.25, 0.5, 0.0], [0.25, 0.25, 0.0, 0.5]])
    >>> segment_mutual_information(j, np.array([0, 2, 4])).tolist()
    [0.0, 1.0]
    """
    p_t = joint[:, starts[0]:starts[1]].sum(axis=1)
    info = np.add.reduceat(_column_information(joint, joint.sum(axis=0)), starts[:-1])
    return np.maximum(0.0, info - float(_xlogx(p_t).sum()))


def _measures_all(joint: np.ndarray, starts: np.ndarray, p_t: np.ndarray, pos: int,
                  u: Utilities) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Every measure for many tests at once.

    ``joint`` is ``(card_target, C)``: each test's P(target, r | e) flattened, side by side,
    test ``i`` in columns ``starts[i]:starts[i+1]``; ``p_t`` is P(target | e).
    Returns per-test arrays (``mi``, ``abs_change``, ``p_change``, ``evsi``) and, per
    column, P(r | e) and P(positive | e, r).
    """
    seg = starts[:-1]
    p_r = joint.sum(axis=0)
    p0 = float(p_t[pos])
    ok = p_r > 0
    p_after = np.where(ok, joint[pos] / np.where(ok, p_r, 1.0), p0)
    terms = _column_information(joint, p_r)
    # expected utility of every action after each result, and now (last row)
    eu = u.expected(np.append(p_after, p0))
    best = eu.argmax(axis=-1)
    value = eu.max(axis=-1)
    changed = ok & (best[:-1] != best[-1])
    per_col = np.stack([terms, p_r * np.abs(p_after - p0), np.where(changed, p_r, 0.0),
                        p_r * value[:-1]])
    mi, abs_change, p_change, evsi = np.add.reduceat(per_col, seg, axis=1)
    mi = np.maximum(0.0, mi - float(_xlogx(p_t).sum()))
    evsi = evsi - value[-1]
    # below rounding level (each joint is a sum over a larger table): exactly 0
    evsi[evsi < 1e-12 * max(1.0, float(np.abs(u.table).max()))] = 0.0
    return {"mi": mi, "abs_change": abs_change, "p_change": p_change, "evsi": evsi}, p_r, p_after


def _remaining(test: TestSpec, evidence: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(n for n in test.reveals if n not in evidence)


def _sequence_value(joint: np.ndarray, n_first: int, pos: int, u: Utilities,
                    first: TestSpec, second: TestSpec, p0: float) -> float:
    """Net value of: do ``first``, then decide whether to do ``second``, then act.

    ``joint`` has axes (target, *first's nodes, *second's extra nodes).
    """
    t = joint.shape[0]
    shp = joint.shape[1:]
    n_a = int(np.prod(shp[:n_first])) if n_first else 1
    j = joint.reshape(t, n_a, -1)
    total = 0.0
    for a in range(n_a):
        ja = j[:, a, :]
        pa = float(ja.sum())
        if pa <= 0:
            continue
        pa_pos = float(ja[pos].sum()) / pa
        stop = float(u.value(pa_pos))
        p_b = ja.sum(axis=0)
        ok = p_b > 0
        p_ab = ja[pos][ok] / p_b[ok]
        go = float(np.sum(p_b[ok] * u.value(p_ab))) / pa - float(second.total_cost(pa_pos))
        total += pa * max(stop, go)
    return total - float(first.total_cost(p0)) - float(u.value(p0))


def _interaction(joint: float, parts: float) -> str:
    scale = max(1.0, abs(parts)) * 1e-7
    if joint < parts - scale:
        return "redundant"
    if joint > parts + scale:
        return "complementary"
    return "additive"


def _result_label(nodes: Sequence[str], states: Sequence[str]) -> str:
    return ", ".join(f"{n}={s}" for n, s in zip(nodes, states))


def compute_voi(network: DiscreteNetwork, target: str, positive: str,
                evidence: Mapping[str, Any], tests: Sequence[TestSpec], utilities: Utilities, *,
                rank_by: str = "net_value", pairs: bool | int = True) -> ValueOfInformation:
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
    tests : sequence of TestSpec
    utilities : Utilities
    rank_by : {'net_value', 'evsi', 'mutual_information', 'expected_abs_change',
        'p_action_change'}
    pairs : bool or int
        Evaluate pairs of tests (True: all; an int k: the k best by ``rank_by``; False: none).

    Returns
    -------
    ValueOfInformation

    Examples
    --------
    >>> import numpy as np
    >>> from rnbayes.engine.network import DiscreteNetwork
    >>> from rnbayes.spec.utilities import Utilities
    >>> from rnbayes.spec.catalog import TestSpec
    >>> net = DiscreteNetwork(states={"d": ("no", "yes"), "x": ("neg", "pos")},
    ...                       parents={"d": (), "x": ("d",)},
    ...                       cpts={"d": np.array([0.6, 0.4]),
    ...                             "x": np.array([[0.9, 0.2], [0.1, 0.8]])})
    >>> u = Utilities(actions=("wait", "treat"), table=np.array([[1.0, 0.0], [0.0, 1.0]]))
    >>> voi = compute_voi(net, "d", "yes", {}, [TestSpec("x_test", ("x",), cost=0.01)], u)
    >>> bool(0 < voi.table.loc[0, "evsi"] <= voi.evpi)
    True
    """
    if rank_by not in MEASURES:
        raise ValueError(f"rank_by must be one of {list(MEASURES)}; got {rank_by!r}"
                         f"{suggest(rank_by, MEASURES)}")
    if target not in network.states:
        raise EvidenceError(f"unknown target {target!r}{suggest(target, network.nodes)}")
    pos = network.states[target].index(positive)
    if target in evidence:
        raise EvidenceError(f"the target {target!r} cannot be given as evidence")
    measured = [t for t in tests if _remaining(t, evidence)]
    cache = ResultJoints(network, target, evidence, [_remaining(t, evidence) for t in measured])
    if not cache.p_evidence > 0:
        raise EvidenceError("the evidence is impossible under the model (probability 0)")
    p0 = float(cache.target_posterior[pos])
    v0 = float(utilities.value(p0))
    evpi = utilities.evpi(p0)
    action0 = utilities.best_action(p0)
    if measured:
        assert cache.singles is not None
        m_all, p_r_all, p_after_all = _measures_all(cache.singles, cache.starts,
                                                    cache.target_posterior, pos, utilities)
        best_all = utilities.best_index(p_after_all)
    i = -1

    rows, what_if, joints = [], [], {}
    for t in tests:
        nodes = _remaining(t, evidence)
        cost = float(t.total_cost(p0))
        status = ""
        if not nodes:
            status = "already observed"
            m = _Measures(0.0, 0.0, 0.0, 0.0)
            cost = 0.0
        else:
            if len(nodes) < len(t.reveals):
                status = "partly observed"
            i += 1
            joints[t.id] = (i, nodes)
            m = _Measures(*(float(m_all[k][i]) for k in ("mi", "abs_change", "p_change", "evsi")))
            lo = int(cache.starts[i])
            combos = itertools.product(*(network.states[n] for n in nodes))
            for k, states in enumerate(combos, start=lo):
                action = utilities.actions[int(best_all[k])]
                what_if.append({
                    "test": t.id, "result": _result_label(nodes, states),
                    "p_result": float(p_r_all[k]), "p_positive_after": float(p_after_all[k]),
                    "action": action, "changes_action": action != action0,
                })
        rows.append({"test": t.id, "label": t.label or t.id, "reveals": ", ".join(t.reveals),
                     "mutual_information": m.mi, "expected_abs_change": m.abs_change,
                     "p_action_change": m.p_change, "evsi": m.evsi, "cost": cost,
                     "net_value": m.evsi - cost, "evpi": evpi, "status": status})
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    table = _rank(table, rank_by)
    wi = pd.DataFrame(what_if, columns=["test", "result", "p_result", "p_positive_after",
                                        "action", "changes_action"])
    if not wi.empty:
        order = {tid: i for i, tid in enumerate(table["test"])}
        wi = wi.sort_values("test", key=lambda s: s.map(order), kind="stable")
        wi = wi.reset_index(drop=True)

    by_id = {t.id: t for t in tests}
    candidates = [tid for tid in table["test"] if tid in joints]
    if pairs is False:
        candidates = []
    elif pairs is not True:
        candidates = candidates[: int(pairs)]
    singles = table.set_index("test")
    prow = []
    if len(candidates) >= 2:  # every pair's joint, and its measures, in one pass
        pj, pstarts, plist, punions = cache.pair_joints()
        pm, _, _ = _measures_all(pj, pstarts, cache.target_posterior, pos, utilities)
        pindex = {p: k for k, p in enumerate(plist)}
    for a, b in itertools.combinations(candidates, 2):
        (ia, na), (ib, nb) = joints[a], joints[b]
        extra_b = tuple(n for n in nb if n not in na)
        extra_a = tuple(n for n in na if n not in nb)
        union = (*na, *extra_b)
        k = pindex[(min(ia, ib), max(ia, ib))]
        stored = punions[k]
        joint = pj[:, pstarts[k]:pstarts[k + 1]].reshape(
            pj.shape[0], *(network.card[n] for n in stored))
        joint = joint.transpose([0, *(1 + stored.index(n) for n in union)])
        mj = _Measures(*(float(pm[m][k]) for m in ("mi", "abs_change", "p_change", "evsi")))
        ta, tb = by_id[a], by_id[b]
        ab = _sequence_value(joint, len(na), pos, utilities, ta, tb, p0)
        # reorder axes to (target, *nb, *extra_a) for B then A
        idx = [0, *(1 + union.index(n) for n in (*nb, *extra_a))]
        ba = _sequence_value(joint.transpose(idx), len(nb), pos, utilities, tb, ta, p0)
        sa, sb = singles.loc[a], singles.loc[b]
        mi_sum = float(sa["mutual_information"] + sb["mutual_information"])
        evsi_sum = float(sa["evsi"] + sb["evsi"])
        cost_joint = float(ta.total_cost(p0) + tb.total_cost(p0))
        prow.append({
            "test_a": a, "test_b": b,
            "mi_joint": mj.mi, "mi_sum": mi_sum, "mi_interaction": _interaction(mj.mi, mi_sum),
            "evsi_joint": mj.evsi, "evsi_sum": evsi_sum,
            "evsi_interaction": _interaction(mj.evsi, evsi_sum),
            "net_value_joint": mj.evsi - cost_joint,
            "value_a_then_b": ab, "value_b_then_a": ba,
            "best_order": f"{a} then {b}" if ab >= ba else f"{b} then {a}",
            "sequence_value": max(ab, ba),
        })
    pcols = ["test_a", "test_b", "mi_joint", "mi_sum", "mi_interaction", "evsi_joint",
             "evsi_sum", "evsi_interaction", "net_value_joint", "value_a_then_b",
             "value_b_then_a", "best_order", "sequence_value"]
    best_pairs = pd.DataFrame(prow, columns=pcols)
    if not best_pairs.empty:
        best_pairs = best_pairs.sort_values(["sequence_value", "mi_joint"], ascending=False,
                                            kind="stable").reset_index(drop=True)
    return ValueOfInformation(
        table=table, what_if=wi, best_pairs=best_pairs, thresholds=utilities.thresholds(),
        p_positive=p0, action=action0, value_now=v0, evpi=evpi, target=target,
        positive=positive, rank_by=rank_by, utilities=utilities, tests=tuple(tests))


def _rank(table: pd.DataFrame, rank_by: str) -> pd.DataFrame:
    keys = [rank_by] + (["net_value"] if rank_by != "net_value" else []) + ["test"]
    asc = [False] * (len(keys) - 1) + [True]
    return table.sort_values(keys, ascending=asc, kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class ValueOfInformation:
    """Ranked value of each candidate test given the current evidence.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per test, ranked by ``rank_by``: ``mutual_information`` (bits),
        ``expected_abs_change`` (in P(positive)), ``p_action_change``, ``evsi``, ``cost``,
        ``net_value`` and ``evpi`` (utility points), ``status``.
    what_if : pandas.DataFrame
        Per test and joint result: ``p_result``, ``p_positive_after``, ``action``,
        ``changes_action``.
    best_pairs : pandas.DataFrame
        Pairs of tests: joint vs summed MI and EVSI with their interaction, the value of
        each two-test sequence and the best order; ranked by ``sequence_value``.
    thresholds : list of dict
        P(positive) at which the recommended action changes.
    """

    table: pd.DataFrame
    what_if: pd.DataFrame
    best_pairs: pd.DataFrame
    thresholds: list[dict[str, Any]]
    p_positive: float
    action: str
    value_now: float
    evpi: float
    target: str
    positive: str
    rank_by: str
    utilities: Utilities
    tests: tuple[TestSpec, ...]
    evidence: dict[str, Any] = field(default_factory=dict)
    model_name: str = ""
    model_digest: str = ""
    provenance: dict[str, str] = field(default_factory=dict)
    catalog_file: str = ""

    @property
    def p_progression(self) -> float:
        """Alias of ``p_positive`` for the RN-vs-TTP model."""
        return self.p_positive

    def ranked(self, measure: str) -> pd.DataFrame:
        """The table ranked by another measure (see ``MEASURES``)."""
        if measure not in MEASURES:
            raise ValueError(f"measure must be one of {list(MEASURES)}; got {measure!r}"
                             f"{suggest(measure, MEASURES)}")
        return _rank(self.table, measure)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dictionary."""
        return {
            "target": self.target, "positive": self.positive,
            "p_positive": self.p_positive, "recommended_action": self.action,
            "value_now": self.value_now, "evpi": self.evpi, "rank_by": self.rank_by,
            "units": {"mutual_information": "bits", "expected_abs_change": "probability",
                      "evsi": self.utilities.scale, "cost": self.utilities.scale,
                      "net_value": self.utilities.scale, "evpi": self.utilities.scale},
            "table": records(self.table), "what_if": records(self.what_if),
            "best_pairs": records(self.best_pairs), "thresholds": self.thresholds,
            "utilities": self.utilities.to_dict(),
            "tests": [t.to_dict() for t in self.tests],
            "evidence": jsonable(self.evidence),
            "model": {"name": self.model_name, "digest": self.model_digest, **self.provenance},
            "catalog": self.catalog_file, "notice": NOTICE,
        }

    def summary(self, *, what_if: bool = True, pairs: int = 5) -> str:
        """Plain text: current decision, ranked tests, what-if, best pairs, thresholds."""
        pos = self.positive
        lines = [f"P({pos}) now = {self.p_positive:.3f}; recommended: {self.action}; "
                 f"EVPI (ceiling) = {self.evpi:.2f} {self.utilities.scale}",
                 f"Tests ranked by {self.rank_by} (MI in bits; EVSI, cost, net in utility points)",
                 f"{'test':<22} {'MI':>6} {'E|dP|':>6} {'P(chg)':>6} {'EVSI':>6} {'cost':>6} "
                 f"{'net':>7}  status"]
        for r in self.table.itertuples():
            lines.append(f"{r.test:<22} {r.mutual_information:>6.3f} "
                         f"{r.expected_abs_change:>6.3f} {r.p_action_change:>6.3f} "
                         f"{r.evsi:>6.2f} {r.cost:>6.2f} {r.net_value:>+7.2f}  {r.status}")
        if what_if and not self.what_if.empty:
            lines += ["", "What if (per test and result):",
                      f"{'test':<22} {'result':<58} {'P(res)':>6} {'P after':>7}  action"]
            for r in self.what_if.itertuples():
                mark = " *" if r.changes_action else ""
                lines.append(f"{r.test:<22} {r.result[:58]:<58} {r.p_result:>6.3f} "
                             f"{r.p_positive_after:>7.3f}  {r.action}{mark}")
            lines.append("(* = the recommended action changes)")
        if pairs and not self.best_pairs.empty:
            lines += ["", f"Best pairs (top {pairs}; sequence value net of costs, utility points):"]
            for r in self.best_pairs.head(pairs).itertuples():
                lines.append(f"  {r.best_order:<44} {r.sequence_value:>+7.2f}  "
                             f"MI {r.mi_joint:.3f} vs {r.mi_sum:.3f} ({r.mi_interaction})")
        lines += ["", "Decision thresholds: " + _thresholds_text(self.thresholds, pos), NOTICE]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        return (f"<div class='rnbayes-voi'><p><b>P({html.escape(self.positive)}) = "
                f"{self.p_positive:.3f}</b>; recommended: {html.escape(self.action)}; EVPI "
                f"{self.evpi:.2f}</p>{table_html(self.table)}"
                f"<p>Decision thresholds: {html.escape(_thresholds_text(self.thresholds, self.positive))}"
                f"</p><p><small>{html.escape(NOTICE)}</small></p></div>")

    def __repr__(self) -> str:
        top = self.table.iloc[0]["test"] if len(self.table) else None
        return (f"ValueOfInformation(p_positive={self.p_positive:.4f}, action={self.action!r}, "
                f"tests={len(self.table)}, top={top!r})")


def _thresholds_text(thresholds: list[dict[str, Any]], positive: str) -> str:
    if not thresholds:
        return "none (one action is best at every probability)"
    return "; ".join(f"{t['below']} below P({positive}) = {t['p_progression']:.3f}, "
                     f"{t['above']} above" for t in thresholds)


def table_html(df: pd.DataFrame, digits: int = 3) -> str:
    """An HTML table of ``df`` with every cell escaped."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    body = []
    for row in df.itertuples(index=False):
        cells = []
        for v in row:
            if isinstance(v, (float, np.floating)):
                cells.append(f"<td class='num'>{v:.{digits}f}</td>")
            else:
                cells.append(f"<td>{html.escape(str(v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def value_of_information(model: Any, evidence: Mapping[str, Any] | None = None, *,
                         tests: Iterable[str] | None = None,
                         utilities: Utilities | str | Path | None = None,
                         rank_by: str = "net_value",
                         catalog: TestCatalog | str | Path | None = None,
                         pairs: bool | int = True) -> ValueOfInformation:
    """Rank the additional tests for a lesion by how much they would change the decision.

    Parameters
    ----------
    model : Model
    evidence : mapping, optional
        The findings so far (same forms as :meth:`Model.posterior`).
    tests : iterable of str, optional
        Test ids from the catalogue (default: all).
    utilities : Utilities or path, optional
        Default: the bundled ``priors/utilities.yaml``.
    rank_by : str
        One of ``'net_value'`` (default), ``'evsi'``, ``'mutual_information'``,
        ``'expected_abs_change'``, ``'p_action_change'``.
    catalog : TestCatalog or path, optional
        Default: the bundled ``networks/tests.yaml``.
    pairs : bool or int
        Evaluate pairs of tests (see :func:`compute_voi`).

    Returns
    -------
    ValueOfInformation

    Raises
    ------
    EvidenceError
        Invalid evidence or an unknown test name.
    SpecError
        A malformed utilities or test catalogue file.

    Examples
    --------
    >>> import rnbayes
    >>> from rnbayes.analysis.voi import value_of_information
    >>> model = rnbayes.load_model()
    >>> voi = value_of_information(model, {"enhancement_pattern": "thin_rim"})
    >>> list(voi.table.columns[:3])
    ['test', 'label', 'reveals']
    >>> bool((voi.table["evsi"] <= voi.evpi + 1e-9).all())
    True
    """
    from ..spec.evidence import engine_evidence
    from .model import _versions

    u = utilities if isinstance(utilities, Utilities) else load_utilities(utilities)
    cat = catalog if isinstance(catalog, TestCatalog) else load_tests(catalog)
    latent = [n for n in model.nodes if model.spec.nodes[n].get("latent")]
    cat.check(model.nodes, latent)
    chosen = cat.select(list(tests) if tests is not None else None)
    findings = model.findings(evidence)
    ev = engine_evidence(model.spec, findings)
    voi = compute_voi(model.network, model.target, model.spec.positive, ev, chosen, u,
                      rank_by=rank_by, pairs=pairs)
    return _replace(voi, evidence={n: f.given for n, f in findings.items()},
                    model_name=model.name, model_digest=model.digest, provenance=_versions(),
                    catalog_file=cat.file)


def _replace(voi: ValueOfInformation, **kw: Any) -> ValueOfInformation:
    import dataclasses

    return dataclasses.replace(voi, **kw)
