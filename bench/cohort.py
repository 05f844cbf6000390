"""Benchmark: scoring cohorts with the batched engine vs per-row pgmpy and pyAgrum.

Run ``python bench/cohort.py`` from the repository root (this checkout's rnbayes is the one
timed); writes the cohort section of ``bench/RESULTS.md``, which ``python bench/run.py``
keeps when it rewrites the rest of the file. One process; the figures are single runs after
a warm-up (pgmpy and pyAgrum on a sample of the same lesions, per lesion). Not a timed test.

* 1,000,000 synthetic lesions with the realistic missingness of networks/missingness.yaml,
  as a user's table would hold them (texts, and numbers for rCBV and months since SRS),
  scored end to end by ``Model.score`` (checking every value, the batched engine, the
  action); and the engine alone on the parsed evidence.
* pgmpy ``predict_probability`` (its batch API: the rows of one missingness pattern at a
  time, every unobserved variable predicted) and a reused pyAgrum ``LazyPropagation``
  (evidence replaced row by row) on a sample of the same lesions, per lesion.
* ``--next-test`` for 100,000 lesions and ``--interval`` (1,000 draws) for 10,000.
* The engine alone on alarm and hepar2 (random missingness), against a pyAgrum loop.
"""

from __future__ import annotations

import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

warnings.simplefilter("ignore")
ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)  # run as a script: this checkout's rnbayes and bench package

import rnbayes  # noqa: E402
from bench.cohort_section import BEGIN, END, with_section  # noqa: E402
from rnbayes.engine.pgmpy import example_network  # noqa: E402
from rnbayes.engine.rows import MISSING, RowEvidence, row_query  # noqa: E402
from rnbayes.spec.cohort import parse_cohort  # noqa: E402

N_BIG, N_NEXT, N_INTERVAL = 1_000_000, 100_000, 10_000
N_PGMPY, N_AGRUM = 150, 3000
TARGETS = {"score_1m": 10.0, "next_test_100k": 60.0, "interval_10k": 60.0}


