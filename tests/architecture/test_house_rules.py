"""House rules that import-linter cannot see: who builds services, and how long a file may be.

The layer contracts themselves live in pyproject.toml ([tool.importlinter]) and run in CI as
`lint-imports`; these tests cover the rest of the architecture issue's "done when".
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import tpi_desk

PACKAGE = Path(tpi_desk.__file__).parent
SERVICES = PACKAGE / "services"
COMPOSITION_ROOT = PACKAGE / "desk.py"
MAX_LINES = 500


def python_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*.py")):
        if "migrations" not in path.relative_to(PACKAGE).parts:
            yield path


def service_class_names() -> set[str]:
    """Every class the services define whose name says it is a service or a query object."""
    names: set[str] = set()
    for path in python_files(SERVICES):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names |= {
            node.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef) and node.name.endswith(("Service", "Queries"))
        }
    return names


def constructed_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                names.add(node.func.id)
            elif isinstance(node.func, ast.Attribute):
                names.add(node.func.attr)
    return names


def test_the_services_define_service_classes() -> None:
    # Guards the next test against passing because it looks for nothing.
    assert {"PatientService", "SessionQueries", "ExportService"} <= service_class_names()


def test_only_the_composition_root_builds_services() -> None:
    services = service_class_names()
    outside = [
        path
        for path in python_files(PACKAGE)
        if path != COMPOSITION_ROOT and SERVICES not in path.parents
    ]
    builders = {
        str(path.relative_to(PACKAGE)): sorted(constructed_names(path) & services)
        for path in outside
    }
    assert {name: built for name, built in builders.items() if built} == {}


def test_no_python_file_is_over_500_lines() -> None:
    too_long = {
        str(path.relative_to(PACKAGE)): lines
        for path in python_files(PACKAGE)
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}
