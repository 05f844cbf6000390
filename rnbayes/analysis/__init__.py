"""Stage 3: the analyses of one case: posterior, value of information, sensitivity."""
