"""The tests catalogue: what each test reveals and costs; selection and checks."""

import pytest

from rnbayes.errors import ParameterError, SchemaError, SemanticError
from rnbayes.spec.catalog import load_catalog, resolve_catalog


def test_bundled_catalog_documents_costs():
    cat = load_catalog()
    assert {"fet_pet", "follow_up_mri", "perfusion_session", "dwi", "swi"} <= set(cat.ids)
    for t in cat:
        assert t.cost_basis == "judgement" and t.cost_reasoning
        assert t.sources and {"cost", "time", "patient_burden", "availability"} <= set(t.burden)
    assert cat["follow_up_mri"].waiting_loss > 0 and cat["follow_up_mri"].waiting_reasoning
    assert cat["fet_pet"].burden["cost"]["currency"] == "EUR"
    assert cat["fet_pet"].total_cost(0.5) == cat["fet_pet"].cost


def test_select_keeps_the_order_given_and_rejects_unknown_names():
    cat = load_catalog()
    assert [t.id for t in cat.select(["swi", "dwi", "swi"])] == ["swi", "dwi"]
    with pytest.raises(ParameterError, match=r"Did you mean 'fet_pet'\?"):
        cat.select(["fet_pett"])
    with pytest.raises(ParameterError, match="non-empty"):
        cat.select([])


def test_check_against_a_network(model, tmp_path):
    p = tmp_path / "t.yaml"
    p.write_text("tests:\n  a:\n    reveals: [rcvb]\n    utility_cost: {value: 1}\n")
    with pytest.raises(SemanticError, match=r"tests.a.reveals\[0\].*did you mean 'rcbv'"):
        load_catalog(p).check(model.nodes, model.spec.latent)
    p.write_text("tests:\n  a:\n    reveals: [tumour_vascularity]\n    utility_cost: {value: 1}\n")
    with pytest.raises(SemanticError, match="latent"):
        load_catalog(p).check(model.nodes, model.spec.latent)


def test_missing_files(tmp_path):
    with pytest.raises(SchemaError, match="file not found"):
        load_catalog(tmp_path / "missing.yaml")
    with pytest.raises(ParameterError, match=r"The 'catalog' parameter of f .*no such file"):
        resolve_catalog(tmp_path / "missing.yaml", "f")


def test_an_edited_catalogue_is_read_again(tmp_path):
    p = tmp_path / "t.yaml"
    p.write_text("tests:\n  a:\n    reveals: [rcbv]\n    utility_cost: {value: 1}\n")
    assert load_catalog(p)["a"].cost == 1.0
    p.write_text("tests:\n  a:\n    reveals: [rcbv]\n    utility_cost: {value: 2}\n")
    assert load_catalog(p)["a"].cost == 2.0
