"""File > Import session documents: all files valid or nothing imported, problems per field."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.gui.window_support import (
    EXAMPLE_DOCUMENT,
    RecordingMessages,
    show_window,
)
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.main_window import MainWindow
from tpi_desk.ui.problem_list_dialog import ProblemRow


def choose_files(window: MainWindow, monkeypatch: pytest.MonkeyPatch, *paths: Path) -> None:
    """Answer the file dialog (``ask_import_files``) with ``paths``."""
    monkeypatch.setattr(window, "ask_import_files", lambda: list(paths))


def broken_copy(folder: Path) -> Path:
    document = json.loads(EXAMPLE_DOCUMENT.read_text(encoding="utf-8"))
    document["pain_before"] = 14
    document["sites"][1]["medications"][0]["volume_ml"] = -1
    path = folder / "broken.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_example_document_is_imported_and_its_patient_opened(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    messages = RecordingMessages()
    window = show_window(qtbot, context, messages)
    choose_files(window, monkeypatch, EXAMPLE_DOCUMENT)

    window.import_action.trigger()

    assert messages.kinds() == ["info"]
    _, title, text = messages.shown[0]
    assert title == "Sessions imported"
    assert "session.json: Ñúñez, Zoë (MRN SYN-004127) — new patient" in text
    assert window.search_pane.model.patient_at(0).display_name == "Ñúñez, Zoë"
    assert window.pages.currentWidget() is window.patient_page
    history = window.patient_page.history_model
    assert history.rowCount() == 1
    assert history.index(0, 3).data() == "Upper trapezius (both), Levator scapulae (L)"
    assert history.index(0, 6).data() == "Draft"


def test_a_broken_file_shows_each_problem_and_nothing_is_imported(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    messages = RecordingMessages()
    window = show_window(qtbot, context, messages)
    good = tmp_path / "good.json"
    shutil.copy(EXAMPLE_DOCUMENT, good)
    not_json = tmp_path / "notes.json"
    not_json.write_text("{ not json", encoding="utf-8")
    choose_files(window, monkeypatch, good, broken_copy(tmp_path), not_json)

    window.first_run_page.import_button.click()

    assert messages.kinds() == ["problems"]
    _, title, intro = messages.shown[0]
    assert title == "Nothing was imported"
    assert intro.startswith("3 problem(s) in 2 of 3 file(s).")
    assert messages.problem_rows[:2] == [
        ProblemRow("broken.json", "Pain before (0-10)", "must be between 0 and 10"),
        ProblemRow("broken.json", "Site 2, medication 1: volume (mL)", "must be greater than 0"),
    ]
    assert messages.problem_rows[2].place == "notes.json"
    assert messages.problem_rows[2].message.startswith("is not valid JSON")
    counts = context.overview.counts()
    assert (counts.patients, counts.sessions) == (0, 0)
    assert window.pages.currentWidget() is window.first_run_page


def test_an_unreadable_file_is_named(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    messages = RecordingMessages()
    window = show_window(qtbot, context, messages)
    choose_files(window, monkeypatch, tmp_path / "missing.json", tmp_path)

    window.import_documents()

    assert [(row.place, row.message) for row in messages.problem_rows] == [
        ("missing.json", "no such file"),
        (tmp_path.name, "is a folder, not a session document"),
    ]


def test_cancelling_the_file_dialog_does_nothing(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    messages = RecordingMessages()
    window = show_window(qtbot, context, messages)
    choose_files(window, monkeypatch)
    window.import_documents()
    assert messages.shown == []
