"""Claims out: the chosen signed notes as one X12 837P file (issue 15, item 2).

The notes are chosen as for the billing export (``ExportService.select``); the billing
provider comes from the clinic settings. Nothing is written unless every note can go on the
claim: a draft or a note entered in error, a patient without insurance, or a billing identity
setting not set yet is named in one plain message. The file is written beside its target
and renamed into place once complete and checked with pyx12 (``x12_validation``); each
note's disclosure is audited before the rename.

``write`` does it all at once (the command line). The export dialog ``prepare``s the file
first, so that a refusal comes before its other outputs are written, and ``commit``s it (or
``discard``s it, when the run is cancelled) once they are.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.identity_checks import digits_only
from tpi_desk.clinical.settings import ClinicSettings, clinic_setting_named
from tpi_desk.clinical.validation import npi_check_digit_valid
from tpi_desk.reports.note_data import NoteData
from tpi_desk.reports.x12_837p import BillingProvider, claim_problems, write_837p
from tpi_desk.services.audit.events import AuditService
from tpi_desk.services.errors import UserError
from tpi_desk.services.export.exporting import (
    ExportCriteria,
    ExportFailed,
    ExportService,
    NothingToExport,
)
from tpi_desk.services.export.x12_validation import x12_problems
from tpi_desk.services.permissions import Actor
from tpi_desk.services.settings.clinic_settings import clinic_settings
from tpi_desk.services.settings.demo_database import is_demo_database
from tpi_desk.services.storage.database_errors import database_errors_as_user_errors

DESTINATION = "X12 837P claims"
MAX_PROBLEMS_SHOWN = 10
# The settings a claim's billing provider needs, by ClinicSettings attribute.
REQUIRED_SETTINGS = (
    "clinic_name", "clinic_npi", "clinic_tax_id", "clinic_street", "clinic_city",
    "clinic_state", "clinic_zip", "clinic_phone", "claims_receiver_name", "claims_receiver_id",
)  # fmt: skip


class ClaimsRefused(UserError):
    """Some note cannot go on the claim, or the clinic's billing identity is incomplete."""

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems  # what keeps each note off the claim, every one


class BillingIdentityIncomplete(ClaimsRefused):
    """Settings of the clinic's billing identity are missing (or the NPI is not valid)."""

    def __init__(self, message: str, missing: tuple[str, ...]) -> None:
        super().__init__(message)
        self.missing = missing  # the settings' labels ("Tax ID (EIN, 9 digits)"), in claim order


@dataclass(frozen=True, slots=True)
class ClaimFileSummary:
    claims: int
    service_lines: int
    path: Path
    # Signed notes with no line of their own to bill (the day's procedure line is on an
    # earlier session's claim and they add no drug or guidance line): left out.
    without_lines: int = 0
    session_ids: tuple[str, ...] = field(default=(), compare=False)  # the claimed notes


@dataclass(frozen=True, slots=True)
class PreparedClaimFile:
    """A complete claim file that passed the X12 check, beside its target under a temporary
    name: ``commit`` audits each note's disclosure and renames it into place (replacing a
    file there), ``discard`` removes it."""

    summary: ClaimFileSummary
    temporary: Path
    audit: Callable[[], None]

    def commit(self) -> ClaimFileSummary:
        path = self.summary.path
        try:
            self.audit()
            self.temporary.replace(path)
        except OSError as error:
            self.discard()
            raise UserError(
                f"Cannot write the claim file {path}: {error.strerror or error}."
            ) from None
        except BaseException:
            self.discard()
            raise
        return self.summary

    def discard(self) -> None:
        with suppress(OSError):
            self.temporary.unlink()


