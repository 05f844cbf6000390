"""The generic engine (kernel level) against the peers on the default network and the
bnlearn networks: one posterior, the mutual information of every test, and a credible
interval from Dirichlet parameter draws (drawing timed on every side)."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from bench import adapter
from bench.config import Config
from bench.nets import Query, describe, evidence_variants
from bench.peers import Agrum, Pgmpy, draw_tables, gum
from bench.timing import Contender, Cycle, interleave

#: drawn tables above this many entries use ``n_draws_large`` rnbayes draws
LARGE_ENTRIES = 1_000


def run_query(q: Query, cfg: Config) -> dict[str, Any]:
    net = q.net
    pg = Pgmpy(net)
    ag = Agrum(net) if gum is not None else None
    eng = adapter.engine(net)
    variants = [v for v in evidence_variants(net, q.evidence)
                if np.all(np.isfinite(adapter.kernel_posterior(eng, q.target, net.index(v))))]
    out: dict[str, Any] = {"network": q.label, **describe(net), "tests": len(q.tests),
                           "variants": len(variants)}
    out["posterior"] = _posterior(q, cfg, eng, pg, ag, variants)
    out["voi"] = _information(q, cfg, eng, pg, ag, variants)
    out["draws"] = _draws(q, cfg, eng, pg, ag)
    return out


def _posterior(q, cfg, eng, pg, ag, variants) -> dict[str, Any]:
    net, target = q.net, q.target
    ev = Cycle(variants)
    idx = Cycle([net.index(v) for v in variants])

    def kernel_cold():
        fresh = adapter.engine(net)
        t0 = time.perf_counter()
        adapter.kernel_posterior(fresh, target, net.index(q.evidence))
        return time.perf_counter() - t0

    cs = [Contender("rnbayes kernel", lambda: adapter.kernel_posterior(eng, target, idx())),
          Contender("pgmpy VE", lambda: pg.posterior(target, ev())),
          Contender("rnbayes kernel cold", kernel_cold, self_timed=True)]
    if ag is not None:
        cs += [Contender("pyAgrum LP", lambda: ag.posterior(target, ev())),
               Contender("pyAgrum LP cold", lambda: _self_time(ag.posterior_cold, target,
                                                                q.evidence), self_timed=True)]
    times = interleave(cs, cfg.generic_rounds, cfg.min_sample)
    ref = pg.posterior(target, q.evidence)
    vals = [adapter.kernel_posterior(eng, target, net.index(q.evidence))]
    if ag is not None:
        vals.append(ag.posterior(target, q.evidence))
    return {"times": times, "check": float(max(np.max(np.abs(v - ref)) for v in vals))}


def _information(q, cfg, eng, pg, ag, variants) -> dict[str, Any]:
    net, target, tests = q.net, q.target, q.tests
    ev = Cycle(variants)
    idx = Cycle([net.index(v) for v in variants])

    def kernel_cold():
        fresh = adapter.engine(net)
        t0 = time.perf_counter()
        adapter.kernel_test_information(fresh, target, net.index(q.evidence), tests)
        return time.perf_counter() - t0

    cs = [Contender("rnbayes kernel", lambda: adapter.kernel_test_information(
              eng, target, idx(), tests)),
          Contender("pgmpy VE", lambda: pg.information(target, ev(), tests)),
          Contender("rnbayes kernel cold", kernel_cold, self_timed=True)]
    if ag is not None:
        cs.append(Contender("pyAgrum LP", lambda: ag.information(target, ev(), tests)))
    times = interleave(cs, cfg.generic_rounds, cfg.min_sample)
    ref = pg.information(target, q.evidence, tests)
    vals = [adapter.kernel_test_information(eng, target, net.index(q.evidence), tests)]
    if ag is not None:
        vals.append(ag.information(target, q.evidence, tests))
    return {"times": times, "check": float(max(np.max(np.abs(v - ref)) for v in vals))}


def _draws(q, cfg, eng, pg, ag) -> dict[str, Any]:
    """A 95% interval of P(target = first state | e) over Dirichlet(50 x table) draws of
    every table in the query's ancestral set. rnbayes draws and contracts in chunks (bounded
    memory); the peers draw the same way and then query once per draw on their reused
    engine. Peer times are per draw, extrapolated to rnbayes' number of draws."""
    net, target = q.net, q.target
    nodes = net.ancestors([target, *q.evidence])
    entries = int(sum(net.cpts[n].size for n in nodes))
    n = cfg.n_draws if entries <= LARGE_ENTRIES else cfg.n_draws_large
    chunk = max(1, min(n, 20_000_000 // max(entries, 1)))
    idx = net.index(q.evidence)
    rng = np.random.default_rng(1)

    def ours():
        parts = []
        for s in range(0, n, chunk):
            tables = draw_tables(net, nodes, rng, min(chunk, n - s))
            parts.append(adapter.batched_posterior(eng, target, idx, tables)[:, 0])
        return np.quantile(np.concatenate(parts), [0.025, 0.975])

    cs = [Contender("rnbayes kernel", ours),
          Contender("pgmpy VE", lambda: pg.draws(target, q.evidence, nodes, rng, cfg.n_ref))]
    if ag is not None:
        cs.append(Contender("pyAgrum LP", lambda: ag.draws(target, q.evidence, nodes, rng,
                                                           cfg.n_ref)))
    times = interleave(cs, cfg.draw_rounds, 0.0)
    for name in times:  # peers ran n_ref draws per sample: scale to rnbayes' n
        if name != "rnbayes kernel":
            times[name] = [t / cfg.n_ref * n for t in times[name]]
    return {"times": times, "draws": n, "n_ref": cfg.n_ref, "chunk": chunk, "tables": len(nodes),
            "entries": entries, "check": _check_draws(q, eng, pg, ag, nodes)}


def _check_draws(q, eng, pg, ag, nodes) -> float:
    """The same three drawn parameter sets through every engine: largest difference."""
    tables = draw_tables(q.net, nodes, np.random.default_rng(7), 3)
    ours = adapter.batched_posterior(eng, q.target, q.net.index(q.evidence), tables)
    diff = 0.0
    for b in range(3):
        one = {n: t[b] for n, t in tables.items()}
        pg.set_tables(one)
        diff = max(diff, float(np.max(np.abs(pg.posterior(q.target, q.evidence) - ours[b]))))
        pg.restore()
        if ag is not None:
            ag.fill(one)
            ie = gum.LazyPropagation(ag.bn)  # a fresh engine: independent of the reuse logic
            ie.setEvidence(q.evidence)
            ie.setTargets({q.target})
            ie.makeInference()
            diff = max(diff, float(np.max(np.abs(ie.posterior(q.target).toarray() - ours[b]))))
            ag.fill({n: q.net.cpts[n] for n in nodes})
    return diff


def _self_time(fn, *args) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0
