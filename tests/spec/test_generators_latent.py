"""The latent_test forms added for clinical fidelity and the risk_factor generator, checked by
brute-force enumeration of toy networks (independent of the generators' own arithmetic)."""

import math

import numpy as np
import pytest

from rnbayes.spec.generators import BuildContext, parse_cpt
from rnbayes.spec.generators.latent_test import clip_rows, feasible, solve_states
from rnbayes.spec.generators.marginals import ancestors, class_conditional, expected_keep, marginal
from rnbayes.spec.network import NodeSpec

_PLACEHOLDER = parse_cpt({"generator": "table", "probabilities": "unused"})


class _Rec:
    """What ``distribution`` reads of a Dirichlet record: its states."""

    def __init__(self, *states):
        self.states = states


def _nodes(layout, cpts=None):
    """``{name: (states, parents)}`` as NodeSpecs (tables are given, not generated)."""
    cpts = cpts or {}
    return {n: NodeSpec(n, "context", "", tuple(s), tuple(p), n.startswith("l"),
                        cpts.get(n, _PLACEHOLDER)) for n, (s, p) in layout.items()}


def _toy(rng):
    """x -> d, x -> h, d -> l: a masker h that depends on the diagnosis d through x.
    Tables with a batch axis of 1 (a root as (1, card))."""
    tables = {"x": rng.dirichlet(np.ones(3))[None],
              "d": rng.dirichlet(np.ones(2), size=3).T[None],      # (1, d, x)
              "h": rng.dirichlet(np.ones(2), size=3).T[None]}      # (1, h, x)
    a, b = 0.9, 0.08                                                # P(l=hi | pos / neg)
    tables["l"] = np.array([[[1 - b, 1 - a], [b, a]]])              # (1, l=[lo, hi], d=[neg, pos])
    layout = {"x": (["x0", "x1", "x2"], []), "d": (["neg", "pos"], ["x"]),
              "h": (["no", "yes"], ["x"]), "l": (["lo", "hi"], ["d"])}
    return tables, layout


def _ctx(layout, name, cpt, values, tables, records=None):
    nodes = _nodes(layout, {name: cpt})
    return BuildContext(nodes[name], nodes, values.__getitem__, records or {}, tables)


@pytest.mark.parametrize("seed", range(5))
def test_marginal_calibration_reproduces_the_published_figure_over_maskers(seed):
    """With calibrate: marginal the test's accuracy, averaged over the masker (which depends
    on the diagnosis through a common parent), equals the record exactly; masking still
    lowers sensitivity where it applies."""
    rng = np.random.default_rng(seed)
    tables, layout = _toy(rng)
    layout["t"] = (["plus", "minus"], ["l", "h"])
    cpt = parse_cpt({"generator": "latent_test", "latent": "l", "latent_positive": "hi",
                     "target_positive": "pos", "positive": "plus", "sensitivity": "sn",
                     "specificity": "sp", "calibrate": "marginal",
                     "masking": [{"parent": "h", "state": "yes", "probability": "mask"}]})
    vals = {"sn": np.array([0.7]), "sp": np.array([0.75]), "mask": np.array([0.2])}
    t = cpt.build(_ctx(layout, "t", cpt, vals, tables))[0]           # (t, l, h)
    px, pd_x, ph_x, pl_d = (tables[k][0] for k in ("x", "d", "h", "l"))
    joint = np.einsum("x,dx,hx,ld,tlh->dt", px, pd_x, ph_x, pl_d, t)
    cond = joint / joint.sum(axis=1, keepdims=True)
    assert math.isclose(cond[1, 0], 0.7, abs_tol=1e-12)            # P(plus | pos)
    assert math.isclose(cond[0, 1], 0.75, abs_tol=1e-12)           # P(minus | neg)
    assert (t[0, :, 1] < t[0, :, 0]).all()                         # blood still masks positives


