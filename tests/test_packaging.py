"""The wheel carries the resources: an installed copy finds its catalog and migrations."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

CHECK_INSTALLED_COPY = """
import tpi_desk
from tpi_desk.clinical.catalog import load_catalog
from tpi_desk.models.migration import head_revision
from tpi_desk.paths import resource_path
catalog = load_catalog(resource_path("catalog"))
print(tpi_desk.__file__)
print(resource_path("catalog"))
print(len(catalog.muscles), head_revision())
"""


@pytest.mark.slow
def test_an_installed_wheel_finds_its_resources(tmp_path: Path) -> None:
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path / "dist"), str(REPO)],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr
    (wheel,) = (tmp_path / "dist").glob("tpi_desk-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "tpi_desk/resources/catalog/muscles.toml" in names
    assert any(n.startswith("tpi_desk/models/migrations/versions/") for n in names)

    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
         str(wheel)],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr
    run = subprocess.run(
        [sys.executable, "-c", CHECK_INSTALLED_COPY],
        capture_output=True, text=True, check=False, timeout=120, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(target)},
    )  # fmt: skip

    assert run.returncode == 0, run.stderr
    module_file, catalog_dir, counts = run.stdout.splitlines()
    assert module_file.startswith(str(target))
    assert catalog_dir.startswith(str(target))
    assert counts.startswith("65 ")  # muscles, the jaw muscles included (issue 12)
