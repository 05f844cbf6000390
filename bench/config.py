"""What a benchmark run measures and how many times: the full run and ``--quick``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: the case for the CLI, the sensitivity and the default-network kernel rows
CASE_FILE = ROOT / "examples" / "cases" / "equivocal_enlarging_rim.yaml"
#: the same case's evidence as state names (the case file gives months_since_srs as 6)
CASE_EVIDENCE = {"months_since_srs": "3_to_9", "enhancement_pattern": "thin_rim",
                 "susceptibility_foci": "none"}

#: numbers of findings for the posterior scaling table (all 25 observable nodes at most)
FINDINGS = (0, 1, 5, 10, 15, 20, 25)
#: numbers of findings for the value-of-information table (nodes no test reveals)
VOI_FINDINGS = (0, 1, 5, 10, 15)


@dataclass(frozen=True)
class Config:
    quick: bool
    rounds: int                 # interleaved rounds, public posterior table
    voi_rounds: int             # interleaved rounds, public value-of-information table
    generic_rounds: int         # interleaved rounds, kernel tables on the five networks
    draw_rounds: int            # interleaved rounds, parameter-draw table
    min_sample: float           # seconds per sample (back-to-back calls averaged)
    findings: tuple[int, ...]   # numbers of findings, posterior table
    voi_findings: tuple[int, ...]  # numbers of findings, value-of-information table
    networks: tuple[str, ...]   # bnlearn networks besides the default one
    n_draws: int                # rnbayes draws in the draw table
    n_draws_large: int          # ... on networks whose drawn tables exceed 1,000 entries
    n_ref: int                  # peer draws per sample (extrapolated to n_draws)
    sensitivity: tuple[tuple[int, int], ...]  # (draws, warm calls after the first)
    blas_one: bool              # also time 10,000 draws with BLAS limited to one thread
    cli_rounds: int
    cli_warmup: int
    report_draws: int


FULL = Config(quick=False, rounds=11, voi_rounds=7, generic_rounds=9, draw_rounds=3,
              min_sample=0.02, findings=FINDINGS, voi_findings=VOI_FINDINGS,
              networks=("asia", "alarm", "hepar2", "pathfinder"),
              n_draws=10_000, n_draws_large=1_000, n_ref=20,
              sensitivity=((1_000, 1), (10_000, 1), (100_000, 0)), blas_one=True,
              cli_rounds=3, cli_warmup=1, report_draws=10_000)

QUICK = Config(quick=True, rounds=2, voi_rounds=2, generic_rounds=2, draw_rounds=1,
               min_sample=0.001, findings=(0, 5, 25), voi_findings=(0, 5), networks=("asia",),
               n_draws=500, n_draws_large=100, n_ref=3, sensitivity=((300, 0),), blas_one=False,
               cli_rounds=1, cli_warmup=0, report_draws=200)
