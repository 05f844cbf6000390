"""Pooling the passes: medians over every round of every pass, per-round ratios, and the
spread of each figure between passes (the min and max of the per-pass medians)."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Getter = Callable[[dict], dict[str, list[float]] | None]


@dataclass(frozen=True)
class Figure:
    """A pooled median and its per-pass medians."""

    value: float
    per_pass: tuple[float, ...]

    @property
    def lo(self) -> float:
        return min(self.per_pass)

    @property
    def hi(self) -> float:
        return max(self.per_pass)


def _samples(p: dict, get: Getter, name: str) -> list[float] | None:
    try:
        times = get(p)
    except (KeyError, IndexError, StopIteration, TypeError):
        return None
    if not times or name not in times or not times[name]:
        return None
    return times[name]


def time_of(passes: list[dict], get: Getter, name: str) -> Figure | None:
    per = [_samples(p, get, name) for p in passes]
    if any(x is None for x in per):
        return None
    return Figure(statistics.median([x for xs in per for x in xs]),
                  tuple(statistics.median(xs) for xs in per))


def ratio_of(passes: list[dict], get: Getter, num: str, den: str) -> Figure | None:
    """num / den from the interleaved rounds: the median of per-round ratios."""
    per = []
    for p in passes:
        a, b = _samples(p, get, num), _samples(p, get, den)
        if a is None or b is None:
            return None
        per.append([x / y for x, y in zip(a, b) if y > 0])
    return Figure(statistics.median([x for xs in per for x in xs]),
                  tuple(statistics.median(xs) for xs in per))


def row(rows: list[dict], key: str, value: Any) -> dict:
    return next(r for r in rows if r.get(key) == value)


# -- formatting -------------------------------------------------------------------------
def t(x: float | None) -> str:
    if x is None:
        return "n/a"
    if x < 1e-3:
        return f"{x * 1e6:.3g} µs"
    if x < 1:
        return f"{x * 1e3:.3g} ms"
    return f"{x:.3g} s"


def tf(f: Figure | None, spread: bool = False) -> str:
    if f is None:
        return "n/a"
    if spread and len(f.per_pass) > 1:
        return f"{t(f.value)} ({t(f.lo)}–{t(f.hi)})"
    return t(f.value)


def x(f: Figure | None, spread: bool = True) -> str:
    if f is None:
        return "n/a"
    def one(v: float) -> str:
        return f"{v:.3g}×" if v < 100 else f"{v:.0f}×"
    if spread and len(f.per_pass) > 1:
        return f"{one(f.value)} ({one(f.lo)}–{one(f.hi)})"
    return one(f.value)


def mb(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.0f} MB"
