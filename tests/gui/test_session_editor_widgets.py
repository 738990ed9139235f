"""The editor's parts: pickers, live mg, kind switch, ultrasound, tab order, templates."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.gui.test_session_editor_support import (
    LIDOCAINE_1,
    ScriptedMessages,
    add_patient,
    add_physician,
    clock_fixture,  # noqa: F401 - the editor tests' "now" for the "context" fixture
    fill_medication,
    make_editor,
    record_two_site_session,
)
from tests.gui.window_support import activate
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.session_editor.diagnosis_picker import DiagnosisPicker
from tpi_desk.ui.session_editor.drug_picker import DrugPicker
from tpi_desk.ui.session_editor.muscle_picker import FIRST_IN_GROUP_ROLE, GROUP_ROLE, MusclePicker

# The offscreen platform cannot raise the completion pop-up or give it the keyboard.
OFFSCREEN_POPUP = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")


@OFFSCREEN_POPUP
def test_diagnoses_are_found_by_code_or_by_words_and_picked_with_the_keyboard(
    qtbot: QtBot, catalog: Catalog
) -> None:
    picker = DiagnosisPicker(catalog)
    qtbot.addWidget(picker)
    picker.show()
    picker.search.setFocus()

    qtbot.keyClicks(picker.search, "M79")
    found = [picker.results.code_at(row) for row in range(picker.results.rowCount())]
    assert found and all(code.startswith("M79") for code in found)

    picker.search.clear()
    qtbot.keyClicks(picker.search, "myofascial")
    found = [picker.results.code_at(row) for row in range(picker.results.rowCount())]
    assert found[0].startswith("M79.1")
    with qtbot.waitSignal(picker.changed):
        qtbot.keyClick(picker.search, Qt.Key.Key_Return)

    assert picker.codes() == (found[0],)
    qtbot.waitUntil(lambda: picker.search.text() == "")
    picker.search.setText("cervicalgia")
    picker.choose_result(0)
    picker.search.setText("M79.1")  # already chosen codes are not added twice
    picker.choose_result(picker.results.rowCount() - 1)
    picker.add_code(found[0])
    assert picker.codes()[:2] == (found[0], "M54.2")
    assert len(picker.codes()) == len(set(picker.codes()))

    picker.chosen.setCurrentRow(0)
    picker.remove_selected()
    assert picker.codes()[0] == "M54.2"


def test_a_non_billable_diagnosis_gets_a_message_next_to_the_picker(
    qtbot: QtBot,
    context: AppContext,
) -> None:
    patient = add_patient(context)
    add_physician(context)
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(patient.id)

    editor.form.diagnoses.add_code("M54.5")

    errors = editor.form.diagnoses.errors
    qtbot.waitUntil(errors.isVisible)
    assert errors.text() == "Diagnosis 1: M54.5 is not billable; choose a more specific code"


@OFFSCREEN_POPUP
def test_muscles_are_searched_by_name_and_listed_by_group(qtbot: QtBot, catalog: Catalog) -> None:
    picker = MusclePicker(catalog)
    qtbot.addWidget(picker)
    picker.show()

    picker.show_all()
    rows = picker.results.rowCount()
    assert rows == len(catalog.muscles)
    groups = [picker.results.index(row, 0).data(GROUP_ROLE) for row in range(rows)]
    headers = [row for row in range(rows) if picker.results.index(row, 0).data(FIRST_IN_GROUP_ROLE)]
    assert [groups[row] for row in headers] == list(
        dict.fromkeys(m.group for m in catalog.muscles.values())
    )

    picker.line_edit.setFocus()
    qtbot.keyClicks(picker.line_edit, "trap")
    names = [picker.results.index(r, 0).data() for r in range(picker.results.rowCount())]
    assert names == ["Upper trapezius", "Middle trapezius", "Lower trapezius"]
    assert picker.muscle_id() == ""
    with qtbot.waitSignal(picker.muscle_chosen) as chosen:
        picker.choose(1)
    assert chosen.args == ["middle_trapezius"]
    assert (picker.text(), picker.muscle_id()) == ("Middle trapezius", "middle_trapezius")

    picker.line_edit.setText("levator scapulae")  # an exact name needs no pick
    assert picker.muscle_id() == "levator_scapulae"


def test_the_drug_picker_lists_every_strength_in_plain_words(
    qtbot: QtBot, catalog: Catalog
) -> None:
    picker = DrugPicker(catalog)
    qtbot.addWidget(picker)
    labels = [picker.itemText(row) for row in range(picker.count()) if picker.itemText(row)]

    for expected in (
        "Lidocaine 0.5 % (5 mg/mL)",
        "Lidocaine 1 % (10 mg/mL)",
        "Bupivacaine 0.25 % (2.5 mg/mL)",
        "Triamcinolone acetonide 40 mg/mL",
        "Sodium chloride 0.9 % (9 mg/mL)",
    ):
        assert expected in labels
    picker.set_choice("lidocaine", "15")  # a strength from an import, not in the catalog
    assert (picker.currentText(), picker.drug_id(), picker.concentration()) == (
        "Lidocaine 1.5 % (15 mg/mL)",
        "lidocaine",
        "15",
    )


def test_the_dose_in_mg_follows_the_volume_and_cannot_be_typed(
    qtbot: QtBot,
    context: AppContext,
) -> None:
    patient = add_patient(context)
    add_physician(context)
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(patient.id)
    site = editor.add_site("upper_trapezius", "left")
    assert site is not None
    row = site.medication_rows[0]

    fill_medication(row, LIDOCAINE_1, "1.5", "LD1", "2027-08")
    assert row.dose.text() == "= 15 mg"
    row.volume.setText("2.25")
    assert row.dose.text() == "= 22.5 mg"
    row.volume.setText("a little")
    assert row.dose.text() == "– mg"
    assert row.raw().expires == "2027-08"
    row.volume.setText("1")
    editor.refresh_analysis()
    assert editor.reading is not None
    [medication] = editor.reading.entry.sites[0].medications
    assert str(medication.expires) == "2027-08-31"  # a month means its last day


def test_switching_to_dry_needling_asks_before_dropping_medications(
    qtbot: QtBot,
    context: AppContext,
) -> None:
    patient = add_patient(context)
    add_physician(context)
    messages = ScriptedMessages(answer=False)
    editor = make_editor(qtbot, context, messages)
    editor.new_session(patient.id)
    record_two_site_session(editor)
    kind = editor.form.header.kind
    dry_needling = kind.findData("dry_needling")

    kind.setCurrentIndex(dry_needling)

    assert messages.shown[-1][1] == "Switch to dry needling?"
    assert "Remove the 3 medication lines" in messages.shown[-1][2]
    assert kind.currentData() == "trigger_point_injection"
    assert editor.form.sites.medication_count() == 3

    messages.answer = True
    kind.setCurrentIndex(dry_needling)

    assert kind.currentData() == "dry_needling"
    assert editor.form.sites.medication_count() == 0
    assert editor.form.sites_heading.text() == "Needling sites"
    assert editor.form.sites.site_editors[0].add_medication_button.isHidden()
    editor.refresh_analysis()
    codes = [line.code for line in editor.live_panel.codes_model.lines()]
    # Bilateral upper trapezius + left levator scapulae = 3 muscles (DOMAIN.md, CPT).
    assert codes == ["20561"]
    kind.setCurrentIndex(kind.findData("trigger_point_injection"))
    assert not editor.form.sites.site_editors[0].add_medication_button.isHidden()


def test_ultrasound_guidance_adds_its_code_and_asks_for_the_device(
    qtbot: QtBot,
    context: AppContext,
) -> None:
    patient = add_patient(context)
    add_physician(context)
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(patient.id)
    record_two_site_session(editor)
    header = editor.form.header
    assert not header.ultrasound_image_retained.isEnabled()

    header.ultrasound_guided.setChecked(True)
    editor.refresh_analysis()

    assert header.ultrasound_image_retained.isEnabled()
    assert header.ultrasound_interpretation.isEnabled()
    assert editor.analysis is not None
    assert "Ultrasound device" in editor.analysis.checklist.missing
    header.ultrasound_image_retained.setChecked(True)
    header.ultrasound_device.setText("Butterfly iQ3")
    header.ultrasound_interpretation.setText("Needle tip in the muscle; pleura clear")
    editor.refresh_analysis()
    # 3 muscles (DOMAIN.md, CPT); 76942 with the image retained and interpreted (issue 12).
    assert [line.code for line in editor.live_panel.codes_model.lines()][:2] == ["20553", "76942"]
    assert editor.reading is not None
    assert (
        editor.reading.entry.ultrasound_interpretation == "Needle tip in the muscle; pleura clear"
    )
    header.ultrasound_guided.setChecked(False)
    assert not header.ultrasound_image_retained.isChecked()  # never retained without guidance
    assert not header.ultrasound_interpretation.isEnabled()


def _focus_order(start: QWidget, count: int) -> list[QWidget]:
    order = [start]
    while len(order) < count:
        following = order[-1].nextInFocusChain()
        assert following is not None
        order.append(following)
    return order


def test_tab_goes_top_to_bottom_through_the_form_including_new_sites(
    qtbot: QtBot,
    context: AppContext,
) -> None:
    patient = add_patient(context)
    add_physician(context)
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(patient.id)
    record_two_site_session(editor)
    editor.refresh_analysis()
    header = editor.form.header
    first, second = editor.form.sites.site_editors

    chain = _focus_order(header.performed_at, 400)

    def position(widget: QWidget) -> int:
        return next(i for i, w in enumerate(chain) if w is widget or w.focusProxy() is widget)

    ordered = [
        header.performed_at,
        header.provider,
        header.kind,
        header.position,
        header.location_name,
        header.ultrasound_guided,
        header.time_out_performed,
        header.pain_before,
        header.pain_after,
        editor.form.consent.obtained,
        editor.form.consent.risks,
        editor.form.diagnoses.search,
        editor.form.indication.tried["pain_medication"],
        editor.form.exam.findings["taut_band"],
        editor.form.exam.function_score,
        first.muscle.line_edit,
        first.side,
        first.points,
        first.medication_rows[0].drug,
        first.medication_rows[0].volume,
        first.medication_rows[0].lot,
        first.medication_rows[0].ndc,
        first.medication_rows[1].drug,
        second.muscle.line_edit,
        second.medication_rows[0].expires,
        editor.form.sites.add_button,
        editor.form.outcome.tolerance,
        editor.form.outcome.side_effects,
        editor.form.outcome.notes,
        editor.form.outcome.follow_up,
    ]
    positions = [position(widget) for widget in ordered]
    assert positions == sorted(positions)


@OFFSCREEN_POPUP
def test_keyboard_shortcut_adds_a_site_and_puts_the_cursor_in_its_muscle_field(
    qtbot: QtBot,
    context: AppContext,
) -> None:
    patient = add_patient(context)
    add_physician(context)
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(patient.id)
    activate(qtbot, editor)
    editor.form.header.pain_after.setFocus()

    qtbot.keyClick(
        editor.form.header.pain_after,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )

    assert len(editor.form.sites.site_editors) == 1
    muscle_field = editor.form.sites.site_editors[0].muscle.line_edit
    qtbot.waitUntil(muscle_field.hasFocus)
    qtbot.keyClicks(muscle_field, "Deltoid")
    qtbot.keyClick(muscle_field, Qt.Key.Key_Tab)
    assert editor.form.sites.site_editors[0].muscle.muscle_id() == "deltoid"


def test_sites_saved_as_a_template_are_applied_to_the_next_session(
    qtbot: QtBot,
    context: AppContext,
) -> None:
    patient = add_patient(context)
    add_physician(context)
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(patient.id)
    record_two_site_session(editor)

    assert editor.save_template("Neck, both sides")

    editor.templates_menu.aboutToShow.emit()
    [template] = editor.templates_menu.templates
    titles = [action.text() for action in editor.templates_menu.actions()]
    assert "Neck, both sides  (TPI, 2 sites)" in titles
    assert editor.save()
    editor.new_session(patient.id)
    assert editor.form.sites.site_editors == []

    assert editor.apply_template(template.id)

    first, second = editor.form.sites.site_editors
    assert (first.muscle.muscle_id(), first.side.currentData()) == ("upper_trapezius", "bilateral")
    assert [row.volume.text() for row in first.medication_rows] == ["4", "0.5"]
    # Today's open vials (the draft saved above) fill the lots, visibly.
    assert [row.lot.text() for row in first.medication_rows] == ["LD4471A", "TA2209K"]
    assert second.muscle.muscle_id() == "levator_scapulae"
    assert "Added 2 sites from the template “Neck, both sides”." in editor.banner.text()


def test_a_chest_wall_site_offers_the_chest_wall_warning_for_the_instructions(
    qtbot: QtBot,
    context: AppContext,
) -> None:
    patient = add_patient(context)
    add_physician(context)
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(patient.id)
    outcome = editor.form.outcome
    assert outcome.instructions.toPlainText() == context.catalog.default_instructions
    editor.add_site("deltoid", "left")
    editor.refresh_analysis()
    assert outcome.chest_wall_button.isHidden()

    editor.add_site("upper_trapezius", "bilateral")  # a pneumothorax-risk muscle
    editor.refresh_analysis()
    assert not outcome.chest_wall_button.isHidden()
    outcome.chest_wall_button.click()

    assert outcome.instructions.toPlainText() == (
        f"{context.catalog.default_instructions} {context.catalog.chest_wall_instructions}"
    )
    assert outcome.chest_wall_button.isHidden()


def test_a_refused_save_puts_the_cursor_on_the_first_field_to_fix(
    qtbot: QtBot,
    context: AppContext,
) -> None:
    patient = add_patient(context)
    add_physician(context)
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(patient.id)
    activate(qtbot, editor)
    record_two_site_session(editor)
    editor.form.sites.site_editors[1].needle_length.setText("1½ in")
    editor.form.header.pain_after.setText("3/10")

    assert not editor.save()

    assert editor.form.header.pain_after.hasFocus()
    editor.form.header.pain_after.setText("3")
    assert not editor.save()
    assert editor.form.sites.site_editors[1].needle_length.hasFocus()


def test_close_saves_what_it_can_and_asks_before_leaving_unsaveable_text(
    qtbot: QtBot,
    context: AppContext,
) -> None:
    patient = add_patient(context)
    add_physician(context)
    messages = ScriptedMessages(answer=False)
    editor = make_editor(qtbot, context, messages)
    editor.new_session(patient.id)
    editor.form.header.pain_before.setText("8")

    with qtbot.waitSignal(editor.close_requested):
        editor.header.close_button.click()  # valid: saved right away, nothing to ask
    assert messages.shown == []
    assert editor.session_id is not None
    assert context.sessions.load(editor.session_id).entry.pain_before == 8

    editor.form.header.pain_before.setText("eight")
    with qtbot.assertNotEmitted(editor.close_requested):
        editor.header.close_button.click()
    assert messages.shown[-1][1] == "Close without saving?"
    [recovered] = editor.recovered_drafts()
    assert recovered.form.pain_before == "eight"
    messages.answer = True
    with qtbot.waitSignal(editor.close_requested):
        editor.header.close_button.click()
