"""Reports take plain data: they never import the database, the services or Qt."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import tpi_desk.reports

REPORTS = Path(tpi_desk.reports.__file__).parent
FORBIDDEN = (
    "sqlalchemy",
    "alembic",
    "PySide6",
    "tpi_desk.models",
    "tpi_desk.services",
    "tpi_desk.ui",
)


def imported_modules(source: Path) -> set[str]:
    tree = ast.parse(source.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_report_module_imports_the_database_services_or_qt() -> None:
    for source in sorted(REPORTS.glob("*.py")):
        for module in imported_modules(source):
            assert not module.startswith(FORBIDDEN), f"{source.name} imports {module}"


def test_rendering_a_note_loads_neither_sqlalchemy_nor_qt() -> None:
    check = (
        "import sys\n"
        "from tpi_desk.reports.note_pdf import render_note_bytes\n"
        "from tpi_desk.reports.sample_notes import single_site_note\n"
        "render_note_bytes(single_site_note())\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'PySide6')))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True, timeout=120
    )
    assert run.stdout.strip() == "[]"
