"""Constant folding planned once on the structure, run on tables with or without a batch axis.

The batched-row engine (:mod:`.rows`) needs the same folding as a single query -- every
variable that is neither a target nor observed in any row summed out ahead of time --
but for tables that may carry a leading batch axis of parameter draws (the per-lesion
credible interval). Which variables to eliminate, in which order, and which factors to
merge depend only on the variables' cardinalities, never on the numbers; so the
elimination is planned once as a list of einsum steps (:class:`FoldPlan`) and then run on
point tables or on batched ones alike (numpy's ``...`` carries the batch axis).

The order is greedy, the rule and cap of :func:`.fold.fold` (which folds eagerly): the
variable whose elimination creates the smallest factor first, never creating one larger
than ``cap`` entries or than the largest factor it replaces; a factor whose variables all
lie in another factor is multiplied into it.
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .fold import FOLD_CAP


@dataclass(frozen=True)
class Step:
    """One einsum: the product of factors ``inputs`` summed down to ``axes``."""

    inputs: tuple[int, ...]
    axes: tuple[str, ...]


@dataclass(frozen=True)
class FoldPlan:
    """Folding of a set of factors (by scope) down to the variables in ``keep``.

    ``steps`` create factors ``n_inputs, n_inputs + 1, ...`` in order; ``result`` lists
    the ids of the factors left at the end, and ``scopes`` every factor's axes.

    Examples
    --------
    >>> plan = FoldPlan.build([("a",), ("b", "a")], {"b"}, {"a": 2, "b": 2})
    >>> out = plan.run([np.array([0.3, 0.7]), np.array([[0.9, 0.2], [0.1, 0.8]])])
    >>> [(f.round(2).tolist(), axes) for f, axes in out]
    [([0.41, 0.59], ('b',))]
    """

    n_inputs: int
    steps: tuple[Step, ...]
    result: tuple[int, ...]
    scopes: tuple[tuple[str, ...], ...]

    @classmethod
    def build(cls, scopes: Sequence[tuple[str, ...]], keep: set[str], card: Mapping[str, int],
              cap: int = FOLD_CAP) -> FoldPlan:
        all_scopes = [tuple(s) for s in scopes]
        steps: list[Step] = []

        def make(inputs: Sequence[int], axes: tuple[str, ...]) -> int:
            steps.append(Step(tuple(inputs), axes))
            all_scopes.append(axes)
            return len(all_scopes) - 1

        def size(axes: Sequence[str]) -> int:
            return math.prod(card[a] for a in axes)

        work = _absorb(list(range(len(scopes))), all_scopes, make)
        while True:
            best = None
            for v in sorted({x for f in work for x in all_scopes[f]} - keep):
                inside = [f for f in work if v in all_scopes[f]]
                scope = sorted({x for f in inside for x in all_scopes[f]} - {v})
                new = size(scope)
                if new <= max(cap, *(size(all_scopes[f]) for f in inside)) and (
                        best is None or new < best[0]):
                    best = (new, inside, tuple(scope))
            if best is None:
                break
            _, inside, scope = best
            made = make(inside, scope)
            work = _absorb([f for f in work if f not in inside] + [made], all_scopes, make)
        return cls(len(scopes), tuple(steps), tuple(work), tuple(all_scopes))

    def run(self, arrays: Sequence[np.ndarray]) -> list[tuple[np.ndarray, tuple[str, ...]]]:
        """The folded factors for these tables (in the order of the scopes given to
        :meth:`build`; each may carry leading batch axes, broadcast against each other)."""
        values: list[np.ndarray] = [np.asarray(a, dtype=float) for a in arrays]
        for step in self.steps:
            axes = [self.scopes[i] for i in step.inputs]
            names = sorted({a for ax in axes for a in ax})  # letters per step: few variables
            sym = dict(zip(names, string.ascii_letters))
            eq = ",".join("..." + "".join(sym[a] for a in ax) for ax in axes)
            eq += "->..." + "".join(sym[a] for a in step.axes)
            values.append(np.einsum(eq, *(values[i] for i in step.inputs), optimize=True))
        return [(values[i], self.scopes[i]) for i in self.result]


def _absorb(work: list[int], scopes: list[tuple[str, ...]], make) -> list[int]:
    """Multiply each factor into another whose variables include all of its own."""
    out: list[int] = []
    for f in sorted(work, key=lambda f: (-len(scopes[f]), f)):
        host = next((i for i, h in enumerate(out) if set(scopes[f]) <= set(scopes[h])), None)
        if host is None:
            out.append(f)
        else:
            out[host] = make((out[host], f), scopes[out[host]])
    return out
