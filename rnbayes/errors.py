"""All exceptions and warnings raised by rnbayes live here."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class RnbayesError(Exception):
    """Base class of every error raised by rnbayes."""


class SpecError(RnbayesError, ValueError):
    """A network or priors file is malformed or inconsistent.

    The message names the file, the path inside it, the bad value and the
    expected form.
    """

    def __init__(self, message: str, *, file: str | None = None, path: str | None = None):
        self.file = file
        self.path = path
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
    """A spec document does not have the required shape (stage 1 of validation)."""


class SemanticError(SpecError):
    """A spec document has the right shape but is inconsistent (stage 2)."""


class EvidenceError(RnbayesError, ValueError):
    """Evidence names an unknown node or state, an out-of-range number, the
    target, a latent node, or is impossible under the model."""


class CaseFileError(RnbayesError, ValueError):
    """A case file is missing, is not YAML, or lacks an ``evidence`` mapping."""


class RnbayesWarning(UserWarning):
    """A statistical concern that is not an error (e.g. discordant FET readings)."""


def suggest(name: str, choices: Iterable[str], n: int = 3) -> str:
    """Return a ``"; did you mean ...?"`` suffix naming the closest choices."""
    close = difflib.get_close_matches(str(name), list(choices), n=n, cutoff=0.5)
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?"
