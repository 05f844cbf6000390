"""Labels for people come from networks/labels.yaml (data), cover the whole network, and
fall back to the identifiers as words."""

import pytest

from rnbayes.errors import SchemaError
from rnbayes.spec.labels import Labels, labels_for, load_labels


def test_every_node_and_state_of_the_network_has_a_label(model):
    """When a node or state is added to networks/rn_vs_ttp.yaml, add its label to
    networks/labels.yaml (node -> {label, states: {state: label}})."""
    missing = load_labels().missing({n: model.states(n) for n in model.nodes})
    assert missing == [], f"add labels to networks/labels.yaml for: {missing}"


def test_labels_have_no_unknown_nodes_or_states(model):
    labels = load_labels()
    assert set(labels.nodes) <= set(model.nodes)
    for node, states in labels.states.items():
        assert set(states) <= set(model.states(node)), node


def test_labels_read_as_words_and_fall_back_to_identifiers():
    labels = load_labels()
    assert labels.finding("enhancement_pattern", "thin_rim") == \
        "Enhancement pattern: thin irregular rim"
    assert labels.result({"fet_tbr": "high", "fet_curve": "increasing"}) == \
        "FET PET uptake (TBR): high; FET PET time-activity curve: increasing"
    empty = Labels()
    assert empty.finding("new_node", "some_state") == "new node: some state"
    assert labels.few_patients > 0


def test_the_model_uses_labels_beside_its_network_else_the_bundled_ones(tmp_path, spec_copy):
    net, _ = spec_copy
    assert labels_for(net).file == "labels.yaml" and labels_for(None) == load_labels()
    (tmp_path / "labels.yaml").write_text(
        "schema_version: 1\nnodes:\n  rcbv: {label: My rCBV, states: {elevated: up}}\n")
    mine = labels_for(net)
    assert mine.finding("rcbv", "elevated") == "My rCBV: up"
    assert mine.state("rcbv", "not_elevated") == "not elevated"  # missing: the id as words


@pytest.mark.parametrize("text, path", [
    ("nodes:\n  rcbv: {states: {elevated: up}}\n", "nodes.rcbv.label"),
    ("nodes:\n  rcbv: {label: '', states: {}}\n", "nodes.rcbv.label"),
    ("nodes:\n  rcbv: {label: x, states: {elevated: 3}}\n", "nodes.rcbv.states.elevated"),
    ("nodes: {}\nlabel: x\n", ""),
])
def test_a_bad_labels_file_is_one_schema_error(tmp_path, text, path):
    f = tmp_path / "labels.yaml"
    f.write_text(text)
    with pytest.raises(SchemaError) as info:
        load_labels(f)
    assert info.value.file == "labels.yaml" and (info.value.path or "").startswith(path)
