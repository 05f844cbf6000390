"""The result of an audit (:meth:`rnbayes.Model.audit`): implied vs published accuracy and
the review's directions, with pass/fail, text, JSON and HTML views."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .._provenance import NOTICE
from .base import Result
from .render import html_table, records


def _fmt(x: Any, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if isinstance(x, float):
        return "inf" if math.isinf(x) else f"{x:.{digits}f}"
    return str(x)


def _flag(x: Any) -> str:
    if x is True:
        return "yes"
    if x is False:
        return "NO"
    return "-"


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _failed_checks(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """Rows that are checks (``role == "check"``) and fail any of ``cols``."""
    if df.empty or "role" not in df:
        return df.iloc[0:0]
    chk = df[df["role"] == "check"]
    bad = pd.Series(False, index=chk.index)
    for c in cols:
        if c in chk:
            bad |= chk[c].map(lambda v: v is False)
    return chk[bad]


def _published(r: pd.Series, key: str, lo: str, hi: str) -> str:
    """``0.816 (0.71-0.89)``; ``*`` marks a Jeffreys interval; ``(no CI, tol)`` a value
    checked within a tolerance because no interval was published."""
    if _missing(r.get(lo)):
        return _fmt(r.get(key))
    if str(r.get("interval", "")).startswith("tolerance"):
        return f"{_fmt(r.get(key))} (no CI, tol)"
    mark = "*" if str(r.get("interval", "")).startswith("jeffreys") else ""
    return f"{_fmt(r.get(key))} ({_fmt(r.get(lo), 2)}-{_fmt(r.get(hi), 2)}){mark}"


@dataclass(frozen=True, eq=False, kw_only=True)
class Audit(Result):
    """Implied vs published accuracy and the review's directions for one model.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per test and comparator: ``node``, ``label``, ``favours_ttp``,
        ``implied_sn``, ``implied_sp``, ``lr_pos``, ``lr_neg``, ``basis`` (of the records
        feeding the node), ``role`` (``check`` or ``context``), ``source``,
        ``published_sn``/``sn_low``/``sn_high`` and the same for specificity, ``interval``
        (published, jeffreys from counts, tolerance), ``inside_sn``, ``inside_sp``, ``note``.
    strata : pandas.DataFrame
        P(TTP) in a context stratum against a cohort that measured it.
    combinations : pandas.DataFrame
        Combined readings against the figure or bound published for the combination.
    directions : pandas.DataFrame
        Each directional statement: ``section`` of the review, ``statement``, ``expected``,
        ``shift`` (change in log-odds of TTP), ``holds``, ``status`` (checked, contested,
        not_encoded).
    prior_progression : float
        The model's P(TTP) with no findings.
    source : str
        The comparator file.
    """

    table: pd.DataFrame = field(repr=False)
    strata: pd.DataFrame = field(repr=False)
    combinations: pd.DataFrame = field(repr=False)
    directions: pd.DataFrame = field(repr=False)
    prior_progression: float
    source: str = ""

    # -- checks ----------------------------------------------------------------------
    def failures(self) -> list[str]:
        """One line per failed check (empty when the audit passes)."""
        out = []
        for _, r in _failed_checks(self.table, ["inside_sn", "inside_sp"]).iterrows():
            out.append(f"{r['node']}: implied Sn {_fmt(r['implied_sn'])} / Sp "
                       f"{_fmt(r['implied_sp'])} outside {r['source']}")
        for name in ("strata", "combinations"):
            for _, r in _failed_checks(getattr(self, name), ["holds"]).iterrows():
                out.append(f"{r['id']}: model {_fmt(r['model'])} outside {_fmt(r['low'])}-"
                           f"{_fmt(r['high'])} ({r['source']})")
        d = self.directions
        if not d.empty:
            for _, r in d[d["holds"].map(lambda v: v is False)].iterrows():
                out.append(f"direction {r['id']} (review {r['section']}): expected "
                           f"{r['expected']}, shift {_fmt(r['shift'])}")
        return out

    @property
    def passed(self) -> bool:
        """True when every implied figure is inside its checked interval and every checked
        direction holds."""
        return not self.failures()

    # -- views -----------------------------------------------------------------------
    def _content(self) -> dict[str, Any]:
        return {"comparators": self.source, "prior_progression": self.prior_progression,
                "passed": self.passed, "failures": self.failures(),
                "tests": records(self.table), "strata": records(self.strata),
                "combinations": records(self.combinations),
                "directions": records(self.directions)}

    def to_frame(self) -> pd.DataFrame:
        """The implied vs published accuracy table (a copy)."""
        return self.table.copy()

    def summary(self) -> str:
        lines = [f"rnbayes audit of {self.model_name} (digest {self.model_digest}); "
                 f"default P(TTP) {self.prior_progression:.3f}", "",
                 f"{'test':<30} {'Sn':>6} {'Sp':>6} {'LR+':>6} {'LR-':>6}  "
                 f"{'published Sn (95%)':<20} {'published Sp (95%)':<20} {'in?':<7} "
                 f"{'role':<13} source"]
        lines += [self._test_line(r) for _, r in self.table.iterrows()]
        for name, title in (("strata", "P(TTP) in context strata"),
                            ("combinations", "Combined readings")):
            df = getattr(self, name)
            if df.empty:
                continue
            lines += ["", title]
            for _, r in df.iterrows():
                lines.append(f"  {r['label'][:62]:<62} model {_fmt(r.get('model'))} "
                             f"vs {_fmt(r.get('published'))} [{_fmt(r.get('low'))}-"
                             f"{_fmt(r.get('high'))}] {_flag(r.get('holds')):<4} {r['role']}")
        lines += ["", "Directional statements (shift = change in log-odds of TTP)"]
        for _, r in self.directions.iterrows():
            verdict = _flag(r.get("holds")) if r["status"] == "checked" else r["status"]
            lines.append(f"  [{r['section']:>4}] {r['statement'][:70]:<70} {r['expected']:<12} "
                         f"{_fmt(r.get('shift'), 2):>6} {verdict}")
        fails = self.failures()
        lines += ["", "* Jeffreys interval from the published counts; 'no CI, tol': no interval "
                  "was published, checked within the comparator's tolerance"]
        lines += ["", "PASSED: every check holds" if not fails else
                  f"FAILED: {len(fails)} check(s)", *(f"  - {f}" for f in fails), "", NOTICE]
        return "\n".join(lines)

    @staticmethod
    def _test_line(r: pd.Series) -> str:
        pub = [_published(r, k, lo, hi) for k, lo, hi in (("published_sn", "sn_low", "sn_high"),
                                                          ("published_sp", "sp_low", "sp_high"))]
        inside = "/".join(_flag(r.get(k)) for k in ("inside_sn", "inside_sp"))
        return (f"{r['label'][:30]:<30} {_fmt(r.get('implied_sn')):>6} "
                f"{_fmt(r.get('implied_sp')):>6} {_fmt(r.get('lr_pos'), 2):>6} "
                f"{_fmt(r.get('lr_neg'), 2):>6}  {pub[0]:<20} {pub[1]:<20} "
                f"{inside:<7} {r.get('role', '')!s:<13} {str(r.get('source', ''))[:60]}")

    def headline(self) -> str:
        """The audit in one line: how many checks hold, and how the review's directional
        statements fare."""
        counts = []
        for what, df, cols in (("tests inside the published interval", self.table,
                                ["inside_sn", "inside_sp"]),
                               ("strata", self.strata, ["holds"]),
                               ("combined readings", self.combinations, ["holds"])):
            checks = df[df["role"] == "check"] if not df.empty and "role" in df else df
            if len(checks):
                bad = len(_failed_checks(df, cols))
                counts.append(f"{len(checks) - bad} of {len(checks)} {what}")
        d = self.directions
        if not d.empty:
            held = int(d["holds"].map(lambda v: v is True).sum())
            failed = int(d["holds"].map(lambda v: v is False).sum())
            others = d.loc[d["status"] != "checked", "status"].value_counts()
            counts.append(f"directions: {held} hold, {failed} fail" + "".join(
                f", {n} {str(k).replace('_', ' ')}" for k, n in others.items()))
        verdict = "passed" if self.passed else f"FAILED ({len(self.failures())} checks)"
        return f"Audit {verdict}: " + "; ".join(counts)

    def _repr_html_(self) -> str:
        parts = [f"<p><b>{html.escape(self.headline())}</b></p>"]
        for title, df, cols in (
                ("Implied vs published accuracy", self.table,
                 ["label", "implied_sn", "implied_sp", "lr_pos", "lr_neg", "published_sn",
                  "sn_low", "sn_high", "published_sp", "sp_low", "sp_high", "inside_sn",
                  "inside_sp", "role", "source"]),
                ("Context strata", self.strata, ["label", "model", "published", "low", "high",
                                                 "holds", "role", "source"]),
                ("Combined readings", self.combinations, ["label", "model", "published", "low",
                                                          "high", "holds", "role", "source"]),
                ("Directional statements", self.directions,
                 ["section", "statement", "expected", "shift", "holds", "status", "note"])):
            if df.empty:
                continue
            parts.append(f"<h5>{html.escape(title)}</h5>"
                         + html_table(df[[c for c in cols if c in df]]))
        parts.append(f"<p><em>{html.escape(NOTICE)}</em></p>")
        return "\n".join(parts)

    def __repr__(self) -> str:
        return (f"Audit(passed={self.passed}, tests={len(self.table)}, "
                f"directions={len(self.directions)}, prior_progression="
                f"{self.prior_progression:.3f})")
