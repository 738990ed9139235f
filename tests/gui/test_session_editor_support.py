"""Helpers for the session editor tests: a real database, recorded messages, widget driving."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.window_support import activate
from tests.services.conftest import PASSWORD
from tpi_desk.clinical.record import (
    Indication,
    MedicationEntry,
    PatientFacts,
    Position,
    ProcedureKind,
    ProviderFacts,
    Role,
    SessionEntry,
    Sex,
    Side,
    SiteEntry,
)
from tpi_desk.services.dto import PatientRecord, ProviderRecord, SessionRecord
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.messages import UserMessages
from tpi_desk.ui.problem_list_dialog import ProblemRow
from tpi_desk.ui.session_editor import SessionEditor
from tpi_desk.ui.session_editor.medication_row import MedicationRow
from tpi_desk.ui.session_editor.site_editor import SiteEditor

# "Now" for every editor test: Wednesday 4 March 2026, 9:30 on this computer's clock (the
# editor shows local time, so the expectations hold in any time zone).
NOW = datetime(2026, 3, 4, 9, 30).astimezone()
FAST_AUTOSAVE_MS = 40
LIDOCAINE_1 = "Lidocaine 1 % (10 mg/mL)"
KENALOG_40 = "Triamcinolone acetonide 40 mg/mL"


def fixed_clock() -> datetime:
    return NOW


@pytest.fixture(name="clock")
def clock_fixture() -> Callable[[], datetime]:
    """The editor tests' "now" (``NOW``) for the ``desk`` and ``context`` fixtures."""
    return fixed_clock


class ScriptedMessages(UserMessages):
    """Records every message instead of showing a box; ``confirm`` answers ``answer``."""

    def __init__(self, *, answer: bool = True) -> None:
        super().__init__()
        self.answer = answer
        self.shown: list[tuple[str, str, str]] = []

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        self.shown.append(("error", title, text))

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        self.shown.append(("info", title, text))

    def confirm(
        self, parent: QWidget | None, title: str, text: str, *, confirm_text: str = "OK"
    ) -> bool:
        self.shown.append(("confirm", title, text))
        return self.answer

    def problems(
        self, parent: QWidget | None, title: str, intro: str, rows: Sequence[ProblemRow]
    ) -> None:
        self.shown.append(("problems", title, intro))

    def of_kind(self, kind: str) -> list[tuple[str, str, str]]:
        return [shown for shown in self.shown if shown[0] == kind]


def add_patient(context: AppContext, *, weight: Decimal | None = Decimal("68.5")) -> PatientRecord:
    return context.patients.create(
        PatientFacts(
            mrn="SYN-004127",
            family_name="Ñúñez",
            given_name="Zoë",
            date_of_birth=date(1984, 7, 22),
            sex=Sex.FEMALE,
            weight_kg=weight,
            allergies=("penicillin",),
        ),
        actor=acting_as(add_physician(context)),
    )


PHYSICIANS = {
    "aodegard": ("Astrid Ødegård, MD", "MD"),
    "lnguyen": ("Lan Nguyễn, DO", "DO"),
}


def add_physician(context: AppContext, username: str = "aodegard") -> ProviderRecord:
    """A physician who signs in with ``PASSWORD`` (added once; later calls find them)."""
    display_name, credentials = PHYSICIANS[username]
    known = next((p for p in context.providers.clinicians() if p.facts.username == username), None)
    if known is not None:
        return known
    added = context.providers.add(
        ProviderFacts(username, display_name, credentials), Role.PHYSICIAN
    )
    context.users.reset_password(None, username, PASSWORD)
    return added


def acting_as(provider: ProviderRecord) -> Actor:
    return Actor(provider.id, provider.facts.username, provider.role, provider.facts.credentials)


def make_editor(
    qtbot: QtBot,
    context: AppContext,
    messages: UserMessages,
    *,
    register: bool = True,
    actor: Actor | None = None,
) -> SessionEditor:
    """A shown editor with a fast autosave, working as ``actor`` (default: Dr. Ødegård);
    ``register=False`` leaves deleting it to the test."""
    if actor is None:
        actor = acting_as(add_physician(context))
    editor = SessionEditor(context, messages, actor=actor, autosave_interval_ms=FAST_AUTOSAVE_MS)
    if register:
        qtbot.addWidget(editor)
    editor.resize(1400, 900)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def editor_with_a_new_site(qtbot: QtBot, context: AppContext) -> tuple[SessionEditor, SiteEditor]:
    """A new session of a new patient in an active editor, a site added, the cursor waiting
    in its muscle field (as Ctrl+Shift+A leaves it)."""
    patient = add_patient(context)
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(patient.id)
    activate(qtbot, editor)
    site = editor.add_site()
    assert site is not None
    qtbot.waitUntil(site.muscle.line_edit.hasFocus)
    return editor, site