def test_conditional_calibration_keeps_the_figure_where_nothing_masks():
    rng = np.random.default_rng(7)
    tables, layout = _toy(rng)
    layout["t"] = (["plus", "minus"], ["l", "h"])
    cpt = parse_cpt({"generator": "latent_test", "latent": "l", "latent_positive": "hi",
                     "target_positive": "pos", "positive": "plus", "sensitivity": "sn",
                     "specificity": "sp",
                     "masking": [{"parent": "h", "state": "yes", "probability": "mask"}]})
    vals = {"sn": np.array([0.7]), "sp": np.array([0.75]), "mask": np.array([0.2])}
    t = cpt.build(_ctx(layout, "t", cpt, vals, tables))[0]
    pl_d = tables["l"][0]
    assert math.isclose(t[0, :, 0] @ pl_d[:, 1], 0.7, abs_tol=1e-12)   # h = no, d = pos
    assert math.isclose(t[1, :, 0] @ pl_d[:, 0], 0.75, abs_tol=1e-12)  # h = no, d = neg


def test_latent_child_with_many_states_keeps_its_class_distributions():
    rng = np.random.default_rng(3)
    tables, layout = _toy(rng)
    layout["e"] = (["rim", "nodular", "solid"], ["l"])
    cpt = parse_cpt({"generator": "latent_test", "latent": "l", "latent_positive": "hi",
                     "target_positive": "pos", "given_positive": "pos_rec",
                     "given_negative": "neg_rec"})
    vals = {"pos_rec": np.array([[0.21, 0.49, 0.30]]), "neg_rec": np.array([[0.76, 0.10, 0.14]])}
    recs = {k: _Rec("rim", "nodular", "solid") for k in vals}
    e = cpt.build(_ctx(layout, "e", cpt, vals, tables, recs))[0]   # (e, l)
    np.testing.assert_allclose(e.sum(axis=0), 1.0, atol=1e-12)
    pl_d = tables["l"][0]
    np.testing.assert_allclose(e @ pl_d[:, 1], vals["pos_rec"][0], atol=1e-12)
    np.testing.assert_allclose(e @ pl_d[:, 0], vals["neg_rec"][0], atol=1e-12)


def test_solve_states_inverts_the_mixture_and_flags_infeasible_rows():
    rng = np.random.default_rng(5)
    a, b = rng.uniform(0.6, 0.95, 50), rng.uniform(0.05, 0.4, 50)
    r_hi, r_lo = rng.dirichlet(np.ones(3), 50), rng.dirichlet(np.ones(3), 50)
    p_pos = a[:, None] * r_hi + (1 - a[:, None]) * r_lo
    p_neg = b[:, None] * r_hi + (1 - b[:, None]) * r_lo
    s_hi, s_lo = solve_states(a, b, p_pos, p_neg)
    np.testing.assert_allclose(s_hi, r_hi, atol=1e-12)
    np.testing.assert_allclose(s_lo, r_lo, atol=1e-12)
    assert feasible(s_hi, s_lo).all()
    # a child more discriminating than its latent has no proper solution
    bad_hi, bad_lo = solve_states(np.array([0.6]), np.array([0.4]),
                                  np.array([[0.9, 0.1]]), np.array([[0.1, 0.9]]))
    assert not feasible(bad_hi, bad_lo)[0]
    clipped = clip_rows(bad_hi)
    assert (clipped > 0).all() and math.isclose(clipped.sum(), 1.0)


@pytest.mark.parametrize("seed", range(4))
def test_risk_factor_child_keeps_its_mix_and_applies_its_odds_ratios(seed):
    """A modifier as a child of the diagnosis: its marginal is the published mix and
    observing a state multiplies the odds of the outcome by that state's odds ratio relative
    to the reference, also on top of another context parent."""
    rng = np.random.default_rng(seed)
    tables = {"z": rng.dirichlet(np.ones(3))[None],                  # another context root
              "d": rng.dirichlet(np.ones(2), size=3).T[None]}         # (1, d, z)
    layout = {"z": (["a", "b", "c"], []), "d": (["rn", "ttp"], ["z"]),
              "r": (["ref", "s1", "s2"], ["d"])}
    cpt = parse_cpt({"generator": "risk_factor", "outcome": "ttp", "mix": "mix",
                     "effects": {"s1": "o1", "s2": "o2"}})
    vals = {"mix": rng.dirichlet(np.ones(3))[None], "o1": np.array([rng.uniform(0.05, 0.9)]),
            "o2": np.array([rng.uniform(1.1, 9.0)])}
    px_d = cpt.build(_ctx(layout, "r", cpt, vals, tables, {"mix": _Rec("ref", "s1", "s2")}))[0]
    np.testing.assert_allclose(px_d.sum(axis=0), 1.0, atol=1e-12)
    joint = np.einsum("z,dz,xd->zdx", tables["z"][0], tables["d"][0], px_d)
    np.testing.assert_allclose(joint.sum(axis=(0, 1)), vals["mix"][0], atol=1e-12)
    for z in range(3):
        odds = joint[z, 1] / joint[z, 0]                            # odds of ttp given z, x
        np.testing.assert_allclose(odds[1] / odds[0], vals["o1"][0], rtol=1e-10)
        np.testing.assert_allclose(odds[2] / odds[0], vals["o2"][0], rtol=1e-10)


