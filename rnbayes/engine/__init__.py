"""Stage 2: generic exact inference on any discrete Bayesian network (knows nothing of
radiation necrosis)."""
