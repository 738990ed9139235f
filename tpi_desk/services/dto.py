"""Plain data the services hand to the UI, reports and CLI (never an ORM object)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from tpi_desk.clinical.record import (
    ContainerKind,
    NoteStatus,
    PatientFacts,
    ProcedureKind,
    ProviderFacts,
    Role,
    SessionEntry,
    Sex,
    Side,
    SiteEntry,
)


@dataclass(frozen=True, slots=True)
class PatientSummary:
    """One row of the patient list."""

    id: int
    mrn: str
    family_name: str
    given_name: str
    date_of_birth: date
    sex: Sex

    @property
    def display_name(self) -> str:
        return f"{self.family_name}, {self.given_name}"


@dataclass(frozen=True, slots=True)
class PatientRecord:
    """A patient with everything the editor shows, and the version to save against."""

    id: int
    version: int
    facts: PatientFacts


@dataclass(frozen=True, slots=True)
class ProviderRecord:
    id: int
    role: Role
    active: bool
    facts: ProviderFacts


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """One row of a session list: enough to show, nothing to edit."""

    id: int
    patient_id: int
    patient_name: str
    mrn: str
    provider_name: str
    performed_at: datetime
    kind: ProcedureKind
    status: NoteStatus
    muscle_ids: tuple[str, ...]
    pain_before: int | None
    pain_after: int | None
    # Every site's muscle and side, in the note's order (the history shows the sides).
    sites: tuple[tuple[str, Side], ...] = ()
    # What this (repeat) session records of the previous one's relief: percent, and how
    # many weeks it lasted (the patient page charts it as that session's relief duration).
    prior_relief_percent: int | None = None
    prior_relief_weeks: int | None = None


@dataclass(frozen=True, slots=True)
class AddendumRecord:
    """A signed, dated, authored amendment to a signed note."""

    id: int
    session_id: int
    author_name: str
    author_credentials: str
    created_at: datetime
    signed_at: datetime | None
    text: str
    content_hash: str | None = None
    signature_sequence: int | None = None


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A whole session as stored, with the version a later save must match."""

    id: int
    version: int
    status: NoteStatus
    patient: PatientRecord
    provider: ProviderRecord
    entry: SessionEntry
    created_at: datetime
    updated_at: datetime
    signed_at: datetime | None = None
    signed_by: str | None = None
    content_hash: str | None = None
    addenda: tuple[AddendumRecord, ...] = ()
    signed_by_credentials: str | None = None
    # The signature chain: this note's link number and chain hash (None for a draft).
    signature_sequence: int | None = None
    chain_hash: str | None = None
    # Co-signature: required when the clinic asks for it and a non-physician signed.
    cosign_required: bool = False
    cosigned_at: datetime | None = None
    cosigned_by: str | None = None
    cosigned_by_credentials: str | None = None
    # Entered in error: when, by whom and why (the note itself is kept unchanged).
    entered_in_error_at: datetime | None = None
    entered_in_error_by: str | None = None
    entered_in_error_reason: str | None = None

    @property
    def awaiting_cosignature(self) -> bool:
        return (
            self.status is NoteStatus.SIGNED and self.cosign_required and self.cosigned_at is None
        )


@dataclass(frozen=True, slots=True)
class SessionCursor:
    """Where the next page of a newest-first list starts (keyset paging)."""

    performed_at: datetime
    id: int


@dataclass(frozen=True, slots=True)
class SessionPage:
    rows: tuple[SessionSummary, ...]
    next_cursor: SessionCursor | None


@dataclass(frozen=True, slots=True)
class SiteTemplate:
    """A clinician's named set of sites; its medications carry no lot and no expiry date."""

    id: int
    owner_id: int
    name: str
    kind: ProcedureKind
    sites: tuple[SiteEntry, ...]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class UserRecord:
    """A user account as the admin screens and ``tpi-desk users list`` show it."""

    id: int
    username: str
    display_name: str
    credentials: str
    npi: str
    role: Role
    active: bool
    has_password: bool
    locked_until: datetime | None
    # Certified by the state to practise acupuncture (New York: dry needling is acupuncture).
    acupuncture_certified: bool = False


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One entry of the audit trail."""

    sequence: int | None
    occurred_at: datetime
    user_id: int | None
    username: str
    action: str
    record_type: str
    record_id: int | None
    patient_id: int | None
    detail: str


@dataclass(frozen=True, slots=True)
class AuditPage:
    """Newest first; pass ``next_cursor`` as ``after`` for the next page (None: no more)."""

    rows: tuple[AuditEntry, ...]
    next_cursor: int | None


@dataclass(frozen=True, slots=True)
class OpenVial:
    """A vial opened today in this clinic, as its medication lines recorded it: the lot is
    typed once per vial and offered again wherever the same drug and strength is given."""

    drug_id: str
    concentration_mg_per_ml: Decimal
    lot: str
    expires: date | None
    ndc: str
    container: ContainerKind | None
