"""The export dialog's FHIR choice: a checkbox for the bundle, and its part of the run.

Checked, the run also writes ``fhir_<dates>.json`` in the chosen folder: the signed notes as
one FHIR R4 Bundle for the EHR (docs/fhir.md). Drafts never go, so the choice is off while
the dialog's status includes drafts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tpi_desk.services.errors import UserError
from tpi_desk.services.export.exporting import ExportCriteria, ExportStatus, ExportSummary
from tpi_desk.services.export.fhir_export import SIGNED_ONLY
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.signed_only_choice import SignedOnlyChoice

if TYPE_CHECKING:
    from tpi_desk.services.export.fhir_export import FhirExportService

Progress = Callable[[int, int | None], None]


@dataclass(frozen=True, slots=True)
class FhirOutput:
    """Where a run writes the FHIR bundle, and the service that writes it."""

    path: Path
    service: FhirExportService


class FhirOutputChoice(SignedOnlyChoice):
    """ "A FHIR R4 bundle for the EHR (signed notes only)"; unchecked until asked for."""

    def __init__(self, load_service: Callable[[], FhirExportService] | None) -> None:
        super().__init__(
            "A FHIR R4 bundle for the EHR (signed notes only)",
            "FHIR bundle",
            available=load_service is not None,
            why_off=SIGNED_ONLY,
        )
        self._load_service = load_service

    def output(self, folder: Path, stem: str) -> FhirOutput | None:
        """The bundle to write in ``folder`` (None when not asked for)."""
        if not self.isChecked() or self._load_service is None:
            return None
        return FhirOutput(folder / f"fhir_{stem}.json", self._load_service())


def write_fhir_output(
    output: FhirOutput | None,
    criteria: ExportCriteria,
    *,
    billing: ExportSummary | None,
    progress: Progress,
    cancelled: Callable[[], bool],
    actor: Actor | None,
) -> ExportSummary | None:
    """Run the FHIR part of an export (after the billing part, whose ``billing`` summary it
    adds its file to); None when there is nothing to run. Raises UserError."""
    if output is None or (billing is not None and billing.cancelled):
        return billing
    if criteria.status is not ExportStatus.SIGNED:
        raise UserError(SIGNED_ONLY)
    started = time.perf_counter()
    fhir = output.service.export(
        criteria, output.path, progress=progress, cancelled=cancelled, actor=actor
    )
    if billing is not None:
        files = billing.files if fhir.cancelled else (*billing.files, output.path)
        return ExportSummary(
            billing.notes, billing.claim_lines, files, billing.session_ids, billing.seconds,
            cancelled=billing.cancelled or fhir.cancelled,
        )  # fmt: skip
    return ExportSummary(
        notes=fhir.notes,
        claim_lines=0,
        files=() if fhir.cancelled else (output.path,),
        session_ids=fhir.session_ids,
        seconds=time.perf_counter() - started,
        cancelled=fhir.cancelled,
    )
