"""A patient's page: banner, session history (newest first) and the pain chart."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pytestqt.qtbot import QtBot

from tests.gui.window_support import (
    NOW,
    RecordingMessages,
    add_patient,
    add_physician,
    add_session,
    show_window,
)
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, context: AppContext) -> MainWindow:
    return show_window(qtbot, context, RecordingMessages())


def test_the_page_shows_history_rows_and_a_point_per_score(
    window: MainWindow, context: AppContext
) -> None:
    patient = add_patient(context, allergies=("penicillin", "adhesive tape"))
    other = add_patient(context, "SYN-2002", "Wiśniewski", "Łukasz")
    provider = add_physician(context)
    add_session(context, patient.id, provider.id, NOW - timedelta(days=90), pain_before=8)
    add_session(
        context, patient.id, provider.id, NOW - timedelta(days=45), pain_before=6, pain_after=2
    )
    add_session(
        context,
        patient.id,
        provider.id,
        NOW - timedelta(days=1),
        pain_before=5,
        pain_after=None,
        muscles=("rhomboid_major",),
    )
    add_session(context, other.id, provider.id, NOW)

    window.open_patient(patient.id)

    page = window.patient_page
    model = page.history_model
    assert model.rowCount() == 3
    assert [model.index(row, 0).data() for row in range(3)] == [
        "Nov 24, 2026",
        "Oct 11, 2026",
        "Aug 27, 2026",
    ]
    assert model.index(0, 3).data() == "Rhomboid major (L)"  # with its side (issue 14)
    assert page.chart.before_series() == [
        (date(2026, 8, 27), 8),
        (date(2026, 10, 11), 6),
        (date(2026, 11, 24), 5),
    ]
    assert page.chart.after_series() == [(date(2026, 8, 27), 3), (date(2026, 10, 11), 2)]
    assert page.history.isVisibleTo(page) and not page.empty_hint.isVisibleTo(page)


def test_the_banner_names_the_patient_and_their_allergies(
    window: MainWindow, context: AppContext
) -> None:
    patient = add_patient(context, born=date(1979, 11, 26), allergies=("penicillin", "latex"))

    window.open_patient(patient.id)

    banner = window.patient_page.banner
    assert banner.name.text() == "Ñúñez, Zoë"
    facts = banner.facts.text()
    for part in ("46 y", "Female", "Born Nov 26, 1979", "MRN SYN-1001", "68.5 kg"):
        assert part in facts
    assert banner.allergies.text() == "penicillin, latex"
    assert banner.allergies.property("known") is True


def test_a_patient_without_sessions_gets_a_hint_instead_of_a_table(
    window: MainWindow, context: AppContext
) -> None:
    patient = add_patient(context)
    window.open_patient(patient.id)
    page = window.patient_page
    assert page.history_model.rowCount() == 0
    assert page.empty_hint.isVisibleTo(page)
    assert not page.history.isVisibleTo(page) and not page.chart_card.isVisibleTo(page)
    assert page.chart.before_series() == [] and page.chart.after_series() == []


def test_a_missing_patient_is_reported_not_raised(qtbot: QtBot, context: AppContext) -> None:
    messages = RecordingMessages()
    window = show_window(qtbot, context, messages)
    assert window.open_patient(4242) is False
    assert messages.shown == [
        ("error", "The patient could not be opened", "Patient #4242 does not exist.")
    ]
    assert window.pages.currentWidget() is window.first_run_page
