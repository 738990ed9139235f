"""Personal templates from the patient page (issue 14): one button or Ctrl+1…9 per template
of the signed-in clinician starts a session with its sites and drugs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.window_support import (
    RecordingMessages,
    activate,
    add_patient,
    clinician,
    show_window,
)
from tpi_desk.clinical.record import MedicationEntry, ProcedureKind, Role, Side, SiteEntry
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.editor_host import build_session_editor
from tpi_desk.ui.main_window import MainWindow
from tpi_desk.ui.session_editor import SessionEditor
from tpi_desk.ui.template_bar import NO_TEMPLATES

TEMPLATE_NAME = "Bilateral upper trapezius + levator, 1% lido 1 mL each"


def _lidocaine() -> MedicationEntry:
    return MedicationEntry("lidocaine", Decimal(10), Decimal(1), "", date(2027, 6, 30))


def _save_template(context: AppContext, actor: Actor) -> int:
    sites = (
        SiteEntry("upper_trapezius", Side.BILATERAL, medications=(_lidocaine(),)),
        SiteEntry("levator_scapulae", Side.BILATERAL, medications=(_lidocaine(),)),
    )
    return context.templates.save(
        actor.user_id, TEMPLATE_NAME, ProcedureKind.TRIGGER_POINT_INJECTION, sites, actor=actor
    ).id


def _window_on_patient(qtbot: QtBot, context: AppContext, actor: Actor) -> MainWindow:
    patient = add_patient(context)
    window = show_window(qtbot, context, RecordingMessages(), build_session_editor, actor=actor)
    activate(qtbot, window)
    window.search_pane.refresh()
    assert window.open_patient(patient.id)
    return window


def _shown_editor(window: MainWindow) -> SessionEditor:
    editor = window.findChild(SessionEditor)
    assert isinstance(editor, SessionEditor) and editor.isVisible()
    return editor


def test_ctrl_1_starts_a_session_from_the_first_template(qtbot: QtBot, context: AppContext) -> None:
    actor = clinician(context)
    _save_template(context, actor)
    window = _window_on_patient(qtbot, context, actor)
    bar = window.patient_page.template_bar
    assert bar.isVisible() and not bar.empty_hint.isVisible()
    assert [b.text() for b in bar.buttons] == ["1 · Bilateral upper trapezius + levator, 1% lid…"]
    assert bar.buttons[0].toolTip().startswith(f"{TEMPLATE_NAME}\n2 sites: Upper trapezius")
    assert "Levator scapulae (bilateral)" in bar.buttons[0].toolTip()
    focused = QApplication.focusWidget()
    assert focused is not None

    qtbot.keyClick(focused, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)

    editor = _shown_editor(window)
    sites = editor.form.sites.site_editors
    assert [site.muscle.text() for site in sites] == ["Upper trapezius", "Levator scapulae"]
    assert [row.volume.text() for site in sites for row in site.medication_rows] == ["1", "1"]
    assert editor.session_id is None and editor.has_unsaved_changes()


def test_a_template_button_starts_a_session_and_the_page_says_how_to_make_one(
    qtbot: QtBot, context: AppContext
) -> None:
    actor = clinician(context)
    window = _window_on_patient(qtbot, context, actor)
    bar = window.patient_page.template_bar
    assert bar.empty_hint.isVisible() and bar.empty_hint.text() == NO_TEMPLATES
    _save_template(context, actor)
    window.patient_page.refresh()
    assert not bar.empty_hint.isVisible()

    bar.buttons[0].click()

    assert len(_shown_editor(window).form.sites.site_editors) == 2


def test_staff_who_write_no_notes_see_no_templates(qtbot: QtBot, context: AppContext) -> None:
    clerk = context.users.add_user(
        "kim.billing", "Kim Nguyễn", "a long passphrase 9", role=Role.BILLING, actor=None
    )
    actor = Actor(clerk.id, clerk.username, clerk.role)
    window = _window_on_patient(qtbot, context, actor)
    assert not window.patient_page.template_bar.isVisible()
