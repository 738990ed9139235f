"""An export dialog's choice of an output made from signed notes only (the FHIR bundle, the
837P claim file): shown when the app can write it, off and greyed while drafts are chosen."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox

from tpi_desk.services.export.exporting import ExportStatus


class SignedOnlyChoice(QCheckBox):
    """A checkbox, unchecked until asked for, that follows the dialog's status choice."""

    def __init__(self, text: str, accessible_name: str, *, available: bool, why_off: str) -> None:
        super().__init__(text)
        self.setAccessibleName(accessible_name)
        self.setVisible(available)
        self._why_off = why_off

    def follow_status(self, status: object) -> None:
        """Off, and not to be turned on, while the chosen status includes drafts."""
        signed_only = status in (None, ExportStatus.SIGNED.value)
        if not signed_only:
            self.setChecked(False)
        self.setEnabled(signed_only)
        self.setToolTip("" if signed_only else self._why_off)
