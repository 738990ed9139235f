"""What the clinical core says while the user types: codes, doses, alerts, ready-to-sign."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.clinical.alerts import Alert
from tpi_desk.clinical.analysis import SessionAnalysis
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.checklist import Checklist
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.ui.session_editor.form_widgets import muted_label, section_heading
from tpi_desk.ui.session_editor.live_models import CodesTableModel, DoseTotalsModel, format_percent
from tpi_desk.ui.session_editor.style import (
    AMBER,
    GREEN,
    MUTED,
    SEVERITY_COLOURS,
    SEVERITY_WORDS,
    TEXT,
)

MAX_PROBLEMS_LISTED = 3
TWO_LINE_DOSES_BELOW = 440


@dataclass(frozen=True, slots=True)
class ChecklistRow:
    label: str
    done: bool
    detail: str = ""
    key: str = ""  # the checklist item's key ("no_blocking_alerts")


def checklist_rows(checklist: Checklist, problems: Sequence[FieldProblem]) -> list[ChecklistRow]:
    """The checklist, with "All fields valid" judged on everything the form could not accept."""
    rows = []
    for item in checklist.items:
        if item.key == "valid":
            listed = [f"{p.label}: {p.message}" for p in problems[:MAX_PROBLEMS_LISTED]]
            more = len(problems) - MAX_PROBLEMS_LISTED
            if more > 0:
                listed.append(f"and {more} more")
            rows.append(ChecklistRow(item.label, not problems, "; ".join(listed), item.key))
        else:
            rows.append(ChecklistRow(item.label, item.done, item.detail, item.key))
    return rows


def checklist_row_html(row: ChecklistRow) -> str:
    """✓ for done items; ○ in amber with the detail of what is missing for open ones."""
    if row.done:
        return f'<span style="color:{GREEN}">✓</span>&nbsp; {html.escape(row.label)}'
    label = f'<span style="color:{AMBER}">○</span>&nbsp; <b>{html.escape(row.label)}</b>'
    if not row.detail:
        return label
    detail = html.escape(row.detail)
    return f'{label}<div style="margin-left:18px; color:{MUTED}">{detail}</div>'


def done_rows_html(rows: Sequence[ChecklistRow]) -> str:
    """The items already done, compactly on one wrapped line."""
    done = " &nbsp; ".join(
        f'<span style="color:{GREEN}">✓</span>&nbsp;{html.escape(row.label)}' for row in rows
    )
    return f'<span style="color:{MUTED}">{done}</span>'


def alert_html(alert: Alert) -> str:
    return f"<b>{SEVERITY_WORDS[alert.severity]}</b> · {html.escape(alert.message)}"


def alerts_heading_text(alerts: Sequence[Alert]) -> str:
    """The alerts' heading, the same in the editor and the sign dialog: "Alerts (3)"."""
    return f"Alerts ({len(alerts)})" if alerts else "Alerts"


def alert_label(alert: Alert) -> QLabel:
    """One alert as the editor and the sign dialog show it, coloured by its severity."""
    border, background = SEVERITY_COLOURS[alert.severity]
    label = QLabel(alert_html(alert))
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setProperty("severity", alert.severity.value)
    label.setStyleSheet(
        f"QLabel {{ background: {background}; color: {TEXT};"
        f" border-left: 3px solid {border}; padding: 5px 8px; }}"
    )
    return label


