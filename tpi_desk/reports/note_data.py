"""The plain, immutable input of a procedure-note PDF (no database, no Qt)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tpi_desk.clinical.analysis import SessionAnalysis
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import NoteStatus, PatientFacts, ProviderFacts, SessionEntry


@dataclass(frozen=True, slots=True)
class ClinicHeader:
    """The clinic as it prints at the top of every note; ``demo``: the database is a demo
    database (synthetic patients), and every page says so in its watermark."""

    name: str
    address_lines: tuple[str, ...] = ()
    phone: str = ""
    logo_path: Path | None = None
    demo: bool = False
    npi: str = ""  # the clinic's organisation NPI


@dataclass(frozen=True, slots=True)
class NoteSignature:
    """Who signed the note electronically, with credentials, and when (offset-aware)."""

    signer: str
    credentials: str
    signed_at: datetime


@dataclass(frozen=True, slots=True)
class NoteAddendum:
    """A later, separately signed addition to a signed note; the note itself never changes."""

    author: str
    credentials: str
    created_at: datetime
    signed_at: datetime | None
    text: str


@dataclass(frozen=True, slots=True)
class NoteErrorMark:
    """Who marked a signed note entered in error, when (offset-aware) and why."""

    marked_by: str
    marked_at: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class NoteData:
    """Everything one printed note shows.

    ``analysis`` is the clinical core's verdict on ``entry`` (codes, dose totals, alerts,
    checklist) and ``catalog`` the catalog it was computed with (names and descriptors print
    from it). ``signature`` is None for drafts. ``content_hash`` prints when present.
    ``error_mark`` says who marked the note entered in error, when and why.
    """

    clinic: ClinicHeader
    patient: PatientFacts
    provider: ProviderFacts
    location: str
    session_id: str
    status: NoteStatus
    entry: SessionEntry
    analysis: SessionAnalysis
    catalog: Catalog
    generated_at: datetime
    supervising_provider: ProviderFacts | None = None
    signature: NoteSignature | None = None
    content_hash: str | None = None
    addenda: tuple[NoteAddendum, ...] = ()
    error_mark: NoteErrorMark | None = None

    @property
    def is_signed(self) -> bool:
        return self.status is NoteStatus.SIGNED and self.signature is not None
