"""Notebooks run top to bottom, on this checkout's rnbayes, importing only public names.

Each notebook runs in its own kernel process, all of them in a background thread started
when collection ends (see conftest), so they overlap the rest of the suite.
"""

from __future__ import annotations

import ast
import asyncio
import os
import threading
from concurrent.futures import Future
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import rnbayes

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
_runs: dict[Path, Future] = {}


def code(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def start_notebooks() -> None:
    """Execute every notebook in a background thread (once per session)."""
    if _runs:
        return
    _runs.update({p: Future() for p in NOTEBOOKS})
    # the kernels import this checkout's rnbayes, not whichever is installed
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}

    async def run(path: Path) -> None:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        try:
            await client.async_execute(env=env)
            _runs[path].set_result(nb)
        except Exception as exc:  # reported by the test of this notebook
            _runs[path].set_exception(exc)

    async def run_all() -> None:
        await asyncio.gather(*(run(p) for p in NOTEBOOKS))

    threading.Thread(target=asyncio.run, args=(run_all(),), daemon=True).start()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_imports_only_public_names(path):
    for node in ast.walk(ast.parse(code(path))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("rnbayes"):
            assert node.module == "rnbayes", f"imports from {node.module}"
            assert {a.name for a in node.names} <= set(rnbayes.__all__)
        if isinstance(node, ast.Import):
            assert all(a.name == "rnbayes" or not a.name.startswith("rnbayes")
                       for a in node.names)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id == "rnbayes":
            assert node.attr in rnbayes.__all__, f"rnbayes.{node.attr}"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes(path):
    start_notebooks()  # already running when the whole suite was collected
    nb = _runs[path].result(timeout=600)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    assert not stderr_outputs(nb)  # no progress bars or warnings left in the notebook


def stderr_outputs(nb) -> list:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
            if o.get("output_type") == "stream" and o.get("name") == "stderr"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_saved_notebooks_carry_no_progress_text(path):
    """The notebooks as committed (with outputs) hold no stderr stream: no progress
    frames, no warnings."""
    nb = nbformat.read(path, as_version=4)
    assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert not stderr_outputs(nb)
