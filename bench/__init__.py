"""Benchmark of rnbayes against pgmpy and pyAgrum (``python bench/run.py``; see run.py)."""
