"""The outcomes dashboard: filters change what the chart draws; the chart saves as a PNG and
the numbers as a CSV, both read back; the Reports menu opens it (Ctrl+Shift+O)."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QImage, QKeySequence
from PySide6.QtWidgets import QComboBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.gui.admin_support import Clinic
from tests.gui.window_support import (
    RecordingMessages,
    acting_as,
    add_patient,
    add_physician,
    add_session,
    show_window,
    when_modal_opens,
)
from tests.services.conftest import PASSWORD
from tpi_desk.desk import Desk
from tpi_desk.services.outcomes.figures import OutcomeGrouping, OutcomeMeasure, OutcomePeriod
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.outcomes.chart import PNG_WIDTH
from tpi_desk.ui.outcomes.dialog import OutcomesDialog
from tpi_desk.ui.outcomes.menu import OUTCOMES_SHORTCUT

SEPTEMBER, OCTOBER = date(2026, 9, 1), date(2026, 10, 1)


def signed_sessions(context: AppContext) -> Actor:
    """Dr. Hartley's two signed notes: 8 Sep, neck 8 -> 2 (75 %); 5 Oct, low back 6 -> 3
    (50 %); and a draft of 6 Oct (9 -> 0) the report leaves out."""
    hartley = add_physician(context)
    doctor = acting_as(hartley)
    patient = add_patient(context)
    for day, before, after, muscles in (
        (date(2026, 9, 8), 8, 2, ("upper_trapezius", "levator_scapulae")),
        (date(2026, 10, 5), 6, 3, ("quadratus_lumborum",)),
    ):
        when = datetime(day.year, day.month, day.day, 10).astimezone()
        draft = add_session(
            context, patient.id, hartley.id, when, pain_before=before, pain_after=after,
            muscles=muscles,
        )  # fmt: skip
        context.signing.sign(draft.id, draft.version, hartley.id, actor=doctor, password=PASSWORD)
    draft_day = datetime(2026, 10, 6, 10).astimezone()
    add_session(context, patient.id, hartley.id, draft_day, pain_before=9, pain_after=0)
    return doctor


@pytest.fixture
def dashboard(qtbot: QtBot, context: AppContext) -> OutcomesDialog:
    doctor = signed_sessions(context)
    dialog = OutcomesDialog(context.outcomes, RecordingMessages(), doctor, context.clock().date())
    qtbot.addWidget(dialog)
    assert dialog.refresh()
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def choose(combo: QComboBox, value: str) -> None:
    combo.setCurrentIndex(combo.findData(value))


def test_each_filter_changes_what_the_chart_draws(dashboard: OutcomesDialog) -> None:
    # Opened on the last 12 months, by region, mean % relief per month.
    assert dashboard.chart.series_shown() == {
        "Cervical": [(SEPTEMBER, 75.0)],
        "Lumbar": [(OCTOBER, 50.0)],
    }
    assert dashboard.model.rowCount() == 2

    choose(dashboard.grouping, OutcomeGrouping.ALL)
    assert dashboard.chart.series_shown() == {"All sessions": [(SEPTEMBER, 75.0), (OCTOBER, 50.0)]}

    choose(dashboard.measure, OutcomeMeasure.PAIN_BEFORE)
    assert dashboard.chart.series_shown() == {"All sessions": [(SEPTEMBER, 8.0), (OCTOBER, 6.0)]}

    choose(dashboard.period, OutcomePeriod.WEEK)  # weeks start on Monday
    assert dashboard.chart.series_shown() == {
        "All sessions": [(date(2026, 9, 7), 8.0), (date(2026, 10, 5), 6.0)]
    }

    dashboard.date_from.setDate(QDate(2026, 10, 1))
    assert dashboard.chart.series_shown() == {"All sessions": [(date(2026, 10, 5), 6.0)]}
    assert dashboard.summary.text().startswith("1 signed sessions")

    dashboard.date_to.setDate(QDate(2026, 9, 30))  # before "From": said, nothing changes
    assert "the end date is before the start" in dashboard.summary.text()
    assert dashboard.chart.series_shown() == {"All sessions": [(date(2026, 10, 5), 6.0)]}


def test_the_chart_saves_as_png_and_the_numbers_as_csv(
    dashboard: OutcomesDialog, context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = {"PNG images (*.png)": tmp_path / "chart", "CSV files (*.csv)": tmp_path / "n.csv"}

    def ask_save_path(suggested: str, kind: str) -> Path:
        return saved[kind]

    monkeypatch.setattr(dashboard, "ask_save_path", ask_save_path)

    png = dashboard.save_png()
    written = dashboard.export_csv()

    assert png == tmp_path / "chart.png"
    image = QImage(str(png))
    assert not image.isNull() and image.width() == PNG_WIDTH
    assert written == tmp_path / "n.csv"
    with written.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    shown = [(r["period_start"], r["group"], r["sessions"], r["mean_relief_percent"]) for r in rows]
    assert shown == [
        ("2026-09-01", "Cervical", "1", "75.00"),
        ("2026-10-01", "Lumbar", "1", "50.00"),
    ]
    exports = context.audit_log.report(None, action="export").rows
    assert [entry.detail.split(";")[0] for entry in exports] == [
        "2 rows to n.csv",
        "chart to chart.png",
    ]


def test_the_reports_menu_opens_the_dashboard_for_every_role_that_reads_signed_notes(
    qtbot: QtBot, clinic: Clinic
) -> None:
    for actor in (clinic.billing, clinic.admin, clinic.nurse_practitioner):  # Ctrl+Shift+O
        window = show_window(qtbot, clinic.context, clinic.messages, actor=actor)
        action = window.outcomes_menu.action
        assert action.isVisible() and action.isEnabled()
        assert action.shortcut() == QKeySequence(OUTCOMES_SHORTCUT)
        assert "R&eports" in [entry.text() for entry in window.menuBar().actions()]
        seen: list[str] = []

        def look_and_close(dialog: OutcomesDialog, seen: list[str] = seen) -> None:
            seen.append(dialog.summary.text())
            dialog.reject()

        failures = when_modal_opens(OutcomesDialog, look_and_close)
        qtbot.keyClick(
            window.search_pane.search_box,
            Qt.Key.Key_O,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
        assert not failures
        assert seen == ["No signed note with pain before and after in these dates."]
        window.close()


def test_the_dashboard_renders_offscreen_with_its_legend_below_the_lines(
    dashboard: OutcomesDialog, tmp_path: Path, qtmodeltester: ModelTester
) -> None:
    path = tmp_path / "outcomes.png"

    assert dashboard.grab().save(str(path))

    image = QImage(str(path))
    assert image.width() >= 1000 and image.height() >= 700
    legend = dashboard.chart.legend.sceneBoundingRect()
    plotted = dashboard.chart.plot.getViewBox().sceneBoundingRect()
    assert legend.top() >= plotted.bottom()
    qtmodeltester.check(dashboard.model)


def test_a_database_that_cannot_be_read_is_said_and_no_dashboard_opens(
    qtbot: QtBot, context: AppContext, desk: Desk
) -> None:
    messages = RecordingMessages()
    dialog = OutcomesDialog(context.outcomes, messages, None, context.clock().date())
    qtbot.addWidget(dialog)
    desk.database.engine.dispose()
    Path(str(desk.database.url.database)).write_bytes(b"not a database at all" * 100)

    dialog.ask()

    assert not dialog.isVisible()
    assert messages.kinds() == ["error"]
    assert "Could not read the outcomes report" in dialog.summary.text()
