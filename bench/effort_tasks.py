"""The effort benchmark's tasks, done as an expert would do them fastest with today's UI.

Each task is a generator of ``Driver`` steps (see ``effort_driver``): the actions it yields
are counted, the waits and look-ups are free. The path is the keyboard where the keyboard is
shortest, and a click where one click replaces several keys (a check box, the body map).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from effort_driver import Driver, Step, TaskFailed, focused, need, shown_window, top_dialog
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QWidget

from tpi_desk.clinical.body_map import BODY_MAP_RESOURCE, load_body_map
from tpi_desk.clinical.record import Side
from tpi_desk.paths import resource_path
from tpi_desk.ui.body_map_widget import BodyMapWidget
from tpi_desk.ui.export_dialog import ExportDialog
from tpi_desk.ui.login_dialog import LoginDialog
from tpi_desk.ui.main_window import MainWindow
from tpi_desk.ui.patient_dialog import PatientDialog
from tpi_desk.ui.session_editor.editor import SessionEditor
from tpi_desk.ui.session_editor.sign_dialog import SignDialog
from tpi_desk.ui.session_editor.site_editor import SiteEditor


@dataclass(frozen=True)
class Note:
    """What tasks A and B document (two sites, one lot) and what the checks expect."""

    mrn: str = "SYN-7001"
    family_name: str = "Quist"
    given_name: str = "Adela"
    date_of_birth: str = "03141980"  # digits in the locale's order (MM/DD/YYYY here)
    position: str = "Seated"
    pain_before: str = "7"
    pain_after: str = "3"
    diagnosis: str = "M79.18"
    muscle_id: str = "upper_trapezius"
    sides: tuple[Side, Side] = (Side.RIGHT, Side.LEFT)
    # The drug list takes the drug and strength typed ahead, words and digits alike.
    drug: str = "lidocaine 1"
    drug_choice: str = "Lidocaine 1 % (10 mg/mL)"
    volume_ml: str = "1"
    lot: str = "LT2026A"
    expires: str = "2028-06-30"


@dataclass(frozen=True)
class Account:
    username: str
    password: str


def window() -> MainWindow:
    return need(shown_window(MainWindow), "the main window")


def patient_page_shown() -> bool:
    return window().pages.currentWidget() is window().patient_page


def editor() -> SessionEditor:
    found = window().findChild(SessionEditor)
    return need(found if found is not None and found.isVisible() else None, "the session editor")


# --- signing in and out (counted apart from the tasks) -------------------------------------


def sign_in(d: Driver, account: Account) -> Iterator[Step]:
    yield d.until(lambda: top_dialog(LoginDialog) is not None, "the sign-in dialog")
    dialog = need(top_dialog(LoginDialog), "the sign-in dialog")
    if not dialog.username.hasFocus():
        yield d.until(dialog.username.hasFocus, "the cursor in the username")
    yield d.type_value(account.username)
    yield d.key("Tab")
    yield d.type_value(account.password)
    yield d.key("Enter")
    yield d.until(
        lambda: shown_window(MainWindow) is not None and top_dialog(LoginDialog) is None,
        "the main window",
    )


def sign_out(d: Driver) -> Iterator[Step]:
    """The user menu (the last in the menu bar), then Sign out: there is no shortcut."""
    bar = window().menuBar()
    menu = window().user_menu
    yield d.click(
        lambda: bar,
        at=lambda _: bar.actionGeometry(menu.menuAction()).center(),
        label=f"menu {menu.title()}",
    )
    yield d.until(menu.isVisible, "the user menu")
    yield d.click(
        lambda: menu,
        at=lambda _: menu.actionGeometry(menu.sign_out_action).center(),
        label="Sign out",
    )


# --- task A: a new patient and a two-site note, signed --------------------------------------


def task_a(d: Driver, note: Note, physician: Account) -> Iterator[Step]:
    yield d.key("Ctrl+Shift+N")
    yield d.until(lambda: top_dialog(PatientDialog) is not None, "the new-patient dialog")
    dialog = need(top_dialog(PatientDialog), "the new-patient dialog")
    yield from focus_field(d, dialog.mrn)
    for value, field in (
        (note.mrn, dialog.family_name),
        (note.family_name, dialog.given_name),
        (note.given_name, dialog.date_of_birth),
    ):
        yield d.type_value(value)
        yield from tab_to(d, field)
    # The date of birth takes the digits as typed, in the locale's order (issue 14).
    yield d.type_value(note.date_of_birth)
    yield d.key("Enter")
    yield d.until(lambda: top_dialog(PatientDialog) is None, "the patient to be added")
    yield d.until(patient_page_shown, "the patient's page")
    yield from settle(d)
    yield d.key("Ctrl+N")
    yield from _fill_note(d, note)
    yield from _sign(d, physician)


def _new_session_shown(d: Driver) -> Iterator[Step]:
    """Ctrl+N shows the editor with the cursor in its first field."""
    yield d.until(lambda: editor().isVisible() and editor().isEnabled(), "the new session")
    yield d.until(
        lambda: focused() is editor().form.header.performed_at, "the cursor in the first field"
    )
    yield d.pause(100)


def _fill_note(d: Driver, note: Note) -> Iterator[Step]:
    yield from _new_session_shown(d)
    form = editor().form
    header = form.header
    yield from choose(d, header.position, note.position, label="Position")
    yield from _safety_and_pain(d, note)
    yield from _diagnosis(d, note.diagnosis)
    for side in note.sides:
        yield from _site_from_body_map(d, note, side)


def _safety_and_pain(d: Driver, note: Note) -> Iterator[Step]:
    """Time-out (Alt+T ticks it), Tab to the pain scores (a digit moves on) and on to
    consent obtained (Space)."""
    form = editor().form
    header = form.header
    yield d.key("Alt+T")
    yield d.until(header.time_out_performed.isChecked, "the time-out ticked")
    yield from tab_to(d, header.pain_before)
    yield from _pain_and_consent(d, note)


def _pain_and_consent(d: Driver, note: Note) -> Iterator[Step]:
    """From pain before: each score moves the cursor on by itself, to consent obtained."""
    form = editor().form
    header = form.header
    yield d.type_value(note.pain_before)
    yield d.until(header.pain_after.hasFocus, "the cursor in pain after")
    yield d.type_value(note.pain_after)
    yield d.until(form.consent.obtained.hasFocus, "the cursor on consent obtained")
    yield d.key("Space")
    yield d.until(form.consent.obtained.isChecked, "consent ticked")


def _diagnosis(d: Driver, code: str) -> Iterator[Step]:
    picker = editor().form.diagnoses
    yield d.click(lambda: picker.search, label="diagnosis search")
    yield d.type_value(code)
    yield d.until(lambda: picker.results.rowCount() > 0, "the diagnosis matches")
    yield d.key("Enter")
    yield d.until(lambda: code in picker.codes(), f"{code} among the diagnoses")


def _site_from_body_map(d: Driver, note: Note, side: Side) -> Iterator[Step]:
    """One click on the body map adds the site with its muscle and side; then the drug line."""
    sites = editor().form.sites
    before = len(sites.site_editors)
    body_map = need(editor().body_map, "the body map")
    yield d.click(
        lambda: body_map,
        at=lambda w: _region_point(w, note.muscle_id, side),
        label=f"body map: {note.muscle_id} {side.value}",
    )
    yield d.until(lambda: len(sites.site_editors) == before + 1, "the new site")
    site: SiteEditor = sites.site_editors[-1]
    if len(site.medication_rows) != 1:
        raise TaskFailed(f"the new site {site.title.text()} has no medication line")
    row = site.medication_rows[0]
    if row.drug.drug_id():
        # Carried from the site before: drug, volume, lot and expiry are shown, editable.
        yield d.until(lambda: row.raw().lot == note.lot, "the lot carried forward")
        return
    yield d.until(row.drug.hasFocus, "the cursor in the drug")
    yield d.type_value(note.drug)
    yield d.until(lambda: row.drug.currentText() == note.drug_choice, note.drug_choice)
    for value, field in (
        (note.volume_ml, row.volume),
        (note.lot, row.lot),
        (note.expires, row.expires),
    ):
        yield from tab_to(d, field)
        yield d.type_value(value)


def _region_point(body_map: QWidget, muscle_id: str, side: Side) -> QPoint:
    assert isinstance(body_map, BodyMapWidget)
    art = load_body_map(resource_path(*BODY_MAP_RESOURCE))
    for view in art.views.values():
        for region in view.regions:
            if region.muscle_id == muscle_id and region.side is side:
                point = body_map.anchor_of(region)
                found = body_map.region_at(point)
                if found is not None and (found.muscle_id, found.side) == (muscle_id, side):
                    return point.toPoint()
    raise TaskFailed(f"the body map shows no {side.value} {muscle_id}")


def _sign(d: Driver, physician: Account) -> Iterator[Step]:
    yield d.pause(300)  # the live analysis settles (a user reads the panel meanwhile)
    yield d.key("Ctrl+Return")  # signs from any field (issue 14)
    yield d.until(lambda: top_dialog(SignDialog) is not None, "the sign dialog")
    dialog = need(top_dialog(SignDialog), "the sign dialog")
    if not dialog.ready:
        open_items = [label.text() for label in dialog.checklist_labels]
        raise TaskFailed("the note cannot be signed yet:\n  " + "\n  ".join(open_items))
    yield d.until(dialog.password_field.password.hasFocus, "the cursor in the password")
    yield d.type_value(physician.password)
    yield d.key("Enter")
    yield d.until(lambda: top_dialog(SignDialog) is None, "the note to be signed")
    yield d.until(editor().is_read_only, "the signed note")


# --- task B: the same patient returns; copy forward, sign -----------------------------------


def task_b(d: Driver, note: Note, physician: Account) -> Iterator[Step]:
    """From today's page: find the patient, then Ctrl+D starts a session with the last signed
    note copied forward (sites, drugs, volumes and today's open lots, diagnoses, position,
    consent type); then what is confirmed again each visit: pain scores, consent, time-out."""
    search = window().search_pane.search_box
    if not search.hasFocus():
        yield d.key("Ctrl+F")
        yield d.until(search.hasFocus, "the cursor in the patient search")
    yield d.type_value(note.mrn)
    # The first match is highlighted as the MRN is typed: Ctrl+D acts on it from the search.
    yield d.until(
        lambda: window().search_pane.current_patient_id() is not None, "the patient found"
    )
    yield d.key("Ctrl+D")  # outside the editor: a new session, copied forward
    yield d.until(lambda: editor().isVisible() and editor().isEnabled(), "the new session")
    form = editor().form
    sites = form.sites
    yield d.until(lambda: len(sites.site_editors) == len(note.sides), "the copied sites")
    for site in list(sites.site_editors):
        lines = [row.raw() for row in site.medication_rows]
        if [(m.volume_ml, m.lot) for m in lines] != [(note.volume_ml, note.lot)]:
            raise TaskFailed(f"copied site {site.title.text()} lost its drug, volume or lot")
    yield d.until(form.header.pain_before.hasFocus, "the cursor on pain before")
    yield from _pain_and_consent(d, note)
    yield d.key("Alt+T")
    yield d.until(form.header.time_out_performed.isChecked, "the time-out ticked")
    yield from _sign(d, physician)


# --- task C: billing exports today's signed notes -----------------------------------------


def task_c(d: Driver) -> Iterator[Step]:
    yield d.key("Ctrl+E")
    yield d.until(lambda: shown_window(ExportDialog) is not None, "the export dialog")
    dialog = need(shown_window(ExportDialog), "the export dialog")
    yield d.until(lambda: QApplication.activeWindow() is dialog, "the export dialog active")
    yield d.key("Enter")
    yield d.until(lambda: dialog.is_running() or bool(dialog.message_label.text()), "the export")
    yield d.until(lambda: not dialog.is_running(), "the export to finish", timeout_s=120)


def choose(d: Driver, combo: QComboBox, text: str, label: str = "drop-down") -> Iterator[Step]:
    """Open the drop-down with a click, click the item showing ``text``."""
    row = combo.findText(text)
    if row < 0:
        raise TaskFailed(f"the list offers no {text!r}")
    yield d.click(lambda: combo, label=label)
    view = combo.view()
    yield d.until(view.isVisible, "the drop-down list")
    # The list ignores a release within the double-click interval of opening it.
    yield d.pause(QApplication.doubleClickInterval() + 100)
    yield d.click(
        lambda: view.viewport(),
        at=lambda _: view.visualRect(view.model().index(row, 0)).center(),
        label=f"item {text}",
    )
    yield d.until(lambda: combo.currentText() == text and not view.isVisible(), f"{text} chosen")


def _widget(widget: QWidget) -> Callable[[], QWidget]:
    return lambda: widget


def settle(d: Driver) -> Iterator[Step]:
    """Free: let the main window take the activation back after a dialog closed (offscreen
    delivers that late, and a key pressed meanwhile would land nowhere)."""
    yield d.pause(150)
    yield d.until(lambda: QApplication.activeWindow() is window(), "the main window active")


def focus_field(d: Driver, field: QWidget) -> Iterator[Step]:
    """Get the cursor into ``field``: nothing if it is there, else one click."""
    yield d.pause(50)
    if not field.hasFocus():
        yield d.click(lambda: field, label="field")


def tab_to(d: Driver, field: QWidget, limit: int = 12) -> Iterator[Step]:
    """Press Tab until ``field`` has the focus (each press counts)."""
    for _ in range(limit):
        if field.hasFocus() or (
            isinstance(focused(), QLineEdit) and focused() is getattr(field, "line_edit", None)
        ):
            return
        yield d.key("Tab")
        yield d.pause(0)
    if not field.hasFocus():
        raise TaskFailed(f"Tab never reached {type(field).__name__}")
