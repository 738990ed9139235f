"""The session's header: when, who, what kind, position, where, ultrasound, time-out, pain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import ProcedureKind
from tpi_desk.services.dto import ProviderRecord
from tpi_desk.ui.choice_combos import choice_combo, select_data
from tpi_desk.ui.formatting import PROCEDURE_NAMES
from tpi_desk.ui.session_editor.form_state import RawSession
from tpi_desk.ui.session_editor.form_widgets import (
    ErrorLabel,
    caption,
    compact_edit,
    enable_children,
    mark_fields,
    problems_under,
)
from tpi_desk.ui.session_editor.image_strip import UltrasoundImageStrip
from tpi_desk.ui.session_editor.procedure_time_fields import ProcedureTimeFields
from tpi_desk.ui.tab_leaving_date_edits import TabLeavingDateTimeEdit

DATE_TIME_FORMAT = "yyyy-MM-dd  HH:mm"
NOT_RECORDED = "Not recorded"
COMBO_MINIMUM_CHARACTERS = 14
COMPLETE_PAIN_SCORES = frozenset({"0", "2", "3", "4", "5", "6", "7", "8", "9", "10"})

# Document paths this part of the form shows problems for, by the row they appear under.
_WHEN_WHO_PATHS = ("performed_at", "provider", "kind", "position")
_LOCATION_PATHS = ("location",)
_ULTRASOUND_PATHS = ("ultrasound",)
_PAIN_PATHS = ("pain_before", "pain_after")


def local_naive(moment: datetime) -> datetime:
    """``moment`` in the workstation's time zone, without the zone (what the clock shows)."""
    return moment.astimezone().replace(tzinfo=None)


def to_qdatetime(moment: datetime) -> QDateTime:
    local = local_naive(moment)
    return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))


def from_qdatetime(value: QDateTime) -> datetime:
    """The wall-clock time shown, as an aware datetime in the workstation's zone."""
    day, time = value.date(), value.time()
    naive = datetime(day.year(), day.month(), day.day(), time.hour(), time.minute())
    return naive.astimezone()


def _move_on_when_complete(field: QLineEdit, text: str) -> None:
    """A pain score typed in full moves the cursor on: any digit but 1 (which may become
    10), or 10 itself."""
    if text.strip() in COMPLETE_PAIN_SCORES:
        field.focusNextChild()


