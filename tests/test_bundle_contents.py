"""The installer carries every resource and migration, where the frozen app looks for them.

``bundle/tpi-desk.spec`` takes its file lists from ``bundle/contents.py``; these tests hold
that module to the checkout (a new resource folder or revision is bundled without anyone
editing the spec) and the spec to that module. The build itself runs in ``.ci/build_app``.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path, PurePosixPath

import pytest

import tpi_desk
from bundle import contents
from tpi_desk.models.migration import MIGRATIONS_DIR

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "bundle" / "tpi-desk.spec"
PACKAGE_ROOT = Path(tpi_desk.__file__).resolve().parent.parent


def files_under(folder: Path) -> set[PurePosixPath]:
    """Every file below ``folder``, relative to it, without byte-code caches."""
    return {
        PurePosixPath(path.relative_to(folder).as_posix())
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def bundled(entries: list[tuple[str, str]]) -> set[PurePosixPath]:
    """Where each ``(source, folder)`` entry lands inside the bundle."""
    return {PurePosixPath(folder) / Path(source).name for source, folder in entries}


def test_every_resource_file_is_bundled_under_the_package() -> None:
    expected = {
        PurePosixPath("tpi_desk/resources") / file for file in files_under(REPO / "resources")
    }
    assert PurePosixPath("tpi_desk/resources/catalog/muscles.toml") in expected
    assert PurePosixPath("tpi_desk/resources/fonts/DejaVuSans.ttf") in expected

    assert bundled(contents.resource_files()) == expected


def test_every_migration_is_bundled_beside_the_module_that_runs_them() -> None:
    migrations = PurePosixPath(MIGRATIONS_DIR.relative_to(PACKAGE_ROOT).as_posix())
    expected = {migrations / file for file in files_under(MIGRATIONS_DIR)}
    assert migrations / "env.py" in expected
    assert migrations / "versions" / "0001_initial.py" in expected

    assert bundled(contents.migration_files()) == expected
    assert bundled(contents.app_data_files()) == bundled(contents.resource_files()) | expected


def test_a_new_resource_folder_or_revision_is_bundled_without_editing_anything(
    tmp_path: Path,
) -> None:
    (tmp_path / "resources" / "consent_forms").mkdir(parents=True)
    (tmp_path / "resources" / "consent_forms" / "tpi.toml").write_text("", encoding="utf-8")
    (tmp_path / "resources" / "__pycache__").mkdir()
    (tmp_path / "resources" / "__pycache__" / "stale.cpython-311.pyc").write_bytes(b"")
    versions = tmp_path / "tpi_desk" / "models" / "migrations" / "versions"
    versions.mkdir(parents=True)
    (versions / "0099_images.py").write_text(
        "from alembic import op\nimport sqlalchemy as sa\nfrom pydicom import dcmread\n",
        encoding="utf-8",
    )

    assert bundled(contents.app_data_files(tmp_path)) == {
        PurePosixPath("tpi_desk/resources/consent_forms/tpi.toml"),
        PurePosixPath("tpi_desk/models/migrations/versions/0099_images.py"),
    }
    assert contents.migration_imports(tmp_path) == ["alembic", "pydicom", "sqlalchemy"]


def test_the_bundle_keeps_the_wheels_layout() -> None:
    """The frozen app finds its resources where an installed wheel has them."""
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    force_include = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert force_include == {"resources": contents.BUNDLED_RESOURCES.as_posix()}


def test_what_alembic_scripts_import_is_bundled() -> None:
    hidden = contents.hidden_imports()
    assert {"alembic", "sqlalchemy", "tpi_desk.models.engine", "tpi_desk.models.tables"} <= set(
        hidden
    )
    assert "__future__" not in hidden
    assert {"simple_icd_10_cm", "sqlalchemy.dialects.sqlite"} <= set(hidden)


@pytest.mark.parametrize(
    ("destination", "kept"),
    [
        ("PySide6/Qt/lib/libQt6Pdf.so.6", True),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6/Qt6Widgets.dll", True),
        ("PySide6/Qt/lib/libQt6Quick.so.6", False),
        ("PySide6/Qt/lib/libQt6QmlModels.so.6", False),
        ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", False),
        ("PySide6\\Qt6Quick.dll", False),
        ("PySide6/Qt/lib/QtQml.framework/Versions/A/QtQml", False),
    ],
)
def test_only_the_qt_parts_the_app_never_loads_are_left_out(destination: str, kept: bool) -> None:
    assert contents.keeps_binary(destination) is kept


def test_the_spec_takes_its_lists_from_the_contents_module() -> None:
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    used = {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "contents"
    }
    assert {
        "app_data_files",
        "hidden_imports",
        "keeps_binary",
        "EXCLUDES",
        "DATA_PACKAGES",
        "METADATA_DISTRIBUTIONS",
        "POSTGRES_IMPORTS",
        "app_version",
    } <= used
    assert not {"tkinter", "pytest"} - set(contents.EXCLUDES)


def test_the_bundle_states_the_apps_version() -> None:
    assert contents.app_version() == tpi_desk.__version__
