"""Stage 5: case reports built from already-computed results."""
