"""A quick credible interval of P(TTP) for a headline: only the parameter draws.

The full :func:`~rnbayes.analysis.sensitivity.sensitivity` adds a tornado, flip points,
the prior curve and the test-ranking robustness; a headline needs only the interval, so
this draws the records behind the target and the findings and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..results.values import CredibleInterval
from ..spec.compiled import CompiledModel

#: parameter draws of a quick interval (``posterior(..., interval=True)``, ``assess
#: --interval``); the full sensitivity analysis defaults to 10,000
QUICK_DRAWS = 2000


def quick_interval(model: CompiledModel, ev: Mapping[str, Any], *, n_draws: int = QUICK_DRAWS,
                   seed: int = 0, level: float = 0.95) -> CredibleInterval:
    """Central credible interval of P(positive) given engine evidence ``ev`` over
    ``n_draws`` seeded draws of the published figures.

    Examples
    --------
    >>> import rnbayes
    >>> m = rnbayes.load_model()
    >>> ev = m.engine_evidence(m.findings({"enhancement_pattern": "nodular"}))
    >>> iv = quick_interval(m, ev, n_draws=300)
    >>> 0.0 <= iv.low <= iv.high <= 1.0
    True
    """
    from .sensitivity.probabilistic import draw, interval  # the draws: only when asked

    return interval(draw(model, ev, {}, n_draws=n_draws, seed=seed).p_positive, level)
