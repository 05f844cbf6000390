"""One place that checks the parameters of the public functions.

Every bad parameter raises :class:`~rnbayes.errors.ParameterError` worded the way
scikit-learn words it: ``The 'n_draws' parameter of sensitivity must be an int in the
range [2, inf). Got 1 instead.``

Examples
--------
>>> check_int(3, "n_draws", "sensitivity", minimum=2)
3
>>> check_int(1, "n_draws", "sensitivity", minimum=2)
Traceback (most recent call last):
...
rnbayes.errors.ParameterError: The 'n_draws' parameter of sensitivity must be an int ... Got 1 instead.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import ParameterError, excerpt, suggest

#: most parameter draws: they are held in memory (about 4 KB each on the bundled model)
MAX_DRAWS = 100_000
DRAWS_WHY = ("draws are held in memory, about 4 KB each; 100,000 already put the Monte Carlo "
             "error of a probability below 0.002")

#: the measures value of information can rank by (``rank_by``)
MEASURES = ("net_value", "evsi", "mutual_information", "expected_abs_change", "p_action_change")
#: the formats of a case report
FORMATS = ("html", "md", "json")


def fail(name: str, caller: str, must: str, value: Any, hint: str = "") -> ParameterError:
    """The error for ``name`` of ``caller``: it ``must`` be ...; got ``value`` (a short
    excerpt of it). ``hint`` is a :func:`~rnbayes.errors.suggest` suffix (``"; did you
    mean 'x'?"``) or any text to append."""
    extra = f" D{hint[3:]}" if hint.startswith("; d") else hint
    return ParameterError(f"The {name!r} parameter of {caller} must be {must}. "
                          f"Got {excerpt(value)} instead.{extra}")


def check_int(value: Any, name: str, caller: str, *, minimum: int,
              maximum: int | None = None, why: str = "") -> int:
    """``value`` as an int in ``[minimum, maximum]`` (bools are not ints here); ``why``
    explains the maximum in the message."""
    if (isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum
            or (maximum is not None and value > maximum)):
        top = "inf)" if maximum is None else f"{maximum}]"
        over = why and isinstance(value, numbers.Integral) and maximum is not None and value > maximum
        raise fail(name, caller, f"an int in the range [{minimum}, {top}", value,
                   f" ({why})" if over else "")
    return int(value)


def check_probability_level(value: Any, name: str, caller: str) -> float:
    """A credible level strictly between 0 and 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value < 1:
        raise fail(name, caller, "a float in the range (0, 1)", value)
    return float(value)


def check_choice(value: Any, name: str, caller: str, choices: Iterable[str]) -> str:
    """One of ``choices`` (with the closest ones suggested)."""
    choices = list(choices)
    if not isinstance(value, str) or value not in choices:
        hint = suggest(value, choices) if isinstance(value, str) else ""
        raise fail(name, caller, f"a str among {choices}", value, hint)
    return value


def check_pairs(value: Any, caller: str) -> bool | int:
    """``pairs``: True (all pairs), False (none) or an int k >= 0 (pairs among the top k)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral) and value >= 0:
        return int(value)
    raise fail("pairs", caller, "a bool or an int in the range [0, inf)", value)


def check_names(value: Any, name: str, caller: str, valid: Iterable[str]) -> list[str] | None:
    """An iterable of names from ``valid``, or one name (None stands for all of them)."""
    if value is None:
        return None
    valid = list(valid)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Iterable) or isinstance(value, Mapping):
        raise fail(name, caller, f"a name or a list of names among {valid}", value)
    out = list(value)
    for item in out:
        if item not in valid:
            hint = suggest(item, valid) if isinstance(item, str) else ""
            raise fail(name, caller, f"a name or a list of names among {valid}", item, hint)
    if not out:
        raise fail(name, caller, "a non-empty list of names", value)
    return out
