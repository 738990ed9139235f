"""Copy forward (issue 14): the patient's last signed note, never a draft, with today's open
vials for the lots; the cursor waits on what is confirmed again each visit."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from pytestqt.qtbot import QtBot

from tests.gui.test_session_editor_support import (
    NOW,
    DialogAnswerer,
    ScriptedMessages,
    acting_as,
    add_patient,
    add_physician,
    clock_fixture,  # noqa: F401 - the editor tests' "now" for the "context" fixture
    make_editor,
    sign_with_password,
    stored_session,
)
from tests.services.conftest import PASSWORD
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.session_editor.sign_dialog import SignDialog

OFFSCREEN_POPUP = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")


def _sign_stored(context: AppContext, session_id: int, version: int) -> None:
    physician = add_physician(context)
    context.signing.sign(
        session_id, version, physician.id, actor=acting_as(physician), password=PASSWORD
    )


def test_copy_forward_brings_the_last_signed_note_and_waits_on_what_is_confirmed_today(
    qtbot: QtBot,
    context: AppContext,
) -> None:
    """Issue 14: the banner read "Copied 1 sites and 0 diagnoses"; the cursor stayed put."""
    patient = add_patient(context)
    physician = add_physician(context)
    stored = stored_session(context, patient.id, physician.id, NOW - timedelta(days=50))
    _sign_stored(context, stored.id, stored.version)
    messages = ScriptedMessages()
    editor = make_editor(qtbot, context, messages)
    editor.new_session(patient.id)
    assert editor.copy_action.shortcut().toString() == "Ctrl+D"

    editor.copy_action.trigger()

    form = editor.form
    assert form.diagnoses.codes() == ("M79.18",)
    assert form.header.position.currentData() == "prone"
    assert form.indication.tried["pain_medication"].isChecked()
    assert form.indication.ongoing["home_exercise_program"].isChecked()
    [site] = form.sites.site_editors
    assert (site.muscle.muscle_id(), site.side.currentData(), site.points.value()) == (
        "rhomboid_major",
        "right",
        3,
    )
    assert (site.needle_gauge.text(), site.needle_length.text()) == ("27", "25")
    [medication] = site.medication_rows
    assert (medication.drug.currentText(), medication.volume.text()) == (
        "Lidocaine 0.5 % (5 mg/mL)",
        "2",
    )
    # That lot was opened 50 days ago: not one of today's open vials.
    assert (medication.lot.text(), medication.expires.text()) == ("", "")
    header = form.header
    assert header.pain_before.text() == header.pain_after.text() == ""
    assert not header.time_out_performed.isChecked() and not form.consent.obtained.isChecked()
    assert editor.focusWidget() is header.pain_before  # where typing goes
    assert "Copied 1 site and 1 diagnosis from the signed note" in editor.banner.text()
    assert "1 medication needs its lot" in editor.banner.text()
    assert messages.shown == []  # nothing to replace, so nothing to confirm


def test_copy_forward_never_copies_a_draft_and_ignores_the_minute(
    qtbot: QtBot,
    context: AppContext,
) -> None:
    """Issue 14: it copied an unsigned draft, and refused a note of the same minute."""
    patient = add_patient(context)
    physician = add_physician(context)
    signed = stored_session(context, patient.id, physician.id, NOW, lot="LD-TODAY")
    _sign_stored(context, signed.id, signed.version)
    draft = stored_session(context, patient.id, physician.id, NOW - timedelta(days=1))
    context.drafts.save(
        draft.id,
        draft.version,
        replace(draft.entry, diagnoses=("M54.2",)),
        actor=acting_as(physician),
    )
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(patient.id)

    assert editor.copy_from_last_session()

    assert editor.form.diagnoses.codes() == ("M79.18",)  # the signed note's, not the draft's
    [medication] = editor.form.sites.site_editors[0].medication_rows
    # Today's vial (the signed note of this morning) fills the lot, expiry and NDC.
    assert (medication.lot.text(), medication.expires.text()) == ("LD-TODAY", "2027-01-31")
    assert "Lots are today's open vials." in editor.banner.text()


def test_copy_forward_says_so_when_there_is_no_signed_note(
    qtbot: QtBot,
    context: AppContext,
) -> None:
    patient = add_patient(context)
    physician = add_physician(context)
    stored_session(context, patient.id, physician.id, NOW - timedelta(days=3))  # a draft
    messages = ScriptedMessages()
    editor = make_editor(qtbot, context, messages)
    editor.new_session(patient.id)

    assert not editor.copy_from_last_session()

    assert messages.shown == [
        ("info", "Copy forward", "Zoë Ñúñez has no signed session to copy from.")
    ]


def test_the_copy_banner_is_gone_from_the_signed_note(qtbot: QtBot, context: AppContext) -> None:
    """Issue 14: "Copied …" stayed above the note once it was signed."""
    patient = add_patient(context)
    physician = add_physician(context)
    earlier = stored_session(context, patient.id, physician.id, NOW - timedelta(hours=2))
    _sign_stored(context, earlier.id, earlier.version)
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(patient.id)
    assert editor.copy_from_last_session()
    assert editor.banner.text().startswith("Copied 1 site")
    header = editor.form.header
    header.pain_before.setText("6")
    header.pain_after.setText("2")
    header.time_out_performed.setChecked(True)
    editor.form.consent.obtained.setChecked(True)

    answerer = DialogAnswerer(SignDialog, sign_with_password)
    assert editor.sign()

    assert answerer.handled
    assert editor.is_read_only()
    assert editor.banner.isHidden()
