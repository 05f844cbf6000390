"""load_model: the same immutable model while the files are unchanged, a new one after an
edit; the model's views (describe, cpt, pgmpy)."""

import os
import time

import numpy as np
import pytest

import rnbayes
from tests.helpers import edit_yaml

THIN_RIM = {"enhancement_pattern": "thin_rim"}


def _age(paths, seconds=3600):
    """Make files look older than the racy window, as files edited earlier would be."""
    old = time.time() - seconds
    for p in paths:
        os.utime(p, (old, old))


def test_an_edited_spec_is_read_again(spec_copy):
    """Regression (review 3.2): ``load_model(path)`` returned the old model, with the old
    digest, after the YAML was edited in the same process."""
    net, pri = spec_copy
    _age([net, *pri.glob("*.yaml")])
    first = rnbayes.load_model(net, pri)
    assert rnbayes.load_model(net, pri) is first  # unchanged files: the same model
    edit_yaml(pri / "incidence.yaml", lambda d: d["records"]["p_ttp_enlarging_lesion"].__setitem__(
        "distribution", {"family": "beta", "mean": 0.9, "n_eff": 20}))
    second = rnbayes.load_model(net, pri)
    assert second is not first and second.digest != first.digest
    assert abs(second.prior_progression - 0.9) < 1e-12
    assert abs(first.prior_progression - first.records["p_ttp_enlarging_lesion"].point()) < 1e-12


def test_a_new_priors_file_is_noticed(spec_copy):
    net, pri = spec_copy
    _age([net, *pri.glob("*.yaml")])
    first = rnbayes.load_model(net, pri)
    (pri / "more.yaml").write_text("schema_version: 1\nrecords: {}\n")
    assert rnbayes.load_model(net, pri) is not first


def test_the_shared_model_cannot_be_changed_through_a_handle(model):
    """Regression (review 3.2): replacing a table of the cached model changed every later
    ``rnbayes.posterior()`` (0.1151 -> 0.5021) with the same digest."""
    before = rnbayes.posterior(THIN_RIM)
    handle = rnbayes.load_model()
    with pytest.raises(TypeError):
        handle.network.cpts["enhancement_pattern"] = np.full((3, 2), 1 / 3)  # type: ignore[index]
    changed = handle.with_tables({"enhancement_pattern": np.full((3, 2), 1 / 3)})
    assert changed.posterior(THIN_RIM).p_progression != before.p_progression
    after = rnbayes.posterior(THIN_RIM)
    assert after.p_progression == before.p_progression and after.model_digest == before.model_digest
    assert changed.digest != before.model_digest


def test_to_pgmpy_has_same_names_and_tables(model):
    pg = model.to_pgmpy()
    assert set(pg.nodes()) == set(model.nodes)
    assert pg.check_model()
    for n in model.nodes:
        cpd = pg.get_cpds(n)
        assert list(cpd.state_names[n]) == list(model.states(n))
        assert list(cpd.variables[1:]) == list(model.parents(n))
        np.testing.assert_allclose(cpd.get_values(),
                                   model.network.cpts[n].reshape(len(model.states(n)), -1))
    assert "tumour_vascularity" in pg.latents


def test_cpt_frame_and_vocabulary(model):
    df = model.cpt("enhancement_pattern")
    assert df.shape == (3, 2)
    np.testing.assert_allclose(df.sum(axis=0).to_numpy(), 1.0)
    assert model.observable[0] == "months_since_srs" and "diagnosis" not in model.observable
    assert repr(model).startswith("<rnbayes.Model 'rn_vs_ttp'")
