"""The Audit report: a lazily paged model, filters, CSV export, refusals, a screenshot."""

from __future__ import annotations

import csv
import os
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QDate
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.gui.admin_support import Clinic
from tests.services.conftest import patient_facts
from tpi_desk.services.audit.queries import AuditQueries
from tpi_desk.services.dto import AuditPage
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.admin.audit_report_dialog import (
    AuditColumn,
    AuditReportDialog,
    AuditTableModel,
)
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.messages import UserMessages

# Set TPI_DESK_SCREENSHOTS=DIR to write audit-report.png there (the docs keep it in
# docs/screenshots/); otherwise it goes to the test's temporary folder and is only checked.
SCREENSHOTS_ENV = "TPI_DESK_SCREENSHOTS"


class SavingReportDialog(AuditReportDialog):
    """Answers the save-file question with a fixed path instead of a file dialog."""

    def __init__(
        self,
        context: AppContext,
        messages: UserMessages,
        actor: Actor,
        queries: AuditQueries,
        path: Path,
    ) -> None:
        super().__init__(context, messages, actor, queries=queries)
        self.path = path

    def ask_csv_path(self) -> Path | None:
        return self.path


def report_dialog(qtbot: QtBot, clinic: Clinic, actor: Actor | None = None) -> AuditReportDialog:
    dialog = AuditReportDialog(
        clinic.context, clinic.messages, actor or clinic.admin, queries=clinic.audit_log
    )
    qtbot.addWidget(dialog)
    return dialog


def column(model: AuditTableModel, which: AuditColumn) -> list[str]:
    return [str(model.index(row, which).data()) for row in range(model.rowCount())]


def test_the_model_fetches_page_after_page_newest_first(
    qtmodeltester: ModelTester, clinic: Clinic
) -> None:
    for _ in range(25):
        clinic.context.patients.get(clinic.patient.id, actor=clinic.physician)
    model = AuditTableModel()
    model.start(lambda after: clinic.audit_log.report(clinic.admin, after=after, limit=10))
    assert model.rowCount() == 10
    assert model.canFetchMore()
    qtmodeltester.check(model)
    while model.canFetchMore():
        model.fetchMore()
    everything = clinic.audit_log.report(clinic.admin, limit=1_000).rows
    sequences = [model.entry_at(row).sequence or 0 for row in range(model.rowCount())]
    assert len(sequences) > 25
    assert sequences == sorted(sequences, reverse=True)
    # the full report above added one entry (the report itself) on top of those the model read
    assert sequences == [entry.sequence or 0 for entry in everything[1:]]
    qtmodeltester.check(model)


def test_a_failing_page_is_reported_once_and_fetching_stops(clinic: Clinic) -> None:
    calls: list[int | None] = []

    def fetch(after: int | None) -> AuditPage:
        calls.append(after)
        if after is None:
            return clinic.audit_log.report(clinic.admin, limit=2)
        return clinic.audit_log.report(clinic.billing, after=after, limit=2)  # refused

    model = AuditTableModel()
    failures: list[str] = []
    model.load_failed.connect(failures.append)
    model.start(fetch)
    model.fetchMore()
    assert failures == ["kim.billing (billing) may not read the audit log."]
    assert not model.canFetchMore()
    assert model.rowCount() == 2


def test_filters_by_action_user_and_patient(qtbot: QtBot, clinic: Clinic) -> None:
    other = clinic.context.patients.create(
        patient_facts("SYN-2002", "Nguyễn", "Linh"), actor=clinic.physician
    )
    clinic.context.patients.get(other.id, actor=clinic.second_physician)
    clinic.context.patients.get(clinic.patient.id, actor=clinic.physician)
    dialog = report_dialog(qtbot, clinic)
    dialog.action.setCurrentIndex(dialog.action.findData("view"))
    assert dialog.refresh()
    assert set(column(dialog.model, AuditColumn.ACTION)) == {"View"}
    assert set(column(dialog.model, AuditColumn.USER)) == {"ihartley", "cokonkwo"}
    dialog.user.setCurrentText("cokonkwo")
    assert dialog.refresh()
    assert column(dialog.model, AuditColumn.RECORD) == [f"Patient #{other.id}"]
    dialog.user.setCurrentText("")
    dialog.patient_search.setText("ñúñez")
    assert dialog.find_patients() == 1
    assert dialog.patient.currentText() == "Ñúñez, Zoë (SYN-1001)"
    assert dialog.refresh()
    assert column(dialog.model, AuditColumn.PATIENT) == [f"#{clinic.patient.id}"]
    assert dialog.count_label.text() == "1 entries shown"


def test_the_date_range_includes_the_whole_last_day(qtbot: QtBot, clinic: Clinic) -> None:
    dialog = report_dialog(qtbot, clinic)
    today = clinic.context.clock().date()
    dialog.use_from.setChecked(True)
    dialog.date_from.setDate(QDate(today.year, today.month, today.day))
    dialog.use_to.setChecked(True)
    dialog.date_to.setDate(QDate(today.year, today.month, today.day))
    chosen = dialog.choice()
    assert chosen.date_from is not None and chosen.date_to is not None
    assert chosen.date_to - chosen.date_from == timedelta(days=1)
    assert chosen.date_from.date() == today and chosen.date_from.utcoffset() is not None
    yesterday = today - timedelta(days=1)
    dialog.date_to.setDate(QDate(yesterday.year, yesterday.month, yesterday.day))
    assert dialog.refresh()
    assert dialog.model.rowCount() == 0  # the clinic was set up on the wall clock's today


def test_export_csv_writes_the_filtered_entries(
    qtbot: QtBot, clinic: Clinic, tmp_path: Path
) -> None:
    target = tmp_path / "audit.csv"
    dialog = SavingReportDialog(
        clinic.context, clinic.messages, clinic.admin, clinic.audit_log, target
    )
    qtbot.addWidget(dialog)
    dialog.action.setCurrentIndex(dialog.action.findData("user_add"))
    assert dialog.export_csv() == 5
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["detail"] for row in rows] == [
        "admin.ada as admin",
        "ihartley as physician",
        "cokonkwo as physician",
        "rvarga as nurse_practitioner",
        "kim.billing as billing",
    ]
    assert clinic.messages.shown == [
        ("info", "Export audit report", "5 entries written to audit.csv.")
    ]


def test_a_physician_is_refused_with_the_services_message(qtbot: QtBot, clinic: Clinic) -> None:
    dialog = report_dialog(qtbot, clinic, clinic.physician)
    assert dialog.refresh() is False
    assert dialog.model.rowCount() == 0
    assert clinic.messages.shown[-1] == (
        "error",
        "Audit report",
        "ihartley (physician) may not read the audit log.",
    )


def test_screenshot(qtbot: QtBot, clinic: Clinic, tmp_path: Path) -> None:
    for _ in range(3):
        clinic.context.patients.get(clinic.patient.id, actor=clinic.physician)
    clinic.context.patients.get(clinic.patient.id, actor=clinic.nurse_practitioner)
    dialog = report_dialog(qtbot, clinic)
    dialog.patient_search.setText("SYN-1001")
    dialog.find_patients()
    dialog.patient.setCurrentIndex(0)
    assert dialog.refresh()
    dialog.show()
    qtbot.waitExposed(dialog)
    screenshot = Path(os.environ.get(SCREENSHOTS_ENV) or tmp_path) / "audit-report.png"
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(screenshot))
    assert 0 < screenshot.stat().st_size < 300_000
