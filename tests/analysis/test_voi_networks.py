"""VOI on pgmpy's bundled bnlearn networks: generic engine, checked against pgmpy."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnbayes.analysis.voi import compute_voi
from rnbayes.engine.pgmpy import variable_elimination, ve_query
from rnbayes.spec.catalog import CandidateTest
from rnbayes.spec.utilities import Utilities

U = Utilities(actions=("watch", "treat_no", "treat_yes"),
              table=np.array([[0.85, 0.55], [1.0, 0.0], [0.3, 1.0]]))

CASES = {
    # network: (target, positive, evidence {node: state name}, tested nodes)
    "asia": ("lung", "yes", {"smoke": "yes"}, ["xray", "dysp", "asia", "tub", "bronc"]),
    "alarm": ("LVFAILURE", "TRUE", {"HRBP": "HIGH"},
              ["HISTORY", "CVP", "PCWP", "STROKEVOLUME", "BP", "CO"]),
    "hepar2": ("Cirrhosis", "decompensate", {"fatigue": "present"},
               ["ascites", "spiders", "irregular_liver", "jaundice", "bilirubin"]),
}


@pytest.fixture(params=sorted(CASES))
def loaded(request, bnlearn):
    net, pg = bnlearn(request.param)
    return request.param, net, pg


def _mi_from_pgmpy(pg, target, node, evidence):
    engine = variable_elimination(pg)
    f = ve_query(engine, [target, node], evidence)
    vals = np.asarray(f.values, dtype=float)
    if f.variables[0] != target:
        vals = vals.T
    vals = vals / vals.sum()
    pt, pr = vals.sum(1), vals.sum(0)
    return sum(v * math.log2(v / (pt[a] * pr[b])) for (a, b), v in np.ndenumerate(vals) if v > 0)


def test_voi_on_bundled_network(loaded):
    name, net, pg = loaded
    target, positive, ev_names, nodes = CASES[name]
    states = net.states[target]
    if positive not in states:  # hepar2's Cirrhosis has several states; use the first
        positive = states[0]
    evidence = {n: net.states[n].index(s) for n, s in ev_names.items()}
    tests = [CandidateTest(f"t_{n}", (n,), cost=0.001) for n in nodes]
    tests.append(CandidateTest("both", (nodes[0], nodes[1]), cost=0.002))
    tests.append(CandidateTest("seen", (next(iter(ev_names)),), cost=0.5))
    voi = compute_voi(net, target, positive, evidence, tests, U, pairs=4)
    t = voi.table.set_index("test")
    assert (t["evsi"] >= 0).all() and (t["evsi"] <= voi.evpi + 1e-9).all()
    assert (t["mutual_information"] >= 0).all()
    assert "seen" not in t.index and list(voi.done["test"]) == ["seen"]  # done: not ranked
    # the joint test is worth at least each of its parts
    for n in nodes[:2]:
        assert t.loc["both", "mutual_information"] >= t.loc[f"t_{n}", "mutual_information"] - 1e-12
    # MI agrees with pgmpy's own joint P(target, node | evidence)
    for n in nodes[:3]:
        ref = _mi_from_pgmpy(pg, target, n, ev_names)
        assert t.loc[f"t_{n}", "mutual_information"] == pytest.approx(ref, abs=1e-8)
    assert len(voi.pairs) == 6
