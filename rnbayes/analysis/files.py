"""Any network file in, the full analysis out: :func:`load_network`.

A network written by GeNIe, Hugin, SamIam, pyAgrum, pgmpy or rnbayes itself (``.xdsl``,
``.net``, ``.bif``, ``.xmlbif``/``.bifxml``, ``.uai``) becomes a :class:`~rnbayes.Model`
on which :meth:`~rnbayes.Model.posterior`, :meth:`~rnbayes.Model.value_of_information`
and :meth:`~rnbayes.Model.sensitivity` run as on the bundled model. What a file cannot
say is filled in with stated defaults, each of which the caller can replace:

* **candidate tests** -- every observable node (all but the target) is a test that
  reveals that node, at **cost 0** (``catalog=`` gives real tests and costs);
* **utilities** -- 1 for calling the target's state right, 0 for calling it wrong, so
  the value of a test is the gain in the probability of a correct call
  (``utilities=`` gives a decision's own);
* **parameter uncertainty** -- a Dirichlet per table column with an equivalent sample
  size (``ess``, default 10) since a file has no sources
  (:mod:`rnbayes.spec.loaded`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from ..spec.catalog import CandidateTest, Catalog
from ..spec.formats import format_of, read_network
from ..spec.layout import readable
from ..spec.loaded import DEFAULT_ESS, UTILITY_FILE, spec_from_data
from ..spec.network import NetworkSpec
from ..spec.utilities import Utilities
from ..spec.yamlio import FileCache
from .model import Model

_LOADED = FileCache(4)
#: how the default catalogue and utilities of a loaded network say what they are
COST_NOTE = ("a network file gives no tests or costs: every observable node is a "
             "candidate test at cost 0 (pass catalog= for real tests and costs)")
UTILITY_SCALE = "correct calls (1 right, 0 wrong)"


def load_network(path: str | os.PathLike[str], *, target: str | None = None,
                 positive: str | None = None, ess: float = DEFAULT_ESS,
                 format: str | None = None) -> Model:
    """Read a network file into a :class:`~rnbayes.Model` with the full analysis.

    Parameters
    ----------
    path : str or path
        A ``.xdsl`` (GeNIe/SMILE), ``.net`` (Hugin, SamIam), ``.bif``, ``.xmlbif`` /
        ``.bifxml`` or ``.uai`` file.
    target : str, optional
        The node the analyses are about. Default: the one node in group ``target``
        (files written by :meth:`Model.save`); a file that does not mark one needs it.
    positive : str, optional
        The target state P(...) and the decisions refer to. Default: the last state of a
        marked two-state target, else the one state named ``yes``, ``true``,
        ``present``, ``positive`` or ``abnormal``.
    ess : float
        Equivalent sample size of each table column for :meth:`Model.sensitivity`:
        column ``p`` is drawn from Dirichlet(``ess`` x ``p``) (default 10).
    format : str, optional
        ``"bif"``, ``"xmlbif"``, ``"xdsl"``, ``"net"`` or ``"uai"`` when the suffix does
        not tell.

    Returns
    -------
    Model
        With a default catalogue (every observable node a test at cost 0) and default
        utilities (1 for a correct call of the target, 0 otherwise); both can be replaced
        per call with ``catalog=`` and ``utilities=``.

    Raises
    ------
    SpecError
        The file is missing, unreadable or malformed (one line naming the file).
    ParameterError
        The target or positive state is not given and the file does not mark it (the
        message says how to give it), or a bad ``ess``.

    Examples
    --------
    >>> import tempfile, rnbayes
    >>> path = rnbayes.load_model().save(tempfile.mkdtemp() + "/rn.xdsl")
    >>> loaded = rnbayes.load_network(path)
    >>> loaded.target, loaded.positive
    ('diagnosis', 'tumour_progression')
    >>> ev = {"enhancement_pattern": "thin_rim"}
    >>> p0 = rnbayes.load_model().posterior(ev).p_progression
    >>> abs(loaded.posterior(ev).p_progression - p0) < 1e-12
    True
    """
    p = Path(path)
    key = (str(p.resolve()), target, positive, ess, format)

    def build() -> Model:
        data = read_network(p, format)
        spec, records = spec_from_data(data, file=p.name, target=target, positive=positive,
                                       ess=ess)
        return Model.build(spec, records, network_path=p.resolve(),
                           default_catalog=default_catalog(spec, p.name, data.labels),
                           default_utilities=default_utilities(spec))

    format_of(p, format)  # an unknown suffix or format fails before the file is read
    return _LOADED.get(key, lambda: [p], build)


def default_catalog(spec: NetworkSpec, file: str,
                    labels: Mapping[str, str] | None = None) -> Catalog:
    """Every observable node of ``spec`` as a candidate test revealing it, at cost 0,
    named by the file's label of the node where it has one."""
    tests = tuple(CandidateTest(id=n, reveals=(n,), cost=0.0,
                                label=(labels or {}).get(n) or readable(n),
                                cost_basis="default", cost_reasoning=COST_NOTE)
                  for n in spec.observable)
    return Catalog(tests=tests, file=f"every observable node of {file} at cost 0 "
                   "(no catalogue given)", scale=UTILITY_SCALE)


def default_utilities(spec: NetworkSpec) -> Utilities:
    """Two actions -- call the target negative, call it positive -- worth 1 when right and
    0 when wrong; the recommendation changes at P(positive) = 0.5."""
    states = spec.states(spec.target)
    others = [s for s in states if s != spec.positive]
    negative = others[0] if len(others) == 1 else f"not_{spec.positive}"
    return Utilities(actions=(f"call_{negative}", f"call_{spec.positive}"),
                     table=np.eye(2), scale=UTILITY_SCALE, file=UTILITY_FILE,
                     name="1 for a correct call, 0 for a wrong one (the file has none)",
                     action_labels={f"call_{negative}": f"call {spec.target}={negative}",
                                    f"call_{spec.positive}":
                                        f"call {spec.target}={spec.positive}"})
