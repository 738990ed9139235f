"""The outcomes dashboard: group, period, dates and measure on top; the chart, then the
numbers per group and period; the chart saves as PNG, the numbers as CSV."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.services.errors import UserError
from tpi_desk.services.outcomes.figures import (
    GROUPING_LABELS,
    MEASURE_LABELS,
    PERIOD_LABELS,
    OutcomeCell,
    OutcomeGrouping,
    OutcomeMeasure,
    OutcomePeriod,
    OutcomeQuery,
    OutcomeReport,
)
from tpi_desk.services.outcomes.outcomes import OutcomesService
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.formatting import format_date
from tpi_desk.ui.item_models.row_table_model import Index, RowTableModel
from tpi_desk.ui.list_views import configure_list_table
from tpi_desk.ui.messages import UserMessages
from tpi_desk.ui.outcomes.chart import MAX_SERIES, OutcomesChart
from tpi_desk.ui.wait_cursor import wait_cursor

TITLE = "Outcomes"
HEADERS = ("Period", "Group", "Sessions", "Pain before", "Pain after", "Relief", "% relief")
SAMPLES = ("Sep 28, 2026", None, "Sessions", "Pain before", "Pain after", "Relief", "% relief")
MEASURES = (OutcomeMeasure.PAIN_BEFORE, OutcomeMeasure.PAIN_AFTER, OutcomeMeasure.RELIEF,
            OutcomeMeasure.RELIEF_PERCENT)  # fmt: skip
DEFAULT_DAYS = 365


class OutcomeTableModel(RowTableModel[OutcomeCell]):
    """One row per group and period, with the means the chart draws."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(HEADERS, parent)
        self._labels: OutcomeReport | None = None

    def show_report(self, report: OutcomeReport) -> None:
        self._labels = report
        self.replace_rows(report.cells)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cell = self.row_for(index)
        if cell is None or self._labels is None:
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        column = index.column()
        if column == 0:
            return format_date(cell.period_start)
        if column == 1:
            return self._labels.label(cell.group_key)
        if column == 2:
            return f"{cell.sessions:,}"
        value = cell.mean(MEASURES[column - 3])
        return "" if value is None else f"{value:.1f}"


