"""`tpi-desk` starts the window (offscreen, in a real process); `--demo` fills an empty database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from tests.gui.window_support import RecordingMessages, make_context, open_desk, show_window
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.desk import Desk
from tpi_desk.ui.app import (
    BENCH_EXIT_AFTER_SHOW_ENV,
    BENCH_SHOWN_LINE,
    check_integrity_in_background,
)
from tpi_desk.ui.first_run import DEMO_PATIENTS, DEMO_SESSIONS


def start(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "TPI_DESK_DATA_DIR": str(tmp_path / "user-data"),
        BENCH_EXIT_AFTER_SHOW_ENV: "1",
        "PYTHONIOENCODING": "utf-8",
    }
    env.pop("TPI_DESK_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "tpi_desk", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


def test_demo_fills_an_empty_database_and_leaves_a_full_one_alone(
    tmp_path: Path, sqlite_url: str
) -> None:
    first = start(tmp_path, "--database", sqlite_url, "--demo")
    assert first.returncode == 0, first.stderr
    assert BENCH_SHOWN_LINE in first.stdout

    second = start(tmp_path, "--database", sqlite_url, "--demo")
    assert second.returncode == 0, second.stderr
    assert "--demo ignored: the database already holds patients" in second.stderr

    with Desk.open(sqlite_url) as desk:
        counts = desk.overview.counts()
    assert (counts.patients, counts.sessions) == (DEMO_PATIENTS, DEMO_SESSIONS)


def test_demo_belongs_to_the_app_not_to_other_commands(tmp_path: Path, sqlite_url: str) -> None:
    done = start(tmp_path, "--database", sqlite_url, "--demo", "import", "x.json")
    assert done.returncode == 2
    assert "--demo starts the app" in done.stderr


def test_a_damaged_file_found_after_start_is_named_and_the_app_quits(
    qtbot: QtBot, sqlite_url: str, catalog: Catalog, tmp_path: Path
) -> None:
    with open_desk(sqlite_url, catalog, tmp_path) as desk:
        desk.demo_data.add(patients=50, sessions=300, seed=2)
    damage_a_page_in_the_middle(Path(str(make_url(sqlite_url).database)))
    desk = Desk.open(sqlite_url, check_integrity=False, catalog=catalog)  # as run_app opens it
    try:
        messages = RecordingMessages()
        context = make_context(desk)
        window = show_window(qtbot, context, messages)

        exits: list[int] = []

        check_integrity_in_background(window, messages, context.upkeep, quit_app=exits.append)

        qtbot.waitUntil(lambda: messages.kinds() == ["error"], timeout=10_000)
        assert exits == [1]
        _, title, text = messages.shown[0]
        assert title == "TPI Desk cannot use the database"
        assert "is damaged" in text
    finally:
        desk.close()


def damage_a_page_in_the_middle(path: Path) -> None:
    pages = path.stat().st_size // 4096
    with path.open("r+b") as file:
        file.seek(pages // 2 * 4096 + 100)
        file.write(bytes(range(256)) * 8)
