"""The export dialog's claims choice: a checkbox for the X12 837P claim file, and its part of
the run.

Checked, the run also writes ``claims_<dates>.837`` in the chosen folder: the signed notes as
one 005010X222A1 professional claim file for the clearinghouse (docs/billing-export.md), the
file ``tpi-desk export --x12`` writes. Drafts never go on a claim, so the choice is off while
the dialog's status includes drafts.

The claim file is prepared first (read, written under a temporary name, checked with pyx12),
so that a refusal (the clinic's billing identity incomplete, a patient without insurance)
comes before anything else is written; it is put in place, and each note's disclosure
audited, only once the PDFs, claim lines and FHIR bundle are written. A cancelled run leaves
none of it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tpi_desk.services.errors import UserError
from tpi_desk.services.export.exporting import ExportCriteria, ExportStatus, ExportSummary
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.signed_only_choice import SignedOnlyChoice

if TYPE_CHECKING:
    from tpi_desk.services.export.x12_claims import (
        ClaimFileService,
        ClaimFileSummary,
        ClaimsRefused,
        PreparedClaimFile,
    )

Progress = Callable[[int, int | None], None]
ACCESSIBLE_NAME = "Claims (837P)"
# Alt+X: no other letter of the dialog; "X12" is what clearinghouses call the format.
CHECKBOX_TEXT = "An &X12 837P claim file for the clearinghouse (signed notes only)"
BILLING_IDENTITY_MENU = "Admin > Billing identity…"
SIGNED_ONLY = (
    "The 837P claim file holds signed notes only; choose signed notes (drafts never go on a claim)."
)
MAX_PROBLEMS_SHOWN = 10


@dataclass(frozen=True, slots=True)
class ClaimsOutput:
    """Where a run writes the claim file, and the service that writes it."""

    path: Path
    service: ClaimFileService


class ClaimsOutputChoice(SignedOnlyChoice):
    """ "An X12 837P claim file for the clearinghouse"; unchecked until asked for."""

    def __init__(self, load_service: Callable[[], ClaimFileService] | None) -> None:
        super().__init__(
            CHECKBOX_TEXT, ACCESSIBLE_NAME, available=load_service is not None, why_off=SIGNED_ONLY
        )
        self.setAccessibleDescription(
            "Writes a professional claim file (X12 005010X222A1) of the signed notes, checked "
            "before it is saved."
        )
        self._load_service = load_service

    def output(self, folder: Path, stem: str) -> ClaimsOutput | None:
        """The claim file to write in ``folder`` (None when not asked for)."""
        if not self.isChecked() or self._load_service is None:
            return None
        return ClaimsOutput(folder / f"claims_{stem}.837", self._load_service())


class ClaimsRun:
    """The claim file's part of one run: ``prepare`` before the other outputs, ``finish``
    after them, ``discard`` at the end whatever happened (nothing once it is in place)."""

    def __init__(self, output: ClaimsOutput | None) -> None:
        self._output = output
        self._prepared: PreparedClaimFile | None = None
        self.written: ClaimFileSummary | None = None  # once the file is in place

    def prepare(
        self,
        criteria: ExportCriteria,
        *,
        progress: Progress,
        cancelled: Callable[[], bool],
        actor: Actor | None,
    ) -> bool:
        """Read the notes and check the file (True: go on with the other outputs; False: the
        run was cancelled meanwhile). Raises UserError naming what keeps the notes off a
        claim, in the dialog's words."""
        if self._output is None:
            return True
        if criteria.status is not ExportStatus.SIGNED:
            raise UserError(SIGNED_ONLY)
        from tpi_desk.services.export.x12_claims import BillingIdentityIncomplete, ClaimsRefused

        try:
            self._prepared = self._output.service.prepare(
                criteria, self._output.path, actor=actor, progress=progress, cancelled=cancelled
            )
        except BillingIdentityIncomplete as refused:
            raise UserError(billing_identity_message(refused.missing)) from None
        except ClaimsRefused as refused:
            raise UserError(refusal_message(refused)) from None
        return self._prepared is not None

    def finish(self, summary: ExportSummary | None, *, started: float) -> ExportSummary | None:
        """Put the claim file in place unless the other outputs were cancelled, and add it
        to their ``summary`` (None when there were none)."""
        prepared = self._prepared
        if prepared is None or (summary is not None and summary.cancelled):
            return summary
        self.written = written = prepared.commit()
        if summary is not None:
            return ExportSummary(
                summary.notes, summary.claim_lines, (*summary.files, written.path),
                summary.session_ids, summary.seconds,
            )  # fmt: skip
        return ExportSummary(
            notes=written.claims + written.without_lines,
            claim_lines=0,
            files=(written.path,),
            session_ids=written.session_ids,
            seconds=time.perf_counter() - started,
        )

    def discard(self) -> None:
        """Remove the prepared file if it was not put in place."""
        if self._prepared is not None and self.written is None:
            self._prepared.discard()


def billing_identity_message(missing: tuple[str, ...]) -> str:
    """The refusal when the clinic's billing identity is incomplete, naming where it is set."""
    return (
        "Nothing was written: the claim file needs the clinic's billing identity. An "
        f"administrator sets it in {BILLING_IDENTITY_MENU}; still missing: {', '.join(missing)}."
    )


def refusal_message(refused: ClaimsRefused) -> str:
    """The refusal naming each note (or patient, by MRN) that cannot go on a claim."""
    problems = refused.problems or (refused.message,)
    shown = problems[:MAX_PROBLEMS_SHOWN]
    more = len(problems) - len(shown)
    lines = "\n".join(f"• {problem}" for problem in shown)
    tail = f"\n… and {more:,} more" if more else ""
    return (
        "Nothing was written: these notes cannot go on a claim file (untick the 837P claim "
        f"file to export the rest):\n{lines}{tail}"
    )
