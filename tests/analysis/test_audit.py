"""The audit: implied accuracy inside the published intervals, the review's directions hold,
the numbers agree with pgmpy, and a record moved out of its evidence makes it fail."""

import math

import numpy as np
import pytest
import yaml

import rnbayes
from rnbayes.analysis.audit import interval
from rnbayes.engine.pgmpy import ve_query
from rnbayes.errors import SchemaError
from rnbayes.spec.comparators import Figure, load_comparators
from tests.helpers import ROOT, edit_yaml

AUDIT = ROOT / "priors" / "audit.yaml"
GOOD = ROOT / "tests" / "data" / "good"


@pytest.fixture(scope="module")
def result(model):
    return model.audit()


def _ve(engine, node, evidence):
    f = ve_query(engine, [node], evidence)
    return {str(s): float(v) for s, v in zip(f.state_names[node], f.values)}


def test_default_model_passes_its_audit(result):
    assert result.passed, "\n".join(result.failures())


def test_every_checked_figure_is_inside_its_published_interval(result):
    """Recheck each 'check' row independently of the result's own flags."""
    rows = result.table[result.table["role"] == "check"]
    assert len(rows) >= 9
    for _, r in rows.iterrows():
        for what in ("sn", "sp"):
            lo, hi = r[f"{what}_low"], r[f"{what}_high"]
            assert lo - 1e-9 <= r[f"implied_{what}"] <= hi + 1e-9, (r["node"], what, r["source"])


@pytest.mark.parametrize("node", ["rcbv", "ktrans", "asl_cbf", "fet_tbr", "fet_curve",
                                  "central_restricted_diffusion", "delayed_contrast",
                                  "enhancement_pattern", "mrs_choline", "susceptibility_foci"])
def test_implied_accuracy_matches_pgmpy(result, pgmpy_default, node):
    _, engine = pgmpy_default
    r = result.table[result.table["node"] == node].iloc[0]
    favours = r["favours_ttp"].split(", ")
    given_t = _ve(engine, node, {"diagnosis": "tumour_progression"})
    given_r = _ve(engine, node, {"diagnosis": "radiation_necrosis"})
    assert abs(sum(given_t[s] for s in favours) - r["implied_sn"]) < 1e-9
    assert abs(1 - sum(given_r[s] for s in favours) - r["implied_sp"]) < 1e-9


def test_done_when_list_of_the_issue(result):
    """DSC, DCE, ASL, FET TBR, central restriction, delayed contrast and the enhancement read
    each have a checked published comparator that contains the implied figures."""
    t = result.table
    for node in ("rcbv", "ktrans", "asl_cbf", "fet_tbr", "central_restricted_diffusion",
                 "delayed_contrast", "enhancement_pattern"):
        chk = t[(t["node"] == node) & (t["role"] == "check")]
        assert not chk.empty, node
        assert chk["inside_sn"].all() and chk["inside_sp"].all(), node


def test_five_concordant_rn_signs_are_bounded(result, pgmpy_default):
    _, engine = pgmpy_default
    row = result.combinations.set_index("id").loc["five_conventional_rn_signs"]
    assert row["model"] >= 1 / 20
    signs = {"enhancement_pattern": "thin_rim", "cut_pepper": "present",
             "crosses_boundary": "present", "clustered_lesions": "present", "shape_change": "present"}
    post = _ve(engine, "diagnosis", signs)["tumour_progression"]
    prior = _ve(engine, "diagnosis", {})["tumour_progression"]
    lr = (post / (1 - post)) / (prior / (1 - prior))
    assert math.isclose(lr, row["model"], rel_tol=1e-9)


def test_directions_hold_and_their_shifts_match_pgmpy(result, pgmpy_default):
    _, engine = pgmpy_default
    d = result.directions
    checked = d[d["status"] == "checked"]
    assert len(checked) >= 30 and checked["holds"].all()
    row = checked.set_index("id").loc["nodular_vs_thin_rim"]

    def logit_p(ev):
        p = _ve(engine, "diagnosis", ev)["tumour_progression"]
        return math.log(p / (1 - p))

    shift = logit_p({"enhancement_pattern": "nodular"}) - logit_p({"enhancement_pattern": "thin_rim"})
    assert math.isclose(shift, row["shift"], rel_tol=1e-9)
    assert set(d["status"]) <= {"checked", "contested", "not_encoded"}


