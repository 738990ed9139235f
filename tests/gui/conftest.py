"""Fixtures for the GUI tests: the app's composition root on a fresh SQLite file, and the
window context built from it (``desk``, ``context``); the admin tests' clinic (``clinic``).

``clock`` is the "now" of both; a test module overrides it (the session editor's tests use
their own day).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from tests.database_support import place_migrated_copy
from tests.gui.admin_support import Clinic, open_clinic
from tests.gui.window_support import fixed_clock, make_context, open_desk
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.desk import Desk
from tpi_desk.ui.app_context import AppContext


@pytest.fixture
def clock() -> Callable[[], datetime]:
    """The window tests' "now": Wednesday 25 November 2026, 2 pm local time."""
    return fixed_clock


@pytest.fixture
def desk(
    sqlite_url: str,
    migrated_sqlite_template: Path,
    catalog: Catalog,
    tmp_path: Path,
    clock: Callable[[], datetime],
) -> Iterator[Desk]:
    """The services over a fresh SQLite file, with ``clock`` and the fast test hasher.

    The file is a copy of the run's migrated template (as the ``database`` fixture's is):
    migrating an empty file for every window test cost about half a second each, and the
    migrations and the first start on an empty file have tests of their own."""
    place_migrated_copy(migrated_sqlite_template, sqlite_url)
    opened = open_desk(sqlite_url, catalog, tmp_path, clock=clock)
    yield opened
    opened.close()


@pytest.fixture
def context(desk: Desk) -> AppContext:
    """What the windows get: the desk's services, catalog, clock and data folder."""
    return make_context(desk)


@pytest.fixture
def clinic(desk: Desk) -> Clinic:
    """One account of each role and a patient (see ``admin_support``)."""
    return open_clinic(desk)


@pytest.fixture(autouse=True)
def own_workstation_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each window test starts from a workstation that remembers nothing: the window size,
    folders and choices an earlier test left in workstation.ini would change what this one
    sees (the laptop-fit test failed after another test's smaller window was remembered)."""
    monkeypatch.setenv("TPI_DESK_DATA_DIR", str(tmp_path / "workstation"))


@pytest.fixture(autouse=True)
def app_look_restored(qapp: QApplication) -> Iterator[None]:
    """The application's style, font and palette as this test found them, afterwards: a test
    that runs the app (which applies its theme) must not change what later tests measure
    (the laptop-fit test measured names in the theme's larger font when it ran after one)."""
    style, font, palette = qapp.style().name(), qapp.font(), qapp.palette()
    yield
    if qapp.style().name() != style:
        qapp.setStyle(style)
    qapp.setFont(font)
    qapp.setPalette(palette)
