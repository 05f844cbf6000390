"""The public surface: frozen, spelled out (no **kwargs), documented with examples."""

import inspect

import rnbayes

PUBLIC = {
    "NOTICE", "__version__",
    # models and the analyses
    "Model", "load_model", "posterior", "value_of_information", "sensitivity", "marginals",
    "compare",
    # any network file in (GeNIe, Hugin, SamIam, pyAgrum, pgmpy, UAI), the full analysis out
    "load_network",
    # results
    "Result", "Provenance", "Posterior", "ValueOfInformation", "Sensitivity",
    "CredibleInterval", "Threshold", "Marginals", "Comparison",
    # the audit of a model against the published figures (Model.audit)
    "Audit",
    # inputs
    "Case", "load_case", "Utilities", "load_utilities", "Catalog", "CandidateTest",
    "load_catalog", "Labels", "load_labels",
    # plots and reports
    "plot_posterior_interval", "plot_prior_curve", "plot_tornado", "plot_test_values",
    "plot_network",
    "build_report", "write_report",
    # cohorts (issue 12): Model.score / validate / update / simulate return these
    "Validation", "Estimate", "CohortError", "plot_roc", "plot_calibration",
    "plot_decision_curve", "build_validation_report",
    # errors and warnings
    "RnbayesError", "SpecError", "SchemaError", "SemanticError", "EvidenceError",
    "CaseFileError", "ParameterError", "RnbayesWarning",
    "ImplausibleValueWarning",
}


def test_public_names_are_frozen():
    assert set(rnbayes.__all__) == PUBLIC
    for name in rnbayes.__all__:
        assert hasattr(rnbayes, name)


def test_signatures_are_spelled_out():
    for name in rnbayes.__all__:
        obj = getattr(rnbayes, name)
        if inspect.isfunction(obj):
            kinds = {p.kind for p in inspect.signature(obj).parameters.values()}
            assert inspect.Parameter.VAR_KEYWORD not in kinds, name
            assert (obj.__doc__ and "Examples" in obj.__doc__) or name.startswith("plot_") \
                or name in {"load_case"}, name
    for method in ("posterior", "value_of_information", "sensitivity", "with_records",
                   "with_tables", "marginals", "compare", "score", "validate", "update",
                   "simulate"):
        params = inspect.signature(getattr(rnbayes.Model, method)).parameters.values()
        assert inspect.Parameter.VAR_KEYWORD not in {p.kind for p in params}, method


def test_top_level_functions_match_the_model_methods():
    for name in ("posterior", "value_of_information", "sensitivity", "marginals", "compare"):
        top = list(inspect.signature(getattr(rnbayes, name)).parameters)
        method = list(inspect.signature(getattr(rnbayes.Model, name)).parameters)[1:]
        assert top == method, name


def test_errors_form_one_hierarchy():
    assert issubclass(rnbayes.SchemaError, rnbayes.SpecError)
    assert issubclass(rnbayes.SemanticError, rnbayes.SpecError)
    assert issubclass(rnbayes.CaseFileError, rnbayes.SchemaError)
    for cls in (rnbayes.SpecError, rnbayes.EvidenceError, rnbayes.ParameterError,
                rnbayes.CohortError):
        assert issubclass(cls, rnbayes.RnbayesError) and issubclass(cls, ValueError)


def test_import_loads_no_heavy_dependency():
    import subprocess
    import sys

    code = ("import sys, rnbayes; "
            "print([m for m in ('pgmpy', 'matplotlib') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


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
