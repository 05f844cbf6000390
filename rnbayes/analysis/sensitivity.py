"""How much a case's answer depends on the published figures behind the network.

:func:`sensitivity` runs, for one case,

1. a probabilistic analysis: every record in the query's ancestral set drawn from its
   distribution (Beta/Dirichlet/log-normal), all tables re-derived per draw (latent
   perfusion structure, noisy-OR and calibrated log-odds included), P(TTP) per draw —
   the 95% credible interval, the probability that the recommendation differs from the
   point estimate's, and the interval of each test's mutual information;
2. a one-way analysis (tornado): each parameter at its 2.5% and 97.5% quantiles with
   the others at their point values; a Dirichlet record is moved one component at a
   time, the other components rescaled proportionally;
3. flip points: for the most influential parameters, the value at which the
   recommended action changes — from the exact one-way function
   ``(a theta + b) / (c theta + d)`` when the parameter is a single CPT entry and
   nothing else is re-derived from it, otherwise by a grid search over the parameter's
   range refined inside each bracket — or a statement that none does;
4. the prior curve: P(TTP | findings) as a function of the prior P(TTP), by Bayes'
   rule with the case's likelihood ratio.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..engine import draws as _batch
from ..engine.oneway import one_way
from ..errors import EvidenceError
from ..results.sensitivity import Sensitivity
from ..spec.evidence import engine_evidence
from ..spec.network import point_values
from ..spec.utilities import Utilities, load_utilities
from .voi import mutual_information

#: used when networks/tests.yaml is absent: test name -> nodes it reveals
#: grid flip search: rounds of finer grids inside each bracket (each narrows it 64-fold)
_REFINE_ROUNDS = 4
_REFINE_POINTS = 65

#: how many of the most influential parameters get a flip-point search
N_FLIP = 8
LEVEL = 0.95


class _Progress:
    """Plain stderr progress, shown only once a run has taken more than ``after`` seconds."""

    def __init__(self, enabled: bool | None, total: int, after: float = 2.0):
        self.enabled = enabled is not False
        self.total, self.after, self.done = total, after, 0
        self.start = time.perf_counter()
        self.shown = False

    def step(self, what: str, n: int = 1) -> None:
        self.done += n
        if not self.enabled or time.perf_counter() - self.start < self.after:
            return
        self.shown = True
        pct = 100.0 * min(self.done, self.total) / max(self.total, 1)
        bar = "#" * int(pct / 5)
        print(f"\rrnbayes sensitivity [{bar:<20}] {pct:5.1f}% {what:<28}", end="",
              file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.shown:
            print(file=sys.stderr, flush=True)


def candidate_tests(model) -> dict[str, list[str]]:
    """Candidate tests -> nodes they reveal, from ``tests.yaml`` beside the network spec
    (else the bundled catalogue); nodes not in the model are dropped."""
    from ..spec.catalog import load_tests

    path = model.network_path.parent / "tests.yaml"
    catalog = load_tests(path if path.is_file() else None)
    return {t.id: [n for n in t.reveals if n in model.nodes] for t in catalog
            if any(n in model.nodes for n in t.reveals)}


# -- parameters ------------------------------------------------------------------------
def _parameters(model, rids: list[str]) -> list[dict[str, Any]]:
    """One-way parameters: each Beta/log-normal record, each Dirichlet component."""
    out = []
    for rid in rids:
        rec = model.records[rid]
        if rec.family == "dirichlet":
            for j, s in enumerate(rec.states):
                out.append({"parameter": f"{rid}[{s}]", "record": rid, "component": j})
        else:
            out.append({"parameter": rid, "record": rid, "component": None})
    return out


def _value(rec, component: int | None, theta: np.ndarray) -> np.ndarray:
    """Record values for a 1-D family of parameter values (proportional co-variation)."""
    theta = np.asarray(theta, dtype=float)
    if component is None:
        return theta
    point = np.asarray(rec.point(), dtype=float)
    scale = (1.0 - theta) / (1.0 - point[component])
    v = point[None, :] * scale[:, None]
    v[:, component] = theta
    return v


def _range_for(rec) -> tuple[float, float]:
    if rec.family == "lognormal":
        return rec.point() / 1000.0, rec.point() * 1000.0
    return 1e-6, 1.0 - 1e-6


def _p_rows(model, ev, target, rows: list[tuple[dict, np.ndarray]], batch_hint: int = 0) -> np.ndarray:
    """P(TTP) for rows of (parameter, theta values): one batched build for all of them."""
    sizes = [len(t) for _, t in rows]
    total = sum(sizes)
    draws: dict[str, np.ndarray] = {}
    points = point_values(model.records)
    start = 0
    for (par, theta), size in zip(rows, sizes):
        rec = model.records[par["record"]]
        if par["record"] not in draws:
            pt = points(par["record"])
            draws[par["record"]] = np.repeat(pt, total, axis=0)
        draws[par["record"]][start:start + size] = _value(rec, par["component"], theta)
        start += size
    dn = _batch.drawn_network(model, ev, [target], draws=draws, batch=total, workers=1,
                              chunk=max(total, 1))
    k = model.states(target).index(model.spec.positive)
    return dn.query([target])[:, k]


def _single_entry(model, rid: str, component: int | None) -> tuple[str, tuple[int, ...]] | None:
    """The one CPT entry a record (component) sets directly, if it sets exactly one."""
    from ..spec import generators as _cpt

    hits = []
    for node in model.nodes:
        nd = model.spec.nodes[node]
        for path, ref in _cpt.spec_record_refs(nd):
            if rid in _cpt.ref_ids(ref):
                hits.append((node, path, ref))
    if len(hits) != 1:
        return None
    node, path, ref = hits[0]
    cpt = model.spec.nodes[node]["cpt"]
    if cpt["generator"] != "table":
        return None
    states = list(model.states(node))
    if isinstance(ref, dict):
        if component is not None:
            return None
        state = states.index(ref["state"])
    else:
        state = states.index(model.records[rid].states[component])
    parents = model.parents(node)
    if not parents:
        return node, (state,)
    row = cpt["rows"][int(path.split("[")[1].split("]")[0])]
    when = row.get("when", {})
    if set(when) != set(parents):
        return None
    return node, (state, *(model.states(p).index(when[p]) for p in parents))


def _entry_text(model, node: str, entry: tuple[int, ...]) -> str:
    s = f"P({node}={model.states(node)[entry[0]]}"
    parents = model.parents(node)
    if parents:
        s += " | " + ", ".join(f"{p}={model.states(p)[i]}" for p, i in zip(parents, entry[1:]))
    return s + ")"


def _flip(model, ev, target, par, rec, utilities, p_point, thresholds) -> dict[str, Any]:
    """Flip point of one parameter: exact one-way function or a refined grid search."""
    comp = par["component"]
    point = float(rec.point() if comp is None else rec.point()[comp])
    best0 = int(utilities.best_index(p_point))
    row = {"parameter": par["parameter"], "source": rec.label, "point": point,
           "entry": None, "method": None, "flip_value": None, "action_beyond": None,
           "all_flip_values": [], "statement": ""}
    single = _single_entry(model, rec.id, comp)
    k = model.states(target).index(model.spec.positive)
    candidates: list[float] = []
    f = None
    if single is not None:
        f = one_way(model.network, target, k, ev, *single)
        # the exact function co-varies one entry; if the record also re-derives other
        # tables (a latent test's accuracy is held to its source), it is not that function
        probe = np.array([0.25 * point + 0.25, 0.5 * point])
        direct = _p_rows(model, ev, target, [(par, probe)])
        if np.max(np.abs(f(probe) - direct)) > 1e-9:
            f = None
    if single is not None and f is not None:
        node, entry = single
        row["entry"] = _entry_text(model, node, entry)
        row["method"] = "exact one-way function"
        row["coefficients"] = {"a": f.a, "b": f.b, "c": f.c, "d": f.d}
        for t in thresholds:
            th = f.solve(t)
            if th is not None:
                candidates.append(th)
        lo, hi = 0.0, 1.0
    else:
        lo, hi = _range_for(rec)
        row["entry"] = f"record {rec.id}" + (f" component {rec.states[comp]}" if comp is not None
                                             else "")
        row["method"] = "grid search"
        log = rec.family == "lognormal"
        grid = np.geomspace(lo, hi, 241) if log else np.linspace(lo, hi, 241)
        p = _p_rows(model, ev, target, [(par, grid)])
        act = utilities.best_index(p)
        idx = np.nonzero(np.diff(act))[0]
        brackets = [(grid[i], grid[i + 1], int(act[i])) for i in idx]
        # refine every bracket at once: each round evaluates a finer grid inside each
        # bracket in one batched build and keeps the sub-interval where the action changes
        for _ in range(_REFINE_ROUNDS):
            if not brackets:
                break
            subs = [np.geomspace(a, b, _REFINE_POINTS) if log else
                    np.linspace(a, b, _REFINE_POINTS) for a, b, _ in brackets]
            p = _p_rows(model, ev, target, [(par, sub) for sub in subs])
            acts = utilities.best_index(p).reshape(len(brackets), _REFINE_POINTS)
            new = []
            for (_, _, first), sub, acts_k in zip(brackets, subs, acts):
                j = int(np.argmax(acts_k != first))  # first point past the change
                new.append((sub[j - 1], sub[j], first) if j > 0 else (sub[0], sub[1], first))
            brackets = new
        candidates.extend(math.sqrt(a * b) if log else 0.5 * (a + b) for a, b, _ in brackets)
    # a "flip" at the very edge of the range is no flip: the parameter cannot go beyond it
    margin = 1e-9 * max(1.0, abs(hi))
    candidates = [c for c in candidates if lo + margin < c < hi - margin]
    candidates = sorted(set(candidates), key=lambda x: abs(x - point))
    row["all_flip_values"] = sorted(candidates)
    unit = "odds ratio" if rec.family == "lognormal" else "probability"
    rng_text = (f"[{lo:.3g}, {hi:.3g}]" if rec.family == "lognormal" else "[0, 1]")
    for v in candidates:  # nearest first; report the first that really changes the action
        eps = 1e-6 * max(1.0, abs(v)) * (1 if v > point else -1)
        beyond = float(_p_rows(model, ev, target, [(par, np.array([v + eps]))])[0])
        if int(utilities.best_index(beyond)) != best0:
            row["flip_value"] = v
            row["action_beyond"] = utilities.best_action(beyond)
            break
    if row["flip_value"] is not None:
        v = row["flip_value"]
        direction = "rises above" if v > point else "falls below"
        row["statement"] = (f"recommendation changes from {utilities.actions[best0]} to "
                            f"{row['action_beyond']} when this {unit} {direction} {v:.4g} "
                            f"(now {point:.4g})")
    else:
        row["statement"] = (f"no value in {rng_text} changes the recommendation "
                            f"({utilities.actions[best0]})")
    return row


# -- main entry ------------------------------------------------------------------------
def sensitivity(model, evidence: Mapping[str, Any] | None = None, *, n_draws: int = 10_000,
                seed: int = 0, utilities: Utilities | None = None,
                progress: bool | None = None) -> Sensitivity:
    """Uncertainty and sensitivity of one case's P(TTP) to the sourced parameters.

    Parameters
    ----------
    model : Model
    evidence : mapping, optional
        The case's findings, in any form :meth:`Model.posterior` accepts.
    n_draws : int
        Monte Carlo parameter draws (default 10,000).
    seed : int
        Seed of the random generator; the same seed gives the same result.
    utilities : Utilities, optional
        Decision utilities (default: the bundled ``priors/utilities.yaml``).
    progress : bool, optional
        ``False`` silences the stderr progress bar (shown only for runs over ~2 s).

    Returns
    -------
    Sensitivity

    Examples
    --------
    >>> import rnbayes
    >>> from rnbayes.analysis.sensitivity import sensitivity
    >>> s = sensitivity(rnbayes.load_model(), {"enhancement_pattern": "nodular"},
    ...                 n_draws=500, seed=1, progress=False)
    >>> s.interval["low"] <= s.p_progression <= s.interval["high"]
    True
    >>> 0.0 <= s.p_decision_differs <= 1.0
    True
    """
    t0 = time.perf_counter()
    if not isinstance(n_draws, (int, np.integer)) or n_draws < 2:
        raise EvidenceError(f"n_draws must be an integer >= 2; got {n_draws!r}")
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise EvidenceError(f"seed must be an integer >= 0; got {seed!r}")
    utilities = utilities or load_utilities()
    findings = model.findings(evidence)
    ev = engine_evidence(model.spec, findings)
    target = model.target
    k = model.states(target).index(model.spec.positive)
    post = model.posterior(evidence)
    p_point = post.p_progression
    thresholds = [t["p_progression"] for t in utilities.thresholds()]
    tests = {name: [n for n in nodes if n not in ev] for name, nodes in candidate_tests(model).items()}
    tests = {name: nodes for name, nodes in tests.items() if nodes}
    test_nodes = sorted({n for nodes in tests.values() for n in nodes}, key=model.nodes.index)
    prog = _Progress(progress, total=n_draws + 3 + len(tests))

    # 1. probabilistic sensitivity -------------------------------------------------------
    rids = _batch.ancestral_records(model, [target, *ev, *test_nodes])
    rng = np.random.default_rng(seed)
    draws = {rid: model.records[rid].sample(rng, n_draws) for rid in rids}
    chunk = 256
    dn = _batch.drawn_network(model, ev, [target, *test_nodes], draws=draws, batch=n_draws,
                              chunk=chunk, on_chunk=lambda n: prog.step("parameter draws", n))
    p_draws = np.ascontiguousarray(dn.query([target])[:, k])
    lo_q, hi_q = (1 - LEVEL) / 2, 1 - (1 - LEVEL) / 2
    interval = {"level": LEVEL, "low": float(np.quantile(p_draws, lo_q)),
                "high": float(np.quantile(p_draws, hi_q)), "mean": float(np.mean(p_draws)),
                "median": float(np.median(p_draws))}
    best_point = int(utilities.best_index(p_point))
    best_draws = utilities.best_index(p_draws)
    p_differs = float(np.mean(best_draws != best_point))
    shares = {a: float(np.mean(best_draws == i)) for i, a in enumerate(utilities.actions)}

    # value of information intervals ----------------------------------------------------
    voi_rows, mi_all = [], []
    for name, nodes in tests.items():
        joint = dn.query([target, *nodes]).reshape(n_draws, 2, -1)
        mi_all.append(mutual_information(joint))
        pt, _ = model.network.query([target, *nodes], ev)
        voi_rows.append({"test": name, "nodes": ", ".join(nodes),
                         "mi_point": float(mutual_information(pt.reshape(1, 2, -1))[0])})
        prog.step(f"test {name}")
    voi = pd.DataFrame(voi_rows, columns=["test", "nodes", "mi_point"])
    if mi_all:
        mi = np.stack(mi_all, axis=1)  # (B, tests)
        top = np.argmax(mi, axis=1)
        voi["mi_low"] = np.quantile(mi, lo_q, axis=0)
        voi["mi_median"] = np.median(mi, axis=0)
        voi["mi_high"] = np.quantile(mi, hi_q, axis=0)
        voi["p_best"] = [float(np.mean(top == j)) for j in range(mi.shape[1])]
        voi = voi.sort_values("mi_point", ascending=False, kind="stable").reset_index(drop=True)
        voi.insert(1, "rank_point", np.arange(1, len(voi) + 1))
    prog.step("value of information")

    # 2. tornado ------------------------------------------------------------------------
    rids_q = _batch.ancestral_records(model, [target, *ev])
    params = _parameters(model, rids_q)
    rows = []
    for par in params:
        rec = model.records[par["record"]]
        q = (rec.quantile(lo_q), rec.quantile(hi_q))
        if par["component"] is not None:
            q = (q[0][par["component"]], q[1][par["component"]])
        rows.append((par, np.array(q, dtype=float)))
    p_tor = _p_rows(model, ev, target, rows).reshape(-1, 2) if rows else np.zeros((0, 2))
    tor = []
    for (par, q), (pl, ph) in zip(rows, p_tor):
        rec = model.records[par["record"]]
        point = rec.point() if par["component"] is None else rec.point()[par["component"]]
        tor.append({"parameter": par["parameter"], "source": rec.label, "low": float(pl),
                    "high": float(ph), "swing": float(abs(ph - pl)), "value_low": float(q[0]),
                    "value_point": float(point), "value_high": float(q[1]), "basis": rec.basis,
                    "record": rec.id, "quantity": rec.quantity})
    tornado = pd.DataFrame(tor, columns=["parameter", "source", "low", "high", "swing",
                                         "value_low", "value_point", "value_high", "basis",
                                         "record", "quantity"])
    tornado = tornado.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    prog.step("tornado")

    # 3. flip points --------------------------------------------------------------------
    flips = []
    by_name = {p["parameter"]: p for p in params}
    for name in tornado["parameter"].head(N_FLIP):
        if tornado.loc[tornado["parameter"] == name, "swing"].iloc[0] <= 1e-9:
            continue
        par = by_name[name]
        flips.append(_flip(model, ev, target, par, model.records[par["record"]], utilities,
                           p_point, thresholds))
    flip_points = pd.DataFrame(flips, columns=["parameter", "source", "entry", "method", "point",
                                               "flip_value", "action_beyond", "statement",
                                               "all_flip_values"])
    prog.step("flip points")

    # 4. prior curve --------------------------------------------------------------------
    ctx = {n: v for n, v in ev.items() if model.spec.nodes[n].get("group") == "context"}
    pr, _ = model.network.query([target], ctx)
    prior_case = float(pr[k])
    lr = _odds(p_point) / _odds(prior_case)
    grid = np.linspace(0.0, 1.0, 401)
    with np.errstate(divide="ignore", invalid="ignore"):
        curve_p = np.where(grid >= 1.0, 1.0, grid * lr / (grid * lr + (1.0 - grid)))
    curve_p = np.nan_to_num(curve_p, nan=0.0)
    prior_curve = pd.DataFrame({"prior_progression": grid, "p_progression": curve_p,
                                "action": [utilities.actions[i]
                                           for i in utilities.best_index(curve_p)]})
    prior_flips = []
    for t in utilities.thresholds():
        tp = t["p_progression"]
        pi = tp / (tp + lr * (1.0 - tp)) if math.isfinite(lr) and lr > 0 else float("nan")
        prior_flips.append({**t, "prior_progression": float(pi)})
    prog.step("prior curve")
    prog.close()

    return Sensitivity(
        p_progression=p_point, action=utilities.actions[best_point], interval=interval,
        p_decision_differs=p_differs, action_shares=shares, draws=p_draws, tornado=tornado,
        flip_points=flip_points, prior_curve=prior_curve, prior_case=prior_case,
        likelihood_ratio=float(lr), prior_thresholds=prior_flips,
        thresholds=utilities.thresholds(), voi_intervals=voi,
        evidence={n: f.given for n, f in findings.items()}, n_draws=int(n_draws), seed=seed,
        model_name=model.name, model_digest=model.digest, elapsed=time.perf_counter() - t0,
        n_records_drawn=len(rids),
    )


def _odds(p: float) -> float:
    if p >= 1.0:
        return math.inf
    return p / (1.0 - p)
