"""Where the joint of every pair of tests comes from (see :mod:`rnbayes.engine.joints`)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import Any

import numpy as np


class PairLayout:
    """Every pair of tests (i < j): where its joint comes from.

    A pair in one cluster whose tests share no node and no absorbed ancestor has kernel
    K_i * K_j, so the joints of all such pairs are read off one product
    ``P(W | e) K K``; the other pairs of one cluster are read off one product with their
    kernels side by side; a pair across clusters is its own request.
    """

    def __init__(self, layout: Any, card: Mapping[str, int], limit: int):
        groups = layout.groups
        self.pairs = list(itertools.combinations(range(len(groups)), 2))
        self.index = {p: k for k, p in enumerate(self.pairs)}
        self.unions = [(*groups[i], *(n for n in groups[j] if n not in groups[i]))
                       for i, j in self.pairs]
        widths = [math.prod(card[n] for n in u) for u in self.unions]
        self.starts = np.concatenate([[0], np.cumsum(widths)]).astype(int)
        home = {i: k for k, c in enumerate(layout.clusters) for i in c.groups}
        # per cluster: the pairs read off the product, their flat column indices, widths
        found: dict[int, list[tuple[int, np.ndarray]]] = {}
        for k, (i, j) in enumerate(self.pairs):
            c = layout.clusters[home[i]]
            if home[i] != home[j] or c.plan is None or set(groups[i]) & set(groups[j]) or \
                    c.plan.within(groups[i]) & c.plan.within(groups[j]) or \
                    c.plan.size * c.width * c.width > limit:
                continue
            local = {g: int(layout.starts[g + 1] - layout.starts[g]) for g in c.groups}
            offset = {g: sum(local[x] for x in c.groups[:c.groups.index(g)]) for g in c.groups}
            idx = (offset[i] + np.arange(local[i]))[:, None] * c.width + offset[j] + \
                np.arange(local[j])
            found.setdefault(home[i], []).append((k, idx.ravel()))
        self.product = {h: ([k for k, _ in f], np.concatenate([x for _, x in f]),
                            [x.size for _, x in f]) for h, f in found.items()}
        self.direct = len(self.product) == 1 and \
            next(iter(self.product.values()))[0] == list(range(len(self.pairs)))
        # the other pairs within one cluster that has a plan, by cluster
        done = {k for ks, _, _ in self.product.values() for k in ks}
        self.shared: dict[int, list[int]] = {}
        for k, union in enumerate(self.unions):
            homes = {layout.where.get(n) for n in union}
            h = homes.pop() if len(homes) == 1 else None
            if k not in done and h is not None and layout.clusters[h].plan is not None:
                self.shared.setdefault(h, []).append(k)
