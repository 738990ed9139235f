"""Switching a session's procedure kind: dry needling records no medication."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from tpi_desk.clinical.record import ProcedureKind
from tpi_desk.ui.messages import UserMessages
from tpi_desk.ui.session_editor.session_form import SessionForm


def switch_procedure_kind(
    parent: QWidget, messages: UserMessages, form: SessionForm, kind: str
) -> bool:
    """Show the form for ``kind``; switching to dry needling first removes the medication
    lines (once the user agrees). False, with the kind set back, when they do not."""
    count = form.sites.medication_count()
    if kind == ProcedureKind.DRY_NEEDLING.value and count:
        lines = "line" if count == 1 else "lines"
        if not messages.confirm(
            parent,
            "Switch to dry needling?",
            f"Dry needling records no medication. Remove the {count} medication {lines} "
            "entered for this session?",
            confirm_text="Remove medications",
        ):
            form.header.set_kind(ProcedureKind.TRIGGER_POINT_INJECTION.value)
            return False
        form.sites.clear_medications()
    if kind == ProcedureKind.DRY_NEEDLING.value:
        form.exam.aspiration.setCurrentIndex(0)  # nothing is injected, nothing aspirated
    form.set_kind_shown(kind)
    return True
