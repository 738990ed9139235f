"""`tpi-desk export ... --fhir FILE.json`: the signed notes as one FHIR R4 Bundle."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from tpi_desk.commands.operator import service_actor
from tpi_desk.desk import Desk
from tpi_desk.services.export.exporting import ExportCriteria, ExportStatus
from tpi_desk.services.export.fhir_export import Progress
from tpi_desk.services.permissions import Action, Actor


def fhir_request_problem(fhir: str | None, status: str) -> str | None:
    """Why the FHIR part of the command line cannot run (None when it can)."""
    if fhir is not None and status != ExportStatus.SIGNED.value:
        return "--fhir writes signed notes only; leave out --status all for it"
    return None


def write_fhir(
    desk: Desk,
    criteria: ExportCriteria,
    fhir: str | None,
    operator: Actor | None,
    *,
    stdout: TextIO,
    progress: Progress | None = None,
) -> None:
    """Write the bundle to ``fhir`` (nothing when None) and say what it holds."""
    if fhir is None:
        return
    summary = desk.fhir_export.export(
        criteria,
        Path(fhir),
        progress=progress,
        actor=service_actor(operator, Action.EXPORT_NOTES),
    )
    notes = "signed note" if summary.notes == 1 else "signed notes"
    print(
        f"  FHIR R4 bundle: {fhir} ({summary.notes:,} {notes}, {summary.resources:,} resources)",
        file=stdout,
    )
