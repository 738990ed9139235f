"""Issue 14's header fields: the procedure's start and end times and the chaperone, typed in
the editor, read as times of day, named in plain words when wrong, and loaded back."""

from __future__ import annotations

from datetime import time
from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.gui.test_session_editor_support import (
    ScriptedMessages,
    add_patient,
    clock_fixture,  # noqa: F401 - the editor tests' "now" for the "context" fixture
    make_editor,
    record_two_site_session,
)
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.session_editor.form_state import raw_from_entry, read_form


def test_typed_times_and_chaperone_reach_the_session(qtbot: QtBot, context: AppContext) -> None:
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(add_patient(context).id)
    record_two_site_session(editor)
    fields = editor.form.header.procedure_time

    qtbot.keyClicks(fields.started, "932")
    qtbot.keyClicks(fields.ended, "9:51")
    qtbot.keyClicks(fields.chaperone, "Rosa Delgado, MA")
    editor.refresh_analysis()

    assert editor.reading is not None and editor.reading.problems == ()
    entry = editor.reading.entry
    assert (entry.procedure_started, entry.procedure_ended) == (time(9, 32), time(9, 51))
    assert entry.chaperone == "Rosa Delgado, MA"
    other = make_editor(qtbot, context, ScriptedMessages())
    other.form.load(raw_from_entry(entry, None, context.catalog))
    loaded = other.form.header.procedure_time
    assert (loaded.started.text(), loaded.ended.text()) == ("09:32", "09:51")
    assert loaded.chaperone.text() == "Rosa Delgado, MA"
    assert read_form(other.form.raw(), context.catalog).entry == entry


def test_wrong_times_are_named_next_to_the_fields(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(add_patient(context).id)
    record_two_site_session(editor)
    fields = editor.form.header.procedure_time

    qtbot.keyClicks(fields.started, "25:10")
    editor.refresh_analysis()
    assert editor.reading is not None
    assert [(p.label, p.message) for p in editor.reading.problems] == [
        (
            "Procedure time: start time",
            "enter a time of day like 09:32 (24-hour clock), or leave it empty",
        )
    ]

    fields.started.setText("09:50")
    fields.ended.setText("09:40")
    editor.refresh_analysis()
    problems = editor.reading.problems
    assert [p.label for p in problems] == ["Procedure time: end time"]
    assert "after the start time 09:50" in problems[0].message
    assert "end time" in fields.errors.text() and fields.errors.isVisibleTo(editor)
    assert editor.form.header.grab().save(str(tmp_path / "header-procedure-time-error.png"))
