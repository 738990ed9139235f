"""What the frozen app carries besides the code PyInstaller finds by following imports.

``tpi-desk.spec`` takes its lists from here, and ``tests/test_bundle_contents.py`` checks
them against the checkout, so that a new file under ``resources/`` or a new migration cannot
be left out of the installer unnoticed.

Each data entry is a PyInstaller ``(source file, folder inside the bundle)`` pair. The bundle
keeps the layout of the installed wheel: ``resources/`` becomes ``tpi_desk/resources/``
(where ``tpi_desk.paths.resource_root`` looks first), and Alembic's scripts stay beside
``tpi_desk/models/migration.py`` as files, because Alembic reads them from disk.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
RESOURCES = Path("resources")
MIGRATIONS = Path("tpi_desk", "models", "migrations")
BUNDLED_RESOURCES = Path("tpi_desk", "resources")

# Packages the app imports that keep data files PyInstaller's own hooks may not collect.
DATA_PACKAGES = ("simple_icd_10_cm", "reportlab")
# Distributions whose installed metadata the app reads (importlib.metadata.version).
METADATA_DISTRIBUTIONS = ("simple-icd-10-cm",)
# Imported only by name at run time: SQLAlchemy loads the dialect named in the database URL.
# The ICD-10-CM package too: code_set_index imports it by name, in the process that builds
# the index (a frozen app builds it in its own process, see code_set.py). ReportLab imports
# its C accelerator (rl-accel's _rl_accel) with exec, which PyInstaller does not follow.
NAMED_IMPORTS = (
    "_rl_accel",
    "simple_icd_10_cm",
    "simple_icd_10_cm.simple_icd_10_cm",
    "sqlalchemy.dialects.sqlite",
    "sqlalchemy.dialects.sqlite.pysqlite",
    "tpi_desk.clinical.catalog.code_set_index",
    "tpi_desk.ui.main_window",
)
# Imported only when PostgreSQL is used; bundled when the build's environment has them.
POSTGRES_IMPORTS = ("psycopg", "psycopg_binary", "sqlalchemy.dialects.postgresql.psycopg")
# Never needed by the app: test and build tools, Tk, and Qt modules we do not import.
EXCLUDES = (
    "tkinter",
    "_tkinter",
    "pytest",
    "_pytest",
    "pytestqt",
    "hypothesis",
    "mypy",
    "ruff",
    "importlinter",
    "grimp",
    "IPython",
    "numpy",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtQuick",
    "PySide6.QtQml",
    "PySide6.Qt3DCore",
    "PySide6.QtMultimedia",
)
# Qt's on-screen keyboard plugin drags in QML and Qt Quick (about 17 MB on Linux) that
# nothing else loads; matched in the bundle path, lower case, on every system's naming
# (libQt6Quick.so.6, Qt6Quick.dll, QtQuick.framework).
UNUSED_QT_BINARIES = ("virtualkeyboard", "qt6quick", "qt6qml", "qtquick", "qtqml")
_SKIPPED_PARTS = frozenset({"__pycache__"})
_SKIPPED_SUFFIXES = frozenset({".pyc", ".pyo"})


def _shipped_files(folder: Path) -> list[Path]:
    """Every file under ``folder`` (relative to it), without Python's byte-code caches."""
    return sorted(
        path.relative_to(folder)
        for path in folder.rglob("*")
        if path.is_file()
        and not _SKIPPED_PARTS.intersection(path.relative_to(folder).parts)
        and path.suffix not in _SKIPPED_SUFFIXES
    )


def resource_files(root: Path = REPO_ROOT) -> list[tuple[str, str]]:
    """``resources/`` (catalog, fonts, body map, aftercare), as the wheel installs it."""
    folder = root / RESOURCES
    return [
        (str(folder / file), (BUNDLED_RESOURCES / file.parent).as_posix())
        for file in _shipped_files(folder)
    ]


def migration_files(root: Path = REPO_ROOT) -> list[tuple[str, str]]:
    """Alembic's environment, template and revisions, as files beside ``migration.py``."""
    folder = root / MIGRATIONS
    return [
        (str(folder / file), (MIGRATIONS / file.parent).as_posix())
        for file in _shipped_files(folder)
    ]


def app_data_files(root: Path = REPO_ROOT) -> list[tuple[str, str]]:
    """Everything of our own the bundle carries as files."""
    return resource_files(root) + migration_files(root)


def migration_imports(root: Path = REPO_ROOT) -> list[str]:
    """The modules Alembic's scripts import: loaded from files at run time, PyInstaller never
    sees them, so the bundle must be told."""
    modules: set[str] = set()
    for file in _shipped_files(root / MIGRATIONS):
        if file.suffix != ".py":
            continue
        tree = ast.parse((root / MIGRATIONS / file).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules.add(node.module)
    modules.discard("__future__")
    return sorted(modules)


def hidden_imports(root: Path = REPO_ROOT) -> list[str]:
    """Modules to bundle although no import statement PyInstaller follows names them."""
    return sorted({*NAMED_IMPORTS, *migration_imports(root)})


def app_version(root: Path = REPO_ROOT) -> str:
    """``__version__`` as ``tpi_desk/__init__.py`` states it (read, not imported)."""
    tree = ast.parse((root / "tpi_desk" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__version__" for target in node.targets
        ):
            value = node.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                return value.value
    raise ValueError("tpi_desk/__init__.py states no __version__")


def keeps_binary(destination: str) -> bool:
    """Whether the library PyInstaller found for ``destination`` (its path in the bundle)
    belongs in the app; the Qt parts it never loads are left out."""
    lowered = destination.replace("\\", "/").lower()
    return not any(marker in lowered for marker in UNUSED_QT_BINARIES)