class FittedTable(QTableView):
    """A read-only table as tall as its rows: no scroll bars, no focus, no selection."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setShowGrid(False)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        self.horizontalHeader().setHighlightSections(False)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def fit(self) -> None:
        self.resizeRowsToContents()
        height = self.horizontalHeader().height() + 2 * self.frameWidth()
        for row in range(self.model().rowCount()):
            height += self.rowHeight(row)
        self.setFixedHeight(height)

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self.fit()


class LivePanel(QWidget):
    """Alerts, the signing checklist, doses and codes, updated ~150 ms after each change."""

    # The panel was laid out again (new alerts or codes change its height).
    resized = Signal()

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self.codes_model = CodesTableModel(self)
        self.codes_view = FittedTable()
        self.codes_view.setModel(self.codes_model)
        header = self.codes_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.diagnosis_codes = muted_label("")
        self.diagnosis_codes.setWordWrap(True)
        self.no_codes = muted_label("No procedure code yet: add a site.")
        self.doses_model = DoseTotalsModel(catalog, self)
        self.doses_view = FittedTable()
        self.doses_view.setModel(self.doses_model)
        header = self.doses_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.combined = muted_label("")
        self.no_doses = muted_label("No medications recorded.")
        self.alerts_heading = section_heading("Alerts")
        self.alerts_box = QVBoxLayout()
        self.alerts_box.setSpacing(4)
        self.alert_labels: list[QLabel] = []
        self.no_alerts = muted_label("No alerts.")
        self.ready_heading = section_heading("Ready to sign")
        self.checklist_box = QVBoxLayout()
        self.checklist_box.setSpacing(2)
        self.checklist_labels: list[QLabel] = []
        self._checklist_shown = True
        self._column = QVBoxLayout(self)
        self._build_layout()

    def _build_layout(self) -> None:
        layout = self._column
        layout.setContentsMargins(14, 4, 14, 14)
        layout.setSpacing(6)
        # Alerts and codes first: on a 1366x768 laptop they show without scrolling this
        # column (issue 14); the doses and the signing checklist follow.
        layout.addWidget(self.alerts_heading)
        layout.addLayout(self.alerts_box)
        layout.addWidget(self.no_alerts)
        layout.addWidget(section_heading("Codes"))
        layout.addWidget(self.codes_view)
        layout.addWidget(self.no_codes)
        layout.addWidget(self.diagnosis_codes)
        layout.addWidget(section_heading("Doses"))
        layout.addWidget(self.doses_view)
        layout.addWidget(self.no_doses)
        layout.addWidget(self.combined)
        layout.addWidget(self.ready_heading)
        layout.addLayout(self.checklist_box)
        layout.addStretch(1)

    def height_for_alerts_and_codes(self) -> int:
        """The height the alerts and codes take at the panel's width, from its top through
        the ICD-10-CM line: what the column keeps on screen without scrolling."""
        layout = self._column
        margins = layout.contentsMargins()
        width = max(1, self.width() - margins.left() - margins.right())
        height = margins.top()
        for index in range(layout.count()):
            item = layout.itemAt(index)
            if item is None:
                continue
            widget = item.widget()
            if widget is not None and widget.isHidden():
                continue
            if item.hasHeightForWidth():
                height += item.heightForWidth(width)
            else:
                height += item.sizeHint().height()
            height += layout.spacing()
            if widget is self.diagnosis_codes:
                break
        return height

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.doses_model.set_two_lines(self.width() < TWO_LINE_DOSES_BELOW)
        if self.doses_view.isVisible():
            self.doses_view.fit()
        self.resized.emit()

    def show_analysis(
        self, analysis: SessionAnalysis, problems: Sequence[FieldProblem] = ()
    ) -> None:
        """Show ``analysis``; ``problems`` are everything that keeps the form from saving."""
        self._show_codes(analysis)
        self._show_doses(analysis)
        self._show_alerts(analysis.alerts)
        self._show_checklist(checklist_rows(analysis.checklist, problems))

    def _show_codes(self, analysis: SessionAnalysis) -> None:
        self.codes_model.set_lines(analysis.coding.all_lines)
        has_lines = self.codes_model.rowCount() > 0
        self.codes_view.setVisible(has_lines)
        self.no_codes.setVisible(not has_lines)
        if has_lines:
            self.codes_view.fit()
        icd10 = analysis.coding.icd10
        self.diagnosis_codes.setText(
            f"ICD-10-CM: {', '.join(icd10)}" if icd10 else "ICD-10-CM: no diagnosis yet"
        )

    def _show_doses(self, analysis: SessionAnalysis) -> None:
        self.doses_model.set_totals(analysis.dose_totals)
        has_rows = self.doses_model.rowCount() > 0
        self.doses_view.setVisible(has_rows)
        self.no_doses.setVisible(not has_rows)
        if has_rows:
            self.doses_view.fit()
        anaesthetics = [
            t
            for t in self.doses_model.totals()
            if self._catalog.drugs[t.drug_id].is_local_anaesthetic and t.fraction_of_max is not None
        ]
        combined = analysis.combined_anaesthetic_fraction
        show_combined = len(anaesthetics) >= 2 and combined > 0
        self.combined.setVisible(show_combined)
        if show_combined:
            self.combined.setText(
                f"Local anaesthetics together: {format_percent(combined)} of the combined maximum"
            )

    def _show_alerts(self, alerts: Sequence[Alert]) -> None:
        for label in self.alert_labels:
            self.alerts_box.removeWidget(label)
            label.hide()
            label.deleteLater()
        self.alert_labels = []
        for alert in alerts:
            label = alert_label(alert)
            self.alerts_box.addWidget(label)
            self.alert_labels.append(label)
        self.no_alerts.setVisible(not alerts)
        self.alerts_heading.setText(alerts_heading_text(alerts))

    def _show_checklist(self, rows: Sequence[ChecklistRow]) -> None:
        for label in self.checklist_labels:
            self.checklist_box.removeWidget(label)
            label.hide()
            label.deleteLater()
        self.checklist_labels = []
        open_rows = [row for row in rows if not row.done]
        if open_rows:
            self.ready_heading.setText(
                f"Before signing: {len(open_rows)} "
                f"{'item' if len(open_rows) == 1 else 'items'} open"
            )
            self.ready_heading.setStyleSheet(f"color: {AMBER};")
        else:
            self.ready_heading.setText("Ready to sign")
            self.ready_heading.setStyleSheet(f"color: {GREEN};")
        for row in open_rows:
            self._add_checklist_label(checklist_row_html(row), done=False)
        done_rows = [row for row in rows if row.done]
        if done_rows:
            self._add_checklist_label(done_rows_html(done_rows), done=True)

    def _add_checklist_label(self, text: str, *, done: bool) -> None:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setProperty("done", done)
        # Into the layout (and so the panel) before it is shown: a label shown while it has no
        # parent is a window of its own, and on X11 mapping it closed any open pop-up (the
        # muscle suggestions vanished at each keystroke while the checklist was rebuilt).
        self.checklist_box.addWidget(label)
        label.setVisible(self._checklist_shown)
        self.checklist_labels.append(label)

    def set_checklist_shown(self, shown: bool) -> None:
        """A signed note needs no signing checklist."""
        self.ready_heading.setVisible(shown)
        for label in self.checklist_labels:
            label.setVisible(shown)
        self._checklist_shown = shown

    def alert_texts(self) -> list[str]:
        """The alerts as shown (plain text), for tests and screen readers."""
        return [label.text() for label in self.alert_labels]
