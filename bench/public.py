"""The calls users make, on the default rnbayes model, beside the kernel and the peers:
``posterior`` by number of findings and ``value_of_information`` by number of findings,
each warm (plans compiled) and cold (first call of a new evidence shape)."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from bench import adapter
from bench.config import Config
from bench.nets import Net, random_evidence
from bench.peers import Agrum, Pgmpy, gum
from bench.timing import Contender, Cycle, interleave

#: value assignments cycled through by each warm contender (same observed nodes)
N_VARIANTS = 8

PUBLIC = "rnbayes posterior() [public]"
PUBLIC_COLD = "rnbayes posterior() cold [public]"
PUBLIC_VOI = "rnbayes value_of_information() [public]"
PUBLIC_VOI_COLD = "rnbayes value_of_information() cold [public]"


def _variants(model: Any, net: Net, nodes: list[str], rng: np.random.Generator,
              n: int = N_VARIANTS) -> list[dict[str, str]]:
    """``n`` random state assignments of ``nodes`` that are possible together."""
    eng = adapter.engine(net)
    out: list[dict[str, str]] = []
    for _ in range(50 * n):
        ev = random_evidence(net, nodes, rng)
        post = adapter.kernel_posterior(eng, model.target, net.index(ev))
        if np.all(np.isfinite(post)) and ev not in out:
            out.append(ev)
        if len(out) == n or not nodes:
            break
    return out


def _touch_posterior(p) -> None:
    _ = p.contributions, p.conflict


def _touch_voi(v) -> None:
    _ = v.table, v.what_if, v.best_pairs


class _Setup:
    """What every row of a table shares: the model, its network, the engines, the peers."""

    def __init__(self, model: Any, rng: np.random.Generator):
        self.model, self.rng = model, rng
        self.net = adapter.plain_network(model)
        self.eng = adapter.engine(self.net)
        self.pg = Pgmpy(self.net)
        self.ag = Agrum(self.net) if gum is not None else None
        self.target = model.target
        self.seen: set = set()


def _new_shape(s: _Setup, pool: list[str], k: int) -> dict:
    """Possible evidence on ``k`` nodes of ``pool`` whose node set has not been used before in
    this run when one remains (at k = 0 or all nodes there is only one set)."""
    for _ in range(200):
        nodes = sorted(s.rng.choice(pool, size=k, replace=False).tolist()) if k else []
        if tuple(nodes) not in s.seen:
            break
    s.seen.add(tuple(nodes))
    return _variants(s.model, s.net, nodes, s.rng, n=1)[0]


def posterior_scaling(model: Any, cfg: Config, rng: np.random.Generator) -> list[dict]:
    s = _Setup(model, rng)
    order = rng.permutation(list(model.observable)).tolist()
    pos = adapter.positive_index(model)
    rows = []
    for k in cfg.findings:
        variants = _variants(model, s.net, order[:k], rng)
        times = interleave(_posterior_contenders(s, k, variants), cfg.rounds, cfg.min_sample)
        rows.append({"k": k, "times": times,
                     "check": _check_posterior(model, s.net, s.eng, s.pg, s.ag, variants[0], pos)})
    return rows


def _posterior_contenders(s: _Setup, k: int, variants: list[dict]) -> list[Contender]:
    model, net, target, ag = s.model, s.net, s.target, s.ag
    ev, cold_ev = Cycle(variants), Cycle(variants)
    observable = list(model.observable)

    def public_cold():
        fresh = adapter.fresh_model(model)  # empty plan caches; per-model work done
        e = _new_shape(s, observable, k)
        t0 = time.perf_counter()
        _touch_posterior(fresh.posterior(e))
        return time.perf_counter() - t0

    def kernel_cold():
        fresh = adapter.engine(net)
        e = net.index(_new_shape(s, observable, k))
        t0 = time.perf_counter()
        adapter.kernel_posterior(fresh, target, e)
        return time.perf_counter() - t0

    cs = [Contender(PUBLIC, lambda: _touch_posterior(model.posterior(ev()))),
          Contender("rnbayes kernel", lambda: adapter.kernel_posterior(s.eng, target,
                                                                       net.index(ev()))),
          Contender("pgmpy VE", lambda: s.pg.posterior(target, ev())),
          Contender(PUBLIC_COLD, public_cold, self_timed=True),
          Contender("rnbayes kernel cold", kernel_cold, self_timed=True)]
    if ag is not None:
        cs += [Contender("pyAgrum LP", lambda: ag.posterior(target, ev())),
               Contender("pyAgrum LP, same work", lambda: ag.contributions(target, ev())),
               Contender("pyAgrum LP cold", lambda: _agrum_cold(ag, target, cold_ev()),
                         self_timed=True)]
    return cs


def _agrum_cold(ag: Agrum, target: str, ev: dict) -> float:
    t0 = time.perf_counter()
    ag.posterior_cold(target, ev)
    return time.perf_counter() - t0


def _check_posterior(model, net, eng, pg, ag, ev, pos) -> float:
    """Largest difference between the public call, the kernel and the peers: P(TTP | e),
    and with pyAgrum also every P(TTP | e without e_i) and the conflict score."""
    p = model.posterior(ev)
    vals = [adapter.kernel_posterior(eng, model.target, net.index(ev))[pos],
            pg.posterior(model.target, ev)[pos]]
    diff = max(abs(v - p.p_progression) for v in vals)
    if ag is not None:
        post, (p_e, *rows) = ag.contributions(model.target, ev)
        diff = max(diff, abs(post[pos] - p.p_progression))
        c = p.contributions.set_index("node")
        for (node, _), (without, _single) in zip(ev.items(), rows):
            diff = max(diff, abs(without[pos] - c.loc[node, "p_progression_without"]))
        if ev:
            conflict = sum(np.log(s) for _, s in rows) - np.log(p_e)
            diff = max(diff, abs(conflict - p.conflict))
    return float(diff)


def voi_scaling(model: Any, cfg: Config, rng: np.random.Generator) -> list[dict]:
    s = _Setup(model, rng)
    catalogue = adapter.candidate_tests(model)
    revealed = {n for nodes in catalogue.values() for n in nodes}
    pool = [n for n in model.observable if n not in revealed]
    order = rng.permutation(pool).tolist()
    tests = [tuple(nodes) for nodes in catalogue.values()]
    rows = []
    for k in cfg.voi_findings:
        variants = _variants(model, s.net, order[:k], rng)
        times = interleave(_voi_contenders(s, k, variants, pool, tests), cfg.voi_rounds,
                           cfg.min_sample)
        rows.append({"k": k, "tests": len(tests), "pairs": len(tests) * (len(tests) - 1) // 2,
                     "times": times,
                     "check": _check_voi(model, s.net, s.eng, s.pg, s.ag, variants[0], catalogue)})
    return rows


def _voi_contenders(s: _Setup, k: int, variants: list[dict], pool: list[str],
                    tests: list[tuple]) -> list[Contender]:
    model, net, target = s.model, s.net, s.target
    ev = Cycle(variants)

    def public_cold():
        fresh = adapter.fresh_model(model)
        e = _new_shape(s, pool, k)
        t0 = time.perf_counter()
        _touch_voi(fresh.value_of_information(e))
        return time.perf_counter() - t0

    cs = [Contender(PUBLIC_VOI, lambda: _touch_voi(model.value_of_information(ev()))),
          Contender("rnbayes kernel", lambda: adapter.kernel_test_information(
              s.eng, target, net.index(ev()), tests)),
          Contender("pgmpy VE", lambda: s.pg.information(target, ev(), tests)),
          Contender(PUBLIC_VOI_COLD, public_cold, self_timed=True)]
    if s.ag is not None:
        ag = s.ag
        cs.append(Contender("pyAgrum LP", lambda: ag.information(target, ev(), tests)))
    return cs


def _check_voi(model, net, eng, pg, ag, ev, catalogue) -> float:
    """Largest difference in each test's mutual information: public table, kernel, peers."""
    tests = [tuple(n) for n in catalogue.values()]
    table = model.value_of_information(ev).table.set_index("test")
    public = np.array([table.loc[t, "mutual_information"] for t in catalogue])
    ref = pg.information(model.target, ev, tests)
    others = [public, adapter.kernel_test_information(eng, model.target, net.index(ev), tests)]
    if ag is not None:
        others.append(ag.information(model.target, ev, tests))
    return float(max(np.max(np.abs(o - ref)) for o in others))
