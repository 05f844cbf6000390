"""All exceptions and warnings raised by rnbayes live here.

Spec documents are validated in two stages, as in pyhf: :class:`SchemaError` when a
document does not have the required shape (checked against its JSON Schema), then
:class:`SemanticError` when it has the right shape but is inconsistent (an unknown
parent, a record of the wrong family, a mean outside its own interval, ...). Both carry
the file, the path inside it, the bad value and the expected form.

Examples
--------
>>> err = SchemaError("unknown key 'latnet'", file="net.yaml", path="nodes.rcbv",
...                   value="latnet", expected="one of ['cpt', 'latent', ...]")
>>> str(err)
"net.yaml: nodes.rcbv: unknown key 'latnet'"
>>> err.path, err.value
('nodes.rcbv', 'latnet')
"""

from __future__ import annotations

import difflib
import reprlib
from collections.abc import Iterable
from typing import Any

_UNSET: Any = object()


class RnbayesError(Exception):
    """Base class of every error raised by rnbayes."""


class SpecError(RnbayesError, ValueError):
    """A network, priors, tests, utilities or case document is malformed or inconsistent.

    The message names the file, the path inside it, the bad value and the expected form;
    the same facts are attributes (``file``, ``path``, ``value``, ``expected``).
    """

    def __init__(self, message: str, *, file: str | None = None, path: str | None = None,
                 value: Any = _UNSET, expected: str | None = None):
        self.file = file
        self.path = path
        self.value = None if value is _UNSET else value
        self.expected = expected
        where = ""
        if file:
            where = f"{file}"
            if path:
                where += f": {path}"
            where += ": "
        elif path:
            where = f"{path}: "
        super().__init__(f"{where}{message}")


class SchemaError(SpecError):
    """A document does not have the required shape (stage 1: its JSON Schema)."""


class SemanticError(SpecError):
    """A document has the right shape but is inconsistent (stage 2)."""


class CaseFileError(SchemaError):
    """A case file is missing, is not YAML, or does not match the case schema."""


class EvidenceError(RnbayesError, ValueError):
    """Evidence names an unknown node or state, an out-of-range number, the
    target, a latent node, or is impossible under the model."""


class ParameterError(RnbayesError, ValueError):
    """A function was called with a bad parameter value (``n_draws``, ``seed``, ``level``,
    ``pairs``, ``rank_by``, ``utilities``, ``tests``, ``catalog``, ...).

    Worded as scikit-learn words it: the parameter, the function, the allowed values in
    plain words, and the value received.
    """


class CohortError(RnbayesError, ValueError):
    """A cohort table, outcome column, set of predictions or cohort setting is unusable
    (unknown columns, an outcome other than the target's two states, an empty file,
    duplicated ids, ...). The message is one line naming the rows or value and the valid
    choices."""


class RnbayesWarning(UserWarning):
    """A statistical concern that is not an error (e.g. discordant FET readings)."""


class ImplausibleValueWarning(RnbayesWarning):
    """A number is possible but outside the measure's usual range (the network spec's
    ``plausible`` block says why), e.g. a lesion of 8 cm or 15 years after SRS."""


class _Excerpt(reprlib.Repr):
    def __init__(self) -> None:
        super().__init__()
        self.maxlevel, self.maxstring, self.maxother, self.maxlong = 3, 60, 60, 40
        self.maxdict = self.maxlist = self.maxtuple = self.maxset = 6

    def repr_int(self, x: int, level: int) -> str:
        try:
            return super().repr_int(x, level)
        except ValueError:  # more digits than int -> str allows
            return f"<an integer of {x.bit_length()} bits>"


_EXCERPT = _Excerpt()


def excerpt(value: Any, limit: int = 60) -> str:
    """A short ``repr`` of ``value`` for an error message: at most about ``limit``
    characters, whatever the size or nesting of the value (built with :mod:`reprlib`, so
    a huge value is never fully converted).

    Examples
    --------
    >>> excerpt("x" * 500)
    "'xxxxxxxxxxxxxxxxxxxxxxxx...xxxxxxxxxxxxxxxxxxxxxxxxxx'"
    >>> excerpt(10 ** 400)
    '100000000000000000...0000000000000000000'
    >>> excerpt([[["deep"]]] * 100)
    "[[['deep']], [['deep']], [['deep']], [['deep']], [['deep']], [['deep']], ...]"
    """
    text = _EXCERPT.repr(value)
    return text if len(text) <= limit + 20 else text[:limit] + "..."


def suggest(name: str, choices: Iterable[str], n: int = 3) -> str:
    """Return a ``"; did you mean ...?"`` suffix naming the closest choices.

    Examples
    --------
    >>> suggest("rcbvv", ["rcbv", "ktrans"])
    "; did you mean 'rcbv'?"
    >>> suggest("zzz", ["rcbv"])
    ''
    """
    close = difflib.get_close_matches(str(name), list(choices), n=n, cutoff=0.5)
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?"
