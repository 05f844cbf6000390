"""Every result's HTML view (what a notebook shows) leads with its key number."""

import re

CASE = {"enhancement_pattern": "thin_rim", "months_since_srs": "3_to_9"}


def _first_paragraph(html: str) -> str:
    return re.sub(r"<[^>]+>", "", re.search(r"<p>(.*?)</p>", html, re.S).group(1))


def test_posterior_leads_with_p_ttp(model):
    post = model.posterior(CASE)
    assert _first_paragraph(post._repr_html_()).startswith(
        f"P(tumour progression) = {post.p_progression:.3f}")


def test_value_of_information_leads_with_p_ttp(model):
    voi = model.value_of_information(CASE, pairs=False)
    assert _first_paragraph(voi._repr_html_()).startswith(f"P(TTP) = {voi.p_positive:.3f}")


def test_sensitivity_leads_with_p_ttp_and_its_interval(model):
    sens = model.sensitivity(CASE, n_draws=200, progress=False)
    first = _first_paragraph(sens._repr_html_())
    assert first.startswith(f"P(TTP) = {sens.p_progression:.3f}")
    assert f"{sens.interval.low:.3f}" in first and f"{sens.interval.high:.3f}" in first


def test_marginals_lead_with_the_state_that_moved_most(model):
    m = model.marginals(CASE, nodes=["rcbv", "asl_cbf", "follow_up_course"])
    t = m.table
    moved = {(r.node, r.state): abs(r.p - r.p_before) for r in t.itertuples()}
    node, state = max(moved, key=moved.get)
    row = t[(t["node"] == node) & (t["state"] == state)].iloc[0]
    first = _first_paragraph(m._repr_html_())
    assert first.startswith("Moved most: ")
    assert f"{row['state_label']} {row['p_before']:.3f}" in first and f"{row['p']:.3f}" in first


def test_audit_leads_with_its_counts(model):
    audit = model.audit()
    first = _first_paragraph(audit._repr_html_())
    checks = audit.table[audit.table["role"] == "check"]
    assert first.startswith("Audit passed" if audit.passed else "Audit FAILED")
    assert f"of {len(checks)} tests inside the published interval" in first
    held = int(audit.directions["holds"].map(lambda v: v is True).sum())
    assert f"directions: {held} hold" in first


def test_marginals_of_given_nodes_only_say_so(model):
    m = model.marginals({"rcbv": "elevated"}, nodes=["rcbv"])
    assert m.headline() == "Every node asked about was given as evidence"
