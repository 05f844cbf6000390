"""Stage 4: the result objects every analysis returns (one contract, :mod:`.base`) and
the small typed values inside them (:mod:`.values`)."""

from .audit import Audit
from .base import Provenance, Result
from .compare import Comparison
from .marginals import Marginals
from .posterior import Posterior
from .sensitivity import Sensitivity
from .values import CredibleInterval, Threshold
from .voi import ValueOfInformation

__all__ = ["Audit", "Comparison", "CredibleInterval", "Marginals", "Posterior", "Provenance",
           "Result", "Sensitivity", "Threshold", "ValueOfInformation"]
