"""Nothing typed is lost: recovery copies, automatic draft saves and conflicts."""

from __future__ import annotations

from dataclasses import replace

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent
from pytestqt.qtbot import QtBot

from tests.gui.test_session_editor_support import (
    NOW,
    ScriptedMessages,
    acting_as,
    add_patient,
    add_physician,
    clock_fixture,  # noqa: F401 - the editor tests' "now" for the "context" fixture
    make_editor,
    record_two_site_session,
)
from tpi_desk.services.sessions.session_queries import SessionFilter
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.session_editor import SessionEditor


def _crash(editor: SessionEditor) -> None:
    """Destroy the editor's widgets without saving, as a crash or a kill would."""
    editor.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(editor)


def test_invalid_typing_comes_back_after_the_editor_is_destroyed(
    qtbot: QtBot,
    context: AppContext,
) -> None:
    patient = add_patient(context)
    add_physician(context)
    editor = make_editor(qtbot, context, ScriptedMessages(), register=False)
    editor.new_session(patient.id)
    editor.form.header.pain_before.setText("7")
    editor.form.diagnoses.add_code("M79.12")
    site = editor.add_site("upper_trapezius", "bilateral")
    assert site is not None
    site.medication_rows[0].volume.setText("two")  # cannot be saved: kept only as typed

    qtbot.waitUntil(lambda: len(editor.recovered_drafts()) == 1)
    _crash(editor)

    assert context.sessions.page(SessionFilter(patient_id=patient.id)).rows == ()
    restarted = make_editor(qtbot, context, ScriptedMessages())
    [recovered] = restarted.recovered_drafts()
    assert (recovered.patient_id, recovered.session_id) == (patient.id, None)
    restarted.new_session(patient.id)

    assert restarted.form.header.pain_before.text() == "7"
    assert restarted.form.diagnoses.codes() == ("M79.12",)
    [site] = restarted.form.sites.site_editors
    assert (site.muscle.muscle_id(), site.side.currentData()) == ("upper_trapezius", "bilateral")
    assert site.medication_rows[0].volume.text() == "two"
    assert "Restored what was typed here" in restarted.banner.text()
    assert restarted.has_unsaved_changes()


def test_valid_typing_is_saved_as_a_draft_and_later_typing_recovered(
    qtbot: QtBot,
    context: AppContext,
) -> None:
    patient = add_patient(context)
    add_physician(context)
    editor = make_editor(qtbot, context, ScriptedMessages(), register=False)
    editor.new_session(patient.id)

    editor.form.header.pain_before.setText("6")
    qtbot.waitUntil(lambda: len(editor.recovered_drafts()) == 1)
    # Valid, but no draft yet: the provider is still open to change until there is a finding.
    assert context.sessions.page(SessionFilter(patient_id=patient.id)).rows == ()
    with qtbot.waitSignal(editor.session_saved) as saved:
        editor.form.diagnoses.add_code("M79.12")

    session_id = saved.args[0]
    assert context.sessions.load(session_id).entry.pain_before == 6
    # The copy made before the first save was for a new session; it is gone now.
    qtbot.waitUntil(lambda: editor.recovered_drafts() == [])
    editor.form.header.pain_after.setText("ten")
    qtbot.waitUntil(lambda: len(editor.recovered_drafts()) == 1)
    _crash(editor)

    restarted = make_editor(qtbot, context, ScriptedMessages())
    [recovered] = restarted.recovered_drafts()
    assert recovered.session_id == session_id
    restarted.open_session(session_id)

    assert restarted.form.header.pain_before.text() == "6"
    assert restarted.form.header.pain_after.text() == "ten"
    assert restarted.has_unsaved_changes()
    restarted.form.header.pain_after.setText("2")
    assert restarted.save()
    assert context.sessions.load(session_id).entry.pain_after == 2
    assert restarted.recovered_drafts() == []


def test_a_draft_saved_elsewhere_is_never_overwritten_and_the_text_stays(
    qtbot: QtBot,
    context: AppContext,
) -> None:
    patient = add_patient(context)
    physician = acting_as(add_physician(context))
    messages = ScriptedMessages(answer=False)
    editor = make_editor(qtbot, context, messages)
    editor.new_session(patient.id)
    record_two_site_session(editor)
    assert editor.save()
    assert editor.session_id is not None
    # Another workstation saves the same draft.
    theirs = context.sessions.load(editor.session_id)
    context.drafts.save(
        theirs.id, theirs.version, replace(theirs.entry, pain_after=1), actor=physician
    )

    editor.form.outcome.notes.setPlainText("Our own notes, typed after theirs were saved.")
    assert not editor.save()

    kind, title, text = messages.shown[-1]
    assert (kind, title) == ("error", "Saved elsewhere")
    assert "saved elsewhere after you opened it" in text
    assert "Nothing was overwritten" in editor.banner.text()
    assert (
        editor.form.outcome.notes.toPlainText() == "Our own notes, typed after theirs were saved."
    )
    assert editor.has_unsaved_changes()
    stored = context.sessions.load(editor.session_id)
    assert stored.entry.pain_after == 1
    assert stored.entry.notes != "Our own notes, typed after theirs were saved."

    # Declining to replace their version changes nothing; accepting saves ours over it.
    editor.banner.button.click()
    assert context.sessions.load(editor.session_id).entry.pain_after == 1
    messages.answer = True
    editor.banner.button.click()
    stored = context.sessions.load(editor.session_id)
    assert stored.entry.notes == "Our own notes, typed after theirs were saved."
    assert stored.entry.pain_after == 3
    assert not editor.has_unsaved_changes()


def test_discarding_unsaved_changes_forgets_the_recovery_copy(
    qtbot: QtBot,
    context: AppContext,
) -> None:
    patient = add_patient(context)
    add_physician(context)
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(patient.id)
    editor.form.header.pain_before.setText("eleven")
    qtbot.waitUntil(lambda: len(editor.recovered_drafts()) == 1)

    editor.discard_unsaved_changes()

    assert editor.recovered_drafts() == []
    assert editor.form.header.pain_before.text() == ""
    assert not editor.has_unsaved_changes()
    assert editor.reading is not None and editor.reading.entry.performed_at == NOW
    assert context.sessions.page().rows == ()


def test_typing_recovered_over_a_draft_saved_elsewhere_meanwhile_reports_a_conflict(
    qtbot: QtBot, context: AppContext
) -> None:
    patient = add_patient(context)
    add_physician(context)
    messages = ScriptedMessages()
    editor = make_editor(qtbot, context, messages, register=False)
    editor.new_session(patient.id)
    record_two_site_session(editor)
    assert editor.save()
    session_id = editor.session_id
    assert session_id is not None
    editor.form.header.pain_after.setText("three")
    qtbot.waitUntil(lambda: len(editor.recovered_drafts()) == 1)
    _crash(editor)
    theirs = context.sessions.load(session_id)
    context.drafts.save(
        theirs.id,
        theirs.version,
        replace(theirs.entry, notes="Theirs."),
        actor=acting_as(add_physician(context)),
    )

    restarted = make_editor(qtbot, context, messages)
    restarted.open_session(session_id)
    assert restarted.form.header.pain_after.text() == "three"
    restarted.form.header.pain_after.setText("2")

    assert not restarted.save()

    assert messages.shown[-1][1] == "Saved elsewhere"
    assert context.sessions.load(session_id).entry.notes == "Theirs."
    assert restarted.form.header.pain_after.text() == "2"