def test_jeffreys_interval_against_scipy_directly():
    from scipy.stats import beta

    lo, hi, basis = interval(Figure(1.0, counts=(8, 8)))
    assert basis == "jeffreys" and hi == pytest.approx(beta(8.5, 0.5).ppf(0.975), abs=1e-15)
    assert lo == pytest.approx(beta(8.5, 0.5).ppf(0.025), abs=1e-15)
    assert interval(Figure(0.74, tolerance=0.05))[:2] == pytest.approx((0.69, 0.79))
    assert interval(Figure(0.5)) == (None, None, "none")


def test_audit_fails_when_a_record_leaves_its_evidence(spec_copy):
    net, pri = spec_copy
    edit_yaml(pri / "accuracy.yaml", lambda d: d["records"]["dsc_sensitivity"]["distribution"]
              .update({"mean": 0.65, "ci95": [0.55, 0.75]}))
    a = rnbayes.load_model(net, pri).audit()
    assert not a.passed
    assert any(f.startswith("rcbv:") for f in a.failures())


def test_audit_fails_when_a_direction_breaks(spec_copy):
    net, pri = spec_copy
    edit_yaml(pri / "incidence.yaml", lambda d: d["records"]["or_history_prior_rn"]["distribution"]
              .update({"median": 2.0, "ci95": [0.6, 6.7]}))
    a = rnbayes.load_model(net, pri).audit()
    assert any("prior_rn_elsewhere" in f for f in a.failures())


def test_the_audit_beside_the_priors_is_used_and_a_missing_node_is_marked(spec_copy):
    """A comparator file in the priors folder replaces the bundled one; a test whose node
    the model lacks is a 'missing' row, not an error."""
    net, pri = spec_copy
    edit_yaml(pri / "audit.yaml", lambda d: d["tests"].append(
        {"node": "pet_choline", "favours_ttp": ["high"], "comparators": []}))
    a = rnbayes.load_model(net, pri).audit()
    assert a.source == "audit.yaml" and a.passed
    assert a.table.iloc[-1]["role"] == "missing"


def test_a_bad_comparator_file_is_one_line(model, tmp_path):
    with pytest.raises(SchemaError, match=r"file not found"):
        model.audit(tmp_path / "nope.yaml")
    bad = tmp_path / "audit.yaml"
    bad.write_text("schema_version: 1\ntests: [{node: rcbv, favors_ttp: [elevated]}]\n")
    with pytest.raises(SchemaError, match=r"unknown key 'favors_ttp'; did you mean 'favours_ttp'"):
        model.audit(bad)


def test_the_tiny_network_audit_checks_every_kind_against_enumeration():
    """The synthetic comparators of tests/data/good on the tiny network: every kind of
    combination and direction is computed, and the numbers agree with brute force."""
    tiny = rnbayes.load_model(GOOD / "network.yaml", GOOD / "priors")
    a = tiny.audit()
    net = tiny.network
    joint, _ = net.enumerate_joint(["d", "t"], {})
    cond = joint / joint.sum(axis=1, keepdims=True)
    row = a.table.iloc[0]
    assert math.isclose(row["implied_sn"], cond[1, 0], abs_tol=1e-12)
    assert math.isclose(row["implied_sp"], cond[0, 1], abs_tol=1e-12)
    combos = a.combinations.set_index("id")
    tu, _ = net.enumerate_joint(["d", "t", "u"], {})
    tu = tu / tu.sum(axis=(1, 2), keepdims=True)
    assert math.isclose(combos.loc["t_and_u_specificity", "model"], 1 - tu[0, 0, 0],
                        abs_tol=1e-12)
    prev = 0.4
    assert math.isclose(combos.loc["t_u_accuracy", "model"],
                        float(np.maximum(prev * tu[1], (1 - prev) * tu[0]).sum()), abs_tol=1e-12)
    d = a.directions.set_index("id")
    assert d.loc["unmodelled", "status"] == "not_encoded" and d.loc["w_vs_t", "holds"] is None
    assert d.loc["t_pos", "holds"] and d.loc["r_s1", "holds"]


def test_comparator_file_names_only_model_nodes(model):
    doc = load_comparators(AUDIT)
    for t in doc.tests:
        assert t.node in model.nodes
        assert set(t.favours_ttp) < set(model.states(t.node))
    for d in doc.directions:
        for n, s in d.evidence_used().items():
            assert s in model.states(n), (d.id, n, s)
    for s in doc.strata:
        for n, state in s.evidence.items():
            assert state in model.states(n)
    assert yaml.safe_load(AUDIT.read_text())["schema_version"] == 1
