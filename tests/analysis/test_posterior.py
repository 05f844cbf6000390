"""Contributions and data conflict follow their definitions."""

import json
import math

import numpy as np


def test_contributions_are_log10_likelihood_ratios_given_the_others(model):
    ev = {"enhancement_pattern": "nodular", "rcbv": "not_elevated", "susceptibility_foci": "none"}
    post = model.posterior(ev)
    net = model.network
    for row in post.contributions.itertuples():
        f = model.findings(ev)[row.node]
        i = model.states(row.node).index(f.state)
        rest = {n: model.states(n).index(s) for n, s in ev.items() if n != row.node}
        # direct: P(e_i | TTP, rest) / P(e_i | RN, rest)
        joint, _ = net.enumerate_joint(["diagnosis", row.node], rest)
        lik = joint[:, i] / joint.sum(axis=1)
        direct = math.log10(lik[1] / lik[0])
        assert math.isclose(row.log10_lr, direct, abs_tol=1e-9)
        without = model.posterior({n: s for n, s in ev.items() if n != row.node})
        assert math.isclose(row.p_progression_without, without.p_progression, abs_tol=1e-12)
    # sorted by strength
    mags = post.contributions["log10_lr"].abs().to_numpy()
    assert np.all(mags[:-1] >= mags[1:])


def test_conflict_matches_its_definition(model):
    ev = {"enhancement_pattern": "nodular", "central_restricted_diffusion": "central_only",
          "cut_pepper": "present"}
    post = model.posterior(ev)
    net = model.network
    idx = {n: model.states(n).index(s) for n, s in ev.items()}
    singles = sum(math.log(float(net.query([], {n: i})[1])) for n, i in idx.items())
    joint = math.log(float(net.enumerate_joint([], idx)[1]))
    assert math.isclose(post.conflict, singles - joint, abs_tol=1e-12)


def test_opposing_findings_are_flagged_and_agreeing_ones_are_not(model):
    opposing = model.posterior({"enhancement_pattern": "nodular", "rcbv": "elevated",
                                "crosses_boundary": "present", "clustered_lesions": "present"})
    agreeing = model.posterior({"enhancement_pattern": "nodular", "rcbv": "elevated",
                                "susceptibility_foci": "none"})
    assert opposing.conflict > agreeing.conflict
    assert agreeing.conflict < 0 and not agreeing.conflict_flagged
    assert opposing.conflict > 0 and opposing.conflict_flagged
    assert opposing.conflicting_findings


def test_results_serialise_and_render(model):
    post = model.posterior({"enhancement_pattern": "thin_rim", "rcbv": 1.4})
    d = json.loads(json.dumps(post.to_dict()))
    assert d["p_progression"] == post.p_progression
    assert d["model"]["digest"] == model.digest
    assert "not a medical device" in d["notice"]
    html = post._repr_html_()
    assert "<table" in html and "Research use only" in html
    text = post.summary()
    assert "P(tumour progression)" in text and "not a medical device" in text


def test_no_findings_gives_the_prior(model):
    """Against the baseline record (the intercept is calibrated to it), not against the
    model's own prior query."""
    post = model.posterior({})
    assert post.contributions.empty
    assert post.conflict == 0.0
    assert abs(post.p_progression - model.records["p_ttp_enlarging_lesion"].point()) < 1e-12


def test_contributions_and_conflict_equal_the_separate_queries(model):
    """The one-pass contributions (engine.retract) against one query per finding left out
    and per finding alone, for random evidence: state names, numbers and likelihoods."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from rnbayes.errors import EvidenceError

    net = model.network

    @settings(max_examples=40, deadline=None)
    @given(st.lists(st.sampled_from(model.observable), unique=True, max_size=25),
           st.integers(0, 2**32 - 1))
    def check(nodes, seed):
        rng = np.random.default_rng(seed)
        ev = {}
        for n in nodes:
            states = model.states(n)
            ev[n] = ({s: float(rng.uniform(0.05, 1)) for s in states} if rng.random() < 0.2
                     else states[int(rng.integers(len(states)))])
        try:
            post = model.posterior(ev)
        except EvidenceError:
            return  # impossible together
        eng = model.engine_evidence(model.findings(ev))
        full, p_e = net.query([model.target], eng)
        assert math.isclose(post.p_progression, full[model.positive_index], abs_tol=1e-12)
        assert len(post.contributions) == len(ev)
        for row in post.contributions.itertuples():
            rest = {n: v for n, v in eng.items() if n != row.node}
            without, _ = net.query([model.target], rest)
            assert math.isclose(row.p_progression_without, without[model.positive_index],
                                abs_tol=1e-12)
        singles = sum(math.log(float(net.query([], {n: v})[1])) for n, v in eng.items())
        assert math.isclose(post.conflict, singles - math.log(float(p_e)) if ev else 0.0,
                            abs_tol=1e-9)

    check()


def test_contributions_frame_built_from_columns_equals_the_row_built_one(model):
    """The engine's columns become the same DataFrame (values and dtypes) that pandas
    builds from row dicts, and a posterior survives pickling."""
    import pickle

    import pandas as pd

    ev = {"enhancement_pattern": "nodular", "rcbv": "elevated", "haemorrhage": "present"}
    post = model.posterior(ev)
    from rnbayes.results.posterior import CONTRIBUTION_COLUMNS

    engine = post.contributions[CONTRIBUTION_COLUMNS]  # the label columns are added after
    pd.testing.assert_frame_equal(engine, pd.DataFrame(engine.to_dict("records")))
    copy = pickle.loads(pickle.dumps(post))
    pd.testing.assert_frame_equal(copy.contributions, post.contributions)
    assert copy == post
    assert list(post.sources.columns) == ["node", "record", "basis", "quantity", "source"]
    pd.testing.assert_frame_equal(post.sources, model.sources)
