"""Signing: the checklist and every warning, then "Sign as …" with the password again."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from tpi_desk.clinical.alerts import AlertSeverity
from tpi_desk.clinical.analysis import SessionAnalysis
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.ui.form_dialog import FormDialog, ask_once
from tpi_desk.ui.password_confirm import PasswordAttempt, PasswordConfirmField
from tpi_desk.ui.session_editor.form_widgets import muted_label, section_heading
from tpi_desk.ui.session_editor.live_panel import alert_html, checklist_row_html, checklist_rows
from tpi_desk.ui.session_editor.style import RED, SEVERITY_COLOURS, TEXT

DIALOG_WIDTH = 560
ATTESTATION = (
    "By signing you confirm that this note is accurate and complete. A signed note cannot be "
    "changed; corrections are added as dated addenda."
)


class SignDialog(FormDialog):
    """Shows what the note still lacks (signing is refused then) and what it warns about."""

    def __init__(
        self,
        analysis: SessionAnalysis,
        problems: Sequence[FieldProblem],
        *,
        signer_name: str,
        summary: str,
        attempt: PasswordAttempt,
        parent: QWidget | None = None,
    ) -> None:
        """``attempt(password)`` signs; it returns why it was refused (the dialog then stays
        open with that message) or None once the note is signed."""
        super().__init__(
            parent,
            title="Sign note",
            accept_text=f"Sign as {signer_name}",
            minimum_width=DIALOG_WIDTH,
        )
        self._attempt = attempt
        self.password_field = PasswordConfirmField("Your password")
        rows = checklist_rows(analysis.checklist, problems)
        self.ready = all(row.done for row in rows)
        title = QLabel(f"<b>{html.escape(summary).replace(chr(10), '<br>')}</b>")
        title.setWordWrap(True)
        self.checklist_labels = [self._rich(checklist_row_html(row)) for row in rows]
        warnings = [a for a in analysis.alerts if a.severity is not AlertSeverity.INFO]
        self.alert_labels = []
        for alert in warnings:
            border, background = SEVERITY_COLOURS[alert.severity]
            label = self._rich(alert_html(alert))
            label.setStyleSheet(
                f"QLabel {{ background: {background}; color: {TEXT};"
                f" border-left: 3px solid {border}; padding: 5px 8px; }}"
            )
            self.alert_labels.append(label)
        self.sign_button = self.accept_button
        self.sign_button.setEnabled(self.ready)
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        layout.addWidget(title)
        layout.addWidget(section_heading("Checklist"))
        for label in self.checklist_labels:
            layout.addWidget(label)
        layout.addWidget(section_heading(f"Alerts ({len(warnings)})"))
        if not warnings:
            layout.addWidget(muted_label("No warnings."))
        for label in self.alert_labels:
            layout.addWidget(label)
        layout.addSpacing(8)
        if self.ready:
            layout.addWidget(self._rich(html.escape(ATTESTATION)))
            layout.addWidget(self.password_field)
            self.sign_button.setDefault(True)
            self.password_field.password.setFocus()
        else:
            refused = self._rich(
                f'<span style="color:{RED}">Complete the open items before signing.</span>'
            )
            layout.addWidget(refused)
            self.password_field.hide()
        layout.addWidget(self.buttons)
        self.resize(DIALOG_WIDTH, layout.totalHeightForWidth(DIALOG_WIDTH))

    def submit(self) -> bool:
        """Sign with the typed password; a refusal keeps the dialog open and says why."""
        return self.ready and self.password_field.try_with(self._attempt)

    @staticmethod
    def _rich(text: str) -> QLabel:
        label = QLabel(text)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setWordWrap(True)
        return label

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        analysis: SessionAnalysis,
        problems: Sequence[FieldProblem],
        *,
        signer_name: str,
        summary: str,
        attempt: PasswordAttempt,
    ) -> bool:
        """True once ``attempt`` signed the note (possible only when the note is ready)."""
        dialog = cls(
            analysis,
            problems,
            signer_name=signer_name,
            summary=summary,
            attempt=attempt,
            parent=parent,
        )
        return ask_once(dialog, lambda signed: signed.ready) is True