class OutcomesDialog(QDialog):
    """Any change of the filters reads the report again (the measure only redraws)."""

    def __init__(
        self,
        outcomes: OutcomesService,
        messages: UserMessages,
        actor: Actor | None,
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self._outcomes = outcomes
        self._messages = messages
        self._actor = actor
        self.report: OutcomeReport | None = None
        self.grouping = _combo(GROUPING_LABELS, OutcomeGrouping.REGION, "Group by")
        self.period = _combo(PERIOD_LABELS, OutcomePeriod.MONTH, "Period")
        self.measure = _combo(MEASURE_LABELS, OutcomeMeasure.RELIEF_PERCENT, "Measure")
        self.date_from = _date_edit(today - timedelta(days=DEFAULT_DAYS), "From")
        self.date_to = _date_edit(today, "To")
        self.chart = OutcomesChart()
        self.model = OutcomeTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Outcomes per group and period")
        configure_list_table(self.table, SAMPLES)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.png_button = QPushButton("Save chart as &PNG…")
        self.csv_button = QPushButton("Export &CSV…")
        self.close_button = QPushButton("Close")
        self._lay_out()
        self._connect_signals()

    def _lay_out(self) -> None:
        filters = QHBoxLayout()
        filters.setSpacing(8)
        for label, widget in (
            ("&Group by", self.grouping),
            ("P&er", self.period),
            ("&From", self.date_from),
            ("&To", self.date_to),
            ("&Show", self.measure),
        ):
            caption = QLabel(label)
            caption.setBuddy(widget)
            # Never narrower than its text (squeezed, "To" lost the right of its "o").
            caption.setMinimumWidth(caption.sizeHint().width() + 4)
            filters.addWidget(caption)
            filters.addWidget(widget)
            filters.addSpacing(6)
        filters.addStretch(1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.chart)
        splitter.addWidget(self.table)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        for button in (self.png_button, self.csv_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        self.resize(1100, 760)

    def _connect_signals(self) -> None:
        for combo in (self.grouping, self.period):
            combo.currentIndexChanged.connect(self.refresh)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self.refresh)
        self.measure.currentIndexChanged.connect(self._redraw)
        self.png_button.clicked.connect(self.save_png)
        self.csv_button.clicked.connect(self.export_csv)
        self.close_button.clicked.connect(self.accept)

    def ask(self) -> None:
        """Read the report for the default filters, then show the dashboard (or say why not)."""
        if self.refresh():
            self.exec()
        else:
            self._messages.error(self.parentWidget(), TITLE, self.summary.text())

    def query(self) -> OutcomeQuery:
        return OutcomeQuery(
            date_from=self.date_from.date().toPython(),  # type: ignore[arg-type]
            date_to=self.date_to.date().toPython(),  # type: ignore[arg-type]
            grouping=OutcomeGrouping(self.grouping.currentData()),
            period=OutcomePeriod(self.period.currentData()),
        )

    def chosen_measure(self) -> OutcomeMeasure:
        return OutcomeMeasure(self.measure.currentData())

    def refresh(self) -> bool:
        """Read the report for the filters shown; False (after saying why) if it cannot."""
        try:
            with wait_cursor():  # years of a large clinic: up to a second or two
                report = self._outcomes.report(self.query(), actor=self._actor)
        except UserError as error:
            self.summary.setText(error.message.replace("\n", " "))
            return False
        self.report = report
        self.model.show_report(report)
        self._redraw()
        return True

    def _redraw(self) -> None:
        report = self.report
        if report is None:
            return
        self.chart.show_report(report, self.chosen_measure())
        grouping = report.query.grouping
        groups = len(report.groups)
        if not report.cells:
            text = "No signed note with pain before and after in these dates."
        elif grouping in (OutcomeGrouping.ALL, OutcomeGrouping.PROVIDER):
            text = f"{report.sessions:,} signed sessions with pain before and after."
        else:
            text = (
                f"{report.sessions:,} sessions counted in {groups:,} groups: a session counts "
                f"once in each {grouping.value} it touches."
            )
        if groups > MAX_SERIES:
            text += f" The chart shows the {MAX_SERIES} groups with the most sessions."
        self.summary.setText(text)

    def ask_save_path(self, suggested: str, file_filter: str) -> Path | None:
        """Where to write an export (None when cancelled); tests replace this."""
        chosen, _ = QFileDialog.getSaveFileName(self, TITLE, suggested, file_filter)
        return Path(chosen) if chosen else None

    def save_png(self) -> Path | None:
        report = self.report
        path = self.ask_save_path(f"outcomes-{_file_stem(report)}.png", "PNG images (*.png)")
        if path is None or report is None:
            return None
        path = path if path.suffix else path.with_suffix(".png")
        try:
            self.chart.save_png(path)
            self._outcomes.record_chart_export(report, path, actor=self._actor)
        except OSError as error:
            self._messages.error(self, "Could not save the chart", f"{path}: {error}.")
            return None
        except UserError as error:
            path.unlink(missing_ok=True)  # an image the audit trail does not know of must go
            self._messages.error(self, "Could not save the chart", error.message)
            return None
        return path

    def export_csv(self) -> Path | None:
        report = self.report
        path = self.ask_save_path(f"outcomes-{_file_stem(report)}.csv", "CSV files (*.csv)")
        if path is None or report is None:
            return None
        path = path if path.suffix else path.with_suffix(".csv")
        try:
            self._outcomes.export_csv(report, path, actor=self._actor)
        except UserError as error:
            self._messages.error(self, "Could not export the outcomes", error.message)
            return None
        return path


def _file_stem(report: OutcomeReport | None) -> str:
    if report is None:
        return "report"
    query = report.query
    return f"by-{query.grouping.value}-{query.date_from.isoformat()}-{query.date_to.isoformat()}"


def _combo(labels: dict[Any, str], chosen: object, name: str) -> QComboBox:
    combo = QComboBox()
    for value, label in labels.items():
        combo.addItem(label, value.value)
    combo.setCurrentIndex(max(0, combo.findData(getattr(chosen, "value", chosen))))
    combo.setAccessibleName(name)
    return combo


def _date_edit(day: date, name: str) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("MMM d, yyyy")
    edit.setAccessibleName(name)
    return edit
