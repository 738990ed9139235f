"""The start page lists today's sessions across patients (from local midnight), newest first."""

from __future__ import annotations

from datetime import timedelta

from pytestqt.qtbot import QtBot

from tests.gui.window_support import (
    NOW,
    EditorSpy,
    RecordingMessages,
    add_patient,
    add_physician,
    add_session,
    show_window,
)
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.recent_sessions import local_midnight


def test_local_midnight_keeps_the_time_zone() -> None:
    midnight = local_midnight(NOW)
    assert (midnight.date(), midnight.hour, midnight.minute) == (NOW.date(), 0, 0)
    assert midnight.utcoffset() == NOW.utcoffset()


def test_only_todays_sessions_of_every_patient_are_listed(
    qtbot: QtBot, context: AppContext
) -> None:
    zoe = add_patient(context, "SYN-1001", "Ñúñez", "Zoë")
    lukasz = add_patient(context, "SYN-1002", "Wiśniewski", "Łukasz")
    provider = add_physician(context)
    midnight = local_midnight(NOW)
    add_session(context, zoe.id, provider.id, midnight - timedelta(minutes=1))
    early = add_session(context, zoe.id, provider.id, midnight + timedelta(hours=8))
    late = add_session(context, lukasz.id, provider.id, midnight + timedelta(hours=11))

    window = show_window(qtbot, context, RecordingMessages())

    page = window.recent_page
    assert window.pages.currentWidget() is page
    assert [s.id for s in page.model.summaries()] == [late.id, early.id]
    assert [page.model.index(row, 1).data() for row in range(2)] == [
        "Wiśniewski, Łukasz",
        "Ñúñez, Zoë",
    ]
    assert page.model.index(0, 0).data() == "11:00 AM"
    assert page.subtitle.text().startswith("Wednesday, Nov 25, 2026")
    assert page.table.isVisibleTo(page) and not page.empty_hint.isVisibleTo(page)


def test_no_sessions_today_shows_a_hint(qtbot: QtBot, context: AppContext) -> None:
    zoe = add_patient(context)
    add_session(context, zoe.id, add_physician(context).id, NOW - timedelta(days=2))
    window = show_window(qtbot, context, RecordingMessages())
    page = window.recent_page
    assert window.pages.currentWidget() is page
    assert page.model.rowCount() == 0
    assert page.empty_hint.isVisibleTo(page) and not page.table.isVisibleTo(page)


def test_activating_a_session_opens_it_over_its_patient(qtbot: QtBot, context: AppContext) -> None:
    zoe = add_patient(context)
    session = add_session(context, zoe.id, add_physician(context).id, NOW)
    editors = EditorSpy()
    window = show_window(qtbot, context, RecordingMessages(), editors)

    window.recent_page.table.activated.emit(window.recent_page.model.index(0, 1))

    assert editors.built[0].calls == [("open_session", session.id)]
    assert window.pages.currentWidget() is editors.built[0]
    assert window.patient_page.patient_id() == zoe.id
