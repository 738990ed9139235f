"""The session editor end to end: record through the widgets, see the rules live, save, sign."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pytestqt.qtbot import QtBot

from tests.gui.test_session_editor_support import (
    NOW,
    DialogAnswerer,
    ScriptedMessages,
    add_patient,
    add_physician,
    clock_fixture,  # noqa: F401 - the editor tests' "now" for the "context" fixture
    make_editor,
    record_two_site_session,
    sign_with_password,
)
from tests.services.conftest import PASSWORD
from tpi_desk.clinical.alerts import AlertCode
from tpi_desk.clinical.record import (
    Indication,
    MedicationEntry,
    NoteStatus,
    Position,
    ProcedureKind,
    SessionEntry,
    Side,
    SiteEntry,
)
from tpi_desk.services.sessions.session_queries import SessionFilter
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.session_editor import SessionEditor
from tpi_desk.ui.session_editor.addendum_dialog import AddendumDialog
from tpi_desk.ui.session_editor.sign_dialog import SignDialog


def _codes(editor: SessionEditor) -> list[tuple[str, int]]:
    return [(line.code, line.units) for line in editor.live_panel.codes_model.lines()]


def test_codes_and_a_dose_warning_update_live_as_the_session_is_typed(
    qtbot: QtBot,
    context: AppContext,
) -> None:
    patient = add_patient(context)
    add_physician(context)
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(patient.id)

    record_two_site_session(editor, lidocaine_ml="4")

    # Bilateral upper trapezius + left levator scapulae = 3 muscles (DOMAIN.md, CPT).
    qtbot.waitUntil(lambda: _codes(editor) == [("20553", 1), ("J3301", 2)])
    totals = {t.drug_id: t.total_mg for t in editor.live_panel.doses_model.totals()}
    assert totals == {"lidocaine": Decimal("55.0"), "triamcinolone_acetonide": Decimal("20.0")}
    assert editor.analysis is not None
    assert AlertCode.DOSE_OVER_MAXIMUM not in {a.code for a in editor.analysis.alerts}

    # 1 % lidocaine, 35 mL at the first site: 365 mg, over the 300 mg maximum.
    editor.form.sites.site_editors[0].medication_rows[0].volume.setText("35")

    qtbot.waitUntil(
        lambda: any("exceeds the maximum" in t for t in editor.live_panel.alert_texts())
    )
    warning = next(t for t in editor.live_panel.alert_texts() if "exceeds the maximum" in t)
    assert "Lidocaine 1 %: 365 mg exceeds the maximum of 300 mg" in warning
    # Over-maximum local anaesthetic is a hard stop until an override reason (issue 12).
    assert warning.startswith("<b>Blocks signing</b>")
    lidocaine_row = next(
        row
        for row in range(editor.live_panel.doses_model.rowCount())
        if editor.live_panel.doses_model.index(row, 0).data() == "Lidocaine"
    )
    doses = editor.live_panel.doses_model
    assert doses.index(lidocaine_row, 1).data() == "365 mg · 5.33 mg/kg"
    assert doses.index(lidocaine_row, 2).data() == "122 %"
    assert editor.form.sites.site_editors[0].medication_rows[0].dose.text() == "= 350 mg"
    # A third muscle moves the procedure code to 20553 while typing.
    editor.form.sites.add_button.click()
    editor.form.sites.site_editors[2].muscle.line_edit.setText("Rhomboid major")
    qtbot.waitUntil(lambda: _codes(editor)[0] == ("20553", 1))


def test_a_saved_session_reopens_in_a_new_editor_with_every_value(
    qtbot: QtBot,
    context: AppContext,
) -> None:
    patient = add_patient(context)
    physician = add_physician(context)
    messages = ScriptedMessages()
    editor = make_editor(qtbot, context, messages)
    editor.new_session(patient.id)
    record_two_site_session(editor)

    with qtbot.waitSignal(editor.session_saved) as saved:
        assert editor.save()
    # The form as saved: saving refreshes the analysis, which ticks the consent risks the
    # sites and drugs call for (the clinician sees them ticked and may untick them).
    typed = editor.form.raw()

    session_id = saved.args[0]
    assert messages.shown == []
    assert not editor.has_unsaved_changes()
    stored = context.sessions.load(session_id)
    assert stored.status is NoteStatus.DRAFT
    assert stored.provider.id == physician.id
    lidocaine = ("lidocaine", Decimal(10))
    assert stored.entry == SessionEntry(
        performed_at=NOW,
        kind=ProcedureKind.TRIGGER_POINT_INJECTION,
        place_of_service="11",  # the clinic's default place of service: office
        position=Position.SEATED,
        consent_obtained=True,
        # Ticked by the editor for these sites and drugs, kept as shown (the clinician saw
        # them ticked): general risks, anaesthetic, steroid, and pneumothorax for trapezius.
        consent_risks=(
            "bleeding_bruising",
            "infection",
            "soreness",
            "nerve_injury",
            "vasovagal",
            "allergic_reaction",
            "steroid_effects",
            "pneumothorax",
        ),
        time_out_performed=True,
        pain_before=7,
        pain_after=3,
        diagnoses=("M79.12", "M54.2"),
        sites=(
            SiteEntry(
                "upper_trapezius",
                Side.BILATERAL,
                points=4,
                needle_gauge=25,
                needle_length_mm=Decimal(38),
                twitch_response=True,
                medications=(
                    MedicationEntry(*lidocaine, Decimal(4), "LD4471A", date(2027, 8, 31)),
                    MedicationEntry(
                        "triamcinolone_acetonide",
                        Decimal(40),
                        Decimal("0.5"),
                        "TA2209K",
                        date(2026, 11, 30),
                    ),
                ),
            ),
            SiteEntry(
                "levator_scapulae",
                Side.LEFT,
                points=2,
                needle_gauge=25,
                needle_length_mm=Decimal(38),
                medications=(
                    MedicationEntry(*lidocaine, Decimal("1.5"), "LD4471A", date(2027, 8, 31)),
                ),
            ),
        ),
        indication=Indication(("physical_therapy",), ("home_exercise_program",)),
        side_effects=("transient_numbness", "Mild dizziness"),
        notes="Taut bands; palpation reproduced her neck pain.",
        instructions=context.catalog.default_instructions,
        follow_up="Clinic visit in 6 weeks",
    )

    reopened = make_editor(qtbot, context, ScriptedMessages())
    reopened.open_session(session_id)

    assert reopened.form.raw() == typed
    header = reopened.form.header
    assert header.performed_at.dateTime().toString("yyyy-MM-dd HH:mm") == "2026-03-04 09:30"
    assert header.provider.currentText() == "Astrid Ødegård, MD"
    assert header.position.currentText() == "Seated"
    assert (header.pain_before.text(), header.pain_after.text()) == ("7", "3")
    assert reopened.form.diagnoses.codes() == ("M79.12", "M54.2")
    first, second = reopened.form.sites.site_editors
    assert (first.muscle.text(), first.side.currentText(), first.points.value()) == (
        "Upper trapezius",
        "Bilateral",
        4,
    )
    assert [row.drug.currentText() for row in first.medication_rows] == [
        "Lidocaine 1 % (10 mg/mL)",
        "Triamcinolone acetonide 40 mg/mL",
    ]
    assert [row.dose.text() for row in first.medication_rows] == ["= 40 mg", "= 20 mg"]
    assert (first.medication_rows[1].lot.text(), first.medication_rows[1].expires.text()) == (
        "TA2209K",
        "2026-11-30",
    )
    assert (second.muscle.text(), second.side.currentText()) == ("Levator scapulae", "Left")
    assert second.medication_rows[0].volume.text() == "1.5"
    assert reopened.form.outcome.side_effects_other.text() == "Mild dizziness"
    assert reopened.form.outcome.follow_up.text() == "Clinic visit in 6 weeks"
    assert not reopened.has_unsaved_changes()
    assert header.provider.isEnabled()  # a draft's provider may still change (issue 14)


def test_signing_records_who_and_when_and_leaves_the_note_read_only(
    qtbot: QtBot,
    context: AppContext,
) -> None:
    patient = add_patient(context)
    physician = add_physician(context)
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(patient.id)
    record_two_site_session(editor)
    dialog_contents: list[tuple[bool, list[str], list[str]]] = []

    def sign_in_dialog(dialog: object) -> None:
        assert isinstance(dialog, SignDialog)
        dialog_contents.append(
            (
                dialog.sign_button.isEnabled(),
                [label.text() for label in dialog.checklist_labels],
                [label.text() for label in dialog.alert_labels],
            )
        )
        dialog.password_field.password.setText(PASSWORD)
        dialog.sign_button.click()

    answerer = DialogAnswerer(SignDialog, sign_in_dialog)
    with qtbot.waitSignal(editor.session_signed) as signed:
        assert editor.sign()

    assert answerer.handled
    enabled, checklist, warnings = dialog_contents[0]
    assert enabled
    assert any("Consent obtained" in text for text in checklist)
    assert any("M54.2 (Cervicalgia) is not on the covered diagnosis list" in w for w in warnings)
    record = context.sessions.load(signed.args[0])
    assert record.status is NoteStatus.SIGNED
    assert record.signed_by == physician.facts.display_name
    assert record.signed_at == NOW
    assert editor.is_read_only()
    header = editor.form.header
    assert not header.performed_at.isEnabled() and not header.pain_before.isEnabled()
    assert not editor.form.sites.isEnabled() and not editor.form.outcome.isEnabled()
    assert editor.header.sign_button.isHidden()
    assert not editor.sign_action.isEnabled()
    assert "Signed by Astrid Ødegård, MD on Mar 4, 2026 at 9:30 AM" in editor.signed_notice.text()
    assert editor.add_site("deltoid", "left") is None
    assert not editor.has_unsaved_changes()
    assert editor.save()  # nothing to save, nothing changes
    assert context.sessions.load(record.id).version == record.version


def test_signing_is_refused_while_the_checklist_has_open_items(
    qtbot: QtBot,
    context: AppContext,
) -> None:
    patient = add_patient(context)
    add_physician(context)
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(patient.id)
    record_two_site_session(editor)
    editor.form.consent.obtained.setChecked(False)
    editor.form.sites.site_editors[1].medication_rows[0].lot.setText("")
    seen: list[tuple[bool, str]] = []

    def cancel(dialog: object) -> None:
        assert isinstance(dialog, SignDialog)
        texts = " ".join(label.text() for label in dialog.checklist_labels)
        seen.append((dialog.sign_button.isEnabled(), texts))
        dialog.reject()

    answerer = DialogAnswerer(SignDialog, cancel)
    assert not editor.sign()

    assert answerer.handled
    enabled, texts = seen[0]
    assert not enabled
    assert "Consent obtained" in texts
    assert "Site 2 (Levator scapulae, left), medication 1: lot number" in texts
    assert editor.session_id is not None  # the draft was saved before the review
    assert context.sessions.load(editor.session_id).status is NoteStatus.DRAFT
    assert not editor.is_read_only()
    assert "Before signing: 2 items open" in editor.live_panel.ready_heading.text()


def test_save_refuses_text_in_a_number_field_and_keeps_every_character(
    qtbot: QtBot,
    context: AppContext,
) -> None:
    patient = add_patient(context)
    add_physician(context)
    messages = ScriptedMessages()
    editor = make_editor(qtbot, context, messages)
    editor.new_session(patient.id)
    record_two_site_session(editor)
    volume = editor.form.sites.site_editors[1].medication_rows[0].volume

    volume.setText("1,5 mL")

    row_errors = editor.form.sites.site_editors[1].medication_rows[0].errors
    qtbot.waitUntil(lambda: row_errors.isVisible())
    assert row_errors.text() == "Volume (mL): enter a number like 1.5"
    assert volume.property("invalid") is True
    assert not editor.save()
    kind, title, text = messages.shown[-1]
    assert (kind, title) == ("error", "Cannot save yet")
    assert "Site 2, medication 1: volume (mL): enter a number like 1.5" in text
    assert volume.text() == "1,5 mL"
    assert context.sessions.page(SessionFilter(patient_id=patient.id)).rows == ()
    assert editor.has_unsaved_changes()

    volume.setText("1.5")
    qtbot.waitUntil(lambda: not row_errors.isVisible())
    assert volume.property("invalid") is False
    assert editor.save()


def test_an_addendum_is_added_to_a_signed_note_and_shown(
    qtbot: QtBot,
    context: AppContext,
) -> None:
    patient = add_patient(context)
    add_physician(context)
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(patient.id)
    record_two_site_session(editor)
    signer = DialogAnswerer(SignDialog, sign_with_password)
    assert editor.sign()
    assert signer.handled

    def write(dialog: object) -> None:
        assert isinstance(dialog, AddendumDialog)
        assert not dialog.add_button.isEnabled()
        dialog.text_edit.setPlainText("Patient called on day 2: soreness resolved.")
        dialog.password_field.password.setText(PASSWORD)
        dialog.add_button.click()

    writer = DialogAnswerer(AddendumDialog, write)
    editor.signed_notice.banner.button.click()

    assert writer.handled
    assert editor.session_id is not None
    addenda = context.sessions.load(editor.session_id).addenda
    assert [a.text for a in addenda] == ["Patient called on day 2: soreness resolved."]
    assert (
        "Patient called on day 2: soreness resolved." in editor.signed_notice.addenda_label.text()
    )
    assert "Astrid Ødegård, MD" in editor.signed_notice.addenda_label.text()

    reopened = make_editor(qtbot, context, ScriptedMessages())
    reopened.open_session(editor.session_id)
    assert reopened.is_read_only()
    assert "soreness resolved" in reopened.signed_notice.addenda_label.text()
    assert reopened.signed_notice.banner.button.text() == "Add addendum…"