class ClaimFileService:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        exporting: ExportService,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._session_factory = session_factory
        self._exporting = exporting
        self._clock = clock
        self._audit = AuditService(session_factory, clock=clock)

    def write(
        self, criteria: ExportCriteria, path: Path, *, actor: Actor | None = None
    ) -> ClaimFileSummary:
        """Write the matching notes' claims to ``path``; ClaimsRefused names what stops it."""
        prepared = self.prepare(criteria, path, actor=actor)
        assert prepared is not None  # only a cancelled preparation gives None
        return prepared.commit()

    def prepare(
        self,
        criteria: ExportCriteria,
        path: Path,
        *,
        actor: Actor | None = None,
        progress: Callable[[int, int | None], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> PreparedClaimFile | None:
        """The claim file written beside ``path`` and checked with pyx12, not yet in place
        (None when ``cancelled()`` before the last note was read; nothing is left then).

        Raises ClaimsRefused naming what keeps the notes off a claim, NothingToExport and
        ExportFailed; nothing is written then either. ``progress(done, total)`` follows the
        notes as they are read."""
        billing, demo = self._billing_provider()
        selection = self._exporting.select(criteria, actor=actor)
        if not selection:
            raise NothingToExport(f"No {criteria.describe()}.")
        notes: list[NoteData] = []
        for note in selection:
            if cancelled is not None and cancelled():
                return None
            notes.append(note)
            if progress is not None:
                progress(len(notes), len(selection))
        problems = [problem.message for note in notes for problem in claim_problems(note)]
        if problems:
            shown = problems[:MAX_PROBLEMS_SHOWN]
            more = len(problems) - len(shown)
            tail = f"\n  ... and {more} more" if more else ""
            raise ClaimsRefused(
                "No claim file was written:\n  " + "\n  ".join(shown) + tail, tuple(problems)
            )
        claimed = [note for note in notes if note.analysis.coding.claim_lines]
        if not claimed:
            raise NothingToExport(f"No line to bill in the {criteria.describe()}.")
        now = self._clock()
        text = write_837p(
            claimed, billing, control_number=_control_number(now), created_at=now, test=demo
        )
        lines = sum(len(note.analysis.coding.claim_lines) for note in claimed)
        summary = ClaimFileSummary(
            len(claimed), lines, path, without_lines=len(notes) - len(claimed),
            session_ids=tuple(str(note.session_id) for note in claimed),
        )  # fmt: skip
        temporary = _write_temporary(path, text)
        prepared = PreparedClaimFile(summary, temporary, lambda: self._audit_export(claimed, actor))
        _check_or_discard(prepared)
        return prepared

    def _audit_export(self, notes: list[NoteData], actor: Actor | None) -> None:
        self._audit.record_export(actor, [int(note.session_id) for note in notes], DESTINATION)

    def _billing_provider(self) -> tuple[BillingProvider, bool]:
        with (
            database_errors_as_user_errors("read the clinic settings"),
            self._session_factory() as db,
        ):
            settings, demo = clinic_settings(db), is_demo_database(db)
        return billing_provider(settings), demo


def billing_provider(settings: ClinicSettings) -> BillingProvider:
    """The claim's billing provider from the clinic settings; ClaimsRefused naming every
    setting still missing (with the command that sets it)."""
    missing = [name for name in REQUIRED_SETTINGS if not getattr(settings, name)]
    if settings.clinic_npi and not npi_check_digit_valid(settings.clinic_npi):
        missing.append("clinic_npi")
    if missing:
        named = "\n  ".join(
            f"{clinic_setting_named(name).key} ({clinic_setting_named(name).label})"
            for name in dict.fromkeys(missing)
        )
        raise BillingIdentityIncomplete(
            "No claim file was written: the clinic's billing identity needs these settings "
            f"(tpi-desk settings set KEY VALUE, as an administrator):\n  {named}",
            tuple(clinic_setting_named(name).label for name in dict.fromkeys(missing)),
        )
    return BillingProvider(
        name=settings.clinic_name,
        npi=settings.clinic_npi,
        tax_id=digits_only(settings.clinic_tax_id),
        street=settings.clinic_street,
        city=settings.clinic_city,
        state=settings.clinic_state.upper(),
        zip_code=digits_only(settings.clinic_zip),
        phone="".join(char for char in settings.clinic_phone if char.isdigit()),
        place_of_service=settings.clinic_place_of_service,
        receiver_name=settings.claims_receiver_name,
        receiver_id=settings.claims_receiver_id,
    )


def _check_or_discard(prepared: PreparedClaimFile) -> None:
    """The pyx12 check of a prepared file; ExportFailed naming its errors, the file removed,
    when it does not pass."""
    try:
        problems = x12_problems(prepared.temporary)
    except BaseException:
        prepared.discard()
        raise
    if problems:
        prepared.discard()
        shown = "\n  ".join(problems[:MAX_PROBLEMS_SHOWN])
        raise ExportFailed(f"The claim file did not pass the X12 check:\n  {shown}")


def _control_number(now: datetime) -> int:
    """A 9-digit interchange control number from the time (unique per second for a year)."""
    start_of_year = now.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    return 1 + int((now - start_of_year).total_seconds()) % 999_999_999


def _write_temporary(path: Path, text: str) -> Path:
    """``text`` in a temporary file beside ``path`` (flushed to disk); nothing is left if
    it cannot be written."""
    folder = path.parent if str(path.parent) else Path()
    try:
        handle, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise UserError(
            f"Cannot write the claim file in {folder}: {error.strerror or error}."
        ) from None
    try:
        with os.fdopen(handle, "w", encoding="ascii", newline="\n") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
    except OSError as error:
        with suppress(OSError):
            Path(temp_name).unlink()
        raise UserError(f"Cannot write the claim file {path}: {error.strerror or error}.") from None
    except BaseException:
        with suppress(OSError):
            Path(temp_name).unlink()
        raise
    return Path(temp_name)
