"""The HTML validation report is self-contained, escaped and carries the notice."""

from __future__ import annotations

import re

import numpy as np
import pytest

from rnbayes.analysis.cohort.validation import validate_predictions
from rnbayes.report.validation import build_validation_report


@pytest.fixture(scope="module")
def validation():
    rng = np.random.default_rng(11)
    p = rng.beta(1.2, 2.5, 600)
    y = (rng.uniform(size=600) < p).astype(int)
    groups = np.where(np.arange(600) < 20, "+ PET <rare>", "+ DWI/SWI")
    return validate_predictions(p, y, groups=groups, threshold=0.649, n_boot=100,
                                threshold_label="surveillance -> treat as progression",
                                group_name="imaging available")


def test_report_is_self_contained_escaped_and_carries_the_notice(validation):
    doc = build_validation_report(validation, title="Site <A> & co", model_name="rn_vs_ttp",
                                 model_digest="d1g3st",
                                 notes={"data_source": "<script>alert(1)</script>",
                                        "outcome": "histopathology", "site": "x<y"})
    assert "<script>" not in doc and "&lt;script&gt;" in doc
    assert "Site &lt;A&gt; &amp; co" in doc and "x&lt;y" in doc
    assert "+ PET &lt;rare&gt;" in doc
    assert "Research use only. rnbayes is not a medical device" in doc
    assert len(re.findall(r"src='data:image/png;base64,", doc)) == 3
    assert not re.search(r"(src|href)=['\"]?(https?:)?//", doc)  # nothing fetched
    assert "@media print" in doc and "size:A4" in doc
    assert "TRIPOD" in doc and "No recalibration" in doc and "d1g3st" in doc
    assert "Definition: histopathology" in doc
    assert "not stated" in doc  # items left out say so

