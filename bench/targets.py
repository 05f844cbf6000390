"""The targets of issue 13, each with the figure that answers it, computed from any list of
passes (all of them pooled, or one at a time to see whether a verdict holds in every run)."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass

from bench.public import PUBLIC as PUBLIC_POST
from bench.public import PUBLIC_COLD as PUBLIC_POST_COLD
from bench.public import PUBLIC_VOI
from bench.stats import Figure, ratio_of, row, t, time_of


@dataclass(frozen=True)
class Target:
    key: str
    what: str
    figure: str
    goal: str
    compute: Callable[[list[dict]], tuple[float | None, str]]  # value, display
    limit: float
    higher_is_better: bool  # ratios: at least the limit; times and memory: below it

    def ok(self, v: float) -> bool:
        return v >= self.limit if self.higher_is_better else v < self.limit

    def gap(self, v: float) -> float:
        """How far from the target, as a factor (above 1: short of it)."""
        return self.limit / v if self.higher_is_better else v / self.limit


def _worst_ratio(section: str, kmin: int, num: str, den: str):
    """The smallest ratio over the table's rows with at least ``kmin`` findings."""
    def compute(passes):
        got = []
        for k in [r["k"] for r in passes[0][section] if r["k"] >= kmin]:
            f = ratio_of(passes, lambda p, k=k: row(p[section], "k", k)["times"], num, den)
            if f is not None:
                got.append((f.value, k))
        if not got:
            return None, "n/a"
        worst, k = min(got)
        best, kb = max(got)
        return worst, f"{worst:.3g}× at {k} findings (best {best:.3g}× at {kb})"
    return compute


def _posterior_cold(passes):
    f = time_of(passes, lambda p: row(p["posterior"], "k", 25)["times"], PUBLIC_POST_COLD)
    return (None, "n/a") if f is None else (f.value, t(f.value))


def _sensitivity(draws: int, first: bool = True):
    def compute(passes):
        vals, later = [], []
        for p in passes:
            rows = [r for r in p.get("sensitivity", []) if r["draws"] == draws and not r["blas_one"]]
            if not rows:
                return None, "not measured (--quick)"
            vals.append(rows[0]["cold"] if first else statistics.median(rows[0]["warm"]))
            later += rows[0]["warm"]
        v = statistics.median(vals)
        more = f"; later calls {t(statistics.median(later))}" if later else ""
        return v, f"{t(v)} (first call{more})"
    return compute


def _above(p: dict, draws: int) -> float | None:
    rows = [r for r in p.get("sensitivity", []) if r["draws"] == draws and not r["blas_one"]]
    return rows[0]["peak_mb"] - rows[0]["rss_before_mb"] if rows else None


def _memory(passes):
    big = [_above(p, 100_000) for p in passes]
    if None in big:
        return None, "not measured (--quick)"
    v = max(big)
    shown = f"{v:.0f} MB above the loaded model (peak RSS)"
    small = [_above(p, 10_000) for p in passes]
    if None not in small:
        per = (v - max(small)) / 90  # MB per 1,000 extra draws
        shown += f"; {max(small):.0f} MB at 10,000 draws, so ~{per * 1024 / 1000:.1f} KB per extra draw"
    return v, shown


def _cli(prefix: str, draws: int | None = None):
    def compute(passes):
        runs = []
        for p in passes:
            name = next((n for n in p["cli"]["runs"] if n.startswith(prefix)), None)
            if name is None:
                return None, "n/a"
            if draws is not None and not name.endswith(f"--draws {draws}"):
                return None, f"not measured (`{name}` in --quick)"
            runs += [r["wall"] for r in p["cli"]["runs"][name]]
        v = statistics.median(runs)
        return v, f"{t(v)} wall (median)"
    return compute


TARGETS = [
    Target("1", "`model.posterior(ev)` with `.contributions` and `.conflict`, warm, 1–25 findings",
           "Posterior table: pgmpy VE / posterior()", "≥ 10× pgmpy VE",
           _worst_ratio("posterior", 1, "pgmpy VE", PUBLIC_POST), 10, True),
    Target("1", "same", "Posterior table: pyAgrum LP / posterior()", "≥ 3× pyAgrum LP (reused)",
           _worst_ratio("posterior", 1, "pyAgrum LP", PUBLIC_POST), 3, True),
    Target("1", "first call of a new evidence shape, 25 findings",
           "Posterior table: posterior() cold, 25 findings", "≤ 2 ms", _posterior_cold,
           2e-3, False),
    Target("2", "`model.value_of_information(ev)`, full result, warm, 1–15 findings (at 0 a "
           "reused pyAgrum engine repeats one inference for free)",
           "VOI table: pgmpy MI loop / value_of_information()", "≥ 10× pgmpy MI loop",
           _worst_ratio("voi", 1, "pgmpy VE", PUBLIC_VOI), 10, True),
    Target("2", "same", "VOI table: pyAgrum joint targets / value_of_information()",
           "≥ 2× pyAgrum joint-target engine",
           _worst_ratio("voi", 1, "pyAgrum LP", PUBLIC_VOI), 2, True),
    Target("3", "`model.sensitivity(ev, n_draws=10_000)`, whole call, BLAS threads active",
           "Sensitivity table, 10,000 draws", "< 1 s", _sensitivity(10_000), 1, False),
    Target("3", "100,000 draws", "Sensitivity table, 100,000 draws", "< 5 s",
           _sensitivity(100_000), 5, False),
    Target("3", "100,000 draws: memory", "Sensitivity table, 100,000 draws",
           "bounded: < 1 GB above the loaded model", _memory, 1024, False),
    Target("4", "`rnbayes assess CASE`, cold", "CLI table", "< 0.5 s", _cli("rnbayes assess"),
           0.5, False),
    Target("4", "`rnbayes --help`", "CLI table", "< 0.3 s", _cli("rnbayes --help"),
           0.3, False),
    Target("4", "`rnbayes report CASE` with 10,000 draws", "CLI table", "< 2.5 s",
           _cli("rnbayes report", 10_000), 2.5, False),
]


def verdict(target: Target, passes: list[dict]) -> tuple[str, str]:
    """(display of the pooled figure, verdict including whether it held in every run)."""
    value, shown = target.compute(passes)
    if value is None:
        return shown, "n/a"
    pooled = target.ok(value)
    each = [target.ok(v) for v, _ in (target.compute([p]) for p in passes) if v is not None]
    word = "met" if pooled else f"**not met** ({target.gap(value):.3g}× off)"
    if len(each) > 1 and len(set(each)) > 1:
        word += f" (met in {sum(each)} of {len(each)} runs)"
    return shown, word


def spread(target: Target, passes: list[dict]) -> str:
    vals = [target.compute([p])[0] for p in passes]
    vals = [v for v in vals if v is not None]
    if len(vals) < 2:
        return "—"
    lo, hi = min(vals), max(vals)
    if "×" in target.compute(passes)[1]:
        return f"{lo:.3g}×–{hi:.3g}×"
    return f"{t(lo)}–{t(hi)}" if "MB" not in target.compute(passes)[1] else f"{lo:.0f}–{hi:.0f} MB"


def figure_or_none(f: Figure | None) -> float | None:
    return None if f is None else f.value
