"""Notebooks run top to bottom, on this checkout's rnbayes, importing only public names."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import rnbayes

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def code(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


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
def test_notebook_executes(path, monkeypatch):
    # the kernel imports this checkout's rnbayes, not whichever is installed
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
