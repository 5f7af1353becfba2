"""The modules of `inkship.connector` and `inkship.simulators` import one another as a tree, never in a
circle: every import counts, including those under TYPE_CHECKING and those inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"inkship.connector": ROOT / "connector", "inkship.simulators": ROOT / "simulators"}


def module_files() -> dict[str, Path]:
    """Dotted name → file, for every module of the packages under test."""
    modules: dict[str, Path] = {}
    for package, folder in PACKAGES.items():
        for path in sorted(folder.rglob("*.py")):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join([package, *parts])] = path
    return modules


def imported_names(path: Path, module: str) -> set[str]:
    """Every dotted name `module` imports, absolute or relative, wherever the import statement sits."""
    is_package = path.name == "__init__.py"
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")[: len(module.split(".")) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)  # `from pkg import module`
    return names


def import_graph() -> dict[str, set[str]]:
    modules = module_files()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets = set()
        for name in imported_names(path, module):
            # `from a.b import c` names a.b (and a.b.c when c is a module); a package's own
            # __init__ is not an edge to itself.
            if name in modules and name != module:
                targets.add(name)
        graph[module] = targets
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path that starts and ends on the same module, or None."""
    visiting: list[str] = []
    on_path: set[str] = set()
    done: set[str] = set()

    def visit(node: str) -> list[str] | None:
        visiting.append(node)
        on_path.add(node)
        for target in sorted(graph[node]):
            if target in on_path:
                return visiting[visiting.index(target):] + [target]
            if target not in done:
                found = visit(target)
                if found:
                    return found
        visiting.pop()
        on_path.discard(node)
        done.add(node)
        return None

    for node in sorted(graph):
        if node not in done:
            found = visit(node)
            if found:
                return found
    return None


def test_every_package_module_is_found() -> None:
    modules = module_files()
    assert "inkship.connector.engine.sync" in modules
    assert "inkship.simulators.shipstation.routes" in modules
    assert "inkship.connector.engine.importer" in import_graph()["inkship.connector.engine.sync"]


def test_imports_under_type_checking_and_in_functions_count(tmp_path: Path) -> None:
    source = tmp_path / "mod.py"
    source.write_text("from typing import TYPE_CHECKING\n"
                      "if TYPE_CHECKING:\n    from inkship.connector.engine.sync import SyncEngine\n"
                      "def f():\n    import inkship.connector.state.store\n"
                      "    from . import shipback\n")
    names = imported_names(source, "inkship.connector.engine.importer")
    assert {"inkship.connector.engine.sync", "inkship.connector.state.store",
            "inkship.connector.engine.shipback"} <= names


@pytest.mark.parametrize("graph, cycle", [
    ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
])
def test_find_cycle_sees_a_circle(graph: dict[str, set[str]], cycle: list[str] | None) -> None:
    assert find_cycle(graph) == cycle


def test_no_import_cycle_among_connector_and_simulator_modules() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])