def clock(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def user_table(model, n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A synthetic cohort as a registry would hold it, and the same lesions as states."""
    states = model.simulate(n, seed=seed, missing="realistic").drop(columns="diagnosis")
    rng = np.random.default_rng(seed)
    table = states.astype(object).where(states.notna(), None)
    up = states["rcbv"] == "elevated"
    table["rcbv_ratio"] = np.where(states["rcbv"].isna(), np.nan,
                                   np.where(up, rng.uniform(2.2, 6, n), rng.uniform(0.4, 2.1, n)))
    cuts = {"lt_3": (0, 3), "3_to_9": (3, 9), "9_to_18": (9, 18), "gt_18": (18, 40)}
    lo = states["months_since_srs"].map(lambda s: cuts.get(s, (np.nan,))[0]).astype(float)
    hi = states["months_since_srs"].map(lambda s: cuts.get(s, (0, np.nan))[1]).astype(float)
    table["months_since_srs"] = (lo + rng.uniform(0, 1, n) * (hi - lo)).round(1)
    table = table.drop(columns="rcbv")
    table.insert(0, "lesion_id", [f"L{i:07d}" for i in range(n)])
    return table, states


def to_agrum(net):
    """A pyAgrum BayesNet of an rnbayes engine network (bench/peers.py's converter)."""
    from bench.nets import Net
    from bench.peers import Agrum

    plain = Net(getattr(net, "name", "network"), {n: tuple(net.states[n]) for n in net.nodes},
                {n: tuple(net.parents[n]) for n in net.nodes},
                {n: np.asarray(net.cpts[n]) for n in net.nodes})
    return Agrum(plain).bn


def agrum_loop(bn, target: str, rows: list[dict]) -> float:
    import pyagrum as gum

    ie = gum.LazyPropagation(bn)
    ie.addTarget(target)

    def run():
        for r in rows:
            ie.eraseAllEvidence()
            ie.setEvidence(r)
            ie.makeInference()
            ie.posterior(target)

    run()  # warm-up
    return clock(run)[0] / len(rows)


def pgmpy_predict(model, states: pd.DataFrame) -> float:
    """predict_probability on the rows of each missingness pattern (its documented use)."""
    pg = model.to_pgmpy()
    sample = states.head(N_PGMPY).astype(object)
    pattern = sample.notna().apply(tuple, axis=1)
    total = 0.0
    for _, rows in sample.groupby(pattern):
        frame = rows.dropna(axis=1).astype(str)
        total += clock(lambda f=frame: pg.predict_probability(f))[0]
    return total / len(sample)


def pgmpy_ve(model, rows: list[dict]) -> float:
    from rnbayes.engine.pgmpy import variable_elimination, ve_query

    ve = variable_elimination(model.to_pgmpy())
    return clock(lambda: [ve_query(ve, ["diagnosis"], r) for r in rows])[0] / len(rows)


def default_network(model) -> dict:
    out: dict = {}
    table, states = user_table(model, N_BIG, 1)
    model.score(table.head(20_000))  # warm-up: plans compiled, caches filled
    out["score_1m"], scored = clock(lambda: model.score(table))
    parsed = parse_cohort(model.spec, table)
    out["engine_1m"], _ = clock(lambda: row_query(model.network, ["diagnosis"], parsed.evidence))
    out["n_scored"] = int(scored["p_progression"].notna().sum())
    rows = [{k: v for k, v in r.items() if v is not None and v == v}
            for r in states.head(N_AGRUM).astype(object).to_dict("records")]
    out["agrum_per_row"] = agrum_loop(to_agrum(model.network), "diagnosis", rows)
    out["pgmpy_predict_per_row"] = pgmpy_predict(model, states)
    out["pgmpy_ve_per_row"] = pgmpy_ve(model, rows[:300])
    check = model.score(states.head(500))["p_progression"].to_numpy()
    ref = [model.posterior(r).p_progression for r in rows[:500]]
    out["max_diff"] = float(np.max(np.abs(check - ref)))
    nxt, _ = user_table(model, N_NEXT, 2)
    model.score(nxt.head(1000), next_test=True)
    out["next_test_100k"], _ = clock(lambda: model.score(nxt, next_test=True))
    itv, _ = user_table(model, N_INTERVAL, 3)
    out["interval_10k"], _ = clock(lambda: model.score(itv, interval=True, n_draws=1000))
    return out


def bnlearn(name: str, target: str, n: int = 200_000) -> dict:
    net, _ = example_network(name)
    rng = np.random.default_rng(0)
    codes = {}
    for v in net.nodes:
        if v == target:
            continue
        c = rng.integers(0, net.card[v], size=n)
        c[rng.random(n) < 0.7] = MISSING
        codes[v] = c.astype(np.int8)
    ev = RowEvidence(codes)
    row_query(net, [target], ev.rows(np.arange(5000)))
    t, _ = clock(lambda: row_query(net, [target], ev))
    rows = [{v: net.states[v][int(c[i])] for v, c in codes.items() if c[i] >= 0}
            for i in range(N_AGRUM)]
    agrum = agrum_loop(to_agrum(net), target, rows)
    return {"network": name, "n": n, "engine": t, "agrum_per_row": agrum}


def write(d: dict, nets: list[dict]) -> str:
    per = d["score_1m"] / N_BIG
    eng = d["engine_1m"] / N_BIG

    def us(x):
        return f"{x * 1e6:.2f} us" if x < 1e-3 else f"{x * 1e3:.2f} ms"

    def met(key):
        return "met" if d[key] < TARGETS[key] else "NOT met"

    lines = [
        "# Benchmark: scoring cohorts (issue 12)", "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared); Python "
        f"{platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}. "
        "Single runs after a warm-up (`python bench/cohort.py`); load average at the end "
        f"{os.getloadavg()[0]:.1f} (other work on the machine inflates every figure).", "",
        "## Default network: 1,000,000 lesions, realistic missingness", "",
        f"- `Model.score` end to end (every value checked, texts and numbers, aliases, the "
        f"batched engine, the action): **{d['score_1m']:.2f} s** ({us(per)} per lesion; "
        f"target < 10 s: {met('score_1m')}); the engine alone on the parsed evidence: "
        f"{d['engine_1m']:.2f} s ({us(eng)} per lesion).",
        f"- Agreement with `model.posterior` row by row on 500 lesions: max |difference| "
        f"{d['max_diff']:.1e}.", "",
        "| per lesion, same lesions | time | ratio to `Model.score` (end to end) | "
        "ratio to the engine |", "|---|---|---|---|",
        f"| pgmpy `predict_probability` (rows grouped by missingness pattern, {N_PGMPY} "
        f"lesions) | {us(d['pgmpy_predict_per_row'])} | "
        f"{d['pgmpy_predict_per_row'] / per:,.0f}x | {d['pgmpy_predict_per_row'] / eng:,.0f}x |",
        f"| pyAgrum `LazyPropagation`, one engine reused, evidence replaced per row "
        f"({N_AGRUM} lesions) | {us(d['agrum_per_row'])} | {d['agrum_per_row'] / per:,.0f}x | "
        f"{d['agrum_per_row'] / eng:,.0f}x |",
        f"| pgmpy `VariableElimination.query(['diagnosis'])` per row (for reference) | "
        f"{us(d['pgmpy_ve_per_row'])} | {d['pgmpy_ve_per_row'] / per:,.0f}x | "
        f"{d['pgmpy_ve_per_row'] / eng:,.0f}x |", "",
        "Targets: >= 1000x pgmpy `predict_probability` per lesion: "
        f"{'met' if d['pgmpy_predict_per_row'] / per >= 1000 else 'NOT met'}; >= 100x the "
        f"reused pyAgrum loop: {'met' if d['agrum_per_row'] / per >= 100 else 'NOT met'} "
        "(both end to end).", "",
        "## Options", "",
        f"- `--next-test` (every catalogue test's EVSI per lesion, the best by net value) for "
        f"100,000 lesions: **{d['next_test_100k']:.1f} s** (target < 60 s: "
        f"{met('next_test_100k')}).",
        f"- `--interval` (1,000 parameter draws per lesion, every sourced record drawn, tables "
        f"re-derived) for 10,000 lesions: **{d['interval_10k']:.1f} s** (target < 60 s: "
        f"{met('interval_10k')}).", "",
        "## The batched engine on bnlearn networks (70% of findings missing at random)", "",
        "| network | lesions | rnbayes rows | per lesion | pyAgrum loop per lesion | ratio |",
        "|---|---|---|---|---|---|"]
    for r in nets:
        p = r["engine"] / r["n"]
        lines.append(f"| {r['network']} | {r['n']:,} | {r['engine']:.2f} s | {us(p)} | "
                     f"{us(r['agrum_per_row'])} | {r['agrum_per_row'] / p:,.0f}x |")
    lines += ["", "How: rows are answered by folding once, gathering slices of the folded "
              "tables at each row's states (a node missing in some rows gets a 'summed' index), "
              "and contracting only what must stay per row, in chunks on two threads "
              "(`rnbayes/engine/rows.py`).", ""]
    text = "\n".join(lines)
    into_results(text)
    return text


def into_results(text: str) -> None:
    """Put the figures into bench/RESULTS.md as its cohort section (headings one level
    down), replacing the section a previous run wrote, else appending it."""
    path = Path(__file__).with_name("RESULTS.md")
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    body = "\n".join("#" + ln if ln.startswith("#") else ln for ln in text.splitlines())
    body = body.replace("## Benchmark: scoring cohorts (issue 12)", "## Scoring cohorts (issue 12)")
    path.write_text(with_section(old, f"{BEGIN}\n{body.strip()}\n{END}"), encoding="utf-8")


def main() -> int:
    model = rnbayes.load_model()
    print("default network ...", file=sys.stderr)
    d = default_network(model)
    nets = []
    for name, target in (("alarm", "LVFAILURE"), ("hepar2", "Cirrhosis")):
        print(f"{name} ...", file=sys.stderr)
        nets.append(bnlearn(name, target))
    print(write(d, nets))
    return 0


if __name__ == "__main__":
    sys.exit(main())