def test_risk_factor_builds_a_batch_of_draws():
    """Drawn odds ratios (B = 3) with a point mix and point tables: one table per draw."""
    tables = {"d": np.array([[0.3, 0.7]])}
    layout = {"d": (["rn", "ttp"], []), "r": (["no", "yes"], ["d"])}
    cpt = parse_cpt({"generator": "risk_factor", "outcome": "ttp",
                     "mix": {"record": "m", "state": "yes"}, "effects": {"yes": "o"}})
    vals = {"m": np.array([0.25]), "o": np.array([0.5, 1.0, 4.0])}
    out = cpt.build(_ctx(layout, "r", cpt, vals, tables))
    assert out.shape == (3, 2, 2)
    for i, o in enumerate(vals["o"]):
        joint = tables["d"][0] * out[i]                             # (r, d)
        np.testing.assert_allclose(joint.sum(axis=1), [0.75, 0.25], atol=1e-12)
        odds = joint[:, 1] / joint[:, 0]
        assert math.isclose(odds[1] / odds[0], o, rel_tol=1e-10)


def test_marginals_against_enumeration():
    rng = np.random.default_rng(2)
    tables, layout = _toy(rng)
    nodes = _nodes(layout)
    px, pd_x, ph_x, pl_d = (tables[k][0] for k in ("x", "d", "h", "l"))
    joint = np.einsum("x,dx,hx,ld->xdhl", px, pd_x, ph_x, pl_d)
    np.testing.assert_allclose(marginal(nodes, tables, "l")[0], joint.sum(axis=(0, 1, 2)),
                               atol=1e-15)
    dh = joint.sum(axis=(0, 3))
    np.testing.assert_allclose(class_conditional(nodes, tables, "d", ["h"])[0],
                               dh / dh.sum(axis=1, keepdims=True), atol=1e-15)
    keep = expected_keep(nodes, tables, "d", [("h", "yes", np.array([0.4, 1.0]))])
    want = [1 - p * (dh / dh.sum(axis=1, keepdims=True))[:, 1] for p in (0.4, 1.0)]
    np.testing.assert_allclose(keep, want, atol=1e-15)
    assert ancestors(nodes, ["l", "h"]) == ["h", "x", "l", "d"]


def test_depends_on_every_ancestor_when_a_marginal_enters():
    layout = {"x": (["a", "b"], []), "d": (["neg", "pos"], ["x"]), "h": (["no", "yes"], ["x"]),
              "l": (["lo", "hi"], ["d"]), "t": (["plus", "minus"], ["l", "h"]),
              "r": (["no", "yes"], ["d"])}
    marg = parse_cpt({"generator": "latent_test", "latent": "l", "latent_positive": "hi",
                      "target_positive": "pos", "positive": "plus", "sensitivity": "sn",
                      "specificity": "sp", "calibrate": "marginal",
                      "masking": [{"parent": "h", "state": "yes", "probability": "mask"}]})
    cond = parse_cpt({"generator": "latent_test", "latent": "l", "latent_positive": "hi",
                      "target_positive": "pos", "positive": "plus", "sensitivity": "sn",
                      "specificity": "sp"})
    risk = parse_cpt({"generator": "risk_factor", "outcome": "pos", "mix": {"record": "m",
                      "state": "yes"}, "effects": {"yes": "o"}})
    nodes = _nodes(layout)
    assert set(marg.depends_on(nodes["t"], nodes)) == {"x", "d", "h", "l"}
    assert cond.depends_on(nodes["t"], nodes) == ("l",)
    assert set(risk.depends_on(nodes["r"], nodes)) == {"x", "d"}