def fill_medication(
    row: MedicationRow, drug_label: str, volume: str, lot: str, expires: str
) -> None:
    """Pick the drug by the text the picker shows, e.g. "Lidocaine 1 % (10 mg/mL)"."""
    index = row.drug.findText(drug_label)
    assert index > 0, f"{drug_label!r} is not in the drug picker"
    row.drug.setCurrentIndex(index)
    row.volume.setText(volume)
    row.lot.setText(lot)
    row.expires.setText(expires)


def fill_site(
    site: SiteEditor, muscle_name: str, side: str, points: int, gauge: str, length: str
) -> None:
    site.muscle.line_edit.setText(muscle_name)
    site.side.setCurrentIndex(site.side.findData(side))
    site.points.setValue(points)
    site.needle_gauge.setText(gauge)
    site.needle_length.setText(length)


def record_two_site_session(editor: SessionEditor, *, lidocaine_ml: str = "4") -> None:
    """Type a complete two-site trigger point injection session through the widgets."""
    header = editor.form.header
    header.position.setCurrentIndex(header.position.findData("seated"))
    editor.form.consent.obtained.setChecked(True)
    header.time_out_performed.setChecked(True)
    header.pain_before.setText("7")
    header.pain_after.setText("3")
    editor.form.diagnoses.search.setText("M79.12")
    editor.form.diagnoses.choose_result(0)
    editor.form.diagnoses.search.setText("cervicalgia")
    editor.form.diagnoses.choose_result(0)
    editor.form.indication.tried["physical_therapy"].setChecked(True)
    editor.form.indication.ongoing["home_exercise_program"].setChecked(True)
    editor.form.sites.add_button.click()
    first = editor.form.sites.site_editors[0]
    fill_site(first, "Upper trapezius", "bilateral", 4, "25", "38")
    first.twitch.setChecked(True)
    fill_medication(first.medication_rows[0], LIDOCAINE_1, lidocaine_ml, "LD4471A", "2027-08-31")
    first.add_medication_button.click()
    fill_medication(first.medication_rows[1], KENALOG_40, "0.5", "TA2209K", "2026-11-30")
    editor.form.sites.add_button.click()
    second = editor.form.sites.site_editors[1]
    fill_site(second, "Levator scapulae", "left", 2, "25", "38")
    fill_medication(second.medication_rows[0], LIDOCAINE_1, "1.5", "LD4471A", "2027-08-31")
    editor.form.outcome.side_effects.set_checked(["transient_numbness"])
    editor.form.outcome.side_effects_other.setText("Mild dizziness")
    editor.form.outcome.notes.setPlainText("Taut bands; palpation reproduced her neck pain.")
    editor.form.outcome.follow_up.setText("Clinic visit in 6 weeks")


def stored_session(
    context: AppContext,
    patient_id: int,
    provider_id: int,
    performed_at: datetime,
    *,
    lot: str = "LD4471A",
) -> SessionRecord:
    """A draft saved straight through the service (as another workstation would)."""
    entry = SessionEntry(
        performed_at=performed_at,
        kind=ProcedureKind.TRIGGER_POINT_INJECTION,
        position=Position.PRONE,
        consent_obtained=True,
        time_out_performed=True,
        pain_before=6,
        pain_after=2,
        diagnoses=("M79.18",),
        indication=Indication(("pain_medication",), ("home_exercise_program",)),
        sites=(
            SiteEntry(
                "rhomboid_major",
                Side.RIGHT,
                points=3,
                needle_gauge=27,
                needle_length_mm=Decimal(25),
                medications=(
                    MedicationEntry("lidocaine", Decimal(5), Decimal(2), lot, date(2027, 1, 31)),
                ),
            ),
        ),
    )
    provider = next(p for p in context.providers.clinicians() if p.id == provider_id)
    return context.drafts.create(patient_id, provider_id, entry, actor=acting_as(provider))


class DialogAnswerer:
    """Acts on the next modal dialog of a type as soon as it shows (its ``exec`` is running).

    Keep the answerer referenced until the dialog was handled; ``handled`` lists the dialogs.
    """

    def __init__(self, dialog_type: type[QDialog], act: Callable[[QDialog], None]) -> None:
        self.dialog_type = dialog_type
        self.act = act
        self.handled: list[QDialog] = []
        self.timer = QTimer()
        self.timer.timeout.connect(self._poll)
        self.timer.start(10)

    def _poll(self) -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, self.dialog_type) and dialog.isVisible():
            self.timer.stop()
            self.handled.append(dialog)
            self.act(dialog)


def sign_with_password(dialog: QDialog, password: str = PASSWORD) -> None:
    """Type the password into a sign (or addendum) dialog and confirm it."""
    field = getattr(dialog, "password_field")  # noqa: B009 - SignDialog or AddendumDialog
    field.password.setText(password)
    dialog.accept()
