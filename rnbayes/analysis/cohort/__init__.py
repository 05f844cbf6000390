"""Cohorts: many lesions at once.

:mod:`.validation` with :mod:`.metrics` and :mod:`.inputs` (predicted P(TTP) against
known outcomes), :mod:`.sampling` and :mod:`.missingness` (synthetic cohorts),
:mod:`.exact` (what a model would score on its own synthetic cohorts, exactly).
The public entry points are methods of :class:`rnbayes.Model`.
"""
