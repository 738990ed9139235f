"""The session editor on a 1366x768 laptop (issue 14): the window within the screen, the
form beside the patient list without scrolling sideways, every field and Sign on screen
once Tab reaches it, names and MRNs readable, and the alerts and codes with room."""

from __future__ import annotations

from datetime import date
from functools import partial

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.laptop_support import (
    alerts_and_codes_out_of_view,
    new_note_on_laptop,
    visible_in,
    wait_for_alerts_and_codes_in_view,
)
from tests.gui.test_session_editor_support import LIDOCAINE_1, fill_medication
from tests.gui.window_support import (
    activate,
    add_patient,
    add_physician,
    clinician,
)
from tpi_desk.clinical.record import PatientFacts
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.item_models.patient_list_model import MRN_COLUMN, NAME_COLUMN
from tpi_desk.ui.patient_search import NAME_SAMPLE
from tpi_desk.ui.session_editor.editor_view import BODY_MAP_HEIGHT

OFFSCREEN_POPUP = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")


def _on_screen(widget: QWidget, window: QWidget) -> bool:
    """Whether ``widget`` lies wholly inside the window's client area."""
    top_left = widget.mapTo(window, QPoint(0, 0))
    return window.rect().contains(QRect(top_left, widget.size()))


def _holds_focus(field: QWidget) -> bool:
    """The cursor in ``field`` or in its own line edit (the muscle picker's)."""
    focused = QApplication.focusWidget()
    return focused is not None and (focused is field or field.isAncestorOf(focused))


@OFFSCREEN_POPUP
def test_the_editor_fits_a_1366x768_laptop_and_every_field_is_reachable(
    qtbot: QtBot, context: AppContext
) -> None:
    add_physician(context)
    patient = add_patient(context, "SYN-004127", "Abernathy-Ñúñez", "Zoë")
    window, editor = new_note_on_laptop(qtbot, context, patient.id)
    for side in ("right", "left"):  # the upper trapezius: chest-wall fields too
        assert editor.add_site("upper_trapezius", side) is not None
    editor.refresh_analysis()
    qtbot.wait(300)  # the new cards show

    # Nothing cut off at the side: the form is as wide as what it shows.
    assert editor.form_scroll.horizontalScrollBar().maximum() == 0
    for button in (editor.header.save_button, editor.header.sign_button):
        assert _on_screen(button, window), button.text()
    # Each field, reached by Tab, is scrolled into view whole.
    viewport = editor.form_scroll.viewport()
    for field in editor.form.focus_widgets():
        if field.isHidden() or not field.isEnabled():
            continue
        activate(qtbot, window)
        field.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(partial(_holds_focus, field))
        QApplication.processEvents()
        assert visible_in(field, viewport), field.accessibleName() or type(field).__name__
    # The map gives up height to the alerts and codes below it.
    assert editor.body_map is not None
    assert editor.body_map.height() < BODY_MAP_HEIGHT
    assert editor.live_scroll.height() >= editor.columns.height() // 2
    # The patient list beside the editor: whole names and MRNs (the birth date gives way).
    table = window.search_pane.table
    header = table.horizontalHeader()
    name_needs = table.fontMetrics().horizontalAdvance(NAME_SAMPLE)
    assert header.sectionSize(NAME_COLUMN) >= name_needs
    mrn_needs = table.fontMetrics().horizontalAdvance(patient.facts.mrn)
    assert not table.isColumnHidden(MRN_COLUMN)
    assert header.sectionSize(MRN_COLUMN) > mrn_needs
    assert _on_screen(table, window)


@OFFSCREEN_POPUP
@pytest.mark.parametrize("allergies", [(), ("lidocaine",)], ids=["one alert", "three alerts"])
def test_the_alerts_and_codes_show_without_scrolling_the_right_column(
    qtbot: QtBot, context: AppContext, allergies: tuple[str, ...]
) -> None:
    """Issue 14: "at 1366x768 ... the editor's right column must not need its own scrolling
    for codes and alerts" (it had to: the codes sat below the checklist and the doses)."""
    add_physician(context)
    # No weight: lidocaine is checked against its absolute maximum only (a warning).
    patient = context.patients.create(
        PatientFacts("SYN-004128", "Quist", "Adela", date(1980, 3, 14), allergies=allergies),
        actor=clinician(context),
    )
    _window, editor = new_note_on_laptop(qtbot, context, patient.id)
    for side in ("right", "left"):
        site = editor.add_site("upper_trapezius", side)
        assert site is not None
        fill_medication(site.medication_rows[0], LIDOCAINE_1, "1", "LT2026A", "2028-06-30")
    editor.form.diagnoses.add_code("M79.18")
    editor.refresh_analysis()
    qtbot.waitUntil(lambda: editor.live_panel.codes_view.isVisible())
    panel = editor.live_panel
    wait_for_alerts_and_codes_in_view(qtbot, editor)

    assert editor.live_scroll.verticalScrollBar().value() == 0
    assert alerts_and_codes_out_of_view(editor) == []
    assert panel.codes_model.rowCount() >= 1
