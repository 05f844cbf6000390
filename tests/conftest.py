"""Fixtures shared by every test module.

``model`` is the bundled model (immutable, so one per session is safe); ``bnlearn(name)``
loads one of pgmpy's bundled networks once per session. Their BIF files are slow to parse
(pure-Python pyparsing: pathfinder ~12 s, hepar2 and alarm ~2 s each), so those the
collected tests need are parsed in a second process from the end of collection on,
overlapping the tests that run first. The notebooks likewise start executing (in their own
kernels) when collection ends.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")
# compiled models cached in a folder of this session, not the user's cache (model_cache)
_CACHE = tempfile.TemporaryDirectory(prefix="rnbayes-test-cache-")
os.environ.setdefault("RNBAYES_CACHE_DIR", _CACHE.name)

ROOT = Path(__file__).resolve().parent.parent
#: bnlearn networks slow enough to parse ahead, in another process, in this order
PREFETCH = ("hepar2", "alarm", "pathfinder")
_prefetched: dict[str, Future] = {}
_executor: list[ProcessPoolExecutor] = []


def _example_network(name: str):
    from rnbayes.engine.pgmpy import example_network

    return example_network(name)


def pytest_collection_modifyitems(session, config, items):
    if any("test_notebook_executes" in item.nodeid for item in items):
        from tests.test_notebooks import start_notebooks

        start_notebooks()  # kernels in the background, overlapping the other tests
    wanted = [n for n in PREFETCH if any(n in item.nodeid for item in items)]
    if wanted:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
        _executor.append(pool)
        _prefetched.update({n: pool.submit(_example_network, n) for n in wanted})


def pytest_unconfigure(config):
    for pool in _executor:
        pool.shutdown(cancel_futures=True)


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
            future = _prefetched.get(name)
            cache[name] = future.result() if future is not None else example_network(name)
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
