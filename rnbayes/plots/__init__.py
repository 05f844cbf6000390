"""Stage 5: plots of already-computed results."""
