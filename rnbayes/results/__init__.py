"""Stage 4: result objects shared by every analysis."""
