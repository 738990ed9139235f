"""The billing export dialog: which notes, which outputs, then a background run with cancel."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpacerItem,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.services.errors import UserError
from tpi_desk.services.export.exporting import (
    ExportCriteria,
    ExportService,
    ExportStatus,
    NothingToExport,
)
from tpi_desk.services.permissions import Action, Actor, may
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.export_choices import (
    NO_MATCH,
    PatientChoice,
    date_edit,
    day_of,
    documents_folder,
    month_of,
    quick_button,
    section_title,
    separator,
    week_of,
)
from tpi_desk.ui.export_claims_choice import ClaimsOutputChoice
from tpi_desk.ui.export_fhir_choice import FhirOutputChoice
from tpi_desk.ui.export_file_naming import per_note_choice_text
from tpi_desk.ui.export_worker import ExportJob, ExportReport, ExportWorker
from tpi_desk.ui.formatting import count_of
from tpi_desk.ui.messages import UserMessages
from tpi_desk.ui.session_editor.style import AMBER, GREEN, MUTED, RED
from tpi_desk.ui.theme import PAGE_STYLE
from tpi_desk.ui.workstation import EXPORT_FOLDER_KEY, remember_text, remembered_text

# Builds the worker of a run (tests pass one that cancels itself part-way).
WorkerFactory = Callable[[ExportService, ExportJob, QObject | None], ExportWorker]
_DIALOG_STYLE = f"""
QLabel#hint {{ color: {MUTED}; }}
QPushButton#quickRange {{ border: none; color: #2563eb; padding: 2px 4px; background: none; }}
QPushButton#quickRange:hover {{ text-decoration: underline; }}
QFrame#separator {{ color: #e5e9ef; background: #e5e9ef; max-height: 1px; border: none; }}
"""


class ExportDialog(QDialog):
    """Filters (dates, provider, status, patient), outputs (merged PDF or a PDF per note, a
    claims CSV, an 837P claim file, a FHIR bundle), then the export in a worker thread with a
    progress bar and Cancel."""

    export_finished = Signal(object)  # the ExportReport, or the UserError that stopped it

    def __init__(
        self,
        context: AppContext,
        messages: UserMessages,
        *,
        actor: Actor | None = None,
        parent: QWidget | None = None,
        make_worker: WorkerFactory = ExportWorker,
    ) -> None:
        """``actor``: the signed-in user the export is made as (and audited for)."""
        super().__init__(parent)
        self._context = context
        self._messages = messages
        self._actor = actor
        self._make_worker = make_worker
        self._worker: ExportWorker | None = None
        self.setWindowTitle("Export for billing")

        self.title = QLabel("Export for billing")
        self.title.setObjectName("paneTitle")
        self.subtitle = QLabel(
            "The notes as PDFs to send on, and a CSV of claim lines (CPT and HCPCS codes, "
            "units and diagnoses) for the billing system."
        )
        self.subtitle.setObjectName("hint")
        self.subtitle.setWordWrap(True)
        today = context.clock().date()  # the everyday export: today's notes
        self.date_from = date_edit(today, "First date of service")
        self.date_to = date_edit(today, "Last date of service")
        self.today_button = quick_button("Today")
        self.this_week_button = quick_button("This week")
        self.this_month_button = quick_button("This month")
        self.last_month_button = quick_button("Last month")
        self.provider = QComboBox()
        self.provider.setAccessibleName("Provider")
        self.status = QComboBox()
        self.status.setAccessibleName("Status")
        self.patient = PatientChoice(context.patients, actor)

        self.merged_radio = QRadioButton("One PDF, with a bookmark per note")
        self.per_note_radio = QRadioButton(per_note_choice_text(context.settings, actor))
        self.merged_radio.setChecked(True)
        self._format_group = QButtonGroup(self)
        self._format_group.addButton(self.merged_radio)
        self._format_group.addButton(self.per_note_radio)
        self.csv_check = QCheckBox("A CSV of claim lines")
        self.csv_check.setChecked(True)
        self.claims_check = ClaimsOutputChoice(context.load_claim_files)
        self.fhir_check = FhirOutputChoice(context.load_fhir_export)
        self.folder_edit = QLineEdit(remembered_text(EXPORT_FOLDER_KEY) or str(documents_folder()))
        self.folder_edit.setAccessibleName("Folder")
        self.browse_button = QPushButton("Choose…")
        self.outputs_label = QLabel()
        self.outputs_label.setObjectName("hint")

        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(False)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("hint")
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        # Room for two lines up front: the dialog keeps its size when a message appears.
        self.message_label.setMinimumHeight(self.message_label.fontMetrics().lineSpacing() * 2 + 4)
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QPushButton("Close")
        self.cancel_button = QPushButton("Cancel export")
        self.export_button = QPushButton("Export")
        self.export_button.setObjectName("primaryButton")
        self.export_button.setDefault(True)

        self._fill_choices()
        self._build_layout()
        self._connect_signals()
        self.setStyleSheet(PAGE_STYLE + _DIALOG_STYLE)
        self._update_outputs()
        self._show_running(False)
        self.resize(self.sizeHint())  # the first guess of a layout with wrapped text is short

    # --- construction -------------------------------------------------------------------

    def _fill_choices(self) -> None:
        self.provider.addItem("Any provider", None)
        try:
            clinicians = self._context.providers.clinicians(actor=self._actor)
        except UserError as error:
            clinicians = []
            self._show_message(error.message, RED)
        for clinician in clinicians:
            facts = clinician.facts
            label = f"{facts.display_name}, {facts.credentials}" if facts.credentials else ""
            self.provider.addItem(label or facts.display_name, facts.username)
        self.status.addItem("Signed notes only", ExportStatus.SIGNED.value)
        if may(self._actor, Action.VIEW_DRAFTS):
            self.status.addItem("All notes, drafts included (marked DRAFT)", ExportStatus.ALL.value)
        self.status.setEnabled(self.status.count() > 1)

    def _build_layout(self) -> None:
        dates = QHBoxLayout()
        dates.setSpacing(6)
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.date_to)
        dates.addSpacing(8)
        dates.addWidget(self.today_button)
        dates.addWidget(self.this_week_button)
        dates.addWidget(self.this_month_button)
        dates.addWidget(self.last_month_button)
        dates.addStretch(1)
        folder = QHBoxLayout()
        folder.setSpacing(6)
        folder.addWidget(self.folder_edit, 1)
        folder.addWidget(self.browse_button)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(8)
        form.addRow(section_title("Which notes"))
        form.addRow("Dates of service", dates)
        form.addRow("Provider", self.provider)
        form.addRow("Status", self.status)
        form.addRow("Patient", self.patient)
        form.addItem(QSpacerItem(0, 8))
        form.addRow(section_title("What to write"))
        form.addRow("PDFs", self.merged_radio)
        form.addRow("", self.per_note_radio)
        form.addRow("Claims", self.csv_check)
        form.addRow("", self.claims_check)
        form.addRow("EHR", self.fhir_check)
        form.addRow("Folder", folder)
        form.addRow("", self.outputs_label)

        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        # Never smaller than the form needs (wrapped hints make Qt's first guess too small).
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addSpacing(4)
        layout.addLayout(form)
        layout.addSpacing(6)
        layout.addWidget(separator())
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.message_label)
        layout.addStretch(1)
        layout.addLayout(buttons)

    def _connect_signals(self) -> None:
        self.today_button.clicked.connect(self.choose_today)
        self.this_week_button.clicked.connect(self.choose_this_week)
        self.this_month_button.clicked.connect(self.choose_this_month)
        self.last_month_button.clicked.connect(self.choose_last_month)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self._update_outputs)
        self.merged_radio.toggled.connect(self._update_outputs)
        for check in (self.csv_check, self.claims_check, self.fhir_check):
            check.toggled.connect(self._update_outputs)
        self.status.currentIndexChanged.connect(self._follow_status)
        self.folder_edit.textChanged.connect(self._update_outputs)
        self.browse_button.clicked.connect(self._browse)
        self.export_button.clicked.connect(self.start_export)
        self.cancel_button.clicked.connect(self.cancel_export)
        self.close_button.clicked.connect(self.close)

    @property
    def actor(self) -> Actor | None:
        return self._actor

    def _follow_status(self) -> None:
        """The claim file and the FHIR bundle hold signed notes only."""
        for check in (self.claims_check, self.fhir_check):
            check.follow_status(self.status.currentData())

    # --- filters and outputs ------------------------------------------------------------

    def choose_today(self) -> None:
        today = self._context.clock().date()
        self._set_dates(today, today)

    def choose_this_week(self) -> None:
        self._set_dates(*week_of(self._context.clock().date()))

    def choose_this_month(self) -> None:
        self._set_dates(*month_of(self._context.clock().date()))

    def choose_last_month(self) -> None:
        first_of_this = self._context.clock().date().replace(day=1)
        self._set_dates(*month_of(first_of_this - timedelta(days=1)))

    def _set_dates(self, first: date, last: date) -> None:
        self.date_from.setDate(QDate(first.year, first.month, first.day))
        self.date_to.setDate(QDate(last.year, last.month, last.day))

    def criteria(self) -> ExportCriteria:
        """The notes the form describes."""
        return ExportCriteria(
            date_from=day_of(self.date_from.date()),
            date_to=day_of(self.date_to.date()),
            provider_username=self.provider.currentData(),
            status=ExportStatus(self.status.currentData() or ExportStatus.SIGNED),
            patient_id=self.patient.patient_id(),
        )

    def folder(self) -> Path | None:
        text = self.folder_edit.text().strip()
        return Path(text).expanduser() if text else None

    def job(self) -> ExportJob | None:
        """The export the form describes (None until a folder is given)."""
        folder = self.folder()
        if folder is None:
            return None
        criteria = self.criteria()
        stem = f"{criteria.date_from.isoformat()}_to_{criteria.date_to.isoformat()}"
        merged = self.merged_radio.isChecked()
        return ExportJob(
            criteria,
            merged_pdf=folder / f"notes_{stem}.pdf" if merged else None,
            pdf_dir=None if merged else folder / f"notes_{stem}",
            csv_path=folder / f"claims_{stem}.csv" if self.csv_check.isChecked() else None,
            actor=self._actor,
            fhir=self.fhir_check.output(folder, stem),
            claims=self.claims_check.output(folder, stem),
        )

    def ask_folder(self, start: Path | None) -> Path | None:
        """The folder the user picks (None if they cancel); tests replace this."""
        name = QFileDialog.getExistingDirectory(
            self, "Export to folder", str(start or documents_folder())
        )
        return Path(name) if name else None

    def _browse(self) -> None:
        chosen = self.ask_folder(self.folder())
        if chosen is not None:
            self.folder_edit.setText(str(chosen))

    def _update_outputs(self) -> None:
        job = self.job()
        if job is None:
            self.outputs_label.setText("Choose the folder to write to.")
            return
        names = [f"{path.name}{'/' if path == job.pdf_dir else ''}" for path in job.outputs()]
        self.outputs_label.setText("Writes " + "\nand ".join(names) + " in that folder.")
        # Taller for a line more (Qt's minimum size leaves out the wrapped hints' height).
        if self.isVisible() and (layout := self.layout()) is not None:
            layout.activate()  # measured with the new text now, not at the next event
            if (needed := self.heightForWidth(self.width())) > self.height():
                self.resize(self.width(), needed)

    # --- running ------------------------------------------------------------------------

    def is_running(self) -> bool:
        return self._worker is not None

    def start_export(self) -> bool:
        """Start the export in the background (False, saying why, when it cannot start)."""
        if self.is_running():
            return False
        job = self.job()
        if job is None:
            self._show_message("Choose the folder to write the export to.", RED)
            return False
        if job.criteria.patient_id == NO_MATCH:
            self._show_message("No patient matches the name or MRN typed; clear it or fix it.", RED)
            return False
        folder = self.folder()
        assert folder is not None
        try:
            if not folder.exists():  # the default folder may not exist yet
                folder.mkdir(parents=True)
        except OSError as error:
            self._show_message(f"The folder {folder} cannot be made: {error.strerror}.", RED)
            return False
        remember_text(EXPORT_FOLDER_KEY, str(folder))
        existing = [p.name for p in job.outputs() if p != job.pdf_dir and p.exists()]
        if existing and not self._messages.confirm(
            self,
            "Replace the files?",
            f"{' and '.join(existing)} already exist in that folder. Replace them?",
            confirm_text="Replace",
        ):
            return False
        worker = self._make_worker(self._context.exporting, job, self)
        worker.progressed.connect(self._progressed)
        worker.export_finished.connect(self._finished)
        worker.export_failed.connect(self._failed)
        self._worker = worker
        self._show_running(True)
        self.message_label.clear()
        self.progress_bar.setRange(0, 0)  # busy until the notes are listed
        self.progress_label.setText(f"Finding the {job.criteria.describe()}…")
        worker.start()
        return True

    def cancel_export(self) -> None:
        """Stop the running export before its next note; nothing is written."""
        if self._worker is not None:
            self._worker.cancel()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText("Cancelling…")

    # The three handlers below ignore a run the dialog already let go (closed while running).

    def _progressed(self, done: int, total: int) -> None:
        if self._worker is None or self._worker.is_cancelling():
            return
        self.progress_bar.setRange(0, max(total, done))
        self.progress_bar.setValue(done)
        self.progress_label.setText(f"Note {done:,} of {total:,}" if total else f"Note {done:,}")

    def _finished(self, report: ExportReport) -> None:
        if self._worker is None:
            return
        job = self._end_run()
        if report.cancelled:
            self.progress_bar.reset()
            self._show_message(report.cancelled_sentence(), AMBER)
        else:
            seconds = report.summary.seconds
            self.progress_label.setText(
                f"{count_of(report.summary.notes, 'note')} in {seconds:.1f} s"
            )
            self._show_message(report.sentence(job), GREEN)
        self.export_finished.emit(report)

    def _failed(self, error: UserError) -> None:
        if self._worker is None:
            return
        self._end_run()
        self.progress_bar.reset()
        self._show_message(error.message, AMBER if isinstance(error, NothingToExport) else RED)
        self.export_finished.emit(error)

    def _end_run(self) -> ExportJob | None:
        worker, self._worker = self._worker, None
        if worker is None:
            return None
        worker.cancel()  # no-op once it has ended; stops it when the dialog closes meanwhile
        worker.wait()
        worker.deleteLater()
        if self.progress_bar.maximum() == 0:  # still "busy": no note was reached
            self.progress_bar.setRange(0, 1)
        self._show_running(False)
        self.progress_label.clear()
        return worker.job

    def _show_running(self, running: bool) -> None:
        for widget in self._form_widgets():
            widget.setEnabled(not running)
        self.status.setEnabled(not running and self.status.count() > 1)
        if not running:
            self._follow_status()  # drafts chosen: the signed-only outputs stay off
        self.export_button.setVisible(not running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)

    def _form_widgets(self) -> list[QWidget]:
        return [
            *(self.date_from, self.date_to, self.this_month_button, self.last_month_button),
            *(self.provider, self.patient, self.merged_radio, self.per_note_radio),
            *(self.csv_check, self.claims_check, self.fhir_check, self.folder_edit),
            self.browse_button,
        ]

    def _show_message(self, text: str, colour: str) -> None:
        self.message_label.setStyleSheet(f"color: {colour}; font-weight: 600;")
        self.message_label.setText(text)

    # --- closing ------------------------------------------------------------------------

    def reject(self) -> None:
        if self._may_close():
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._may_close():
            event.accept()
        else:
            event.ignore()

    def _may_close(self) -> bool:
        """Closing during an export asks first, then cancels it (nothing is written)."""
        if self._worker is None:
            return True
        if not self._messages.confirm(
            self,
            "Stop the export?",
            "The export is still running. Stop it? Nothing will be written.",
            confirm_text="Stop export",
        ):
            return False
        self._end_run()
        return True


def show_export_dialog(
    parent: QWidget, context: AppContext, messages: UserMessages, *, actor: Actor | None = None
) -> ExportDialog:
    """The window's export dialog, opened (not modal) or brought to the front if open."""
    for dialog in parent.findChildren(ExportDialog):
        if dialog.isVisible():
            if QGuiApplication.platformName() != "offscreen":  # which cannot raise windows
                dialog.raise_()
            dialog.activateWindow()
            return dialog
    dialog = ExportDialog(context, messages, actor=actor, parent=parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
