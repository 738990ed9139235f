"""A hard stop (an expired lot, until issue 12's other hard stops land) blocks signing until the
clinician types an override reason, which is stored in the note before it is signed."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tests.gui.test_session_editor_support import (
    DialogAnswerer,
    ScriptedMessages,
    add_patient,
    clock_fixture,  # noqa: F401 - the editor tests' "now" for the "context" fixture
    make_editor,
    record_two_site_session,
)
from tests.services.conftest import PASSWORD
from tpi_desk.clinical.alerts import AlertCode
from tpi_desk.clinical.record import NoteStatus
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.session_editor import SessionEditor
from tpi_desk.ui.session_editor.sign_dialog import OVERRIDE_MISSING, SignDialog

REASON = "Lot checked with pharmacy: expiry misprinted on the box, lot valid to 2027"


def _editor_with_an_expired_lot(qtbot: QtBot, context: AppContext) -> SessionEditor:
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(add_patient(context).id)
    record_two_site_session(editor)
    # Expired before the session of 2026-03-04: a hard stop.
    editor.form.sites.site_editors[1].medication_rows[0].expires.setText("2026-01-31")
    editor.refresh_analysis()
    assert editor.analysis is not None
    assert AlertCode.LOT_EXPIRED in {alert.code for alert in editor.analysis.alerts}
    assert editor.save()
    return editor


def test_the_sign_dialog_asks_for_a_reason_and_records_it_before_signing(
    qtbot: QtBot, context: AppContext
) -> None:
    editor = _editor_with_an_expired_lot(qtbot, context)
    assert editor.analysis is not None and editor.reading is not None
    recorded: list[str] = []
    attempts: list[str] = []

    def record(reason: str) -> str | None:
        recorded.append(reason)
        return None

    def attempt(password: str) -> str | None:
        attempts.append(password)
        return None

    dialog = SignDialog(
        editor.analysis,
        editor.reading.problems,
        signer_name="Astrid Ødegård, MD",
        summary="Zoë Ñúñez",
        attempt=attempt,
        record_reason=record,
    )
    qtbot.addWidget(dialog)

    assert len(dialog.hard_stop_labels) == 1
    assert dialog.hard_stop_labels[0].text().startswith("<b>Blocks signing")
    assert "expired on 2026-01-31" in dialog.hard_stop_labels[0].text()
    assert dialog.other_items_done
    assert not dialog.sign_button.isEnabled()
    dialog.password_field.password.setText(PASSWORD)
    assert not dialog.save()
    assert dialog.error_label.text() == OVERRIDE_MISSING
    assert recorded == [] and attempts == []

    dialog.override_reason.setPlainText(f"  {REASON}  ")
    assert dialog.sign_button.isEnabled()
    assert dialog.save()

    assert recorded == [REASON]
    assert attempts == [PASSWORD]


def test_signing_with_a_hard_stop_stores_the_reason_in_the_signed_note(
    qtbot: QtBot, context: AppContext
) -> None:
    editor = _editor_with_an_expired_lot(qtbot, context)
    seen: list[bool] = []

    def give_reason(dialog: object) -> None:
        assert isinstance(dialog, SignDialog)
        seen.append(dialog.sign_button.isEnabled())
        dialog.override_reason.setPlainText(REASON)
        dialog.password_field.password.setText(PASSWORD)
        dialog.sign_button.click()

    answerer = DialogAnswerer(SignDialog, give_reason)
    with qtbot.waitSignal(editor.session_signed) as signed:
        assert editor.sign()

    assert answerer.handled and seen == [False]
    record = context.sessions.load(signed.args[0])
    assert record.status is NoteStatus.SIGNED
    assert record.entry.override_reason == REASON
    assert editor.form.outcome.override_reason.text() == REASON
