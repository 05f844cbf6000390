"""Fixtures shared by every test module.

``model`` is the bundled model (immutable, so one per session is safe); ``bnlearn(name)``
loads one of pgmpy's bundled networks once per session (pathfinder takes ~12 s).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parent.parent


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


@pytest.fixture(scope="session")
def bnlearn():
    """``bnlearn(name) -> (DiscreteNetwork, pgmpy model)``, each network loaded once.

    The pgmpy model is shared: a test that changes its tables must restore them.
    """
    from rnbayes.engine.pgmpy import example_network

    cache: dict[str, tuple] = {}

    def get(name: str):
        if name not in cache:
            cache[name] = example_network(name)
        return cache[name]

    return get


@pytest.fixture
def spec_copy(tmp_path):
    """A writable copy of the bundled network and priors: ``(network path, priors dir)``."""
    net = tmp_path / "net.yaml"
    pri = tmp_path / "priors"
    shutil.copy(ROOT / "networks" / "rn_vs_ttp.yaml", net)
    shutil.copytree(ROOT / "priors", pri)
    return net, pri
