"""The session editor: opens a session into the form, keeps the live panel current, and saves,
signs and amends it (widgets in ``editor_view``, saving in ``draft_saver``)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QWidget

from tpi_desk.clinical.analysis import SessionAnalysis
from tpi_desk.clinical.consent import preselected_risks
from tpi_desk.clinical.record import NoteStatus, ProcedureKind
from tpi_desk.services.dto import PatientRecord, ProviderRecord, SessionRecord
from tpi_desk.services.errors import UserError
from tpi_desk.services.permissions import Action, Actor, may
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.formatting import format_time
from tpi_desk.ui.messages import UserMessages
from tpi_desk.ui.session_editor.banner import BannerKind
from tpi_desk.ui.session_editor.draft_keeper import DraftKeeper
from tpi_desk.ui.session_editor.draft_saver import DraftSaver
from tpi_desk.ui.session_editor.editor_view import EditorView
from tpi_desk.ui.session_editor.form_fill import FormFiller
from tpi_desk.ui.session_editor.form_state import (
    FormReading,
    RawSession,
    raw_from_entry,
    read_form,
)
from tpi_desk.ui.session_editor.kind_switch import switch_procedure_kind
from tpi_desk.ui.session_editor.live_analysis import LiveAnalyser
from tpi_desk.ui.session_editor.recovery import RecoveredSession, RecoveryKeeper
from tpi_desk.ui.session_editor.signing_steps import (
    add_addendum_with_password,
    default_provider_id,
    session_summary,
    sign_with_password,
    signer_name,
)
from tpi_desk.ui.session_editor.site_actions import SiteActions
from tpi_desk.ui.session_editor.site_editor import SiteEditor

AUTOSAVE_INTERVAL_MS = 2000
ANALYSIS_DELAY_MS = 150
OVERRIDE_NOT_SAVED = "The override reason could not be saved: see the message in the editor."
NO_CLINICIAN = "No clinician is set up yet: a session needs the provider who performed it."
IMAGES_STILL_READ = "The ultrasound images are still being read: sign once they show."


class SessionEditor(EditorView):
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
        super().__init__(context.catalog, parent)
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
        self._filler = FormFiller(
            context, self.form, self._keeper, messages, self.banner, self, self._on_form_changed
        )
        self._saver = DraftSaver(
            self,
            self.form,
            self._keeper,
            context.catalog,
            messages,
            self.banner,
            autosave_interval_ms=autosave_interval_ms,
            saved=self._on_saved,
        )
        self._sites = SiteActions(
            context.sessions, context.catalog, self.form, self.banner, actor=actor
        )
        # Recovery copies of sessions closed unsaved on purpose here: offered, not restored.
        self._closed_unsaved: set[str] = set()
        self._analysis_timer = QTimer(self)
        self._analysis_timer.setSingleShot(True)
        self._analysis_timer.setInterval(analysis_delay_ms)
        self._connect_signals()
        self.setEnabled(False)

    def _connect_signals(self) -> None:
        self.form.changed.connect(self._on_form_changed)
        self.form.header.kind_changed.connect(self._on_kind_changed)
        images = self.form.header.images
        images.messages = self._messages
        images.problem_found.connect(
            lambda text: self.banner.show_message(BannerKind.WARNING, text)
        )
        self.form.sites.add_button.clicked.disconnect()
        self.form.sites.add_button.clicked.connect(lambda: self.add_site())
        self._analysis_timer.timeout.connect(self.refresh_analysis)
        self._saver.timer.timeout.connect(self.autosave)
        self.save_action.triggered.connect(self.save)
        self.sign_action.triggered.connect(self.sign)
        self.add_site_action.triggered.connect(lambda: self.add_site())
        self.header.save_button.clicked.connect(self.save)
        self.header.sign_button.clicked.connect(self.sign)
        self.header.copy_button.clicked.connect(self.copy_from_last_session)
        self.copy_action.triggered.connect(self.copy_from_last_session)
        self.undo_remove_action.triggered.connect(self._sites.undo_removal)
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
            self.body_map.region_clicked.connect(self.add_site)

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
            replace(
                self._clinic_location(),
                performed_at=now.isoformat(),
                provider_id=default_provider_id(self._actor, providers),
                instructions=self._context.catalog.default_instructions,
            )
        )
        if not providers:
            self.banner.show_message(BannerKind.WARNING, NO_CLINICIAN)
        recovered = self._keeper.find_copy()
        if recovered is not None and recovered.key in self._closed_unsaved:
            self._offer_closed_copy(recovered)
        elif recovered is not None:
            self._restore(recovered)
        self._focus_first_field()

    def _offer_closed_copy(self, recovered: RecoveredSession) -> None:
        """The patient's session closed unsaved here is kept: offer it, do not pour it in."""

        def restore() -> None:
            self._closed_unsaved.discard(recovered.key)
            self._show_form(recovered.form)
            self._keeper.adopt(recovered)
            self._update_status()

        self.banner.show_message(
            BannerKind.INFO,
            f"What you typed in the session closed unsaved at "
            f"{format_time(recovered.saved_at)} is kept. This is a new session.",
            "Restore that session",
            on_action=restore,
        )

    def _clinic_location(self) -> RawSession:
        """A new session's location: the clinic's own, from the clinic settings."""
        try:
            settings = self._context.settings.load(actor=self._actor)
        except UserError:
            return RawSession()  # the clinician types it; nothing else depends on it
        return RawSession(
            location_name=settings.clinic_location or settings.clinic_name,
            location_state=settings.clinic_state,
            place_of_service=settings.clinic_place_of_service,
        )

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
        self._saver.stop_autosave()
        self.form.header.images.cancel_reading()  # never the last note's images on this one
        self._keeper.start(patient, record)
        self._sites.forget_removed()
        self._sites.refresh_vials()
        self._providers = providers
        self._set_read_only(not self.may_author())
        self._analyser.start(patient.id, patient.facts, self._keeper.session_id)
        self.show_opened(patient, providers, self._context.clock().date())

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
        self.show_restored(recovered.saved_at)
        self._update_status()

    def _focus_first_field(self) -> None:
        if not self._read_only:
            self.focus_first_field()

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
        self._saver.stop_autosave()
        self._keeper.forget_copy()
        if self._keeper.saved_raw is not None:
            self._load_form(self._keeper.saved_raw)
        self.banner.clear()

    def _on_form_changed(self) -> None:
        if self._loading or self._keeper.patient is None or self._read_only:
            return
        self._analysis_timer.start()
        self._saver.schedule_autosave()
        self.form.update_tab_order()
        self._update_status()

    def _update_status(self) -> None:
        self.show_status(self._keeper.record, self._keeper.saved_raw)

    def refresh_analysis(self) -> None:
        """Read the form and show what the clinical core says (runs ~150 ms after typing)."""
        self._analysis_timer.stop()
        if self._keeper.patient is None:
            return
        self._reading = read_form(self.form.raw(), self._context.catalog)
        if self._preselect_consent_risks(self._reading):
            self._reading = read_form(self.form.raw(), self._context.catalog)
        self._analysis = self._analyser.analyse(self._reading.entry)
        self.show_analysis(self._analysis, self._reading.problems)

    def _preselect_consent_risks(self, reading: FormReading) -> bool:
        """Tick the consent risks the sites and drugs call for, while the clinician has not
        chosen them; never on a signed note. True when the ticks changed."""
        record = self._keeper.record
        if self._read_only or (record is not None and record.status is not NoteStatus.DRAFT):
            return False
        before = reading.entry.consent_risks
        self.form.consent.show_preselected(preselected_risks(reading.entry, self._context.catalog))
        return self.form.consent.risks.checked() != before

    # --- editing -----------------------------------------------------------------------------

    def add_site(self, muscle_id: str = "", side: str = "") -> SiteEditor | None:
        """Add a site (for ``muscle_id`` and ``side`` when given, e.g. from the body map)."""
        if self._keeper.patient is None or self._read_only:
            return None
        return self.show_new_site(self._sites.new_site(muscle_id, side))

    def _on_kind_changed(self, kind: str) -> None:
        if self._loading:
            return
        if switch_procedure_kind(self, self._messages, self.form, kind):
            self._on_form_changed()

    def copy_from_last_session(self) -> bool:
        """Copy forward the patient's last signed note (``FormFiller``); the cursor then
        waits on what must be confirmed today."""
        return not self._read_only and self._filler.copy_from_last_session(self._sites.vials())

    def save_template(self, name: str | None = None) -> bool:
        """Save the current sites as a template of the session's provider (asks the name)."""
        return self._filler.save_template(name)

    def apply_template(self, template_id: int) -> bool:
        """Add the sites of one of the provider's templates to this session."""
        return not self._read_only and self._filler.apply_template(template_id, self._sites.vials())

    def delete_template(self, template_id: int) -> bool:
        return self._filler.delete_template(template_id)

    # --- saving ------------------------------------------------------------------------------

    def save(self) -> bool:
        """Save the draft now; refuses (and says why) while any field cannot be accepted."""
        if self._keeper.patient is None or self._read_only:
            return self._read_only
        self.refresh_analysis()
        return self._saver.save_now()

    def autosave(self, *, create: bool = False) -> None:
        """Keep a recovery copy of the raw fields; save the draft too when it is valid (a new
        session only once it has a site or a diagnosis, or when ``create``)."""
        self._saver.stop_autosave()
        if self._keeper.patient is None or self._read_only:
            return
        self._saver.autosave(create=create)

    def _on_saved(self) -> None:
        assert self._keeper.record is not None
        self._analyser.set_session_id(self._keeper.record.id)
        self._sites.refresh_vials()
        if self.banner.kind is BannerKind.ERROR:
            self.banner.clear()
        self._update_status()
        self.session_saved.emit(self._keeper.record.id)

    def _resolve_conflict(self) -> None:
        """After a conflict: replace the version saved elsewhere with this one, if asked to."""
        if self._keeper.record is None or self._read_only:
            return
        if self._saver.replace_other_version():
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
        if self.has_unsaved_changes():
            if not self._saver.may_close_unsaved():
                return
            kept = self._keeper.find_copy()
            if kept is not None and self._keeper.session_id is None:
                self._closed_unsaved.add(kept.key)
        self.form.header.images.cancel_reading()  # closed before its images were read
        self.close_requested.emit()

    # --- signing -----------------------------------------------------------------------------

    def sign(self) -> bool:
        """Save, show the checklist and warnings, and sign as the session's provider."""
        if self._keeper.patient is None or self._read_only:
            return False
        if self.form.header.images.is_reading():  # never signed without the image retained
            self.banner.show_message(BannerKind.INFO, IMAGES_STILL_READ)
            return False
        if not self.save() or self._keeper.record is None:
            return False
        self._analyser.forget_history()
        self.refresh_analysis()
        assert self._analysis is not None and self._reading is not None
        record = sign_with_password(
            self,
            self._keeper,
            self._messages,
            self._analysis,
            self._reading.problems,
            signer_name=signer_name(self._actor, self._providers),
            summary=self._summary(),
            override_reason=self._reading.entry.override_reason,
            record_reason=self._record_override_reason,
        )
        if record is None:
            return False
        self._show_locked(record)
        self.session_signed.emit(record.id)
        # The fields are locked now: keep the cursor on the signed note (Ctrl+P previews it).
        self.header.preview_button.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def _record_override_reason(self, reason: str) -> str | None:
        """Put the reason for signing despite a hard stop in the form and save the draft, so
        that it is signed, printed and audited with the note; why not, or None."""
        self.form.outcome.override_reason.setText(reason)
        return None if self.save() else OVERRIDE_NOT_SAVED

    def add_addendum(self) -> bool:
        """Ask for an addendum's text and add it, signed by the session's provider."""
        record = self._keeper.record
        if record is None or record.status is not NoteStatus.SIGNED:
            return False
        amended = add_addendum_with_password(
            self,
            self._keeper,
            self._messages,
            author_name=signer_name(self._actor, self._providers),
            summary=self._summary(),
        )
        if amended is None:
            return False
        self.signed_notice.show_record(amended)
        self.session_saved.emit(amended.id)
        return True

    def _summary(self) -> str:
        assert self._keeper.patient is not None
        kind = ProcedureKind(str(self.form.header.kind.currentData()))
        when = self._reading.entry.performed_at if self._reading else self._context.clock()
        return session_summary(self._keeper.patient, kind, when)

    def _show_locked(self, record: SessionRecord) -> None:
        self.banner.clear()  # what was copied or restored is no news on the signed note
        self._set_read_only(True)
        self._update_status()
        self.signed_notice.show_record(record)

    def _set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.show_read_only(read_only)
