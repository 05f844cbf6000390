"""The peers, each used the way its documentation recommends.

* pgmpy: one ``VariableElimination`` engine per network, reused for every query and every
  parameter draw (``query`` prunes the network and reads the CPDs afresh on each call, so
  replacing ``cpd.values`` is picked up without a new engine).
* pyAgrum: one ``LazyPropagation`` per job, reused: evidence changed with
  ``updateEvidence`` (``chgEvidence`` per node) while the observed nodes stay the same,
  ``setEvidence`` when they change; explicit targets (``setTargets``); for value of
  information one engine with a joint target {target, test nodes} per test and one
  ``makeInference``. After a CPT is refilled the evidence is entered again (a reused engine
  otherwise returns the old posterior: DESIGN.md section 6).

Parameter draws are drawn with :func:`draw_tables` on every side (batched numpy gamma
variates), and that drawing is inside the timed region for every contender.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from bench.nets import Net

try:  # optional: the benchmark runs (and says so) without it
    import pyagrum as gum
except ImportError:  # pragma: no cover - depends on the environment
    gum = None


def pyagrum_version() -> str | None:
    return None if gum is None else gum.__version__


# -- shared numerics (independent of rnbayes) ------------------------------------------
def mutual_information(joint: np.ndarray) -> float:
    """I(T; R) in bits from a joint table ``(card T, ...)``."""
    j = joint.reshape(joint.shape[0], -1)
    j = j / j.sum()
    indep = j.sum(axis=1, keepdims=True) * j.sum(axis=0, keepdims=True)
    nz = j > 0
    return float(np.sum(j[nz] * np.log2(j[nz] / indep[nz])))


def draw_tables(net: Net, nodes: Sequence[str], rng: np.random.Generator, n: int,
                concentration: float = 50.0) -> dict[str, np.ndarray]:
    """``n`` draws of each table of ``nodes``: every column ~ Dirichlet(concentration x column),
    as batched gamma variates normalised per column. Shape ``(n, card, *parents)``."""
    out = {}
    for node in nodes:
        a = np.maximum(net.cpts[node] * concentration, 1e-3)
        g = np.maximum(rng.standard_gamma(np.broadcast_to(a, (n, *a.shape))), 1e-300)
        out[node] = g / g.sum(axis=1, keepdims=True)
    return out


# -- pgmpy ------------------------------------------------------------------------------
class Pgmpy:
    """One pgmpy model and one VariableElimination engine, reused."""

    def __init__(self, net: Net):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from pgmpy.factors.discrete import TabularCPD
            from pgmpy.inference import VariableElimination
            from pgmpy.models import DiscreteBayesianNetwork

            self.net = net
            model = DiscreteBayesianNetwork([(p, n) for n in net.nodes for p in net.parents[n]])
            model.add_nodes_from(net.nodes)
            for n in net.nodes:
                ps = list(net.parents[n])
                model.add_cpds(TabularCPD(
                    n, net.card(n), net.cpts[n].reshape(net.card(n), -1),
                    evidence=ps or None, evidence_card=[net.card(p) for p in ps] or None,
                    state_names={n: list(net.states[n]), **{p: list(net.states[p]) for p in ps}}))
            self.model = model
            self.engine = VariableElimination(model)
        self.cpds = {n: model.get_cpds(n) for n in net.nodes}

    def joint(self, nodes: Sequence[str], evidence: dict[str, str]) -> np.ndarray:
        """P(nodes | e), axes in the order of ``nodes``."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            f = self.engine.query(variables=list(nodes), evidence=evidence, joint=True,
                                  show_progress=False)
        return np.transpose(f.values, [f.variables.index(n) for n in nodes])

    def posterior(self, target: str, evidence: dict[str, str]) -> np.ndarray:
        return self.joint([target], evidence)

    def information(self, target: str, evidence: dict[str, str],
                    tests: Sequence[Sequence[str]]) -> np.ndarray:
        """Mutual information of the target with each test: one joint query per test."""
        return np.array([mutual_information(self.joint([target, *t], evidence)) for t in tests])

    def set_tables(self, tables: dict[str, np.ndarray]) -> None:
        for n, t in tables.items():
            self.cpds[n].values = t

    def restore(self) -> None:
        self.set_tables(self.net.cpts)

    def draws(self, target: str, evidence: dict[str, str], nodes: Sequence[str],
              rng: np.random.Generator, n: int) -> np.ndarray:
        """P(target = state 0 | e) for ``n`` Dirichlet draws of ``nodes``' tables."""
        tables = draw_tables(self.net, nodes, rng, n)
        out = np.empty(n)
        try:
            for b in range(n):
                self.set_tables({nd: tables[nd][b] for nd in nodes})
                out[b] = self.posterior(target, evidence)[0]
        finally:
            self.restore()
        return out