# -- the same forms inside the tiny test network (tests/data/good) -------------------------
@pytest.fixture(scope="module")
def tiny():
    import rnbayes
    from tests.helpers import ROOT

    good = ROOT / "tests" / "data" / "good"
    return rnbayes.load_model(good / "network.yaml", good / "priors")


def _given_d(model, node):
    joint, _ = model.network.query(["d", node], {})
    return joint / joint.sum(axis=1, keepdims=True)


def test_tiny_marginal_test_and_per_class_sign_keep_their_records(tiny):
    u = _given_d(tiny, "u")                                          # (d=[no, yes], u=[pos, neg])
    assert math.isclose(u[1, 0], tiny.records["u_sensitivity"].point(), abs_tol=1e-12)
    assert math.isclose(u[0, 1], tiny.records["u_specificity"].point(), abs_tol=1e-12)
    masked, _ = tiny.network.query(["u"], {"d": 1, "x": 1})
    plain, _ = tiny.network.query(["u"], {"d": 1, "x": 0})
    assert masked[0] < tiny.records["u_sensitivity"].point() < plain[0]
    w = _given_d(tiny, "w")
    np.testing.assert_allclose(w[1], tiny.records["w_given_yes"].point(), atol=1e-12)
    np.testing.assert_allclose(w[0], tiny.records["w_given_no"].point(), atol=1e-12)


def test_tiny_risk_factor_keeps_its_mix_and_odds_ratios(tiny):
    marg, _ = tiny.network.query(["r"], {})
    np.testing.assert_allclose(marg, tiny.records["r_mix"].point(), atol=1e-12)

    def odds(ev):
        p = tiny.posterior(ev).p_progression
        return p / (1 - p)

    for ctx in ({}, {"c": "high", "t": "pos"}):
        for state, rid in (("s1", "or_r_s1"), ("s2", "or_r_s2")):
            ratio = odds({**ctx, "r": state}) / odds({**ctx, "r": "none"})
            assert math.isclose(ratio, tiny.records[rid].point(), rel_tol=1e-9)


def test_tiny_network_with_the_new_nodes_matches_pgmpy_and_enumeration(tiny):
    from rnbayes.engine.pgmpy import variable_elimination, ve_query

    engine = variable_elimination(tiny.to_pgmpy())
    for ev in ({"u": "pos"}, {"w": "w3", "r": "s2"}, {"u": "neg", "w": "w1", "x": "pos",
                                                       "r": "s1", "c": "high"}):
        ours = tiny.posterior(ev).p_progression
        f = ve_query(engine, ["d"], ev)
        assert abs(f.values[[str(s) for s in f.state_names["d"]].index("yes")] - ours) < 1e-9
        brute, _ = tiny.network.enumerate_joint(["d"], tiny.engine_evidence(tiny.findings(ev)))
        assert abs(brute[1] - ours) < 1e-9


def test_a_drawn_root_rebuilds_everything_read_off_a_marginal(tiny):
    """Drawing only c's mix changes d's calibrated table, so r (risk_factor) and u
    (calibrated over its masker) must be rebuilt with it, as a full rebuild does."""
    from rnbayes.analysis.sensitivity.draws import build_subset
    from rnbayes.spec.tables import build_tables, point_values

    draws = {"p_c_high": np.array([0.1, 0.5, 0.9])}
    points = point_values(tiny.records)

    def values(rid):
        return draws[rid] if rid in draws else points(rid)

    sub = build_subset(tiny, values, ["r", "u"], set(draws))
    full = build_tables(tiny.spec, tiny.records, values)
    for n in ("c", "d", "r", "u"):
        assert sub[n].shape[0] == 3, n
        np.testing.assert_allclose(sub[n], full[n], atol=1e-15)


def test_a_per_class_sign_the_latent_cannot_carry_is_refused_at_load(tiny):
    """The latent (P(high | yes) 0.9, P(high | no) 0.2) cannot produce a sign that is more
    discriminating than itself: one line naming the node."""
    from rnbayes.errors import SemanticError

    with pytest.raises(SemanticError, match=r"nodes\.w\.cpt: latent 'v' .* cannot reproduce "
                                            r"this test's published accuracy"):
        tiny.with_records({"w_given_yes": {"w1": 0.01, "w2": 0.01, "w3": 0.98},
                           "w_given_no": {"w1": 0.98, "w2": 0.01, "w3": 0.01}})
