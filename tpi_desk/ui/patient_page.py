"""A patient's page: the banner, a chart of pain before/after, and the session history."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.services.dto import PatientRecord
from tpi_desk.services.errors import UserError
from tpi_desk.services.permissions import Action, Actor, may
from tpi_desk.services.sessions.session_queries import SessionFilter
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.item_models.session_list_model import SessionColumn, SessionListModel
from tpi_desk.ui.list_views import configure_list_table
from tpi_desk.ui.pain_chart import PainChart, PainPoint
from tpi_desk.ui.patient_banner import PatientBanner
from tpi_desk.ui.template_bar import TemplateBar

HISTORY_COLUMNS = (
    SessionColumn.DATE,
    SessionColumn.PROCEDURE,
    SessionColumn.PROVIDER,
    SessionColumn.MUSCLES,
    SessionColumn.PAIN_BEFORE,
    SessionColumn.PAIN_AFTER,
    SessionColumn.STATUS,
)
# Column widths by sample text; the muscles column takes the rest.
HISTORY_SAMPLES = {
    SessionColumn.DATE: "May 30, 2026",
    SessionColumn.PROCEDURE: "Dry needling",
    SessionColumn.PROVIDER: "Dr. Imogen Hartley",
    SessionColumn.PAIN_BEFORE: "Pain before",
    SessionColumn.PAIN_AFTER: "Pain before",
    SessionColumn.STATUS: "Entered in error",
}


class PatientPage(QWidget):
    """Shows one patient; raises the services' UserError from ``show_patient`` if it fails."""

    new_session_requested = Signal(int)
    # (patient id, template id): a new session from one of the clinician's templates
    template_session_requested = Signal(int, int)
    edit_patient_requested = Signal(int)
    session_activated = Signal(int)

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, *, actor: Actor | None = None
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._actor = actor
        self._record: PatientRecord | None = None
        self.banner = PatientBanner()
        self.template_bar = TemplateBar(context.catalog)
        self.template_bar.setVisible(False)
        self.history_model = SessionListModel(
            context.sessions, context.catalog, HISTORY_COLUMNS, actor=actor, parent=self
        )
        self.chart = PainChart()
        self.history = QTableView()
        self.history.setModel(self.history_model)
        self.history.setAccessibleName("Session history")
        configure_list_table(self.history, [HISTORY_SAMPLES.get(c) for c in HISTORY_COLUMNS])
        self.empty_hint = QLabel(
            "No sessions recorded yet. Press <b>Ctrl+N</b> or <b>New session</b> to record "
            "the first one."
        )
        self.empty_hint.setObjectName("emptyHint")
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setWordWrap(True)
        chart_card = QFrame()
        chart_card.setObjectName("card")
        chart_layout = QVBoxLayout(chart_card)
        chart_layout.setContentsMargins(14, 10, 14, 10)
        chart_layout.addWidget(self.chart)
        self.chart_card = chart_card
        history_title = QLabel("Session history")
        history_title.setObjectName("sectionTitle")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(10)
        layout.addWidget(self.banner)
        layout.addWidget(self.template_bar)
        layout.addWidget(chart_card)
        layout.addWidget(history_title)
        layout.addWidget(self.history, 1)
        layout.addWidget(self.empty_hint, 1)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.banner.new_session_button.clicked.connect(self._new_session_clicked)
        self.banner.edit_button.clicked.connect(self._edit_clicked)
        self.template_bar.template_chosen.connect(self._template_chosen)
        self.history.activated.connect(self._row_activated)
        self.history_model.modelReset.connect(self._history_changed)
        self.history_model.rowsInserted.connect(self._history_changed)

    # Public

    def show_patient(self, patient_id: int) -> PatientRecord:
        """Load ``patient_id`` and the first page of their sessions."""
        record = self._context.patients.get(patient_id, actor=self._actor)
        self._record = record
        self.banner.show_facts(record.facts, self._context.clock().date())
        self.history_model.load(SessionFilter(patient_id=patient_id))
        if self.history_model.rowCount() > 0:
            self.history.setCurrentIndex(self.history_model.index(0, 0))
        self._show_templates()
        return record

    def _show_templates(self) -> None:
        """The signed-in clinician's templates (none shown to those who write no notes)."""
        actor = self._actor
        if actor is None or not may(actor, Action.AUTHOR_SESSION):
            self.template_bar.setVisible(False)
            return
        try:
            templates = self._context.templates.list_for(actor.user_id, actor=actor)
        except UserError:
            templates = []  # the editor's Templates menu says why when it is opened
        self.template_bar.show_templates(templates)
        self.template_bar.setVisible(True)

    def refresh(self) -> None:
        if self._record is not None:
            self.show_patient(self._record.id)

    def patient(self) -> PatientRecord | None:
        return self._record

    def patient_id(self) -> int | None:
        return None if self._record is None else self._record.id

    # Behaviour

    def _history_changed(self) -> None:
        summaries = self.history_model.summaries()
        self.chart.set_points(
            [
                PainPoint(
                    s.performed_at.astimezone().date(),
                    s.pain_before,
                    s.pain_after,
                    s.prior_relief_percent,
                    s.prior_relief_weeks,
                )
                for s in summaries
            ]
        )
        has_rows = bool(summaries)
        self.history.setVisible(has_rows)
        self.chart_card.setVisible(has_rows)
        self.empty_hint.setVisible(not has_rows)

    def _new_session_clicked(self) -> None:
        if self._record is not None:
            self.new_session_requested.emit(self._record.id)

    def _template_chosen(self, template_id: int) -> None:
        if self._record is not None:
            self.template_session_requested.emit(self._record.id, template_id)

    def _edit_clicked(self) -> None:
        if self._record is not None:
            self.edit_patient_requested.emit(self._record.id)

    def _row_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.session_activated.emit(self.history_model.summary_at(index.row()).id)
