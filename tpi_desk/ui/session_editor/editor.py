"""The session editor: the form, the live panel and the body map, with save, sign and autosave."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QVBoxLayout, QWidget

from tpi_desk.clinical.analysis import SessionAnalysis
from tpi_desk.clinical.body_map import BODY_MAP_RESOURCE, BodyMapError, load_body_map
from tpi_desk.clinical.record import NoteStatus, ProcedureKind
from tpi_desk.paths import resource_path
from tpi_desk.services.dto import PatientRecord, ProviderRecord, SessionRecord
from tpi_desk.services.errors import UserError
from tpi_desk.services.permissions import Action, Actor, allowed_kinds, may
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.body_map_widget import BodyMapWidget
from tpi_desk.ui.formatting import PROCEDURE_NAMES, STATUS_NAMES, format_date_time, format_time
from tpi_desk.ui.messages import UserMessages
from tpi_desk.ui.password_confirm import password_attempt
from tpi_desk.ui.session_editor.addendum_dialog import AddendumDialog
from tpi_desk.ui.session_editor.banner import Banner, BannerKind
from tpi_desk.ui.session_editor.draft_keeper import DraftKeeper, SaveOutcome
from tpi_desk.ui.session_editor.editor_header import EditorHeader
from tpi_desk.ui.session_editor.editor_layout import EditorColumns, FocusFollowingScrollArea
from tpi_desk.ui.session_editor.form_fill import FormFiller
from tpi_desk.ui.session_editor.form_state import (
    FormReading,
    RawSession,
    RawSite,
    raw_from_entry,
    read_form,
)
from tpi_desk.ui.session_editor.live_analysis import LiveAnalyser
from tpi_desk.ui.session_editor.live_panel import LivePanel
from tpi_desk.ui.session_editor.recovery import RecoveredSession, RecoveryKeeper
from tpi_desk.ui.session_editor.session_form import SessionForm
from tpi_desk.ui.session_editor.sign_dialog import SignDialog
from tpi_desk.ui.session_editor.signed_notice import SignedNotice
from tpi_desk.ui.session_editor.site_editor import SiteEditor
from tpi_desk.ui.session_editor.style import EDITOR_STYLE
from tpi_desk.ui.session_editor.templates_menu import TemplatesMenu
from tpi_desk.ui.theme import PAGE_STYLE

AUTOSAVE_INTERVAL_MS = 2000
ANALYSIS_DELAY_MS = 150
SAVE_SHORTCUT = "Ctrl+S"
SIGN_SHORTCUT = "Ctrl+Shift+S"
ADD_SITE_SHORTCUT = "Ctrl+Shift+A"
PREVIEW_SHORTCUT = "Ctrl+P"
BODY_MAP_HEIGHT = 330


class SessionEditor(QWidget):
    """Records one session; hosted by the main window, which listens to its signals."""

    session_saved = Signal(int)
    session_signed = Signal(int)
    close_requested = Signal()

    def __init__(
        self,
        context: AppContext,
        messages: UserMessages,
        parent: QWidget | None = None,
        *,
        actor: Actor | None = None,
        autosave_interval_ms: int = AUTOSAVE_INTERVAL_MS,
        analysis_delay_ms: int = ANALYSIS_DELAY_MS,
    ) -> None:
        """``actor`` is the signed-in user: the sessions are read, saved and signed as them."""
        super().__init__(parent)
        self._context = context
        self._messages = messages
        self._actor = actor
        self._recovery = RecoveryKeeper(context.data_dir)
        self._keeper = DraftKeeper(context, self._recovery, actor=actor)
        self._analyser = LiveAnalyser(context, actor=actor)
        self._providers: list[ProviderRecord] = []
        self._loading = False
        self._read_only = False
        self._reading: FormReading | None = None
        self._analysis: SessionAnalysis | None = None

        self.header = EditorHeader()
        self.banner = Banner()
        self.signed_notice = SignedNotice()
        self.form = SessionForm(context.catalog)
        self.form_scroll = FocusFollowingScrollArea(self.form)
        self.body_map = self._build_body_map()
        self.live_panel = LivePanel(context.catalog)
        self.live_scroll = FocusFollowingScrollArea(self.live_panel)
        self.live_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        right: list[QWidget] = [self.live_scroll]
        if self.body_map is not None:
            right.insert(0, self.body_map)
        self.columns = EditorColumns(self.form_scroll, right)
        self.templates_menu = TemplatesMenu(self)
        self.header.templates_button.setMenu(self.templates_menu)
        self.save_action = self._action("Save draft", SAVE_SHORTCUT)
        self.sign_action = self._action("Sign…", SIGN_SHORTCUT)
        self.add_site_action = self._action("Add site", ADD_SITE_SHORTCUT)
        self.preview_action = self._action("Preview PDF", PREVIEW_SHORTCUT)
        self._filler = FormFiller(
            context, self.form, self._keeper, messages, self.banner, self, self._on_form_changed
        )
        self._analysis_timer = _single_shot(self, analysis_delay_ms)
        self._autosave_timer = _single_shot(self, autosave_interval_ms)
        self._build_layout()
        self._connect_signals()
        self.setStyleSheet(PAGE_STYLE + EDITOR_STYLE)
        self.setEnabled(False)

    def _action(self, text: str, shortcut: str) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(action)
        return action

    def _build_body_map(self) -> BodyMapWidget | None:
        try:
            art = load_body_map(resource_path(*BODY_MAP_RESOURCE))
        except BodyMapError:
            return None  # the form works without the picture; sites are added by keyboard
        widget = BodyMapWidget(art, self._context.catalog)
        widget.setFixedHeight(BODY_MAP_HEIGHT)
        widget.setMinimumWidth(0)
        return widget

    def _build_layout(self) -> None:
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

    def _connect_signals(self) -> None:
        self.form.changed.connect(self._on_form_changed)
        self.form.header.kind_changed.connect(self._on_kind_changed)
        self.form.sites.add_button.clicked.disconnect()
        self.form.sites.add_button.clicked.connect(lambda: self.add_site())
        self._analysis_timer.timeout.connect(self.refresh_analysis)
        self._autosave_timer.timeout.connect(self.autosave)
        self.save_action.triggered.connect(self.save)
        self.sign_action.triggered.connect(self.sign)
        self.add_site_action.triggered.connect(lambda: self.add_site())
        self.header.save_button.clicked.connect(self.save)
        self.header.sign_button.clicked.connect(self.sign)
        self.header.copy_button.clicked.connect(self.copy_from_last_session)
        self.header.close_button.clicked.connect(self.request_close)
        self.preview_action.triggered.connect(self.preview_pdf)
        self.header.preview_button.clicked.connect(self.preview_pdf)
        self.templates_menu.aboutToShow.connect(
            lambda: self._filler.refresh_templates_menu(self.templates_menu)
        )
        self.templates_menu.save_requested.connect(self.save_template)
        self.templates_menu.apply_requested.connect(self.apply_template)
        self.templates_menu.delete_requested.connect(self.delete_template)
        self.banner.action_triggered.connect(self._resolve_conflict)
        self.signed_notice.addendum_requested.connect(self.add_addendum)
        if self.body_map is not None:
            self.body_map.region_clicked.connect(self._on_region_clicked)

    # --- opening -----------------------------------------------------------------------------

    def new_session(self, patient_id: int) -> None:
        """Start a session for ``patient_id``; typing recovered after a crash comes back."""
        try:
            patient = self._context.patients.get(patient_id, actor=self._actor)
            providers = self._context.providers.clinicians(actor=self._actor)
        except UserError as error:
            self._messages.error(self, "Cannot start a session", error.message)
            return
        self._start(patient, None, providers)
        now = self._context.clock().replace(second=0, microsecond=0)
        self._load_form(
            RawSession(
                performed_at=now.isoformat(),
                provider_id=self._default_provider_id(providers),
                instructions=self._context.catalog.default_instructions,
            )
        )
        if not providers:
            self.banner.show_message(
                BannerKind.WARNING,
                "No clinician is set up yet: a session needs the provider who performed it.",
            )
        recovered = self._keeper.find_copy()
        if recovered is not None:
            self._restore(recovered)
        self._focus_first_field()

    def open_session(self, session_id: int) -> None:
        """Show a stored session: editable when a draft, read-only once signed."""
        try:
            record = self._context.sessions.load(session_id, actor=self._actor)
            providers = self._context.providers.clinicians(actor=self._actor)
        except UserError as error:
            self._messages.error(self, "Cannot open the session", error.message)
            return
        if all(p.id != record.provider.id for p in providers):
            providers.append(record.provider)
        self._start(record.patient, record, providers)
        self._load_form(raw_from_entry(record.entry, record.provider.id, self._context.catalog))
        if record.status is not NoteStatus.DRAFT:
            self._keeper.forget_copy()
            self._show_locked(record)
            return
        recovered = self._keeper.find_copy()
        if recovered is not None and recovered.form != self._keeper.saved_raw:
            self._restore(recovered)
        self._focus_first_field()

    def recovered_drafts(self) -> list[RecoveredSession]:
        """Typing kept from editors that closed without saving it (newest first).

        Open each with ``open_session(session_id)``, or ``new_session(patient_id)`` when
        ``session_id`` is None; the editor then shows what was typed.
        """
        return self._recovery.all()

    def _start(
        self, patient: PatientRecord, record: SessionRecord | None, providers: list[ProviderRecord]
    ) -> None:
        self._analysis_timer.stop()
        self._autosave_timer.stop()
        self._keeper.start(patient, record)
        self._providers = providers
        self._set_read_only(not self.may_author())
        self.banner.clear()
        self.signed_notice.clear()
        self.form.header.set_providers(providers)
        self.form.header.provider.setEnabled(record is None)
        self._analyser.start(patient.id, patient.facts, self._keeper.session_id)
        self.header.show_patient(patient, self._context.clock().date())
        self.setEnabled(True)

    def _show_form(self, raw: RawSession) -> None:
        self._loading = True
        try:
            self.form.load(raw)
        finally:
            self._loading = False
        self.refresh_analysis()

    def _load_form(self, raw: RawSession) -> None:
        self._show_form(raw)
        self._keeper.loaded(self.form.raw())
        self._update_status()

    def _restore(self, recovered: RecoveredSession) -> None:
        self._show_form(recovered.form)
        self._keeper.adopt(recovered)
        self.banner.show_message(
            BannerKind.INFO,
            f"Restored what was typed here at {format_date_time(recovered.saved_at)}, before "
            "TPI Desk closed without saving it. Review it, then save (Ctrl+S).",
        )
        self._update_status()

    def _focus_first_field(self) -> None:
        if not self._read_only:
            self.form.header.performed_at.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- state -------------------------------------------------------------------------------

    @property
    def session_id(self) -> int | None:
        return self._keeper.session_id

    @property
    def analysis(self) -> SessionAnalysis | None:
        """The last analysis shown in the live panel."""
        return self._analysis

    @property
    def reading(self) -> FormReading | None:
        """The form as last read: the session it describes and what keeps it from saving."""
        return self._reading

    def is_read_only(self) -> bool:
        return self._read_only

    def may_author(self) -> bool:
        """Whether the signed-in user writes notes (billing staff and admins only read)."""
        return self._actor is None or may(self._actor, Action.AUTHOR_SESSION)

    def _default_provider_id(self, providers: list[ProviderRecord]) -> int | None:
        """The signed-in clinician when they may document; else the first clinician."""
        actor = self._actor
        clinician = actor is not None and bool(allowed_kinds(actor.role, actor.credentials))
        if actor is not None and clinician and any(p.id == actor.user_id for p in providers):
            return actor.user_id
        return providers[0].id if providers else None

    def _signer_name(self) -> str:
        """The signed-in user's display name, as the sign and addendum buttons show it."""
        if self._actor is None:
            return "(not signed in)"
        known = next((p for p in self._providers if p.id == self._actor.user_id), None)
        return known.facts.display_name if known is not None else self._actor.username

    def has_unsaved_changes(self) -> bool:
        return not self._read_only and self._keeper.has_unsaved(self.form.raw())

    def keep_typing_on_crash(self) -> None:
        """Write the recovery copy of unsaved typing at once (the crash guard asks for it)."""
        if not self._read_only:
            self._keeper.keep_copy_if_unsaved(self.form.raw())

    def discard_unsaved_changes(self) -> None:
        """Forget what was typed since the last save (and its recovery copy)."""
        if self._keeper.patient is None:
            return
        self._autosave_timer.stop()
        self._keeper.forget_copy()
        if self._keeper.saved_raw is not None:
            self._load_form(self._keeper.saved_raw)
        self.banner.clear()

    def _on_form_changed(self) -> None:
        if self._loading or self._keeper.patient is None or self._read_only:
            return
        self._analysis_timer.start()
        if not self._autosave_timer.isActive():
            self._autosave_timer.start()
        self.form.update_tab_order()
        self._update_status()

    def _update_status(self) -> None:
        record = self._keeper.record
        self.preview_action.setEnabled(record is not None)  # a note exists once saved
        self.header.preview_button.setEnabled(record is not None)
        if record is not None and record.status is not NoteStatus.DRAFT:
            self.header.set_status(STATUS_NAMES[record.status], final=True)
        elif record is None:
            self.header.set_status("New session · not saved yet")
        elif self.form.raw() != self._keeper.saved_raw:
            self.header.set_status("Draft · changes not saved yet")
        else:
            self.header.set_status(f"Draft · saved {format_time(record.updated_at)}")

    def refresh_analysis(self) -> None:
        """Read the form and show what the clinical core says (runs ~150 ms after typing)."""
        self._analysis_timer.stop()
        if self._keeper.patient is None:
            return
        self._reading = read_form(self.form.raw(), self._context.catalog)
        self._analysis = self._analyser.analyse(self._reading.entry)
        self.live_panel.show_analysis(self._analysis, self._reading.problems)
        self.form.show_problems(self._reading.problems)
        recorded = self.form.recorded_sites()
        if self.body_map is not None:
            self.body_map.set_recorded_sites(recorded)
        muscles = self._context.catalog.muscles
        self.form.outcome.set_chest_wall_needed(
            any(muscles[muscle_id].pneumothorax_risk for muscle_id, _ in recorded)
        )
        self.form.update_tab_order()
        self.columns.balance()

    # --- editing -----------------------------------------------------------------------------

    def add_site(self, muscle_id: str = "", side: str = "") -> SiteEditor | None:
        """Add a site (for ``muscle_id`` and ``side`` when given, e.g. from the body map)."""
        if self._keeper.patient is None or self._read_only:
            return None
        muscle = self._context.catalog.muscles.get(muscle_id)
        raw = RawSite(muscle_id=muscle.id, muscle_text=muscle.name, side=side) if muscle else None
        editor = self.form.sites.add_site(raw)
        self.form.update_tab_order()
        if raw is None:
            editor.muscle.setFocus()
        elif not side:
            editor.side.setFocus()
        elif editor.add_medication_button.isVisibleTo(self):
            editor.add_medication_button.setFocus()
        else:
            editor.points.setFocus()
        self.form_scroll.ensureWidgetVisible(editor)
        return editor

    def _on_region_clicked(self, muscle_id: str, side: str) -> None:
        self.add_site(muscle_id, side)

    def _on_kind_changed(self, kind: str) -> None:
        if self._loading:
            return
        count = self.form.sites.medication_count()
        if kind == ProcedureKind.DRY_NEEDLING.value and count:
            lines = "line" if count == 1 else "lines"
            if not self._messages.confirm(
                self,
                "Switch to dry needling?",
                f"Dry needling records no medication. Remove the {count} medication {lines} "
                "entered for this session?",
                confirm_text="Remove medications",
            ):
                self.form.header.set_kind(ProcedureKind.TRIGGER_POINT_INJECTION.value)
                return
            self.form.sites.clear_medications()
        self.form.set_kind_shown(kind)
        self._on_form_changed()

    def copy_from_last_session(self) -> bool:
        """Copy sites, diagnoses, position and indication of the patient's previous session."""
        return not self._read_only and self._filler.copy_from_last_session()

    def save_template(self, name: str | None = None) -> bool:
        """Save the current sites as a template of the session's provider (asks the name)."""
        return self._filler.save_template(name)

    def apply_template(self, template_id: int) -> bool:
        """Add the sites of one of the provider's templates to this session."""
        return not self._read_only and self._filler.apply_template(template_id)

    def delete_template(self, template_id: int) -> bool:
        return self._filler.delete_template(template_id)

    # --- saving ------------------------------------------------------------------------------

    def save(self) -> bool:
        """Save the draft now; refuses (and says why) while any field cannot be accepted."""
        if self._keeper.patient is None or self._read_only:
            return self._read_only
        self.refresh_analysis()
        raw = self.form.raw()
        reading = read_form(raw, self._context.catalog)
        if not reading.is_valid:
            lines = "\n".join(f"• {p.label}: {p.message}" for p in reading.problems)
            self._messages.error(
                self,
                "Cannot save yet",
                f"Some fields need attention (nothing typed is lost):\n{lines}",
            )
            self.form.focus_first_invalid()
            return False
        self._autosave_timer.stop()
        if self._keeper.session_id is not None and raw == self._keeper.saved_raw:
            self._keeper.forget_copy()
            return True
        return self._save(raw, reading, quiet=False)

    def autosave(self, *, create: bool = False) -> None:
        """Keep a recovery copy of the raw fields; save the draft too when it is valid.

        A new session becomes a draft in the database only once it has a site or a diagnosis
        (or when ``create``): the provider cannot change after that (DraftService.save keeps
        it), so a date typed first must not fix the default provider.
        """
        self._autosave_timer.stop()
        if self._keeper.patient is None or self._read_only:
            return
        raw = self.form.raw()
        if self._keeper.session_id is not None and raw == self._keeper.saved_raw:
            self._keeper.forget_copy()
            return
        try:
            self._keeper.keep_copy(raw)
        except OSError as error:
            self.banner.show_message(
                BannerKind.WARNING,
                f"Could not keep a recovery copy of this session ({error.strerror or error}).",
            )
        reading = read_form(raw, self._context.catalog)
        ready = create or self._keeper.session_id is not None or raw.sites or raw.diagnoses
        if reading.is_valid and ready and not self._keeper.database_saving_paused:
            self._save(raw, reading, quiet=True)

    def _save(self, raw: RawSession, reading: FormReading, *, quiet: bool) -> bool:
        result = self._keeper.save(raw, reading)
        if result.outcome is SaveOutcome.SAVED:
            assert self._keeper.record is not None
            self._analyser.set_session_id(self._keeper.record.id)
            self.form.header.provider.setEnabled(False)
            if self.banner.kind is BannerKind.ERROR:
                self.banner.clear()
            self._update_status()
            self.session_saved.emit(self._keeper.record.id)
            return True
        if result.outcome is SaveOutcome.CONFLICT:
            self.banner.show_message(BannerKind.ERROR, result.message, "Keep my version…")
            title = "Saved elsewhere"
        elif result.outcome is SaveOutcome.REFUSED:
            self.form.show_problems(result.problems)
            title = "Cannot save yet"
        else:
            self.banner.show_message(BannerKind.ERROR, result.message)
            title = "Could not save the draft"
        if not quiet:
            self._messages.error(self, title, result.message)
        return False

    def _resolve_conflict(self) -> None:
        """After a conflict: replace the version saved elsewhere with this one, if asked to."""
        if self._keeper.record is None or self._read_only:
            return
        if not self._messages.confirm(
            self,
            "Keep your version?",
            "This draft was saved elsewhere after you opened it. Replace that version with "
            "what is in this editor? The other changes will be lost.",
            confirm_text="Replace with mine",
        ):
            return
        try:
            self._keeper.take_latest_version()
        except UserError as error:
            self._messages.error(self, "Could not save the draft", error.message)
            return
        self.save()

    def preview_pdf(self) -> None:
        """Save, then show the note as it prints (a draft's pages are marked DRAFT)."""
        if self._keeper.record is None or (self.has_unsaved_changes() and not self.save()):
            return
        from tpi_desk.ui.note_preview import open_note_preview  # ReportLab loads on first use

        record_id = self._keeper.record.id
        open_note_preview(self, self._context, self._messages, record_id, actor=self._actor)

    def request_close(self) -> None:
        """Close (the Close button): save or keep a copy first; ask if it could not be saved."""
        if self.has_unsaved_changes():
            self.autosave(create=True)
        if self.has_unsaved_changes() and not self._messages.confirm(
            self,
            "Close without saving?",
            "Some fields need attention, so this session is not saved yet. What you typed is "
            "kept on this computer and comes back when you open the session again.",
            confirm_text="Close",
        ):
            return
        self.close_requested.emit()

    # --- signing -----------------------------------------------------------------------------

    def sign(self) -> bool:
        """Save, show the checklist and warnings, and sign as the session's provider."""
        if self._keeper.patient is None or self._read_only:
            return False
        if not self.save() or self._keeper.record is None:
            return False
        self._analyser.forget_history()
        self.refresh_analysis()
        assert self._analysis is not None and self._reading is not None
        signed: list[SessionRecord] = []
        failures: list[str] = []

        attempt = password_attempt(
            lambda password: signed.append(self._keeper.sign(password)), failures
        )

        SignDialog.ask(
            self,
            self._analysis,
            self._reading.problems,
            signer_name=self._signer_name(),
            summary=self._summary(),
            attempt=attempt,
        )
        if failures:
            self._messages.error(self, "Could not sign the note", failures[0])
        if not signed:
            return False
        record = signed[0]
        self._show_locked(record)
        self.session_signed.emit(record.id)
        return True

    def add_addendum(self) -> bool:
        """Ask for an addendum's text and add it, signed by the session's provider."""
        record = self._keeper.record
        if record is None or record.status is not NoteStatus.SIGNED:
            return False
        amended: list[SessionRecord] = []
        failures: list[str] = []

        def attempt(text: str, password: str) -> str | None:
            add = password_attempt(
                lambda typed: amended.append(self._keeper.add_addendum(text, typed)), failures
            )
            return add(password)

        text = AddendumDialog.ask(
            self, author_name=self._signer_name(), summary=self._summary(), attempt=attempt
        )
        if failures:
            self._messages.error(self, "Could not add the addendum", failures[0])
        if text is None or not amended:
            return False
        record = amended[0]
        self.signed_notice.show_record(record)
        self.session_saved.emit(record.id)
        return True

    def _summary(self) -> str:
        patient = self._keeper.patient
        assert patient is not None
        kind = ProcedureKind(str(self.form.header.kind.currentData()))
        when = self._reading.entry.performed_at if self._reading else self._context.clock()
        return (
            f"{patient.facts.given_name} {patient.facts.family_name} (MRN {patient.facts.mrn})\n"
            f"{PROCEDURE_NAMES[kind]} · {format_date_time(when)}"
        )

    def _show_locked(self, record: SessionRecord) -> None:
        self._set_read_only(True)
        self._update_status()
        self.signed_notice.show_record(record)

    def _set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.form.set_read_only(read_only)
        self.live_panel.set_checklist_shown(not read_only)
        for action in (self.save_action, self.sign_action, self.add_site_action):
            action.setEnabled(not read_only)
        self.header.set_editing(not read_only)
        if self.body_map is not None:
            self.body_map.set_interactive(not read_only)


def _single_shot(parent: QWidget, interval_ms: int) -> QTimer:
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(interval_ms)
    return timer
