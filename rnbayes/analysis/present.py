"""The posterior as people read it: with the recommendation, the findings in words and,
on request, a quick credible interval.

:mod:`.posterior` computes P(TTP), the contributions and the conflict; this adds what a
reader needs next to them -- the recommended action under stated utilities, each
finding's state, number and label as separate fields, and the interval -- without
touching that computation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from .._params import check_int, fail
from ..results.posterior import Posterior
from ..spec.labels import labels_for
from ..spec.utilities import Utilities, resolve_utilities
from . import posterior as _posterior
from .findings import finding_columns
from .interval import QUICK_DRAWS, quick_interval


def interval_draws(interval: Any, caller: str) -> int:
    """``interval`` as a number of draws: False -> 0, True -> the quick default, an int
    >= 2 as given."""
    if isinstance(interval, bool):
        return QUICK_DRAWS if interval else 0
    try:
        return check_int(interval, "interval", caller, minimum=2)
    except Exception:
        raise fail("interval", caller, "a bool or an int in the range [2, inf)",
                   interval) from None


def posterior(model: Any, evidence: Mapping[str, Any] | None = None, *,
              utilities: Utilities | str | Path | None = None, interval: bool | int = False,
              seed: int = 0) -> Posterior:
    """See :meth:`rnbayes.Model.posterior`."""
    caller = "posterior"
    u = resolve_utilities(utilities if utilities is not None else model.default_utilities,
                          caller)
    draws = interval_draws(interval, caller)
    seed = check_int(seed, "seed", caller, minimum=0)
    labels = labels_for(model.network_path)
    findings = model.findings(evidence)  # validated once, for the posterior and the interval
    post = _posterior.of_findings(
        model, findings, sources=model.sources,
        decorate=lambda found, cols: finding_columns(model.spec, labels, found, cols))
    iv = (quick_interval(model, model.engine_evidence(findings), n_draws=draws, seed=seed)
          if draws else None)
    return replace(post, utilities=u, labels=labels, interval=iv, interval_draws=draws)
