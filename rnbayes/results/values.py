"""Small typed values that results hand to users in place of dicts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..spec.utilities import Threshold

__all__ = ["CredibleInterval", "Threshold"]


@dataclass(frozen=True)
class CredibleInterval:
    """A central credible interval ``[low, high]`` holding probability ``level``.

    It unpacks as ``low, high`` and still answers ``interval["low"]`` as the dict it
    replaces did.

    Examples
    --------
    >>> iv = CredibleInterval(0.2, 0.4, 0.95)
    >>> lo, hi = iv
    >>> lo, hi, iv.level, iv["high"]
    (0.2, 0.4, 0.95, 0.4)
    >>> 0.3 in iv
    True
    >>> CredibleInterval(0.1349388039, 0.9512062611)
    CredibleInterval(low=0.1349, high=0.9512, level=0.95)
    """

    low: float
    high: float
    level: float = 0.95

    def __iter__(self) -> Iterator[float]:
        return iter((self.low, self.high))

    def __len__(self) -> int:
        return 2

    def __contains__(self, x: object) -> bool:
        return isinstance(x, (int, float)) and self.low <= x <= self.high

    def __getitem__(self, key: Any) -> float:
        if key in ("low", 0):
            return self.low
        if key in ("high", 1):
            return self.high
        if key == "level":
            return self.level
        if key in ("mean", "median"):
            raise KeyError(f"{key!r}: the interval's {key} is now Sensitivity.{key}")
        raise KeyError(key)

    def __repr__(self) -> str:
        return (f"CredibleInterval(low={self.low:.4f}, high={self.high:.4f}, "
                f"level={self.level:g})")

    @property
    def width(self) -> float:
        return self.high - self.low

    def to_dict(self) -> dict[str, float]:
        return {"level": self.level, "low": self.low, "high": self.high}
