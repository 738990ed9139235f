"""The patient page's pain chart shows how long each session's relief lasted, where the next
session records it (its "relief after the previous session": percent and weeks)."""

from __future__ import annotations

from datetime import date, timedelta

from pytestqt.qtbot import QtBot

from tests.gui.window_support import (
    NOW,
    RecordingMessages,
    acting_as,
    add_patient,
    add_physician,
    add_session,
    show_window,
)
from tests.services.conftest import two_site_entry
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.pain_chart import PainChart, PainPoint, ReliefSpan


def test_a_span_starts_at_each_session_the_next_one_reports_the_relief_of(
    qtbot: QtBot,
) -> None:
    chart = PainChart()
    qtbot.addWidget(chart)
    chart.set_points(
        [
            PainPoint(date(2026, 5, 4), 6, None, 70, 8),  # after unknown: drawn at before
            PainPoint(date(2026, 1, 5), 8, 3),
            PainPoint(date(2026, 3, 2), 7, 2, 60, 6),
            PainPoint(date(2026, 7, 6), 5, 1, None, 12),  # percent not recorded
            PainPoint(date(2026, 9, 7), 5, 1),  # no relief recorded: no span for July
        ]
    )

    spans = chart.relief_spans()

    assert spans == [
        ReliefSpan(date(2026, 1, 5), 6, 60, 3),
        ReliefSpan(date(2026, 3, 2), 8, 70, 2),
        ReliefSpan(date(2026, 5, 4), 12, None, 6),
    ]
    assert [(span.end, span.label) for span in spans] == [
        (date(2026, 2, 16), "relief 6 wk, 60 %"),
        (date(2026, 4, 27), "relief 8 wk, 70 %"),
        (date(2026, 7, 27), "relief 12 wk"),
    ]
    chart.resize(520, 230)
    chart.show()
    qtbot.waitExposed(chart)
    assert not chart.grab().isNull()


def test_the_patient_page_charts_the_relief_the_next_session_recorded(
    qtbot: QtBot, context: AppContext
) -> None:
    window = show_window(qtbot, context, RecordingMessages())
    patient = add_patient(context)
    hartley = add_physician(context)
    first = (NOW - timedelta(days=70)).astimezone()
    add_session(context, patient.id, hartley.id, first, pain_before=8, pain_after=2)
    repeat = two_site_entry(
        (NOW - timedelta(days=7)).astimezone(), prior_relief_percent=60, prior_relief_weeks=6
    )
    context.drafts.create(patient.id, hartley.id, repeat, actor=acting_as(hartley))

    window.open_patient(patient.id)

    assert window.patient_page.chart.relief_spans() == [
        ReliefSpan(first.date(), 6, 60, 2),
    ]
