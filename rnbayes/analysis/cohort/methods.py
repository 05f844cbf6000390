"""The cohort methods of :class:`rnbayes.Model`: score, validate, update, simulate.

Kept apart from the one-case analyses in :mod:`rnbayes.analysis.model`; each method is a
thin, documented entry point to the modules of this package, imported when first used
(``import rnbayes`` does not load them).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ...spec.compiled import CompiledModel

if TYPE_CHECKING:  # pandas and the cohort modules load when a method is first called
    import pandas as pd

    from ...results.validation import Validation
    from ...spec.catalog import Catalog
    from ...spec.utilities import Utilities

M = TypeVar("M", bound=CompiledModel)


class CohortMethods:
    """Many lesions at once (mixed into :class:`rnbayes.Model`)."""

    def score(self, data: pd.DataFrame | str | Path, *, id_column: str | None = None,
              passthrough: Sequence[str] = (), utilities: Utilities | str | Path | None = None,
              interval: bool = False, next_test: bool = False, n_draws: int = 1000,
              seed: int = 0, level: float = 0.95, catalog: Catalog | str | Path | None = None,
              errors: str = "report", progress: bool | None = None) -> pd.DataFrame:
        """P(TTP) and the recommended action for every lesion of a cohort.

        Parameters
        ----------
        data : DataFrame, or path of a CSV or Parquet file
            One row per lesion. Columns are node names, measurement keys
            (``rcbv``, ``fet_tbr_max``, ...) or aliases from ``networks/columns.yaml``
            (``rcbv_ratio``, ``tbr_max``, ...); values are state names or, for
            measurements, numbers (converted with the published cut-offs, as for one
            case); a blank or NaN means not recorded. A cell may also hold a mapping
            state -> likelihood (an uncertain read).
        id_column : str, optional
            The lesion id column (default: the first of ``lesion_id``, ``id``, ... present).
        passthrough : list of str
            Other columns to carry into the output untouched (a column named after the
            diagnosis always is).
        utilities : Utilities, path or bundled set name, optional
            Decision utilities for the recommended action.
        interval : bool
            Add ``p_low`` and ``p_high``: the central ``level`` credible interval of P(TTP)
            from ``n_draws`` draws of every sourced parameter (``seed``; the same draws for
            every lesion).
        next_test : bool
            Add ``next_test``, ``next_test_evsi`` and ``next_test_net_value``: the test
            ``value_of_information`` ranks first by net value, or ``"none"`` when no test
            is worth its cost (``catalog``: the candidate tests).
        errors : {"report", "raise"}
            ``"report"``: rows with a bad value are not scored, keep their place with the
            reason in ``error``, and are listed in ``.attrs["errors"]`` (row, id, column,
            value, reason); a warning says how many. ``"raise"``: the first bad value
            raises.
        progress : bool, optional
            A progress bar on stderr (default: only when stderr is a terminal).

        Returns
        -------
        pandas.DataFrame
            The input's index and row order: the id and carried-through columns, then
            ``p_progression``, ``action`` (and the optional columns), ``error``.

        Raises
        ------
        CohortError
            Unknown columns (with the closest names), blank or repeated ids, no rows.

        Examples
        --------
        >>> import pandas as pd, rnbayes
        >>> model = rnbayes.load_model()
        >>> df = pd.DataFrame({"lesion_id": ["a", "b"], "enhancement_pattern": ["thin_rim", "nodular"],
        ...                    "rcbv_ratio": [1.4, None], "months_since_srs": [9, 20]})
        >>> scored = model.score(df)
        >>> list(scored.columns)
        ['lesion_id', 'p_progression', 'action', 'error']
        >>> p = model.posterior({"enhancement_pattern": "thin_rim", "rcbv": 1.4, "months_since_srs": 9})
        >>> bool(abs(scored["p_progression"][0] - p.p_progression) < 1e-12)
        True
        """
        from .scoring import score

        return score(self, data, id_column=id_column, passthrough=passthrough,  # type: ignore[arg-type]
                     utilities=utilities, interval=interval, next_test=next_test,
                     n_draws=n_draws, seed=seed, level=level, catalog=catalog, errors=errors,
                     progress=progress)

    def validate(self, data: pd.DataFrame | str | Path, *, outcome: str,
                 id_column: str | None = None, passthrough: Sequence[str] = (),
                 utilities: Utilities | str | Path | None = None, n_boot: int = 2000,
                 seed: int = 0, level: float = 0.95, n_bins: int = 10,
                 strategy: str = "uniform", progress: bool | None = None) -> Validation:
        """How well the model's P(TTP) agrees with known outcomes in a cohort.

        Scores every lesion (as :meth:`score`) and compares with ``outcome``: ROC AUC and
        Brier score with stratified bootstrap intervals (``n_boot``, ``seed``, ``level``),
        the Brier decomposition, the calibration curve (``n_bins``, ``strategy``) with
        intercept and slope, the decision curve with the utilities' threshold marked, and
        the same by the imaging available (``.by_imaging``). Rows with a bad finding are
        left out with a warning and a note.

        Parameters
        ----------
        outcome : str
            The column holding the true diagnosis: one of the target's two states
            (``radiation_necrosis``, ``tumour_progression``) in every row.

        Returns
        -------
        Validation

        Raises
        ------
        CohortError
            Outcome values other than the two states (naming the rows), a single outcome
            class, column problems (see :meth:`score`).

        Examples
        --------
        >>> import rnbayes
        >>> model = rnbayes.load_model()
        >>> cohort = model.simulate(2000, seed=1, missing="realistic")
        >>> v = model.validate(cohort, outcome="diagnosis", n_boot=200)
        >>> 0.8 < v.auc.value <= 1.0 and list(v.by_imaging["group"])[0]
        'conventional MRI only'
        """
        from .validate import validate_cohort

        return validate_cohort(self, data, outcome=outcome, id_column=id_column,  # type: ignore[arg-type]
                               passthrough=passthrough, utilities=utilities, n_boot=n_boot,
                               seed=seed, level=level, n_bins=n_bins, strategy=strategy,
                               progress=progress)

    def update(self: M, data: pd.DataFrame | str | Path, *, outcome: str, weight: float = 1.0,
               id_column: str | None = None, passthrough: Sequence[str] = (),
               max_iter: int = 100, tol: float = 1e-8) -> M:
        """A new model whose prior records are updated with a site's own cohort.

        Each Beta or Dirichlet record that is directly a probability the data estimate (a
        table entry, a latent test's sensitivity or specificity, the baseline P(TTP)) takes
        the published figure as pseudo-counts -- the record's own effective sample size
        times ``weight`` -- plus the cohort's counts; findings missing in some lesions are
        handled by expectation-maximisation over the batched engine. Odds ratios, noisy-max
        cause strengths, masking probabilities and latent nodes' tables stay as published
        (see :mod:`rnbayes.analysis.cohort.counts`). Each updated record keeps its sources
        and gains ``local_update`` (method, n, counts, weight, the published
        distribution); ``model.sources`` labels it ``+ local data (n=...)``.

        Parameters
        ----------
        outcome : str
            The column holding the true diagnosis (as in :meth:`validate`).
        weight : float
            Multiplier of the published pseudo-counts (> 0; ``inf`` keeps the published
            figures). 1 weighs each record as its own effective sample size.
        max_iter, tol : int, float
            Expectation-maximisation stops when no record's mean moves by more than
            ``tol`` (and fails after ``max_iter`` iterations).

        Returns
        -------
        Model
            A new model (the original is unchanged); its digest differs.

        Examples
        --------
        >>> import rnbayes
        >>> model = rnbayes.load_model()
        >>> local = model.update(model.simulate(500, seed=2), outcome="diagnosis")
        >>> local.digest != model.digest
        True
        >>> "local data (n=500)" in local.records["mrs_sensitivity"].label
        True
        """
        from .validate import update_cohort

        new, _ = update_cohort(self, data, outcome=outcome, weight=weight,  # type: ignore[arg-type]
                               id_column=id_column, passthrough=passthrough,
                               max_iter=max_iter, tol=tol)
        return new  # type: ignore[return-value]

    def simulate(self, n: int, *, seed: int = 0, missing: Any = "none",
                 hide: Sequence[str] | None = None) -> pd.DataFrame:
        """A synthetic cohort drawn from the model, with the diagnosis as a column.

        Parameters
        ----------
        n : int
            Number of lesions.
        seed : int
            The same seed gives the same lesions whatever ``missing`` is.
        missing : "none", float, "realistic" or mapping
            ``"none"``; a missing rate for every test and finding (missing completely at
            random); ``"realistic"``: conventional MRI always, DWI/SWI usually, perfusion
            often, PET rarely (judgement rates in ``networks/missingness.yaml``); or a
            mapping node-or-test -> missing rate. A test's nodes go missing together.
        hide : list of str, optional
            Findings never recorded in this cohort (latent nodes always are).

        Returns
        -------
        pandas.DataFrame
            One categorical column per node (NaN = not recorded).

        Examples
        --------
        >>> import rnbayes
        >>> cohort = rnbayes.load_model().simulate(100, seed=1, missing="realistic")
        >>> len(cohort), bool(cohort["enhancement_pattern"].notna().all())
        (100, True)
        """
        from .sampling import check_count, simulate_model

        check_count(n)
        return simulate_model(self, n, seed=seed, missing=missing, hide=hide)  # type: ignore[arg-type]
