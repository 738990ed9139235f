"""Signing: the checklist, the hard stops with the override reason they need, every warning,
then "Sign as …" with the password again."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from tpi_desk.clinical.alerts import blocking
from tpi_desk.clinical.analysis import SessionAnalysis
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.ui.form_dialog import FormDialog, ask_once
from tpi_desk.ui.password_confirm import PasswordAttempt, PasswordConfirmField
from tpi_desk.ui.session_editor.form_widgets import muted_label, section_heading
from tpi_desk.ui.session_editor.live_panel import (
    alert_label,
    alerts_heading_text,
    checklist_row_html,
    checklist_rows,
)
from tpi_desk.ui.session_editor.style import RED

DIALOG_WIDTH = 560
ATTESTATION = (
    "By signing you confirm that this note is accurate and complete. A signed note cannot be "
    "changed; corrections are added as dated addenda."
)
HARD_STOP_ITEM = "no_blocking_alerts"
OVERRIDE_PROMPT = (
    "Signing despite a hard stop needs your reason. It is printed on the note and kept in "
    "the audit trail."
)
OVERRIDE_PLACEHOLDER = "e.g. Dose reviewed with the attending; patient monitored for 30 minutes"
OVERRIDE_MISSING = "Type the reason for signing despite the hard stop."
REASON_HEIGHT_LINES = 3

# Stores the override reason in the draft before it is signed: why it could not, or None.
ReasonRecorder = Callable[[str], str | None]


class SignDialog(FormDialog):
    """Shows what the note still lacks (signing is refused then), the hard stops (signing
    needs a reason then) and what it warns about."""

    def __init__(
        self,
        analysis: SessionAnalysis,
        problems: Sequence[FieldProblem],
        *,
        signer_name: str,
        summary: str,
        attempt: PasswordAttempt,
        override_reason: str = "",
        record_reason: ReasonRecorder | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``attempt(password)`` signs; it returns why it was refused (the dialog then stays
        open with that message) or None once the note is signed. With a hard stop,
        ``record_reason(reason)`` first stores the typed reason in the draft."""
        super().__init__(
            parent,
            title="Sign note",
            accept_text=f"Sign as {signer_name}",
            minimum_width=DIALOG_WIDTH,
        )
        self._attempt = attempt
        self._record_reason = record_reason
        self._recorded_reason = override_reason.strip()
        self.password_field = PasswordConfirmField("Your password")
        self.hard_stops = blocking(analysis.alerts)
        rows = checklist_rows(analysis.checklist, problems)
        # A hard stop is released by the reason typed here, not by the checklist.
        self.other_items_done = all(
            row.done for row in rows if not (self.hard_stops and row.key == HARD_STOP_ITEM)
        )
        title = QLabel(f"<b>{html.escape(summary).replace(chr(10), '<br>')}</b>")
        title.setWordWrap(True)
        self.checklist_labels = [self._rich(checklist_row_html(row)) for row in rows]
        # Every alert the editor's panel shows, in its order, under the same heading.
        self.alert_labels = [alert_label(alert) for alert in analysis.alerts]
        self.hard_stop_labels = [
            label
            for alert, label in zip(analysis.alerts, self.alert_labels, strict=True)
            if alert in self.hard_stops
        ]
        self.alerts_heading = section_heading(alerts_heading_text(analysis.alerts))
        self.override_reason = QPlainTextEdit(override_reason)
        self.override_reason.setTabChangesFocus(True)
        self.override_reason.setPlaceholderText(OVERRIDE_PLACEHOLDER)
        lines = self.override_reason.fontMetrics().lineSpacing() * REASON_HEIGHT_LINES
        self.override_reason.setFixedHeight(lines + 12)
        self.sign_button = self.accept_button
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        layout.addWidget(title)
        layout.addWidget(section_heading("Checklist"))
        for label in self.checklist_labels:
            layout.addWidget(label)
        layout.addWidget(self.alerts_heading)
        if not self.alert_labels:
            layout.addWidget(muted_label("No alerts."))
        for label in self.alert_labels:
            layout.addWidget(label)
        if self.hard_stops:
            prompt = muted_label(OVERRIDE_PROMPT)
            prompt.setBuddy(self.override_reason)
            layout.addWidget(prompt)
            layout.addWidget(self.override_reason)
        else:
            self.override_reason.hide()
        layout.addSpacing(8)
        if self.other_items_done:
            layout.addWidget(self._rich(html.escape(ATTESTATION)))
            layout.addWidget(self.password_field)
            self.sign_button.setDefault(True)
            first = self.override_reason if self._needs_reason() else None
            (first or self.password_field.password).setFocus()
        else:
            refused = self._rich(
                f'<span style="color:{RED}">Complete the open items before signing.</span>'
            )
            layout.addWidget(refused)
            self.password_field.hide()
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.override_reason.textChanged.connect(self._update_sign_button)
        self._update_sign_button()
        self.resize(DIALOG_WIDTH, layout.totalHeightForWidth(DIALOG_WIDTH))

    @property
    def ready(self) -> bool:
        """Everything done, and a reason typed for any hard stop."""
        return self.other_items_done and not self._needs_reason()

    def reason(self) -> str:
        return self.override_reason.toPlainText().strip()

    def _needs_reason(self) -> bool:
        return bool(self.hard_stops) and not self.reason()

    def _update_sign_button(self) -> None:
        self.sign_button.setEnabled(self.ready)

    def submit(self) -> bool:
        """Store the override reason, then sign with the typed password; a refusal keeps the
        dialog open and says why."""
        if not self.other_items_done:
            return False
        if self._needs_reason():
            return self.refuse(OVERRIDE_MISSING)
        if self.hard_stops and self.reason() != self._recorded_reason:
            refused = self._record_reason(self.reason()) if self._record_reason else None
            if refused is not None:
                return self.refuse(refused)
            self._recorded_reason = self.reason()
        self.clear_error()
        return self.password_field.try_with(self._attempt)

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
        override_reason: str = "",
        record_reason: ReasonRecorder | None = None,
    ) -> bool:
        """True once ``attempt`` signed the note (possible only when the note is ready)."""
        dialog = cls(
            analysis,
            problems,
            signer_name=signer_name,
            summary=summary,
            attempt=attempt,
            override_reason=override_reason,
            record_reason=record_reason,
            parent=parent,
        )
        return ask_once(dialog, lambda signed: signed.ready) is True
