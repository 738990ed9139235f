"""Lot recall (issue 15): who received a drug lot, when, where, how much, from whom.

A recall names a lot as printed on the vial; the clinician typed it as they read it, with
spaces or in lower case. Lots are compared by their *key*: the lot without spaces, its
letters a-z in upper case (``"ab 12345"`` and ``"AB12345"`` are one lot). The database
compares the same key, ``upper(replace(lot, ' ', ''))``, over an index (migration 0009);
SQLite's ``upper`` changes only the letters a-z, so the key does the same here. Lots are
letters, digits and hyphens in practice.

These are plain data: the services fill them, the CSV and PDF lists and the screens read
them.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from tpi_desk.clinical.ndc import NDC_PROBLEM, normalised_ndc
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import NoteStatus

_ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
MAX_LOT_KEY_LENGTH = 40


def lot_key(text: str) -> str:
    """``text`` as the recall compares lots: no whitespace, letters a-z upper-cased."""
    return "".join(text.split()).translate(_ASCII_UPPER)


def lot_search_problems(lot: str, ndc: str = "") -> tuple[FieldProblem, ...]:
    """What is wrong with a search for ``lot`` (and ``ndc``, blank for any), field by field."""
    key = lot_key(lot)
    problems = []
    if not key:
        problems.append(FieldProblem("lot", "Lot", "type the lot number printed on the vial"))
    elif len(key) > MAX_LOT_KEY_LENGTH:
        problems.append(
            FieldProblem("lot", "Lot", f"is longer than {MAX_LOT_KEY_LENGTH} characters")
        )
    if ndc.strip() and normalised_ndc(ndc) is None:
        problems.append(FieldProblem("ndc", "NDC", NDC_PROBLEM))
    return tuple(problems)


def searched_ndc(ndc: str) -> str:
    """The NDC to search for in the 5-4-2 form notes store; "" for any (or not an NDC)."""
    return normalised_ndc(ndc) or "" if ndc.strip() else ""


@dataclass(frozen=True, slots=True)
class RecallLine:
    """One medication line given from the lot: one drug at one site of one session."""

    session_id: int
    performed_at: datetime  # on the clock of the clinician who recorded it
    patient_id: int
    patient_mrn: str
    patient_name: str  # "Family, Given"
    date_of_birth: date
    site: str  # "Upper trapezius, left"
    location: str  # where the session took place; "" for the clinic's own location
    drug: str  # the catalog's name
    dose: Decimal  # in ``unit``
    unit: str  # "mg"
    volume_ml: Decimal
    lot: str  # as recorded on the note
    expires: date | None
    ndc: str
    clinician: str  # "Dr. Imogen Hartley, MD"
    note_status: NoteStatus


@dataclass(frozen=True, slots=True)
class LotRecall:
    """The answer to one recall search: the counts, and the lines newest session first.

    ``lines`` holds every line found, or (a screen's first page) the newest of them;
    ``complete`` says which. A list handed to anyone (CSV, PDF) must be complete.
    """

    lot: str  # the lot as searched (its key)
    ndc: str  # the NDC searched for, 5-4-2; "" for any
    lines: tuple[RecallLine, ...]
    line_count: int
    session_count: int
    patient_count: int
    searched_at: datetime
    # Draft notes given from the lot that this reader may not open (billing, admin).
    drafts_not_shown: int = 0

    @property
    def complete(self) -> bool:
        return len(self.lines) == self.line_count

    def summary(self) -> str:
        """``"3 patients, 4 sessions, 5 medication lines"`` (and the drafts not shown)."""

        def counted(count: int, noun: str) -> str:
            return f"{count:,} {noun}{'' if count == 1 else 's'}"

        text = ", ".join(
            (
                counted(self.patient_count, "patient"),
                counted(self.session_count, "session"),
                counted(self.line_count, "medication line"),
            )
        )
        if self.drafts_not_shown:
            text += f"; {counted(self.drafts_not_shown, 'draft note')} not shown to you"
        return text

    def title(self) -> str:
        """``"Lot AB12345, NDC 00409-4276-01"``."""
        return f"Lot {self.lot}" + (f", NDC {self.ndc}" if self.ndc else "")