# -- pyAgrum ----------------------------------------------------------------------------
def _to_array(tensor, nodes: Sequence[str]) -> np.ndarray:
    """A pyAgrum tensor as an array with axes in the order of ``nodes`` (``toarray`` puts
    the tensor's variables in reverse order)."""
    names = list(reversed(tensor.names))
    return np.transpose(tensor.toarray(), [names.index(n) for n in nodes])


class Agrum:
    """One pyAgrum BayesNet; one LazyPropagation per job (posterior, joint targets, draws),
    each reused across calls."""

    def __init__(self, net: Net):
        if gum is None:
            raise RuntimeError("pyAgrum is not installed")
        self.net = net
        bn = gum.BayesNet(net.name)
        for n in net.nodes:
            v = gum.LabelizedVariable(n, n, 0)
            for s in net.states[n]:
                v.addLabel(s)
            bn.add(v)
        for n in net.nodes:
            for p in net.parents[n]:
                bn.addArc(p, n)
        self.bn = bn
        self.fill(net.cpts)
        self.engines: dict[str, tuple] = {}

    def fill(self, tables: dict[str, np.ndarray]) -> None:
        for node, table in tables.items():
            pot = self.bn.cpt(node)
            axes = [node, *self.net.parents[node]]
            pot.fillWith(np.transpose(table, [axes.index(v) for v in reversed(pot.names)]).ravel())

    def _engine(self, job: str, evidence: dict[str, str], targets: frozenset | None = None,
                joints: tuple | None = None):
        """The reused engine for ``job`` with this evidence entered (chgEvidence when only the
        values changed) and these targets declared (only when they changed)."""
        ie, ev_nodes, tg = self.engines.get(job) or (gum.LazyPropagation(self.bn), None, None)
        nodes = frozenset(evidence)
        if nodes == ev_nodes:
            ie.updateEvidence(evidence)
        else:
            ie.setEvidence(evidence)
        want = (targets, joints)
        if want != tg:
            ie.eraseAllTargets()
            for t in targets or ():
                ie.addTarget(t)
            for j in joints or ():
                ie.addJointTarget(set(j))
        self.engines[job] = (ie, nodes, want)
        return ie

    def posterior(self, target: str, evidence: dict[str, str]) -> np.ndarray:
        ie = self._engine("posterior", evidence, targets=frozenset([target]))
        ie.makeInference()
        return ie.posterior(target).toarray()

    def posterior_cold(self, target: str, evidence: dict[str, str]) -> np.ndarray:
        """A new engine for a new evidence shape (what a first call costs)."""
        ie = gum.LazyPropagation(self.bn)
        ie.setEvidence(evidence)
        ie.setTargets({target})
        ie.makeInference()
        return ie.posterior(target).toarray()

    def contributions(self, target: str, evidence: dict[str, str]) -> tuple[np.ndarray, list]:
        """The work behind rnbayes' contributions table: P(T | e), P(T | e without e_i) and
        P(e_i) for each finding, and P(e) (1 + 2k inferences on two reused engines)."""
        ie = self._engine("posterior", evidence, targets=frozenset([target]))
        ie.makeInference()
        post, p_e = ie.posterior(target).toarray(), ie.evidenceProbability()
        rows = []
        for node, state in evidence.items():
            ie.eraseEvidence(node)
            ie.makeInference()
            without = ie.posterior(target).toarray()
            ie.addEvidence(node, state)
            single = self._engine("single", {node: state}, targets=frozenset([target]))
            single.makeInference()
            rows.append((without, single.evidenceProbability()))
        return post, [p_e, *rows]

    def information(self, target: str, evidence: dict[str, str],
                    tests: Sequence[Sequence[str]]) -> np.ndarray:
        """Mutual information of the target with each test: one engine, a joint target
        {target, test nodes} per test, one makeInference."""
        joints = tuple(frozenset([target, *t]) for t in tests)
        ie = self._engine("joints", evidence, joints=joints)
        ie.makeInference()
        return np.array([mutual_information(_to_array(ie.jointPosterior(set(j)), [target, *t]))
                         for j, t in zip(joints, tests)])

    def draws(self, target: str, evidence: dict[str, str], nodes: Sequence[str],
              rng: np.random.Generator, n: int) -> np.ndarray:
        """P(target = state 0 | e) for ``n`` Dirichlet draws of ``nodes``' tables, on one
        reused engine (evidence entered again after each refill)."""
        tables = draw_tables(self.net, nodes, rng, n)
        ie = self._engine("draws", evidence, targets=frozenset([target]))
        out = np.empty(n)
        try:
            for b in range(n):
                self.fill({nd: tables[nd][b] for nd in nodes})
                ie.setEvidence(evidence)
                ie.makeInference()
                out[b] = ie.posterior(target).toarray()[0]
        finally:
            self.fill({nd: self.net.cpts[nd] for nd in nodes})
        return out
