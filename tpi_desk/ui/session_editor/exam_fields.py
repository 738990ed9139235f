"""Exam and technique: the findings at the treated muscles, skin preparation, aspiration, a
functional score and the relief after the previous session."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QHBoxLayout, QLabel, QWidget

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.ui.choice_combos import choice_combo, select_data
from tpi_desk.ui.session_editor.form_state import (
    ASPIRATION_NEGATIVE,
    ASPIRATION_POSITIVE,
    RawSession,
)
from tpi_desk.ui.session_editor.form_widgets import (
    ErrorLabel,
    caption,
    compact_edit,
    mark_fields,
    muted_label,
)

NOT_RECORDED = "Not recorded"
FINDING_COLUMNS = 2
ASPIRATION_LABELS = {
    ASPIRATION_NEGATIVE: "Aspiration negative",
    ASPIRATION_POSITIVE: "Aspiration positive",
}
_PATHS = (
    "exam_findings",
    "skin_prep",
    "aspiration_negative",
    "function_score",
    "prior_relief",
)


class ExamFields(QWidget):
    """Finding boxes on one line, then technique, then the scores, each row with its label."""

    changed = Signal()

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        documentation = catalog.documentation
        self.findings: dict[str, QCheckBox] = {}
        for finding, label in documentation.exam_findings.items():
            box = QCheckBox(label)
            box.toggled.connect(self.changed)
            self.findings[finding] = box
        self.skin_prep = choice_combo(
            documentation.skin_preps, empty="Skin prep not recorded", tooltip="Skin preparation"
        )
        self.aspiration = choice_combo(
            ASPIRATION_LABELS,
            empty="Aspiration not recorded",
            tooltip="Aspiration before injecting: negative means no blood return",
        )
        self.function_scale = choice_combo(
            {scale.id: scale.label for scale in documentation.function_scales.values()},
            empty="Scale",
            tooltip="Validated functional scale",
        )
        self.function_score = compact_edit("Score", 60, tooltip="Score on the chosen scale")
        self.prior_relief_percent = compact_edit(
            "%", 44, tooltip="Relief after the previous session, in percent (repeat sessions)"
        )
        self.prior_relief_weeks = compact_edit(
            "weeks", 72, tooltip="How many weeks that relief lasted"
        )
        self.aspiration.setAccessibleName("Aspiration")
        self.function_score.setAccessibleName("Function score")
        self.prior_relief_percent.setAccessibleName("Relief after the last session, percent")
        self.prior_relief_weeks.setAccessibleName("Relief lasted, weeks")
        self.errors = ErrorLabel()
        # Findings a document named that the catalog lacks: kept, so validation names them.
        self._unknown_findings: tuple[str, ...] = ()
        self._build_layout()
        for combo in (self.skin_prep, self.aspiration, self.function_scale):
            combo.currentIndexChanged.connect(self.changed)
        for edit in (self.function_score, self.prior_relief_percent, self.prior_relief_weeks):
            edit.textChanged.connect(self.changed)

    def _build_layout(self) -> None:
        # Two finding boxes a line and the relief on its own row: the form fits beside the
        # patient list and the live panel on a 1366x768 screen without scrolling sideways.
        findings = QGridLayout()
        findings.setHorizontalSpacing(14)
        findings.setVerticalSpacing(4)
        for index, box in enumerate(self.findings.values()):
            findings.addWidget(box, index // FINDING_COLUMNS, index % FINDING_COLUMNS)
        findings.setColumnStretch(FINDING_COLUMNS, 1)
        technique = QHBoxLayout()
        technique.setSpacing(10)
        technique.addWidget(self.skin_prep)
        technique.addWidget(self.aspiration)
        technique.addStretch(1)
        scores = QHBoxLayout()
        scores.setSpacing(6)
        scores.addWidget(self.function_scale, 1)
        scores.addWidget(self.function_score)
        relief = QHBoxLayout()
        relief.setSpacing(6)
        relief.addWidget(self.prior_relief_percent)
        relief.addWidget(muted_label("% for"))
        relief.addWidget(self.prior_relief_weeks)
        relief_lasted = muted_label("weeks after the last session")
        relief_lasted.setWordWrap(False)
        relief.addWidget(relief_lasted)
        relief.addStretch(1)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        grid.addWidget(
            caption("Findings", next(iter(self.findings.values())))
            if self.findings
            else QLabel("Findings"),
            0,
            0,
            Qt.AlignmentFlag.AlignTop,
        )
        grid.addLayout(findings, 0, 1)
        grid.addWidget(caption("Technique", self.skin_prep), 1, 0)
        grid.addLayout(technique, 1, 1)
        grid.addWidget(caption("Function", self.function_scale), 2, 0)
        grid.addLayout(scores, 2, 1)
        grid.addWidget(caption("Prior relief", self.prior_relief_percent), 3, 0)
        grid.addLayout(relief, 3, 1)
        grid.addWidget(self.errors, 4, 1)
        grid.setColumnStretch(1, 1)

    def set_injection(self, injection: bool) -> None:
        """Aspiration belongs to injections: dry needling hides it."""
        self.aspiration.setVisible(injection)

    def load(self, raw: RawSession) -> None:
        for finding, box in self.findings.items():
            box.setChecked(finding in raw.exam_findings)
        self._unknown_findings = tuple(f for f in raw.exam_findings if f not in self.findings)
        select_data(self.skin_prep, raw.skin_prep)
        select_data(self.aspiration, raw.aspiration)
        select_data(self.function_scale, raw.function_scale)
        self.function_score.setText(raw.function_score)
        self.prior_relief_percent.setText(raw.prior_relief_percent)
        self.prior_relief_weeks.setText(raw.prior_relief_weeks)

    def apply_to(self, raw: RawSession) -> RawSession:
        return replace(
            raw,
            exam_findings=(
                *(finding for finding, box in self.findings.items() if box.isChecked()),
                *self._unknown_findings,
            ),
            skin_prep=str(self.skin_prep.currentData()),
            aspiration=str(self.aspiration.currentData()),
            function_scale=str(self.function_scale.currentData()),
            function_score=self.function_score.text(),
            prior_relief_percent=self.prior_relief_percent.text(),
            prior_relief_weeks=self.prior_relief_weeks.text(),
        )

    def show_problems(self, problems: Sequence[FieldProblem]) -> None:
        mine = [p for p in problems if p.path.split(".")[0].split("[")[0] in _PATHS]
        self.errors.show_problems(mine)
        mark_fields(
            mine,
            {
                "skin_prep": self.skin_prep,
                "aspiration_negative": self.aspiration,
                "function_score.scale": self.function_scale,
                "function_score.value": self.function_score,
                "prior_relief.percent": self.prior_relief_percent,
                "prior_relief.weeks": self.prior_relief_weeks,
            },
        )

    def focus_widgets(self) -> list[QWidget]:
        return [
            *self.findings.values(),
            self.skin_prep,
            self.aspiration,
            self.function_scale,
            self.function_score,
            self.prior_relief_percent,
            self.prior_relief_weeks,
        ]
