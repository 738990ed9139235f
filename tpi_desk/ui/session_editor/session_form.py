"""The whole form, top to bottom: header, consent, diagnoses and indication, exam and
technique, sites, outcome."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import ProcedureKind, Side
from tpi_desk.ui.session_editor.consent_fields import ConsentFields
from tpi_desk.ui.session_editor.diagnosis_picker import DiagnosisPicker
from tpi_desk.ui.session_editor.exam_fields import ExamFields
from tpi_desk.ui.session_editor.form_state import RawSession
from tpi_desk.ui.session_editor.form_widgets import enable_children, section_heading
from tpi_desk.ui.session_editor.header_fields import HeaderFields
from tpi_desk.ui.session_editor.indication_fields import IndicationFields
from tpi_desk.ui.session_editor.outcome_fields import OutcomeFields
from tpi_desk.ui.session_editor.sites_table import SitesTable


class SessionForm(QWidget):
    """Every input of the session document, with its problems shown next to it."""

    changed = Signal()

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = HeaderFields(catalog)
        self.consent = ConsentFields(catalog)
        self.diagnoses = DiagnosisPicker(catalog)
        self.indication = IndicationFields(catalog)
        self.exam = ExamFields(catalog)
        self.sites = SitesTable(catalog)
        self.outcome = OutcomeFields(catalog)
        self.sites_heading = section_heading("Injection sites")
        self._focus_chain: list[QWidget] = []
        # What Tab reaches after the form's last field (the editor's Save and Sign buttons).
        self.tab_followers: list[QWidget] = []
        self._followers_linked: list[QWidget] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 16)
        layout.setSpacing(6)
        layout.addWidget(section_heading("Procedure"))
        layout.addWidget(self.header)
        layout.addWidget(section_heading("Consent"))
        layout.addWidget(self.consent)
        diagnoses_heading = section_heading("Dia&gnoses")
        diagnoses_heading.setBuddy(self.diagnoses.search)
        self.diagnoses.search.setAccessibleName("Diagnoses")
        layout.addWidget(diagnoses_heading)
        layout.addWidget(self.diagnoses)
        layout.addWidget(section_heading("Indication"))
        layout.addWidget(self.indication)
        layout.addWidget(section_heading("Exam and technique"))
        layout.addWidget(self.exam)
        layout.addWidget(self.sites_heading)
        layout.addWidget(self.sites)
        layout.addWidget(section_heading("Outcome"))
        layout.addWidget(self.outcome)
        layout.addStretch(1)
        for part in self._parts():
            part.changed.connect(self.changed)

    def _parts(
        self,
    ) -> tuple[
        HeaderFields,
        ConsentFields,
        DiagnosisPicker,
        IndicationFields,
        ExamFields,
        SitesTable,
        OutcomeFields,
    ]:
        return (
            self.header,
            self.consent,
            self.diagnoses,
            self.indication,
            self.exam,
            self.sites,
            self.outcome,
        )

    def load(self, raw: RawSession) -> None:
        self.header.load(raw)
        self.consent.load(raw)
        self.diagnoses.set_codes(raw.diagnoses)
        self.indication.load(raw)
        self.exam.load(raw)
        self.set_kind_shown(raw.kind)
        self.sites.load(raw.sites)
        self.outcome.load(raw)

    def focus_reconfirmation(self) -> None:
        """The cursor on the first of what is confirmed again each visit (pain before; then
        pain after, consent obtained; time-out is Alt+T)."""
        self.header.pain_before.setFocus(Qt.FocusReason.OtherFocusReason)

    def recorded_sites(self) -> list[tuple[str, Side]]:
        """Muscle and side of every site that has both (for the body map)."""
        sides = {side.value: side for side in Side}
        return [
            (site.muscle_id, sides[site.side])
            for site in self.sites.raw_sites()
            if site.muscle_id and site.side in sides
        ]

    def raw(self) -> RawSession:
        raw = RawSession()
        for part in (self.header, self.consent, self.indication, self.exam, self.outcome):
            raw = part.apply_to(raw)
        return replace(raw, diagnoses=self.diagnoses.codes(), sites=self.sites.raw_sites())

    def set_kind_shown(self, kind: str) -> None:
        """Dry needling hides medications; the heading names the kind of site."""
        injection = kind == ProcedureKind.TRIGGER_POINT_INJECTION.value
        self.sites.set_medications_enabled(injection)
        self.exam.set_injection(injection)
        self.sites_heading.setText("Injection sites" if injection else "Needling sites")

    def set_read_only(self, read_only: bool) -> None:
        """A signed note: every input disabled, and the buttons that add or remove hidden;
        only its ultrasound images stay open to view (the header keeps them enabled)."""
        enable_children(self, not read_only, keep=self.header)
        self.header.set_editable(not read_only)
        self.diagnoses.set_editable(not read_only)
        self.sites.set_editable(not read_only)
        if read_only:
            self.outcome.set_chest_wall_needed(False)

    def show_problems(self, problems: Sequence[FieldProblem]) -> None:
        for part in self._parts():
            part.show_problems(problems)

    def update_tab_order(self) -> None:
        """Tab goes top to bottom, left to right, also through sites added later, and from
        the last field on to the followers (Save draft, Sign)."""
        chain = [widget for widget in self.focus_widgets() if not _hidden_on_purpose(widget)]
        followers = [widget for widget in self.tab_followers if not _hidden_on_purpose(widget)]
        if chain == self._focus_chain and followers == self._followers_linked:
            return
        self._focus_chain = chain
        self._followers_linked = followers
        for first, second in itertools.pairwise(chain + followers):
            QWidget.setTabOrder(first, second)

    def focus_first_invalid(self) -> None:
        """Put the cursor in the first field (in tab order) whose value cannot be accepted."""
        for widget in self._focus_chain:
            if widget.property("invalid") and widget.isEnabled():
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                return

    def focus_widgets(self) -> list[QWidget]:
        return [
            *(widget for part in self._parts() for widget in part.focus_widgets()),
        ]


def _hidden_on_purpose(widget: QWidget) -> bool:
    """Hidden by the form (a dry-needling site's medications), not merely waiting to show:
    a site added a moment ago shows on the next event loop turn, and a quick Tab after its
    side went past its fields to the outcome."""
    return widget.isHidden() and widget.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide)
