"""Each worked example case moves the posterior in the direction the review reports."""

import pytest

from rnbayes import load_case
from tests.helpers import CASES


@pytest.mark.parametrize("path", CASES, ids=[c.stem for c in CASES])
def test_case_direction(model, path):
    case = load_case(path)
    expected = case.expected
    assert expected, f"{path.name} has no 'expected' block"
    post = model.posterior(case.evidence)
    towards = expected["direction"]
    if towards == "tumour_progression":
        assert post.p_progression > post.prior_progression
    else:
        assert post.p_progression < post.prior_progression
    if "favoured" in expected:
        assert post.favoured == expected["favoured"]


def test_haemorrhage_mimic_counts_for_less_than_true_central_restriction(model):
    plain = model.posterior({"central_restricted_diffusion": "central_only"})
    blood = model.posterior({"central_restricted_diffusion": "central_only",
                             "haemorrhage": "present"})
    assert plain.p_progression < blood.p_progression


@pytest.mark.parametrize("path", CASES, ids=[c.stem for c in CASES])
def test_value_of_information_on_every_case(model, path):
    voi = model.value_of_information(load_case(path).evidence, pairs=3)
    t = voi.table
    assert (t["evsi"] >= 0).all() and (t["evsi"] <= voi.evpi + 1e-9).all()
    assert (t["mutual_information"] >= 0).all()
    observed = t[t["status"] == "already observed"]
    assert (observed[["evsi", "mutual_information", "net_value"]] == 0).all().all()
