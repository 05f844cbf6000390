"""Decision utilities: thresholds where the best action changes, and how they are named."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rnbayes
from rnbayes.errors import ParameterError
from rnbayes.spec.utilities import Threshold, Utilities, load_utilities, resolve_utilities


@pytest.mark.parametrize("name, expected", [
    (None, [(0.649, "surveillance", "treat_as_progression")]),
    ("symptomatic", [(0.489, "treat_as_necrosis", "treat_as_progression")]),
])
def test_bundled_thresholds_are_those_the_files_and_readme_state(name, expected):
    """priors/utilities*.yaml and the README quote these thresholds in prose."""
    got = [(round(t.p, 3), t.below, t.above) for t in load_utilities(name).thresholds()]
    assert got == expected


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_actions_tie_at_each_threshold_and_the_best_changes_there(seed):
    rng = np.random.default_rng(seed)
    u = Utilities(actions=("a", "b", "c"), table=rng.uniform(0, 100, size=(3, 2)))
    ts = u.thresholds()
    assert [t.p for t in ts] == sorted(t.p for t in ts)
    for t in ts:
        eu = u.expected(t.p)
        i, j = u.actions.index(t.below), u.actions.index(t.above)
        assert abs(eu[i] - eu[j]) < 1e-9 and eu[i] >= eu.max() - 1e-9
        assert u.best_action(t.p - 1e-7) == t.below and u.best_action(t.p + 1e-7) == t.above
    # between thresholds the best action is constant (no crossing was missed)
    grid = np.linspace(0, 1, 2001)
    changes = np.nonzero(np.diff(u.best_index(grid)))[0]
    assert len(changes) == len(ts)


def test_evpi_is_the_gain_of_knowing_the_state():
    u = Utilities(actions=("wait", "treat"), table=np.array([[1.0, 0.0], [0.0, 1.0]]))
    assert u.evpi(0.3) == pytest.approx(0.3)
    assert u.evpi(0.0) == 0.0


def test_threshold_reads_like_the_old_dict():
    t = Threshold(0.5, "a", "b")
    assert (t["p_progression"], t["below"], t["above"]) == (0.5, "a", "b")
    with pytest.raises(KeyError):
        t["nope"]


def test_utilities_compare_by_value_and_cannot_change():
    a = load_utilities()
    b = Utilities(actions=a.actions, table=np.array(a.table), scale=a.scale)
    assert a == b and a != load_utilities("symptomatic")
    with pytest.raises(ValueError, match="read-only"):
        a.table[0, 0] = 1.0


def test_resolve_names_files_sets_and_bad_values(tmp_path):
    assert resolve_utilities(None, "f") == load_utilities()
    assert resolve_utilities("symptomatic", "f") == load_utilities("symptomatic")
    with pytest.raises(ParameterError, match=r"The 'utilities' parameter of f must be .*"
                       r"bundled set name among \['asymptomatic', 'symptomatic'\].*Got 'nonesuch' instead"):
        resolve_utilities("nonesuch", "f")
    with pytest.raises(ParameterError, match="Got 3 instead"):
        resolve_utilities(3, "f")  # type: ignore[arg-type]


def test_sensitivity_takes_a_bundled_set_by_name(model):
    """``sensitivity(utilities="symptomatic")`` works as value_of_information does."""
    s = rnbayes.sensitivity({"enhancement_pattern": "thin_rim"}, n_draws=50,
                            utilities="symptomatic", progress=False)
    assert [t.below for t in s.thresholds] == ["treat_as_necrosis"]
    assert s.action == load_utilities("symptomatic").best_action(s.p_progression)


def test_the_default_set_has_a_name_a_setting_and_action_labels():
    """``--utilities asymptomatic`` names the default file; the setting and the action
    labels come from the file (data), and reports name it without a machine path."""
    default = load_utilities()
    assert load_utilities("asymptomatic") is default or load_utilities("asymptomatic") == default
    assert resolve_utilities("asymptomatic", "f") == default
    assert default.describe() == "asymptomatic lesion (default)"
    assert load_utilities("symptomatic").describe() == "symptomatic lesion"
    assert default.label("treat_as_progression") == "Treat as tumour progression"
    assert default.source == "utilities.yaml (bundled)" and "/" not in default.source
    assert default.to_dict()["assumed"] == "asymptomatic lesion (default)"


def test_a_users_file_is_named_by_file_name_and_digest(tmp_path):
    u = tmp_path / "mine.yaml"
    u.write_text("utilities:\n"
                 "  surveillance: {radiation_necrosis: 1, tumour_progression: 0}\n"
                 "  treat_as_necrosis: {radiation_necrosis: 1, tumour_progression: 0}\n"
                 "  treat_as_progression: {radiation_necrosis: 0, tumour_progression: 1}\n")
    mine = load_utilities(u)
    assert mine.source.startswith("mine.yaml (sha256 ") and str(tmp_path) not in mine.source
    assert mine.describe() == mine.source and not mine.default
    assert mine.label("treat_as_necrosis") == "treat as necrosis"  # no label: the id as words
