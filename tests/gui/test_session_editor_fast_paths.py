"""The editor's fast paths (issue 14): drugs typed ahead, pain scores that move on, a new
site's medication line from the site before or today's open vial, and Undo for a site."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.test_session_editor_support import (
    KENALOG_40,
    LIDOCAINE_1,
    NOW,
    ScriptedMessages,
    add_patient,
    add_physician,
    clock_fixture,  # noqa: F401 - the editor tests' "now" for the "context" fixture
    editor_with_a_new_site,
    fill_medication,
    make_editor,
    stored_session,
)
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.session_editor.drug_picker import DrugPicker

OFFSCREEN_POPUP = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")


@OFFSCREEN_POPUP
def test_the_drug_and_strength_are_typed_ahead_spaces_and_digits_included(
    qtbot: QtBot, catalog: Catalog
) -> None:
    """A space in "Lidocaine 1" opened the list; "Lidocaine" + Down was needed for 1 %."""
    picker = DrugPicker(catalog)
    qtbot.addWidget(picker)
    picker.show()

    qtbot.keyClicks(picker, "lidocaine 1")

    assert picker.currentText() == LIDOCAINE_1
    assert not picker.view().isVisible()
    qtbot.wait(QApplication.keyboardInputInterval() + 50)
    qtbot.keyClicks(picker, "lido 0.5")
    assert picker.currentText() == "Lidocaine 0.5 % (5 mg/mL)"


def test_a_pain_score_typed_in_full_moves_the_cursor_on(qtbot: QtBot, context: AppContext) -> None:
    patient = add_patient(context)
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(patient.id)
    header = editor.form.header
    header.pain_before.setFocus()

    qtbot.keyClicks(header.pain_before, "7")
    assert editor.focusWidget() is header.pain_after
    qtbot.keyClicks(header.pain_after, "1")  # may become 10: stays
    assert editor.focusWidget() is header.pain_after
    qtbot.keyClicks(header.pain_after, "0")

    assert (header.pain_before.text(), header.pain_after.text()) == ("7", "10")
    assert editor.focusWidget() is editor.form.consent.obtained


def test_a_new_site_starts_with_the_previous_site_s_medication_line(
    qtbot: QtBot, context: AppContext
) -> None:
    """It had none: "+ Medication" was five Tabs away, and volume, lot and expiry were
    typed again at every site."""
    patient = add_patient(context)
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(patient.id)

    first = editor.add_site("upper_trapezius", "right")
    assert first is not None
    [line] = first.medication_rows
    assert line.raw().drug_id == "" and editor.focusWidget() is line.drug
    fill_medication(line, LIDOCAINE_1, "1", "LT2026A", "2028-06-30")
    second = editor.add_site("upper_trapezius", "left")

    assert second is not None
    [copied] = second.medication_rows
    assert copied.raw() == line.raw()  # shown in its fields, editable before signing
    assert editor.focusWidget() is copied.volume


def test_choosing_a_drug_fills_the_lot_of_today_s_open_vial(
    qtbot: QtBot, context: AppContext
) -> None:
    """A lot is typed once per vial: the day's earlier notes know it."""
    patient = add_patient(context)
    physician = add_physician(context)
    stored_session(context, patient.id, physician.id, NOW - timedelta(hours=1), lot="LV-77")
    stored_session(context, patient.id, physician.id, NOW - timedelta(days=1), lot="OLD-1")
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(patient.id)
    site = editor.add_site("deltoid", "left")
    assert site is not None
    [line] = site.medication_rows

    line.drug.setFocus()
    qtbot.keyClicks(line.drug, "lidocaine 0.5")

    assert (line.lot.text(), line.expires.text()) == ("LV-77", "2027-01-31")
    line.lot.setText("MINE")  # the clinician's lot stays when the drug changes
    qtbot.wait(QApplication.keyboardInputInterval() + 50)
    qtbot.keyClicks(line.drug, "lidocaine 1")
    assert line.lot.text() == "MINE"


def test_a_removed_site_comes_back_with_undo(qtbot: QtBot, context: AppContext) -> None:
    """Space on the × deleted the whole site with no confirmation or undo."""
    patient = add_patient(context)
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(patient.id)
    editor.add_site("upper_trapezius", "right")
    second = editor.add_site("levator_scapulae", "left")
    assert second is not None
    fill_medication(second.medication_rows[0], LIDOCAINE_1, "1.5", "LT1", "2028-01-31")
    kept = second.raw()

    qtbot.keyClick(second.remove_button, Qt.Key.Key_Space)

    assert len(editor.form.sites.site_editors) == 1
    assert editor.banner.text() == "Removed site 2 (Levator scapulae, left)."
    assert editor.banner.button.text() == "Undo (Ctrl+Z)"
    assert editor.focusWidget() is editor.banner.button
    editor.banner.button.click()
    assert [site.raw() for site in editor.form.sites.site_editors][1] == kept
    assert editor.banner.isHidden()
    editor.form.sites.site_editors[0].remove_button.click()
    assert editor.undo_remove_action.shortcut().toString() == "Ctrl+Z"
    editor.undo_remove_action.trigger()
    muscles = [site.muscle.muscle_id() for site in editor.form.sites.site_editors]
    assert muscles == ["upper_trapezius", "levator_scapulae"]


def test_no_empty_diagnosis_list_or_remove_button_before_a_diagnosis(
    qtbot: QtBot, context: AppContext
) -> None:
    patient = add_patient(context)
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(patient.id)
    diagnoses = editor.form.diagnoses

    assert diagnoses.chosen.isHidden() and diagnoses.remove_button.isHidden()
    diagnoses.add_code("M79.18")
    assert not diagnoses.chosen.isHidden() and not diagnoses.remove_button.isHidden()


def test_the_signed_view_shows_the_whole_drug_name(qtbot: QtBot, context: AppContext) -> None:
    """Issue 14: the drug name was cut off ("…") in the signed view."""
    patient = add_patient(context)
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(patient.id)
    site = editor.add_site("upper_trapezius", "right")
    assert site is not None
    drug = site.medication_rows[0].drug
    drug.setCurrentIndex(drug.findText(KENALOG_40))
    needed = drug.fontMetrics().horizontalAdvance(KENALOG_40)

    site.set_editable(False)  # as on a signed note
    editor.resize(900, 700)
    qtbot.wait(50)

    assert drug.minimumWidth() > needed
    assert drug.width() > needed


@OFFSCREEN_POPUP
def test_a_muscle_is_typed_picked_with_enter_and_its_side_follows_in_one_key(
    qtbot: QtBot, context: AppContext
) -> None:
    _editor, site = editor_with_a_new_site(qtbot, context)
    field = site.muscle.line_edit

    qtbot.keyClicks(field, "upper trap")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(site.side.hasFocus)
    qtbot.keyClicks(site.side, "l")

    assert (site.muscle.muscle_id(), site.side.currentData()) == ("upper_trapezius", "left")
