"""`tpi-desk lots LOT [--ndc NDC] [--csv FILE] [--pdf FILE]`: who received a drug lot.

Prints one line per medication line given from the lot (newest first): when, the patient,
the site, the dose, the clinician and the note's status; ``--csv`` and ``--pdf`` also write
the list to files. The search is audited as a view of the list, each file written as an
export, and the run as a command, as `tpi-desk export` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from tpi_desk.clinical.decimal_text import decimal_text
from tpi_desk.clinical.lot_recall import LotRecall, lot_search_problems
from tpi_desk.commands.operator import SignIn, nobody, service_actor
from tpi_desk.commands.reading_audit import record_after_reading
from tpi_desk.desk import Desk
from tpi_desk.services.permissions import Action

_LABELS = {"lot": "LOT", "ndc": "--ndc"}


@dataclass(frozen=True, slots=True)
class LotsRequest:
    """The command line as typed (None: not asked for)."""

    lot: str
    ndc: str | None = None
    csv: str | None = None
    pdf: str | None = None


def recall_lot(
    url: str,
    request: LotsRequest,
    *,
    stdout: TextIO,
    stderr: TextIO,
    sign_in: SignIn = nobody,
) -> int:
    """Search, print and write the list; status 1 with the field named for bad input."""
    problems = lot_search_problems(request.lot, request.ndc or "")
    if problems:
        for problem in problems:
            print(f"tpi-desk: {_LABELS[problem.path]}: {problem.message}", file=stderr)
        return 1
    operator = sign_in()
    actor = service_actor(operator, Action.VIEW_CLINICAL)
    with Desk.open(url, for_reading=True) as desk:
        recall = desk.lot_recall.search(request.lot, ndc=request.ndc or "", actor=actor, first=None)
        _print_recall(recall, stdout)
        for kind, given in (("list", request.csv), ("PDF", request.pdf)):
            if given is not None:
                desk.lot_recall.save_list(recall, Path(given), actor=actor)
                print(f"  {kind}: {given}", file=stdout)
        record_after_reading(
            lambda: desk.audit.record_command(
                operator, "lots", f"{recall.title()}: {recall.summary()}"
            ),
            stderr,
        )
    return 0


def _print_recall(recall: LotRecall, out: TextIO) -> None:
    print(f"{recall.title()}: {recall.summary()}", file=out)
    for line in recall.lines:
        expiry = f", exp. {line.expires.isoformat()}" if line.expires else ""
        location = f" at {line.location}" if line.location else ""
        print(
            f"{line.performed_at.strftime('%Y-%m-%d %H:%M')}  {line.patient_name} "
            f"(MRN {line.patient_mrn}, born {line.date_of_birth.isoformat()})  {line.site}"
            f"{location}  {line.drug} {decimal_text(line.dose)} {line.unit} "
            f"({decimal_text(line.volume_ml)} mL), lot {line.lot}{expiry}"
            f"{f', NDC {line.ndc}' if line.ndc else ''}  by {line.clinician}  "
            f"{line.note_status.value.replace('_', ' ')} note #{line.session_id}",
            file=out,
        )
