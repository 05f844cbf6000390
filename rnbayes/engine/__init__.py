"""Stage 2: generic exact inference on any discrete Bayesian network.

It knows nothing of radiation necrosis and imports nothing from the other stages (a test
checks): :mod:`.network` (the immutable network and its queries), :mod:`.fold` and
:mod:`.compile` (compiled query shapes), :mod:`.joints` (a target's joints with many
tests from one query), :mod:`.draws` (batched parameter draws), :mod:`.oneway` (exact
one-way sensitivity functions), :mod:`.pgmpy` (the only module that touches pgmpy) and
:mod:`.frozen` (a picklable read-only mapping).
"""
