"""The main window: patient search on the left; today, a patient or the editor on the right."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QSplitter, QStackedWidget, QWidget

from tpi_desk.services.errors import UserError
from tpi_desk.services.people.users import UserService
from tpi_desk.services.permissions import Action, Actor, may
from tpi_desk.ui.about_box import show_about
from tpi_desk.ui.admin.admin_menu import AdminMenus
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.database_status import DatabaseStatus
from tpi_desk.ui.editor_host import (
    EditorFactory,
    HostedSessionEditor,
    TemplateTarget,
    build_session_editor,
    copy_forward,
    copy_forward_action,
)
from tpi_desk.ui.editor_slot import EditorSlot
from tpi_desk.ui.first_run import FirstRunPage, load_demo_data
from tpi_desk.ui.idle_lock import IdleWatcher, LockPage, idle_lock_minutes
from tpi_desk.ui.main_window_actions import WindowActions, WindowShortcutsFirst
from tpi_desk.ui.messages import UserMessages
from tpi_desk.ui.outcomes.menu import OutcomesMenu
from tpi_desk.ui.patient_dialog import PatientDialog
from tpi_desk.ui.patient_page import PatientPage
from tpi_desk.ui.patient_search import PatientSearchPane
from tpi_desk.ui.recall_import_actions import RecallAndImportActions
from tpi_desk.ui.recent_sessions import RecentSessionsPage
from tpi_desk.ui.session_import import ask_session_files, import_session_files
from tpi_desk.ui.theme import PAGE_STYLE
from tpi_desk.ui.user_menu import ChangePasswordDialog, UserMenu
from tpi_desk.ui.window_geometry import place_window, remember_window
from tpi_desk.ui.window_lock import WindowLock

LEFT_PANE_WIDTH = 400
WINDOW_SIZE = (1360, 860)
# A database `tpi-desk demo-data` made (synthetic patients only) says so in the title.
DEMO_TITLE = "TPI Desk — DEMO (synthetic patients)"
NO_PATIENT_FOR_SESSION = (
    "Ctrl+N starts a session for a patient: find one (Ctrl+F), highlight them in the list "
    "or open their page, then press Ctrl+N again."
)


class MainWindow(QMainWindow):
    """Keyboard first: Ctrl+F finds a patient, Ctrl+Shift+N adds one, Ctrl+N starts a session.

    Ctrl+L locks the window (so does ``idle_lock_ms`` without input); the user menu signs out.
    """

    signed_out = Signal()
    closed = Signal()

    def __init__(
        self,
        context: AppContext,
        messages: UserMessages,
        *,
        actor: Actor | None = None,
        editor_factory: EditorFactory = build_session_editor,
        users: UserService | None = None,
        idle_lock_ms: int | None = None,
    ) -> None:
        """``actor`` is the signed-in user the window's reads and changes are made as;
        ``idle_lock_ms`` (default: the clinic's ``security.idle_lock_minutes``) locks it."""
        super().__init__()
        self._context = context
        self._messages = messages
        self._actor = actor
        self._users = users or context.users
        self._editor_factory = editor_factory
        self._counted = False
        self._show_title()
        place_window(self, WINDOW_SIZE)

        self.search_pane = PatientSearchPane(context.patients, actor=actor)
        self.recent_page = RecentSessionsPage(context, actor=actor)
        self.first_run_page = FirstRunPage()
        self.patient_page = PatientPage(context, actor=actor)
        self.pages = QStackedWidget()
        for page in (self.recent_page, self.first_run_page, self.patient_page):
            self.pages.addWidget(page)
        for widget in (self.search_pane, self.recent_page, self.first_run_page, self.patient_page):
            widget.setStyleSheet(PAGE_STYLE)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.search_pane)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([LEFT_PANE_WIDTH, WINDOW_SIZE[0] - LEFT_PANE_WIDTH])
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)
        self._editor_slot = EditorSlot(self.pages, self._build_editor)
        self._build_actions()
        self._build_menus()
        self._build_status_bar()
        minutes = idle_lock_minutes(context.settings, actor)
        self.idle_watcher = IdleWatcher(idle_lock_ms or minutes * 60_000, self)
        self._connect_signals()
        self._apply_permissions()
        if actor is not None:
            self.idle_watcher.start()
        self.search_pane.load()
        self.show_start_page()

    # Construction

    def _build_actions(self) -> None:
        self.window_actions = actions = WindowActions(self)
        self.new_patient_action = actions.new_patient
        self.new_session_action = actions.new_session
        self.find_action = actions.find
        self.today_action = actions.today
        self.import_action = actions.import_documents
        self.demo_action = actions.demo
        self.export_action = actions.export
        self.preview_action = actions.preview
        self.quit_action = actions.quit
        self.about_action = actions.about
        self.copy_forward_action = copy_forward_action(self, (self.search_pane, self.patient_page))
        self.copy_forward_action.triggered.connect(self.new_session_copied_forward)
        for page in (self.recent_page, self.patient_page):
            page.addAction(self.preview_action)
        self._lock = WindowLock(self, always_enabled={self.quit_action, self.about_action})

    def _build_menus(self) -> None:
        self.window_actions.fill_file_menu(self.menuBar().addMenu("&File"))
        self.admin_menus = AdminMenus(
            self, self._context, self._messages, self._actor, self.open_session
        )
        parts = (self._context, self._messages, self._actor)
        self.outcomes_menu = OutcomesMenu(self, *parts)
        self.recall_import = RecallAndImportActions(self, *parts)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.about_action)
        self.user_menu = UserMenu.add_to(self.menuBar(), self._display_name())
        self.user_menu.menuAction().setVisible(self._actor is not None)
        self.addActions(self.user_menu.actions())

    def _build_status_bar(self) -> None:
        self.database_status = DatabaseStatus(self, self._context.overview)
        self.database_label = self.database_status.database_label
        self.counts_label = self.database_status.counts_label

    def _connect_signals(self) -> None:
        self.new_patient_action.triggered.connect(self.new_patient)
        self.new_session_action.triggered.connect(self.new_session)
        self.find_action.triggered.connect(self.search_pane.focus_search)
        self.today_action.triggered.connect(self._today_triggered)
        self.import_action.triggered.connect(self.import_documents)
        self.demo_action.triggered.connect(self.load_demo_data)
        self.export_action.triggered.connect(self.export_for_billing)
        self.preview_action.triggered.connect(self.preview_note)
        self.quit_action.triggered.connect(self.close)
        self.about_action.triggered.connect(self.about)
        self.user_menu.lock_action.triggered.connect(self.lock)
        self.user_menu.change_password_action.triggered.connect(self.change_password)
        self.user_menu.sign_out_action.triggered.connect(self.sign_out)
        self.shortcuts_first = WindowShortcutsFirst(
            self, (self.export_action, self.user_menu.sign_out_action)
        )
        self.idle_watcher.went_idle.connect(self.lock)
        self.search_pane.patient_activated.connect(self.open_patient)
        self.search_pane.new_patient_requested.connect(self.new_patient)
        self.search_pane.model.load_failed.connect(self._load_failed)
        self.recent_page.session_activated.connect(self.open_session)
        self.recent_page.model.load_failed.connect(self._load_failed)
        self.first_run_page.new_patient_requested.connect(self.new_patient)
        self.first_run_page.import_requested.connect(self.import_documents)
        self.first_run_page.demo_data_requested.connect(self.load_demo_data)
        self.patient_page.new_session_requested.connect(self._new_session_for)
        self.patient_page.template_session_requested.connect(self.new_session_from_template)
        self.patient_page.edit_patient_requested.connect(self.edit_patient)
        self.patient_page.session_activated.connect(self._open_session_of_page)
        self.patient_page.history_model.load_failed.connect(self._load_failed)

    # Navigation

    def show_start_page(self) -> None:
        """Today's sessions, or the first-run page when the database holds no patient."""
        if not self._editor_slot.leave():
            return
        if self._database_is_empty():
            self.pages.setCurrentWidget(self.first_run_page)
        else:
            self.recent_page.refresh()
            self.pages.setCurrentWidget(self.recent_page)

    def open_patient(self, patient_id: int) -> bool:
        """Show ``patient_id``'s page (leaving the editor only if nothing would be lost)."""
        showing = self.pages.currentWidget() is self.patient_page
        if showing and self.patient_page.patient_id() == patient_id:
            return True
        if not self._editor_slot.leave():
            return False
        try:
            self.patient_page.show_patient(patient_id)
        except UserError as error:
            self._messages.error(self, "The patient could not be opened", error.message)
            return False
        self.pages.setCurrentWidget(self.patient_page)
        self.search_pane.select_patient(patient_id)
        return True

    def open_session(self, session_id: int, patient_id: int) -> None:
        """Open a session in the editor, with its patient's page behind it."""
        if not self.open_patient(patient_id):
            return
        editor = self._editor_slot.editor()
        editor.open_session(session_id)
        self._editor_slot.show()

    def _open_session_of_page(self, session_id: int) -> None:
        patient_id = self.patient_page.patient_id()
        if patient_id is not None:
            self.open_session(session_id, patient_id)

    def new_session(self) -> bool:
        """Ctrl+N: for the patient highlighted in the list when the cursor is there, else the
        one showing, else the one highlighted; with none the status bar says what to do."""
        patient_id = self._patient_for_new_session()
        if patient_id is None:
            self.statusBar().showMessage(NO_PATIENT_FOR_SESSION, 10_000)
            return False
        return self._new_session_for(patient_id)

    def new_session_copied_forward(self) -> None:
        """Ctrl+D on the patient: a new session with the last signed note copied forward."""
        if self.new_session():
            copy_forward(self._editor_slot.editor())

    def _patient_for_new_session(self) -> int | None:
        highlighted = self.search_pane.highlighted_patient_id()
        focused = QApplication.focusWidget()
        in_search = focused is not None and self.search_pane.isAncestorOf(focused)
        page_patient = self.patient_page.patient_id()
        if page_patient is not None and self.pages.currentWidget() is not self.recent_page:
            return highlighted if in_search and highlighted is not None else page_patient
        return highlighted

    def _new_session_for(self, patient_id: int) -> bool:
        if not self._may(Action.AUTHOR_SESSION) or not self.open_patient(patient_id):
            return False
        if not self._editor_slot.leave():
            return False
        editor = self._editor_slot.editor()
        editor.new_session(patient_id)
        self._editor_slot.show()
        return True

    def new_session_from_template(self, patient_id: int, template_id: int) -> None:
        """Start a session for ``patient_id`` with the sites of one of the user's templates."""
        editor = self._editor_slot.editor() if self._new_session_for(patient_id) else None
        if isinstance(editor, TemplateTarget):
            editor.apply_template(template_id)

    def _today_triggered(self) -> None:
        self.show_start_page()

    # Patients

    def new_patient(self) -> None:
        """Ask for a new patient; once saved, list and open them."""
        if not self._may(Action.EDIT_PATIENT):
            return
        dialog = PatientDialog(self._context, None, self, actor=self._actor)
        saved = dialog.ask()
        if saved is None:
            return
        self.search_pane.refresh()
        if not self.search_pane.select_patient(saved.id):
            self.search_pane.search_box.setText(saved.facts.mrn)
            self.search_pane.load()
            self.search_pane.select_patient(saved.id)
        self._refresh_counts()
        self.open_patient(saved.id)

    def edit_patient(self, patient_id: int) -> None:
        try:
            record = self._context.patients.get(patient_id, actor=self._actor)
        except UserError as error:
            self._messages.error(self, "The patient could not be opened", error.message)
            return
        saved = PatientDialog(self._context, record, self, actor=self._actor).ask()
        if saved is None:
            return
        self.search_pane.refresh(select_patient_id=saved.id)
        self.patient_page.refresh()

    # File menu

    def ask_import_files(self) -> list[Path]:
        """The files the user picks to import (empty if they cancel); tests replace this."""
        return ask_session_files(self)

    def import_documents(self) -> None:
        paths = self.ask_import_files()
        if not paths:
            return
        imported = import_session_files(
            self, self._context, self._messages, paths, actor=self._actor
        )
        if not imported:
            return
        self.search_pane.refresh()
        self._refresh_counts()
        self.open_patient(imported[0].patient_id)

    def _show_title(self) -> None:
        demo = self._context.demo_database
        self.setWindowTitle(DEMO_TITLE if demo is not None and demo.is_demo() else "TPI Desk")

    def load_demo_data(self) -> None:
        if not load_demo_data(self, self._context, self._messages, self._actor):
            return
        self._show_title()
        self.search_pane.load()
        self._refresh_counts()
        self.show_start_page()

    def export_for_billing(self) -> None:
        from tpi_desk.ui.export_dialog import show_export_dialog  # ReportLab loads on first use

        show_export_dialog(self, self._context, self._messages, actor=self._actor)

    def preview_note(self) -> None:
        """The note PDF of the session open in the editor, or selected in the list showing."""
        from tpi_desk.ui.note_preview import preview_selected_note

        if self._editor_slot.leave():
            preview_selected_note(
                self, self.pages.currentWidget(), self._context, self._messages, actor=self._actor
            )

    def about(self) -> None:
        show_about(self, self._messages, self.database_status.location)

    # Session editor

    def _build_editor(self) -> QWidget:
        widget = self._editor_factory(self._context, self._messages, self.pages, self._actor)
        if isinstance(widget, HostedSessionEditor):
            widget.session_saved.connect(self._session_changed)
            widget.session_signed.connect(self._session_changed)
            widget.close_requested.connect(self._editor_closed)
        return widget

    def _session_changed(self, session_id: int) -> None:
        self.patient_page.refresh()
        self.recent_page.refresh()
        self._refresh_counts()

    def _editor_closed(self) -> None:
        if self.patient_page.patient_id() is None:
            self.pages.setCurrentWidget(self.recent_page)
        else:
            self.patient_page.refresh()
            self.pages.setCurrentWidget(self.patient_page)

    # The signed-in user: permissions, lock, sign out

    @property
    def actor(self) -> Actor | None:
        return self._actor

    def _may(self, action: Action) -> bool:
        return may(self._actor, action)

    def _apply_permissions(self) -> None:
        """Offer only what the services will allow this user (billing staff only read)."""
        may_author = self._may(Action.AUTHOR_SESSION)
        may_edit_patients = self._may(Action.EDIT_PATIENT)
        self.new_patient_action.setVisible(may_edit_patients)
        self.new_patient_action.setEnabled(may_edit_patients)
        self.search_pane.new_button.setVisible(may_edit_patients)
        self.new_session_action.setVisible(may_author)
        self.new_session_action.setEnabled(may_author)
        self.patient_page.banner.new_session_button.setVisible(may_author)
        self.patient_page.banner.edit_button.setVisible(may_edit_patients)
        for action in (self.import_action, self.demo_action):
            action.setVisible(may_author)
            action.setEnabled(may_author)
        self.first_run_page.setEnabled(may_author)

    def _display_name(self) -> str:
        """The signed-in user's name as the clinic knows it."""
        if self._actor is None:
            return ""
        if self._actor.display_name:
            return self._actor.display_name
        try:
            clinicians = self._context.providers.clinicians(actor=self._actor)
        except UserError:
            clinicians = []
        known = next((p for p in clinicians if p.id == self._actor.user_id), None)
        return known.facts.display_name if known is not None else self._actor.username

    @property
    def lock_page(self) -> LockPage | None:
        """The page showing while the window is locked (None when it is not)."""
        return self._lock.page

    def is_locked(self) -> bool:
        return self.lock_page is not None

    def lock(self) -> None:
        """Hide everything behind the lock page; the editor keeps its state (and autosaves)."""
        if self._actor is None or self.lock_page is not None:
            return
        self.idle_watcher.stop()
        page = self._lock.engage(self._display_name())
        page.unlock_requested.connect(self.unlock)
        page.sign_out_requested.connect(self.sign_out)
        self._record_session_event("lock")

    def unlock(self, password: str) -> bool:
        """Show the window again if ``password`` is the signed-in user's (audited)."""
        if self._actor is None or self.lock_page is None:
            return True
        try:
            self._users.unlock(self._actor, password)
        except UserError as error:
            self.lock_page.show_refusal(error.message)
            return False
        self._lock.release()
        self.idle_watcher.start()
        return True

    def change_password(self) -> None:
        if self._actor is not None and ChangePasswordDialog.ask(self._users, self._actor, self):
            self._messages.info(self, "Password changed", "Your password was changed.")

    def sign_out(self) -> None:
        """Save the open session, record the logout, hide the window and say so."""
        if self._actor is None or not self._may_quit():
            return
        remember_window(self)
        self._record_session_event("logout")
        self.idle_watcher.uninstall()
        self.hide()
        self.signed_out.emit()

    def _record_session_event(self, event: str) -> None:
        if self._actor is None:
            return
        try:
            self._context.audit.audit_session_event(self._actor, event)
        except UserError as error:
            self.statusBar().showMessage(f"Could not record the {event}: {error.message}", 10_000)

    # Status, start-up and shutdown

    def _database_is_empty(self) -> bool:
        if self.search_pane.model.rowCount() > 0:
            return False
        try:
            return not self._context.patients.search("", limit=1, actor=self._actor)
        except UserError:
            return False

    def _refresh_counts(self) -> None:
        self.database_status.refresh_counts()

    def _load_failed(self, message: str) -> None:
        self.statusBar().showMessage(message, 10_000)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._counted:
            self._counted = True
            self._refresh_counts()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._may_quit():
            event.ignore()
            return
        event.accept()
        remember_window(self)
        self.idle_watcher.uninstall()
        self.closed.emit()

    def _may_quit(self) -> bool:
        """Save the open session first; ask only if it has changes that cannot be saved."""
        if self._editor_slot.nothing_unsaved():
            return True
        return self._messages.confirm(
            self,
            "Quit TPI Desk?",
            "The open session has changes that could not be saved yet (see the fields marked "
            "in the editor). Quit anyway?",
            confirm_text="Quit",
        )
