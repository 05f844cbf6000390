"""The only module of the benchmark that imports rnbayes internals (kernel-level timings).

Everything else in ``bench/`` uses the public API (``rnbayes.load_model``, ``Model.posterior``,
``Model.value_of_information``, ``Model.sensitivity``, the CLI) or plain numpy, pgmpy and
pyAgrum. When rnbayes' modules move, fix the imports here and nothing else.

The kernel figures are labelled *kernel* in RESULTS.md: they are what the engine costs,
not what a user's call costs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from bench.nets import Net


def _internals():
    """Import lazily, so that a broken path shows up as one clear error at first use."""
    from rnbayes.analysis import measures
    from rnbayes.analysis import sensitivity as sens
    from rnbayes.analysis.sensitivity import draws as model_draws
    from rnbayes.engine import draws as engine_draws
    from rnbayes.engine import joints, network

    return engine_draws, model_draws, network, sens, joints, measures


def plain_network(model: Any) -> Net:
    """The compiled model's network as a plain description (names, states, parents, tables)."""
    net = model.network
    return Net(name=model.name, states=dict(net.states), parents=dict(net.parents),
               cpts={n: np.asarray(net.cpts[n]) for n in net.nodes})


def engine(net: Net) -> Any:
    """A new rnbayes engine for ``net`` (empty plan caches)."""
    _, _, network, *_ = _internals()
    return network.DiscreteNetwork(states=dict(net.states), parents=dict(net.parents),
                                     cpts=dict(net.cpts))


def fresh_model(model: Any) -> Any:
    """The same model rebuilt (empty plan caches) after answering one posterior with no
    findings, so that its per-model work (the prior of every node, the sources table) is
    done and the next call's cost is that of a new evidence shape (nothing compiled for
    it yet)."""
    fresh = type(model).build(model.spec, model.records, network_path=model.network_path,
                              priors_path=model.priors_path, given_tables=model.given_tables)
    _ = fresh.posterior({}).contributions
    return fresh


def kernel_posterior(eng: Any, target: str, evidence: Mapping[str, int]) -> np.ndarray:
    """P(target | e) from the engine: one compiled query, no tables, no contributions."""
    post, _ = eng.query([target], evidence)
    return post


def kernel_joint(eng: Any, nodes: Sequence[str], evidence: Mapping[str, int]) -> np.ndarray:
    post, _ = eng.query(list(nodes), evidence)
    return post


def kernel_test_information(eng: Any, target: str, evidence: Mapping[str, int],
                            tests: Sequence[Sequence[str]]) -> np.ndarray:
    """Mutual information of the target with each test's nodes: one query for the target and
    the nodes the tests hang from, one product with cached per-test kernels, and the
    information of all tests in one vectorised pass (what ``value_of_information`` uses)."""
    *_, joints, measures = _internals()
    rj = joints.ResultJoints(eng, target, evidence, [tuple(t) for t in tests])
    return measures.segment_mutual_information(rj.singles, rj.starts)


def batched_posterior(eng: Any, target: str, evidence: Mapping[str, int],
                      tables: Mapping[str, np.ndarray]) -> np.ndarray:
    """P(target | e) for every draw of ``tables`` (leading batch axis): ``(B, card)``."""
    engine_draws, *_ = _internals()
    return engine_draws.batched_posterior(eng, [target], evidence, tables)[:, :]


def candidate_tests(model: Any) -> dict[str, list[str]]:
    """Test id -> nodes it reveals, from the model's test catalogue."""
    from rnbayes.spec.catalog import resolve_catalog

    cat = resolve_catalog(None, "bench", model.catalog_default())
    cat.check([*model.nodes, *(n for t in cat for n in t.reveals if n not in model.nodes)],
              model.spec.latent, model.target)  # unknown nodes are skipped below
    return {t.id: [n for n in t.reveals if n in model.nodes] for t in cat
            if any(n in model.nodes for n in t.reveals)}


def sourced_interval(model: Any, evidence: Mapping[str, Any], n_draws: int, seed: int) -> np.ndarray:
    """The draw kernel of ``sensitivity()``: every sourced record feeding the query drawn
    (Beta/Dirichlet/log-normal), the tables re-derived, one batched contraction, quantiles."""
    _, model_draws, *_ = _internals()
    ev = model.engine_evidence(model.findings(evidence))
    target = model.target
    rids = model_draws.ancestral_records(model, [target, *ev])
    rng = np.random.default_rng(seed)
    draws = {r: model.records[r].sample(rng, n_draws) for r in rids}
    dn = model_draws.drawn_network(model, ev, [target], draws=draws, batch=n_draws)
    k = model.positive_index
    return np.quantile(dn.query([target])[:, k], [0.025, 0.975])


def n_sourced_records(model: Any, evidence: Mapping[str, Any]) -> int:
    _, model_draws, *_ = _internals()
    ev = model.engine_evidence(model.findings(evidence))
    return len(model_draws.ancestral_records(model, [model.target, *ev]))


def positive_index(model: Any) -> int:
    """Index of the target's positive state (the one ``p_progression`` refers to)."""
    return model.positive_index
