import os

import matplotlib
import pytest

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def model():
    import rnbayes

    return rnbayes.load_model()


@pytest.fixture(scope="session")
def pgmpy_default(model):
    """The default network as pgmpy model + VariableElimination engine."""
    from rnbayes.engine.pgmpy import variable_elimination

    pg = model.to_pgmpy()
    return pg, variable_elimination(pg)