class HeaderFields(QWidget):
    """Date and time, provider, kind, position, location, ultrasound, time-out and pain."""

    changed = Signal()
    kind_changed = Signal(str)

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.performed_at = TabLeavingDateTimeEdit()
        self.performed_at.setCalendarPopup(True)
        self.performed_at.setDisplayFormat(DATE_TIME_FORMAT)
        self.performed_at.setToolTip("Date and time of the session, in clinic local time")
        self.provider = QComboBox()
        self.provider.setToolTip(
            "Who performed the session: change it to document for a colleague until the "
            "note is signed (whoever signs is checked then)"
        )
        self.kind = QComboBox()
        for kind in ProcedureKind:
            self.kind.addItem(PROCEDURE_NAMES[kind], kind.value)
        self.position = QComboBox()
        self.position.addItem(NOT_RECORDED, "")
        for position, label in catalog.position_labels.items():
            self.position.addItem(label, position.value)
        documentation = catalog.documentation
        self.location_name = QLineEdit()
        self.location_name.setPlaceholderText("Clinic or office name")
        self.location_name.setToolTip("Where the session took place (printed on the note)")
        self.location_state = choice_combo(
            {code: f"{code}  {name}" for code, name in documentation.states.items()},
            empty="State",
            tooltip="State of the location: its scope-of-practice rules apply",
        )
        self.place_of_service = choice_combo(
            {code: f"{code}  {label}" for code, label in documentation.places_of_service.items()},
            empty="Place of service",
            tooltip="CMS place-of-service code of the claim",
        )
        self.ultrasound_guided = QCheckBox("Ultrasound guided")
        self.ultrasound_image_retained = QCheckBox("Image retained")
        self.ultrasound_device = QLineEdit()
        self.ultrasound_device.setPlaceholderText("Device and probe")
        self.ultrasound_interpretation = QLineEdit()
        self.ultrasound_interpretation.setPlaceholderText(
            "Interpretation: what the image showed (needle tip in the muscle, pleura clear)"
        )
        self.ultrasound_interpretation.setToolTip(
            "The interpretation the ultrasound guidance code (76942) requires"
        )
        self.images = UltrasoundImageStrip()  # the retained images (issue 15)
        self.time_out_performed = QCheckBox("&Time-out performed")
        self.time_out_performed.setToolTip("Confirmed today before the first needle (Alt+T)")
        self.pain_before = compact_edit(
            "0-10", 52, tooltip="Pain before, 0-10 (empty if not asked); a digit moves on"
        )
        self.pain_after = compact_edit("0-10", 52, tooltip="Pain right after, 0-10")
        self.location_state.setAccessibleName("Location state")
        self.place_of_service.setAccessibleName("Place of service")
        self.ultrasound_device.setAccessibleName("Ultrasound device and probe")
        self.ultrasound_interpretation.setAccessibleName("Ultrasound interpretation")
        self.pain_before.setAccessibleName("Pain before, 0 to 10")
        self.pain_after.setAccessibleName("Pain after, 0 to 10")
        self.when_who_errors = ErrorLabel()
        self.location_errors = ErrorLabel()
        self.ultrasound_errors = ErrorLabel()
        self.pain_errors = ErrorLabel()
        self.procedure_time = ProcedureTimeFields()  # start, end, chaperone (issue 14)
        for combo in (self.provider, self.kind, self.position, self.place_of_service):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(COMBO_MINIMUM_CHARACTERS)
        self._previous_kind = ProcedureKind.TRIGGER_POINT_INJECTION.value
        self._editable = True
        self._build_layout()
        self._connect_signals()
        self._update_ultrasound_fields()

    def _build_layout(self) -> None:
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        grid.addWidget(caption("&Date and time", self.performed_at), 0, 0)
        grid.addWidget(self.performed_at, 0, 1)
        grid.addWidget(caption("&Provider", self.provider), 0, 2)
        grid.addWidget(self.provider, 0, 3)
        grid.addWidget(caption("Pro&cedure", self.kind), 1, 0)
        grid.addWidget(self.kind, 1, 1)
        grid.addWidget(caption("Pos&ition", self.position), 1, 2)
        grid.addWidget(self.position, 1, 3)
        grid.addWidget(self.when_who_errors, 2, 1, 1, 3)
        grid.addWidget(caption("Procedure time", self.procedure_time.started), 3, 0)
        grid.addWidget(self.procedure_time, 3, 1, 1, 3)
        grid.addWidget(self.procedure_time.errors, 4, 1, 1, 3)
        grid.addWidget(caption("&Location", self.location_name), 5, 0)
        location = QHBoxLayout()
        location.setSpacing(6)
        # The drop-downs as wide as a short item, their lists as wide as the longest: the
        # location's name kept a few letters ("Harbor I") beside a state list sized for
        # "District of Columbia" and places of service for their longest label.
        for combo, letters in ((self.location_state, 12), (self.place_of_service, 14)):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(letters)
            combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)
        location.addWidget(self.location_name, 1)
        location.addWidget(self.location_state)
        location.addWidget(self.place_of_service)
        grid.addLayout(location, 5, 1, 1, 3)
        grid.addWidget(self.location_errors, 6, 1, 1, 3)
        grid.addWidget(caption("&Ultrasound", self.ultrasound_guided), 7, 0)
        ultrasound = QHBoxLayout()
        ultrasound.setSpacing(14)
        ultrasound.addWidget(self.ultrasound_guided)
        ultrasound.addWidget(self.ultrasound_image_retained)
        ultrasound.addWidget(self.ultrasound_device, 1)
        grid.addLayout(ultrasound, 7, 1, 1, 3)
        interpretation = QHBoxLayout()
        interpretation.setSpacing(6)
        interpretation.addWidget(self.ultrasound_interpretation, 1)
        interpretation.addWidget(self.images.attach_button)
        grid.addLayout(interpretation, 8, 1, 1, 3)
        grid.addWidget(self.images, 9, 1, 1, 3)
        grid.addWidget(self.ultrasound_errors, 10, 1, 1, 3)
        grid.addWidget(QLabel("Safety"), 11, 0)
        grid.addWidget(self.time_out_performed, 11, 1)
        grid.addWidget(caption("Pai&n (0-10)", self.pain_before), 11, 2)
        pain = QHBoxLayout()
        pain.setSpacing(6)
        pain.addWidget(self.pain_before)
        pain.addWidget(QLabel("before,"))
        pain.addSpacing(6)
        pain.addWidget(self.pain_after)
        pain.addWidget(QLabel("after"))
        pain.addStretch(1)
        grid.addLayout(pain, 11, 3)
        grid.addWidget(self.pain_errors, 12, 1, 1, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)

    def _connect_signals(self) -> None:
        self.performed_at.dateTimeChanged.connect(self.changed)
        self.provider.currentIndexChanged.connect(self.changed)
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.procedure_time.changed.connect(self.changed)
        for combo in (self.position, self.location_state, self.place_of_service):
            combo.currentIndexChanged.connect(self.changed)
        self.ultrasound_guided.toggled.connect(self._update_ultrasound_fields)
        self.images.changed.connect(self.changed)
        # An image attached is an image retained (checking it twice is harmless).
        self.images.images_attached.connect(lambda: self.ultrasound_image_retained.setChecked(True))
        for box in (
            self.ultrasound_guided,
            self.ultrasound_image_retained,
            self.time_out_performed,
        ):
            box.toggled.connect(self.changed)
        for edit in (
            self.location_name,
            self.ultrasound_device,
            self.ultrasound_interpretation,
            self.pain_before,
            self.pain_after,
        ):
            edit.textChanged.connect(self.changed)

        for edit in (self.pain_before, self.pain_after):
            edit.textEdited.connect(lambda text, field=edit: _move_on_when_complete(field, text))

    def _on_kind_changed(self) -> None:
        kind = str(self.kind.currentData())
        if kind != self._previous_kind:
            self._previous_kind = kind
            self.kind_changed.emit(kind)
        self.changed.emit()

    def _update_ultrasound_fields(self) -> None:
        guided = self.ultrasound_guided.isChecked()
        if not guided:
            self.ultrasound_image_retained.setChecked(False)
        for field in (
            self.ultrasound_image_retained,
            self.ultrasound_device,
            self.ultrasound_interpretation,
        ):
            field.setEnabled(guided and self._editable)
        self.images.set_attach_allowed(guided)

    # --- values ----------------------------------------------------------------------------

    def set_providers(self, providers: Sequence[ProviderRecord]) -> None:
        current = self.provider_id()
        self.provider.blockSignals(True)
        self.provider.clear()
        for provider in providers:
            self.provider.addItem(provider.facts.display_name, provider.id)
        self.provider.blockSignals(False)
        self.set_provider_id(current)

    def provider_id(self) -> int | None:
        value = self.provider.currentData()
        return value if isinstance(value, int) else None

    def set_provider_id(self, provider_id: int | None) -> None:
        self.provider.setCurrentIndex(self.provider.findData(provider_id))

    def set_editable(self, editable: bool) -> None:
        """A signed note: every field locked, its images shown and opened larger, without
        attach and remove."""
        self._editable = editable
        enable_children(self, editable, keep=self.images)
        self._update_ultrasound_fields()
        self.images.set_editable(editable)

    def set_kind(self, kind: str) -> None:
        """Show ``kind`` without announcing a change (used to undo a refused switch)."""
        self.kind.blockSignals(True)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        self.kind.blockSignals(False)
        self._previous_kind = str(self.kind.currentData())

    def load(self, raw: RawSession) -> None:
        if raw.performed_at:
            self.performed_at.setDateTime(to_qdatetime(datetime.fromisoformat(raw.performed_at)))
        self.set_provider_id(raw.provider_id)
        self.set_kind(raw.kind)
        self.position.setCurrentIndex(max(0, self.position.findData(raw.position)))
        self.location_name.setText(raw.location_name)
        select_data(self.location_state, raw.location_state)
        select_data(self.place_of_service, raw.place_of_service)
        self.ultrasound_guided.setChecked(raw.ultrasound_guided)
        self.ultrasound_image_retained.setChecked(raw.ultrasound_image_retained)
        self.ultrasound_device.setText(raw.ultrasound_device)
        self.ultrasound_interpretation.setText(raw.ultrasound_interpretation)
        # A loaded value shows its beginning: a narrow field showed "…or Pain Clinic".
        for field in (self.location_name, self.ultrasound_device, self.ultrasound_interpretation):
            field.setCursorPosition(0)
        self.images.set_images(raw.ultrasound_images)
        self._update_ultrasound_fields()
        self.time_out_performed.setChecked(raw.time_out_performed)
        self.pain_before.setText(raw.pain_before)
        self.pain_after.setText(raw.pain_after)
        self.procedure_time.load(raw)

    def apply_to(self, raw: RawSession) -> RawSession:
        raw = self.procedure_time.apply_to(raw)
        return replace(
            raw,
            performed_at=from_qdatetime(self.performed_at.dateTime()).isoformat(),
            provider_id=self.provider_id(),
            kind=str(self.kind.currentData()),
            position=str(self.position.currentData()),
            location_name=self.location_name.text(),
            location_state=str(self.location_state.currentData()),
            place_of_service=str(self.place_of_service.currentData()),
            ultrasound_guided=self.ultrasound_guided.isChecked(),
            ultrasound_image_retained=self.ultrasound_image_retained.isChecked(),
            ultrasound_device=self.ultrasound_device.text(),
            ultrasound_interpretation=self.ultrasound_interpretation.text(),
            ultrasound_images=self.images.images(),
            time_out_performed=self.time_out_performed.isChecked(),
            pain_before=self.pain_before.text(),
            pain_after=self.pain_after.text(),
        )

    def show_problems(self, problems: Sequence[FieldProblem]) -> None:
        self.when_who_errors.show_problems(
            [p for path in _WHEN_WHO_PATHS for p in problems_under(problems, path)]
        )
        self.location_errors.show_problems(
            [p for path in _LOCATION_PATHS for p in problems_under(problems, path)]
        )
        self.ultrasound_errors.show_problems(
            [p for path in _ULTRASOUND_PATHS for p in problems_under(problems, path)]
        )
        self.pain_errors.show_problems(
            [p for path in _PAIN_PATHS for p in problems_under(problems, path)]
        )
        self.procedure_time.show_problems(problems)
        mark_fields(
            problems,
            {
                "provider": self.provider,
                "location.name": self.location_name,
                "location.state": self.location_state,
                "location.place_of_service": self.place_of_service,
                "ultrasound.device": self.ultrasound_device,
                "ultrasound.interpretation": self.ultrasound_interpretation,
                "pain_before": self.pain_before,
                "pain_after": self.pain_after,
            },
        )

    def focus_widgets(self) -> list[QWidget]:
        """The inputs in tab order: top to bottom, left to right."""
        return [
            self.performed_at,
            self.provider,
            self.kind,
            self.position,
            *self.procedure_time.focus_widgets(),
            self.location_name,
            self.location_state,
            self.place_of_service,
            self.ultrasound_guided,
            self.ultrasound_image_retained,
            self.ultrasound_device,
            self.ultrasound_interpretation,
            self.images.attach_button,
            self.images.thumbnails,
            self.images.view_button,
            self.images.remove_button,
            self.time_out_performed,
            self.pain_before,
            self.pain_after,
        ]
