"""`tpi-desk export`: the billing batch without a display (merged PDF or PDFs, CSV, JSON)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TextIO

from tpi_desk.commands.export_fhir import fhir_request_problem, write_fhir
from tpi_desk.commands.operator import SignIn, nobody, service_actor
from tpi_desk.commands.reading_audit import record_after_reading
from tpi_desk.desk import Desk
from tpi_desk.services.export.exporting import ExportCriteria, ExportStatus, ExportSummary
from tpi_desk.services.permissions import Action

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """The command line as typed: dates as text, paths as given (None when not asked for)."""

    date_from: str
    date_to: str
    provider: str | None = None
    status: str = ExportStatus.SIGNED.value
    pdf: str | None = None
    pdf_dir: str | None = None
    csv: str | None = None
    json: str | None = None
    fhir: str | None = None  # issue 15: one FHIR R4 Bundle (commands/export_fhir.py)
    x12: str | None = None  # issue 15: the X12 837P claim file (commands/x12_export.py)


class _BadRequest(Exception):
    pass


def export_notes(
    url: str,
    request: ExportRequest,
    *,
    stdout: TextIO,
    stderr: TextIO,
    sign_in: SignIn = nobody,
) -> int:
    """Export the matching notes; one clear message and status 1 for anything wrong.

    Service errors (nothing matches, an unwritable path, an unknown provider, the database)
    are UserErrors, which the dispatcher prints the same way.
    """
    try:
        criteria = _criteria(request)
        _check_outputs(request)
    except _BadRequest as problem:
        print(f"tpi-desk: {problem}", file=stderr)
        return 1
    operator = sign_in()
    progress = _TerminalProgress(stderr) if stderr.isatty() else None
    with Desk.open(url, for_reading=True) as desk:
        if request.x12 is not None:
            from tpi_desk.commands.x12_export import write_claim_file

            actor = service_actor(operator, Action.EXPORT_NOTES)
            write_claim_file(desk, criteria, request.x12, actor, stdout)
        if _billing_outputs(request):
            summary = desk.exporting.export(
                criteria,
                merged_pdf=_path(request.pdf),
                pdf_dir=_path(request.pdf_dir),
                csv_path=_path(request.csv),
                json_path=_path(request.json),
                progress=progress,
                actor=service_actor(operator, Action.EXPORT_NOTES),
            )
            # Each exported note's disclosure is audited before the export completes; the
            # command's own entry follows its summary.
            _print_summary(criteria, request, summary, stdout)
        write_fhir(desk, criteria, request.fhir, operator, stdout=stdout, progress=progress)
        record_after_reading(
            lambda: desk.audit.record_command(
                operator, "export", f"{request.date_from}..{request.date_to}, {request.status}"
            ),
            stderr,
        )
    return 0


def parse_date(option: str, text: str) -> date:
    """ "2026-03-14" as a date; anything else is a _BadRequest naming the option."""
    problem = _BadRequest(f"{option}: {text} is not a date like 2026-03-14")
    if not _ISO_DATE.fullmatch(text.strip()):
        raise problem
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise problem from None


def _criteria(request: ExportRequest) -> ExportCriteria:
    first = parse_date("--from", request.date_from)
    last = parse_date("--to", request.date_to)
    if first > last:
        raise _BadRequest(
            f"--from {first.isoformat()} is after --to {last.isoformat()}; "
            "give the first day, then the last."
        )
    return ExportCriteria(
        date_from=first,
        date_to=last,
        provider_username=request.provider,
        status=ExportStatus(request.status),
    )


def _check_outputs(request: ExportRequest) -> None:
    if request.pdf is not None and request.pdf_dir is not None:
        raise _BadRequest("give either --pdf FILE.pdf or --pdf-dir DIR, not both")
    if not _billing_outputs(request) and request.fhir is None and request.x12 is None:
        raise _BadRequest(
            "nothing to write: give --pdf FILE.pdf or --pdf-dir DIR, and/or --csv FILE.csv, "
            "--json FILE.json, --fhir FILE.json, --x12 FILE.837"
        )
    problem = fhir_request_problem(request.fhir, request.status)
    if problem is not None:
        raise _BadRequest(problem)


def _billing_outputs(request: ExportRequest) -> bool:
    return any(
        path is not None for path in (request.pdf, request.pdf_dir, request.csv, request.json)
    )


def _path(text: str | None) -> Path | None:
    return Path(text) if text is not None else None


class _TerminalProgress:
    """ "Exporting notes: 120 of 957" rewritten in place on a terminal."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def __call__(self, done: int, total: int | None) -> None:
        of = f" of {total:,}" if total is not None else ""
        end = "\n" if done == total else ""
        self._out.write(f"\rExporting notes: {done:,}{of}{end}")
        self._out.flush()


def _print_summary(
    criteria: ExportCriteria, request: ExportRequest, summary: ExportSummary, out: TextIO
) -> None:
    notes = "signed note" if criteria.status is ExportStatus.SIGNED else "note"
    plural = "" if summary.notes == 1 else "s"
    by = f" by {criteria.provider_username}" if criteria.provider_username else ""
    print(
        f"Exported {summary.notes:,} {notes}{plural}{by} from {criteria.date_from.isoformat()} "
        f"to {criteria.date_to.isoformat()} in {summary.seconds:.1f} s:",
        file=out,
    )
    if request.pdf is not None:
        print(f"  merged PDF: {request.pdf}", file=out)
    if request.pdf_dir is not None:
        print(f"  PDFs: {summary.notes:,} in {request.pdf_dir}", file=out)
    if request.csv is not None:
        print(f"  claim lines: {request.csv} ({summary.claim_lines:,} lines)", file=out)
    if request.json is not None:
        print(f"  session documents: {request.json}", file=out)
