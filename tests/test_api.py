"""The public surface is frozen, documented, and interoperates with pgmpy."""

import doctest

import numpy as np

import rnbayes

PUBLIC = {
    "NOTICE", "CaseFileError", "EvidenceError", "Model", "Posterior", "RnbayesError",
    "RnbayesWarning", "Sensitivity", "SpecError", "ValueOfInformation", "__version__",
    "load_model", "plot_posterior_interval", "plot_prior_curve", "plot_tornado", "posterior",
    "sensitivity", "value_of_information",
}


def test_public_names_are_frozen():
    assert set(rnbayes.__all__) == PUBLIC
    for name in rnbayes.__all__:
        assert hasattr(rnbayes, name)


def test_docstring_examples_run():
    import rnbayes.analysis.model

    for mod in (rnbayes, rnbayes.analysis.model):
        res = doctest.testmod(mod, verbose=False)
        assert res.attempted > 0 and res.failed == 0


def test_readme_python_example(model):
    post = rnbayes.posterior({"enhancement_pattern": "thin_rim", "rcbv": 1.4,
                              "months_since_srs": 9})
    assert isinstance(post.p_progression, float)
    assert abs(post.p_progression + post.p_necrosis - 1) < 1e-12
    assert list(post.contributions.columns)[:3] == ["node", "finding", "log10_lr"]


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


def test_vocabulary_contract(model):
    expected = {
        "diagnosis": ("radiation_necrosis", "tumour_progression"),
        "months_since_srs": ("lt_3", "3_to_9", "9_to_18", "gt_18"),
        "central_restricted_diffusion": ("central_only", "peripheral_or_solid", "none"),
        "follow_up_course": ("enlarging", "stable", "regressing"),
        "fet_curve": ("increasing", "peak_plateau_or_decreasing"),
        "primary_histology": ("nsclc", "sclc", "melanoma", "breast", "renal", "colorectal",
                              "other"),
    }
    for node, states in expected.items():
        assert model.states(node) == states


def test_cpt_frame(model):
    df = model.cpt("enhancement_pattern")
    assert df.shape == (3, 2)
    np.testing.assert_allclose(df.sum(axis=0).to_numpy(), 1.0)
