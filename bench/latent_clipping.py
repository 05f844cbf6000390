"""How often a parameter draw asks a latent test for an impossible table.

A ``latent_test`` node solves its table so that it keeps its published accuracy given the
shared latent. At the records' point values the solution is a proper table (checked when
the model loads); a parameter draw may not be (a drawn test more discriminating than the
drawn latent), and the uncertainty analysis then clips it just inside [0, 1]. This script
draws every record of the default model ``--draws`` times (seeded, as ``sensitivity``
does), builds every table in chunks, and prints for each latent test the share of draws
whose solution had to be clipped, and by how much (the most negative solved entry).

Run ``python bench/latent_clipping.py [--draws 10000] [--seed 0]``. Not a test.
"""

from __future__ import annotations

import argparse

import numpy as np

from rnbayes import load_model
from rnbayes.spec.generators import BuildContext
from rnbayes.spec.generators.latent_test import LatentTest, feasible


def clipping(n_draws: int, seed: int, chunk: int = 500
             ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{latent test node: (clipped?, overshoot)}``, one entry per draw each."""
    model = load_model()
    rng = np.random.default_rng(seed)
    draws = {rid: rec.sample(rng, n_draws) for rid, rec in model.records.items()}
    spec = model.spec
    tests = [n for n in spec.order if isinstance(spec.nodes[n].cpt, LatentTest)]
    bad = {n: np.zeros(n_draws, dtype=bool) for n in tests}
    over = {n: np.zeros(n_draws) for n in tests}
    for start in range(0, n_draws, chunk):
        sl = slice(start, min(start + chunk, n_draws))

        def values(rid: str, sl: slice = sl) -> np.ndarray:
            return draws[rid][sl]

        tables: dict[str, np.ndarray] = {}
        for name in spec.order:
            node = spec.nodes[name]
            ctx = BuildContext(node, spec.nodes, values, model.records, tables)
            if name in bad:
                solved = node.cpt.solved(ctx)
                bad[name][sl] = ~feasible(*solved)
                flat = np.concatenate([np.asarray(r).reshape(len(r), -1) for r in solved], axis=1)
                over[name][sl] = np.maximum(-flat.min(axis=1), flat.max(axis=1) - 1.0)
            tables[name] = node.cpt.build(ctx)
    return {n: (bad[n], over[n]) for n in tests}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    model = load_model()
    result = clipping(args.draws, args.seed)
    print(f"{'node':<30} {'latent':<24} {'clipped':>8} {'share':>7} {'median overshoot':>17}")
    for node, (bad, over) in result.items():
        latent = model.spec.nodes[node].cpt.latent
        med = float(np.median(over[bad])) if bad.any() else 0.0
        print(f"{node:<30} {latent:<24} {bad.sum():>8} {bad.mean():>7.2%} {med:>17.3f}")
    print()
    for latent in dict.fromkeys(model.spec.nodes[n].cpt.latent for n in result):
        kids = [n for n in result if model.spec.nodes[n].cpt.latent == latent]
        anyone = np.logical_or.reduce([result[n][0] for n in kids])
        print(f"any test read off {latent} ({len(kids)}): {anyone.sum()} of {args.draws} "
              f"draws ({anyone.mean():.2%})")

if __name__ == "__main__":
    main()
