"""The clinical modifiers added from the review (targeted therapy, SRS platform, V12, RT to
adjacent structures, melanoma and haemorrhage): each moves the posterior the way its record
says, by exactly its odds ratio, and works from case files and the CLI."""

import json
import math

import numpy as np
import pytest

from rnbayes.cli import main
from rnbayes.errors import EvidenceError
from rnbayes.spec.case import load_case
from tests.helpers import ROOT

CASES = ROOT / "examples" / "cases"

RISK_FACTORS = [  # node, state, record, reference state
    ("targeted_therapy", "her2_adc", "or_targeted_her2_adc", "none"),
    ("targeted_therapy", "egfr_alk_tki", "or_targeted_egfr_alk_tki", "none"),
    ("srs_platform", "linac", "or_srs_platform_linac", "gamma_knife"),
    ("v12_cm3", "gt_10", "or_v12_gt_10", "lt_10"),
]
# a new state of a parent of the diagnosis table: its odds ratio holds given the other
# parents (checked for every effect by
# tests/spec/test_generators.py::test_logodds_effects_are_exact_odds_ratios)
ADJACENT = ("prior_radiotherapy", "adjacent_structures", "or_prior_rt_adjacent_structures", "none")
CONTEXTS = [{}, {"enhancement_pattern": "thin_rim", "months_since_srs": "9_to_18"},
            {"primary_histology": "melanoma", "rcbv": "elevated", "targeted_therapy": "none"}]


def odds(p):
    return p / (1 - p)


@pytest.mark.parametrize("node, state, rid, ref", RISK_FACTORS)
@pytest.mark.parametrize("ctx", CONTEXTS, ids=["none", "rim_late", "melanoma_rcbv"])
def test_modifier_multiplies_the_odds_by_its_record(model, node, state, rid, ref, ctx):
    ctx = {k: v for k, v in ctx.items() if k != node}
    with_state = model.posterior({**ctx, node: state}).p_progression
    with_ref = model.posterior({**ctx, node: ref}).p_progression
    ratio = odds(with_state) / odds(with_ref)
    assert math.isclose(ratio, model.records[rid].point(), rel_tol=1e-9)


@pytest.mark.parametrize("node, state, rid, ref", [*RISK_FACTORS, ADJACENT])
def test_modifier_direction_follows_its_record(model, node, state, rid, ref):
    base = model.prior_progression
    p = model.posterior({node: state}).p_progression
    if model.records[rid].point() < 1:
        assert p < base
    else:
        assert p > base


@pytest.mark.parametrize("node, mix", [("targeted_therapy", "mix_targeted_therapy"),
                                       ("srs_platform", "mix_srs_platform")])
def test_risk_factor_nodes_keep_their_population_mix(model, node, mix):
    marg, _ = model.network.query([node], {})
    rec = model.records[mix]
    want = [rec.point()[rec.states.index(s)] for s in model.states(node)]
    np.testing.assert_allclose(marg, want, atol=1e-12)


def test_v12_mix_and_cut_off(model):
    marg, _ = model.network.query(["v12_cm3"], {})
    assert math.isclose(marg[model.states("v12_cm3").index("gt_10")],
                        model.records["mix_v12"].point(), abs_tol=1e-12)
    f = model.findings({"v12_cm3": 10.0})
    assert f["v12_cm3"].state == "gt_10"                   # V12 >= 10 cm3 (Lehrer 2023)
    assert model.findings({"v12_cm3": 9.9})["v12_cm3"].state == "lt_10"
    with pytest.raises(EvidenceError, match=r"v12_cm3.*must be >= 0"):
        model.findings({"v12_cm3": -1})


def test_melanoma_bleeds_more(model):
    """Guelen 2025: melanoma (OR 2.95) and NSCLC (OR 1.64) predicted haemorrhage; the other
    histologies are the reference; the marginal stays the surgical series' 27.6%."""
    h = model.states("haemorrhage").index("present")

    def p_h(hist):
        post, _ = model.network.query(["haemorrhage"], {
            "primary_histology": model.states("primary_histology").index(hist)})
        return post[h]

    assert p_h("melanoma") > p_h("nsclc") > p_h("breast")
    assert math.isclose(odds(p_h("melanoma")) / odds(p_h("breast")),
                        model.records["or_haemorrhage_melanoma"].point(), rel_tol=1e-9)
    assert math.isclose(odds(p_h("nsclc")) / odds(p_h("colorectal")),
                        model.records["or_haemorrhage_nsclc"].point(), rel_tol=1e-9)
    marg, _ = model.network.query(["haemorrhage"], {})
    assert math.isclose(marg[h], model.records["mix_haemorrhage"].point(), abs_tol=1e-12)


def test_melanoma_weakens_a_negative_dsc_through_blood_products(model):
    """Melanoma bleeds more, blood masks DSC: a negative rCBV lowers P(TTP) less."""
    def shift(ctx):
        a = model.posterior({**ctx, "rcbv": "not_elevated"}).p_progression
        b = model.posterior(ctx).p_progression
        return math.log(odds(a)) - math.log(odds(b))

    assert shift({"primary_histology": "breast"}) < shift({"primary_histology": "melanoma"}) < 0


@pytest.mark.parametrize("name", ["her2_adc_thin_rim", "large_v12_late_enhancement"])
def test_modifier_cases_from_files_and_cli(model, capsys, name):
    case = load_case(CASES / f"{name}.yaml")
    p = model.posterior(case.evidence).p_progression
    assert main(["assess", str(CASES / f"{name}.yaml"), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert math.isclose(d["p_progression"], p, abs_tol=1e-12)
    nodes = {c["node"] for c in d["contributions"]}
    assert nodes & {"targeted_therapy", "srs_platform", "v12_cm3"}


def test_bad_modifier_input_is_one_line(tmp_path, capsys):
    path = tmp_path / "case.yaml"
    path.write_text("evidence: {srs_platform: cyberknife}\n")
    assert main(["assess", str(path)]) == 2
    err = capsys.readouterr().err
    assert "must be one of ['gamma_knife', 'linac']; got 'cyberknife'" in err
    assert err.count("\n") == 1
