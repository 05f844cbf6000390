"""Property-based fuzzing of every input path (hypothesis).

Two profiles: ``ci`` (the default; a few seconds in all, derandomised so CI is stable) and
``thorough`` (``HYPOTHESIS_PROFILE=thorough python -m pytest tests/fuzz``; thousands of
examples, run by hand). The profiles apply to these tests only (:func:`fuzz`), not to the
rest of the suite.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=25, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")


def fuzz(ci_examples: int) -> settings:
    """The active profile, with ``ci_examples`` examples under ``ci``."""
    base = settings.get_profile(PROFILE)
    return settings(base, max_examples=ci_examples if PROFILE == "ci" else base.max_examples)
