"""The session editor's widgets: header, banner, form, body map, live panel and shortcuts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QFocusEvent, QKeySequence, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from tpi_desk.clinical.alerts import blocking
from tpi_desk.clinical.analysis import SessionAnalysis
from tpi_desk.clinical.body_map import BODY_MAP_RESOURCE, BodyMapError, load_body_map
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import NoteStatus
from tpi_desk.paths import resource_path
from tpi_desk.services.dto import PatientRecord, ProviderRecord, SessionRecord
from tpi_desk.ui.body_map_widget import BodyMapWidget
from tpi_desk.ui.formatting import STATUS_NAMES, format_date_time, format_time
from tpi_desk.ui.session_editor.banner import Banner, BannerKind
from tpi_desk.ui.session_editor.editor_header import COPY_SHORTCUT, EditorHeader
from tpi_desk.ui.session_editor.editor_layout import EditorColumns, FocusFollowingScrollArea
from tpi_desk.ui.session_editor.form_state import RawSession, RawSite
from tpi_desk.ui.session_editor.form_values import typed_part
from tpi_desk.ui.session_editor.live_panel import LivePanel
from tpi_desk.ui.session_editor.session_form import SessionForm
from tpi_desk.ui.session_editor.signed_notice import SignedNotice
from tpi_desk.ui.session_editor.site_editor import SiteEditor
from tpi_desk.ui.session_editor.style import EDITOR_STYLE
from tpi_desk.ui.session_editor.templates_menu import TemplatesMenu
from tpi_desk.ui.theme import PAGE_STYLE

SAVE_SHORTCUT = "Ctrl+S"
# Ctrl+Enter signs from any field (the keypad's Enter too); Ctrl+Shift+S as before.
SIGN_SHORTCUTS = ("Ctrl+Return", "Ctrl+Enter", "Ctrl+Shift+S")
ADD_SITE_SHORTCUT = "Ctrl+Shift+A"
PREVIEW_SHORTCUT = "Ctrl+P"
UNDO_REMOVE_SHORTCUT = "Ctrl+Z"  # a text field's own Ctrl+Z (its typing) comes first
BODY_MAP_HEIGHT = 330
# On a short screen (a 1366x768 laptop) the map gives up height to the alerts and codes
# below it: at most this share of the columns' height, never under the smallest height.
BODY_MAP_SHARE = 0.42
BODY_MAP_SMALLEST = 200
# A signed note's map only shows the sites (nothing to click) and its banner takes height:
# where even the smallest map would push its alerts and codes out of view, the map folds away.


class EditorView(QWidget):
    """Lays out the editor: the form on the left, the body map and live panel on the right.

    Holds the widgets and the keyboard actions only; ``SessionEditor`` gives them behaviour.
    """

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._muscles = catalog.muscles
        self.header = EditorHeader()
        self.banner = Banner()
        self.signed_notice = SignedNotice()
        self.form = SessionForm(catalog)
        self.form_scroll = FocusFollowingScrollArea(self.form)
        self.body_map = _body_map(catalog)
        self._map_may_fold = False
        self.live_panel = LivePanel(catalog)
        self.live_scroll = FocusFollowingScrollArea(self.live_panel)
        self.live_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        right: list[QWidget] = [self.live_scroll]
        if self.body_map is not None:
            right.insert(0, self.body_map)
        self.columns = EditorColumns(self.form_scroll, right)
        self.templates_menu = TemplatesMenu(self)
        self.header.templates_button.setMenu(self.templates_menu)
        # Tab from the last field reaches Save draft and Sign, then leaves for the patient list.
        self.form.tab_followers = [self.header.save_button, self.header.sign_button]
        self.save_action = self._action("Save draft", SAVE_SHORTCUT)
        self.sign_action = self._action("Sign…", *SIGN_SHORTCUTS)
        self.add_site_action = self._action("Add site", ADD_SITE_SHORTCUT)
        self.preview_action = self._action("Preview PDF", PREVIEW_SHORTCUT)
        self.copy_action = self._action("Copy forward", COPY_SHORTCUT)
        self.undo_remove_action = self._action("Undo removing a site", UNDO_REMOVE_SHORTCUT)
        self._focus_target: QWidget | None = None
        self._map_fitting = QTimer(self)
        self._map_fitting.setSingleShot(True)
        self._map_fitting.setInterval(0)
        self._map_fitting.timeout.connect(self.fit_body_map)
        self.live_panel.resized.connect(self._map_fitting.start)
        self._lay_out()
        self.setStyleSheet(PAGE_STYLE + EDITOR_STYLE)

    def _action(self, text: str, *shortcuts: str) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(shortcut) for shortcut in shortcuts])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(action)
        return action

    def _lay_out(self) -> None:
        top = QVBoxLayout()
        top.setContentsMargins(16, 12, 16, 4)
        top.setSpacing(8)
        top.addWidget(self.header)
        top.addWidget(self.banner)
        top.addWidget(self.signed_notice)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.columns, 1)

    def show_read_only(self, read_only: bool) -> None:
        """Lock or unlock every field, the editing actions and the body map."""
        self.form.set_read_only(read_only)
        self.live_panel.set_checklist_shown(not read_only)
        for action in (
            self.save_action,
            self.sign_action,
            self.add_site_action,
            self.copy_action,
            self.undo_remove_action,
        ):
            action.setEnabled(not read_only)
        self.header.set_editing(not read_only)
        if self.body_map is not None:
            self.body_map.set_interactive(not read_only)
        self._map_may_fold = read_only
        self._map_fitting.start()

    def show_opened(
        self,
        patient: PatientRecord,
        providers: Sequence[ProviderRecord],
        today: date,
    ) -> None:
        """Show a freshly opened session's patient and providers (a draft's provider may
        change until it is signed: one clinician documents for a colleague)."""
        self.banner.clear()
        self.signed_notice.clear()
        self.form.header.set_providers(providers)
        facts = patient.facts
        self.form.header.images.set_patient(facts.mrn, facts.family_name, facts.given_name)
        self.header.show_patient(patient, today)
        self.setEnabled(True)

    def show_restored(self, saved_at: datetime) -> None:
        """Say that the form holds typing recovered after TPI Desk closed without saving it."""
        self.banner.show_message(
            BannerKind.INFO,
            f"Restored what was typed here at {format_date_time(saved_at)}, before "
            "TPI Desk closed without saving it. Review it, then save (Ctrl+S).",
        )

    def show_analysis(self, analysis: SessionAnalysis, problems: Sequence[FieldProblem]) -> None:
        """Show the analysis in the live panel, the problems under their fields, the recorded
        sites on the body map, and the chest-wall fields when a site needs them."""
        self.live_panel.show_analysis(analysis, problems)
        self.form.show_problems(problems)
        recorded = self.form.recorded_sites()
        if self.body_map is not None:
            self.body_map.set_recorded_sites(recorded)
        self.form.outcome.set_chest_wall_needed(
            any(self._muscles[muscle_id].pneumothorax_risk for muscle_id, _ in recorded)
        )
        self.form.outcome.set_override_needed(bool(blocking(analysis.alerts)))
        self.form.update_tab_order()
        self.columns.balance()
        self._map_fitting.start()  # once the panel has laid out its new alerts and codes

    def show_status(self, record: SessionRecord | None, saved_raw: RawSession | None) -> None:
        """Show whether the session is saved (and when), or signed; preview needs a note."""
        self.preview_action.setEnabled(record is not None)  # a note exists once saved
        self.header.preview_button.setEnabled(record is not None)
        if record is not None and record.status is not NoteStatus.DRAFT:
            self.header.set_status(STATUS_NAMES[record.status], final=True)
        elif record is None:
            self.header.set_status("New session · not saved yet")
        elif typed_part(self.form.raw()) != typed_part(saved_raw):
            self.header.set_status("Draft · changes not saved yet")
        else:
            self.header.set_status(f"Draft · saved {format_time(record.updated_at)}")

    def show_new_site(self, raw: RawSite | None) -> SiteEditor:
        """Add a site row and put the cursor on its first field still to fill: the muscle,
        the side, the drug, else the volume of its (pre-filled) medication line."""
        editor = self.form.sites.add_site(raw)
        self.form.update_tab_order()
        # The new card shows on the next event loop turn: ask what is hidden on purpose.
        medications = not editor.add_medication_button.isHidden()
        rows = editor.medication_rows if medications else []
        target: QWidget
        if raw is None or not raw.muscle_id:
            target = editor.muscle
        elif not raw.side:
            target = editor.side
        elif rows and not rows[0].drug.drug_id():
            target = rows[0].drug
        elif rows:
            target = rows[0].volume
            rows[0].volume.selectAll()
        elif medications:
            target = editor.add_medication_button
        else:
            target = editor.points
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        self.form_scroll.ensureWidgetVisible(editor)
        return editor

    def focus_first_field(self) -> None:
        """The cursor in the first field, now or as soon as the editor shows (a new session
        is loaded while its page is still hidden)."""
        self.focus_when_shown(self.form.header.performed_at)

    def focus_when_shown(self, field: QWidget) -> None:
        self._focus_target = field
        if self.isVisible() and field.isVisible():
            field.setFocus(Qt.FocusReason.OtherFocusReason)

    def focusInEvent(self, event: QFocusEvent) -> None:
        """The editor itself given the focus (its page shown): on to the field waiting."""
        super().focusInEvent(event)
        target = self._focus_target
        if target is not None and target.isVisible() and target.isEnabled():
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_body_map()

    def fit_body_map(self) -> None:
        """The map takes up to 42 % of the column's height, and gives up more when the alerts
        and codes below it need the room (issue 14): down to its smallest while editing; on a
        signed note it folds away instead."""
        if self.body_map is None:
            return
        share = min(int(self.columns.height() * BODY_MAP_SHARE), BODY_MAP_HEIGHT)
        # What the map could have while the panel's view keeps the alerts and codes whole.
        room_left = (
            self.body_map.height()
            + self.live_scroll.viewport().height()
            - self.live_panel.height_for_alerts_and_codes()
        )
        height = min(share, room_left)
        if height < BODY_MAP_SMALLEST:
            height = 0 if self._map_may_fold else BODY_MAP_SMALLEST
        if self.body_map.height() != height:
            self.body_map.setFixedHeight(height)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        target = self._focus_target
        if target is not None and target.isEnabled() and QApplication.focusWidget() is None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)


def _body_map(catalog: Catalog) -> BodyMapWidget | None:
    try:
        art = load_body_map(resource_path(*BODY_MAP_RESOURCE))
    except BodyMapError:
        return None  # the form works without the picture; sites are added by keyboard
    widget = BodyMapWidget(art, catalog)
    widget.setFixedHeight(BODY_MAP_HEIGHT)
    widget.setMinimumWidth(0)
    return widget
