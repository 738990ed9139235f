"""Consent: obtained, written or verbal, the risks discussed (pre-selected by the app from
the sites and drugs until the clinician changes the list), and the witness."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QHBoxLayout, QLineEdit, QWidget

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import ConsentType
from tpi_desk.ui.choice_combos import choice_combo, select_data
from tpi_desk.ui.session_editor.check_list import CheckList
from tpi_desk.ui.session_editor.form_state import RawSession
from tpi_desk.ui.session_editor.form_widgets import (
    ErrorLabel,
    caption,
    mark_fields,
    muted_label,
    problems_under,
    set_invalid,
)

CONSENT_TYPE_LABELS = {ConsentType.WRITTEN: "Written", ConsentType.VERBAL: "Verbal"}
RISK_COLUMNS = 2
PRESELECTED_HINT = "Ticked by TPI Desk from the sites and drugs: confirm or change."
CHOSEN_HINT = "As chosen: only these risks are printed on the note."


class ConsentFields(QWidget):
    """The consent row and the list of risks discussed."""

    changed = Signal()

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.obtained = QCheckBox("Consent &obtained")
        self.obtained.setToolTip("Confirmed today for this procedure (Alt+O)")
        self.consent_type = choice_combo(
            {kind.value: label for kind, label in CONSENT_TYPE_LABELS.items()},
            empty="Type",
            tooltip="Written (signed form) or verbal consent",
        )
        self.witness = QLineEdit()
        self.witness.setPlaceholderText("Witness (name), if any")
        self.consent_type.setAccessibleName("Consent type")
        self.witness.setAccessibleName("Consent witness")
        risks = catalog.documentation.consent_risks
        self.risks = CheckList({r.id: r.label for r in risks.values()}, columns=RISK_COLUMNS)
        self.risks.setToolTip("Risks discussed with the patient (Space ticks or unticks)")
        self.risks.fit_rows()
        self.risks_hint = muted_label(PRESELECTED_HINT)
        self.errors = ErrorLabel()
        self._risks_chosen = False
        # Risk ids a document named that the catalog lacks: kept, so validation names them.
        self._unknown_risks: tuple[str, ...] = ()
        self._build_layout()
        self.obtained.toggled.connect(self.changed)
        self.consent_type.currentIndexChanged.connect(self.changed)
        self.witness.textChanged.connect(self.changed)
        self.risks.itemChanged.connect(self.changed)
        self.risks.toggled_by_user.connect(self._on_risks_chosen)

    def _build_layout(self) -> None:
        top = QHBoxLayout()
        top.setSpacing(10)
        top.addWidget(self.obtained)
        top.addWidget(self.consent_type)
        top.addWidget(self.witness, 1)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        grid.addLayout(top, 0, 0, 1, 2)
        grid.addWidget(caption("Risks discussed", self.risks), 1, 0)
        grid.addWidget(self.risks_hint, 1, 1)
        grid.addWidget(self.risks, 2, 0, 1, 2)
        grid.addWidget(self.errors, 3, 0, 1, 2)
        grid.setColumnStretch(1, 1)

    def _on_risks_chosen(self) -> None:
        self._risks_chosen = True
        self.risks_hint.setText(CHOSEN_HINT)

    @property
    def risks_chosen(self) -> bool:
        """Whether the clinician changed the risks list (it then no longer follows the sites)."""
        return self._risks_chosen

    def show_preselected(self, risk_ids: Sequence[str]) -> None:
        """Tick the app's pre-selection, unless the clinician has chosen the risks."""
        if not self._risks_chosen and tuple(risk_ids) != self.risks.checked():
            self.risks.set_checked(risk_ids)

    def load(self, raw: RawSession) -> None:
        self.obtained.setChecked(raw.consent_obtained)
        select_data(self.consent_type, raw.consent_type)
        self.witness.setText(raw.consent_witness)
        self.risks.set_checked(raw.consent_risks)
        known = set(self.risks.options())
        self._unknown_risks = tuple(r for r in raw.consent_risks if r not in known)
        self._risks_chosen = raw.consent_risks_chosen
        self.risks_hint.setText(CHOSEN_HINT if self._risks_chosen else PRESELECTED_HINT)

    def apply_to(self, raw: RawSession) -> RawSession:
        return replace(
            raw,
            consent_obtained=self.obtained.isChecked(),
            consent_type=str(self.consent_type.currentData()),
            consent_risks=(*self.risks.checked(), *self._unknown_risks),
            consent_risks_chosen=self._risks_chosen,
            consent_witness=self.witness.text(),
        )

    def show_problems(self, problems: Sequence[FieldProblem]) -> None:
        mine = problems_under(problems, "consent")
        self.errors.show_problems(mine)
        mark_fields(mine, {"consent.type": self.consent_type, "consent.witness": self.witness})
        set_invalid(self.risks, bool(problems_under(mine, "consent.risks_discussed")))

    def focus_widgets(self) -> list[QWidget]:
        return [self.obtained, self.consent_type, self.witness, self.risks]
