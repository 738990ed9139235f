"""Shared by the export dialog tests: a clinic with November notes, opening and running the
dialog, reading what it wrote."""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import QObject, Qt
from pytestqt.qtbot import QtBot

from tests.gui.window_support import (
    RecordingMessages,
    acting_as,
    add_patient,
    add_physician,
    add_session,
)
from tests.services.conftest import PASSWORD
from tests.services.test_x12_claims import CLINIC, INSURANCE
from tpi_desk.clinical.record import ProviderFacts, Role
from tpi_desk.services.dto import ProviderRecord, SessionRecord
from tpi_desk.services.export.exporting import ExportService
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.export_dialog import ExportDialog, WorkerFactory
from tpi_desk.ui.export_worker import ExportJob, ExportWorker

RUN_TIMEOUT_MS = 60_000
NOVEMBER = "2026-11-01_to_2026-11-30"


@dataclass(frozen=True)
class Clinic:
    """Four signed notes in November 2026 (the tests' month), a draft, one in October."""

    context: AppContext
    hartley: ProviderRecord
    okafor: ProviderRecord
    clerk: Actor
    zoe_id: int
    lukasz_id: int
    signed_in_november: tuple[SessionRecord, ...]


def local(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 30).astimezone()


def make_clinic(context: AppContext) -> Clinic:
    """Two providers, two patients, a billing clerk and the notes Clinic describes."""
    users = context.users
    hartley = add_physician(context)
    okafor = context.providers.add(
        ProviderFacts("aokafor", "Dr. Amara Okafor", "DO", "1000000004"), Role.PHYSICIAN
    )
    for provider in (hartley, okafor):
        users.reset_password(None, provider.facts.username, PASSWORD)
    clerk = users.add_user("bclerk", "Bea Clerk", PASSWORD, role=Role.BILLING, actor=None)
    signing = context.signing
    zoe = add_patient(context)
    lukasz = add_patient(context, "SYN-1002", "Ødegård", "Łukasz")

    def signed(patient_id: int, provider: ProviderRecord, day: date) -> SessionRecord:
        draft = add_session(context, patient_id, provider.id, local(day))
        return signing.sign(
            draft.id, draft.version, provider.id, actor=acting_as(provider), password=PASSWORD
        )

    signed(zoe.id, hartley, date(2026, 10, 20))
    november = (
        signed(zoe.id, hartley, date(2026, 11, 3)),
        signed(lukasz.id, okafor, date(2026, 11, 10)),
        signed(zoe.id, hartley, date(2026, 11, 17)),
        signed(lukasz.id, hartley, date(2026, 11, 24)),
    )
    add_session(context, zoe.id, hartley.id, local(date(2026, 11, 25), 11))  # today's draft
    return Clinic(
        context,
        hartley,
        okafor,
        Actor(clerk.id, clerk.username, Role.BILLING),
        zoe.id,
        lukasz.id,
        november,
    )


def set_billing_identity(context: AppContext) -> None:
    """The clinic's billing identity, as an administrator sets it in Admin > Billing
    identity (the claim file's billing provider and receiver)."""
    admin = context.users.add_user("aadmin", "Ada Admin", PASSWORD, role=Role.ADMIN, actor=None)
    actor = Actor(admin.id, admin.username, Role.ADMIN)
    for key, value in CLINIC.items():
        context.settings.set_value(key, value, actor=actor)


def insure(clinic: Clinic, patient_id: int) -> None:
    """A synthetic commercial plan, the patient the insured person."""
    patient = clinic.context.patients.get(patient_id)
    facts = replace(patient.facts, insurance=INSURANCE)
    clinic.context.patients.update(
        patient.id, patient.version, facts, actor=acting_as(clinic.hartley)
    )


def ready_for_claims(clinic: Clinic) -> None:
    """The billing identity set and both patients insured: the 837P can be written."""
    set_billing_identity(clinic.context)
    insure(clinic, clinic.zoe_id)
    insure(clinic, clinic.lukasz_id)


def open_dialog(
    qtbot: QtBot,
    clinic: Clinic,
    folder: Path,
    *,
    actor: Actor | None = None,
    messages: RecordingMessages | None = None,
) -> ExportDialog:
    dialog = ExportDialog(
        clinic.context, messages or RecordingMessages(), actor=actor or clinic.clerk
    )
    qtbot.addWidget(dialog)
    dialog.folder_edit.setText(str(folder))
    dialog.this_month_button.click()  # the tests' notes span November
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def run_export(qtbot: QtBot, dialog: ExportDialog) -> object:
    """Start the export and wait for its outcome (an ExportReport or a UserError)."""
    with qtbot.waitSignal(dialog.export_finished, timeout=RUN_TIMEOUT_MS) as outcome:
        assert dialog.start_export()
    return outcome.args[0]


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def cancelling_after_first_note(progress_seen: list[int]) -> WorkerFactory:
    """Workers whose export is cancelled in their own thread right after the first note."""

    def make(service: ExportService, job: ExportJob, parent: QObject | None) -> ExportWorker:
        worker = ExportWorker(service, job, parent)

        def first_note_done(done: int, _total: int) -> None:
            progress_seen.append(done)
            worker.cancel()

        worker.progressed.connect(first_note_done, Qt.ConnectionType.DirectConnection)
        return worker

    return make
