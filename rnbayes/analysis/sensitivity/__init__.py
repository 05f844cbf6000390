"""How much a case's answer depends on the published figures behind the network.

:func:`sensitivity` runs, for one case,

1. a probabilistic analysis (:mod:`.probabilistic`): every sourced parameter drawn from
   its distribution; the credible interval of P(TTP), the probability that the
   recommendation differs, the interval of each test's mutual information;
2. a one-way analysis (tornado, :mod:`.parameters`): each parameter at its lower and upper
   quantile with the others at their point values;
3. flip points (:mod:`.flips`): for the most influential parameters, the value at which
   the recommended action changes, or a statement that none does;
4. the prior curve (:mod:`.prior_curve`): P(TTP | findings) as a function of the prior.
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import TqdmWarning

with warnings.catch_warnings():  # in Jupyter without ipywidgets: a text bar, not a warning
    warnings.simplefilter("ignore", TqdmWarning)
    from tqdm.auto import tqdm

from ..._params import DRAWS_WHY, MAX_DRAWS, check_choice, check_int, check_probability_level
from ...results.base import Provenance
from ...results.sensitivity import Sensitivity
from ...results.voi import MEASURES
from ...spec.catalog import Catalog, resolve_catalog
from ...spec.compiled import CompiledModel
from ...spec.labels import labels_for
from ...spec.utilities import Utilities, resolve_utilities
from ..posterior import p_target
from .flips import flip_points
from .parameters import tornado, with_labels
from .prior_curve import context_prior, prior_curve
from .probabilistic import draw, interval
from .ranking import batched_measures, nodes_to_reveal, ranking_robustness

__all__ = ["MAX_DRAWS", "sensitivity"]


def sensitivity(model: CompiledModel, evidence: Mapping[str, Any] | None = None, *,
                n_draws: int = 10_000, seed: int = 0,
                utilities: Utilities | str | Path | None = None,
                catalog: Catalog | str | Path | None = None, level: float = 0.95,
                progress: bool | None = None, tests: Iterable[str] | None = None,
                rank_by: str = "net_value") -> Sensitivity:
    """Uncertainty and sensitivity of one case's P(TTP) to the sourced parameters.

    Parameters
    ----------
    model : Model
    evidence : mapping, optional
        The case's findings, in any form :meth:`Model.posterior` accepts.
    n_draws : int
        Monte Carlo parameter draws (default 10,000; from 2 to ``MAX_DRAWS`` = 100,000).
    seed : int
        Seed of the random generator; the same seed gives the same result.
    utilities : Utilities, path or bundled set name, optional
        Decision utilities (default: the bundled ``priors/utilities.yaml``).
    catalog : Catalog or path, optional
        Candidate tests (default: ``tests.yaml`` beside the network, else the bundled one).
    level : float
        Probability inside the credible intervals and between the tornado's quantiles
        (default 0.95).
    progress : bool, optional
        A progress bar on stderr (tqdm) for runs over ~2 s: None (default) shows it only
        on a terminal, False never, True always (a widget in a notebook).
    tests : iterable of str, optional
        The tests whose ranking is checked for robustness (default: the whole catalogue),
        as in :meth:`Model.value_of_information`.
    rank_by : str
        The ranking measure, as in :meth:`Model.value_of_information` (default net value).

    Returns
    -------
    Sensitivity

    Raises
    ------
    ParameterError
        A bad ``n_draws``, ``seed``, ``level``, ``utilities`` or ``catalog``.

    Examples
    --------
    >>> import rnbayes
    >>> s = sensitivity(rnbayes.load_model(), {"enhancement_pattern": "nodular"},
    ...                 n_draws=500, seed=1, progress=False)
    >>> lo, hi = s.interval
    >>> bool(lo <= s.p_progression <= hi) and 0.0 <= s.p_decision_differs <= 1.0
    True
    """
    t0 = time.perf_counter()
    caller = "sensitivity"
    n_draws = check_int(n_draws, "n_draws", caller, minimum=2, maximum=MAX_DRAWS, why=DRAWS_WHY)
    seed = check_int(seed, "seed", caller, minimum=0)
    level = check_probability_level(level, "level", caller)
    rank_by = check_choice(rank_by, "rank_by", caller, MEASURES)
    u = resolve_utilities(utilities if utilities is not None else model.default_utilities,
                          caller)
    cat = resolve_catalog(catalog, caller, model.catalog_default())
    cat.check(model.nodes, model.spec.latent, model.target)
    chosen = cat.select(tests, caller)
    findings = model.findings(evidence)
    ev = model.engine_evidence(findings)
    p_point = p_target(model, ev)[0]
    todo = nodes_to_reveal(model, ev, chosen)
    by_id, pos = {t.id: t for t in chosen}, model.positive_index
    show = progress if progress is not None else sys.stderr.isatty()
    with tqdm(total=n_draws + 3, disable=not show, delay=2.0, leave=False,
              desc="rnbayes sensitivity", unit="step") as bar:
        drawn = draw(model, ev, todo, n_draws=n_draws, seed=seed, on_chunk=bar.update,
                     measure=lambda tid, joint: batched_measures(joint, pos, u, by_id[tid]))
        p_draws = drawn.p_positive
        best_point = int(u.best_index(p_point))
        best_draws = u.best_index(p_draws)
        ranking, p_no_test = ranking_robustness(model, ev, drawn.measures, chosen, u, rank_by,
                                                level)
        bar.update()
        labels = labels_for(model.network_path)
        table, params = tornado(model, ev, level)
        table = with_labels(model, labels, table, params)
        bar.update()
        flips = with_labels(model, labels, flip_points(model, ev, table, params, u, p_point),
                            params)
        bar.update()
        prior_case = context_prior(model, ev)
        lr, curve, prior_flips = prior_curve(p_point, prior_case, u)
    return Sensitivity(
        p_progression=p_point, action=u.actions[best_point], interval=interval(p_draws, level),
        p_decision_differs=float(np.mean(best_draws != best_point)),
        action_shares={a: float(np.mean(best_draws == i)) for i, a in enumerate(u.actions)},
        draws=p_draws, tornado=table, flip_points=flips, prior_curve=curve,
        prior_case=prior_case, likelihood_ratio=lr, prior_thresholds=prior_flips, utilities=u,
        ranking=ranking, rank_by=rank_by, p_no_test=p_no_test, n_draws=n_draws,
        n_records_drawn=drawn.n_records,
        elapsed=time.perf_counter() - t0, evidence={n: f.given for n, f in findings.items()},
        provenance=Provenance.of(model.name, model.digest, seed=seed), labels=labels)
