"""The package's shape: stages as subpackages, imports only forward, no cycles.

Imports are read with :mod:`ast` from every module (function-level imports included, so a
lazy cycle counts too); an import under ``if TYPE_CHECKING:`` would count as well.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "rnbayes"
STAGES = ("spec", "engine", "analysis", "results", "plots", "report", "cli")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports() -> dict[str, set[str]]:
    """Every rnbayes module -> the rnbayes modules it imports (anywhere in its body)."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for mod, path in modules.items():
        package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                           for a in node.names]
            else:
                continue
            graph[mod] |= {t for t in targets if t in modules and t != mod}
    return graph


def stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def test_stages_are_subpackages():
    for s in STAGES:
        assert (PACKAGE / s / "__init__.py").is_file(), s
    flat = [p.name for p in PACKAGE.glob("*.py")]
    assert sorted(flat) == ["__init__.py", "__main__.py", "_files.py", "_params.py", "_provenance.py",
                            "errors.py"]


def test_no_import_cycles():
    graph = imports()
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:  # pragma: no cover - the failure message
        pytest.fail(f"import cycle: {' -> '.join(exc.args[1])}")


def test_no_cycles_between_stages():
    graph: dict[str, set[str]] = {s: set() for s in STAGES}
    for mod, deps in imports().items():
        if stage(mod):
            graph[stage(mod)] |= {stage(d) for d in deps if stage(d) and stage(d) != stage(mod)}
    graphlib.TopologicalSorter(graph).prepare()
    assert "analysis" not in graph["results"] and "report" not in graph["plots"]


def test_engine_imports_nothing_from_the_other_stages():
    for mod, deps in imports().items():
        if stage(mod) == "engine":
            outside = {d for d in deps if not d.startswith("rnbayes.engine")}
            assert not outside, f"{mod} imports {sorted(outside)}"


def test_only_the_spec_reads_yaml():
    for path in PACKAGE.rglob("*.py"):
        if module_name(path).startswith("rnbayes.spec"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert "yaml" not in names, path


def test_modules_and_functions_stay_small():
    for path in PACKAGE.rglob("*.py"):
        lines = path.read_text(encoding="utf-8").splitlines()
        assert len(lines) <= 400, f"{path.name}: {len(lines)} lines"
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                body = node.body[1:] if ast.get_docstring(node) else node.body
                length = body[-1].end_lineno - body[0].lineno + 1 if body else 0
                assert length <= 60, f"{path.name}:{node.lineno} {node.name}: {length} lines"
