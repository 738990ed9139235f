"""Plain, immutable records of a procedure session: the shape every layer agrees on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum


class ProcedureKind(StrEnum):
    TRIGGER_POINT_INJECTION = "trigger_point_injection"
    DRY_NEEDLING = "dry_needling"


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"
    BILATERAL = "bilateral"
    MIDLINE = "midline"


class Position(StrEnum):
    SEATED = "seated"
    PRONE = "prone"
    SUPINE = "supine"
    SIDE_LYING_LEFT = "side_lying_left"
    SIDE_LYING_RIGHT = "side_lying_right"


class NoteStatus(StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"
    ENTERED_IN_ERROR = "entered_in_error"


class Role(StrEnum):
    PHYSICIAN = "physician"
    NURSE_PRACTITIONER = "nurse_practitioner"
    BILLING = "billing"
    ADMIN = "admin"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class MedicationEntry:
    """One drug given at one site: concentration x volume gives the dose in mg."""

    drug_id: str
    concentration_mg_per_ml: Decimal
    volume_ml: Decimal
    lot: str = ""
    expires: date | None = None


@dataclass(frozen=True, slots=True)
class SiteEntry:
    """One injected (or needled) muscle on one side."""

    muscle_id: str
    side: Side
    points: int = 1
    needle_gauge: int | None = None
    needle_length_mm: Decimal | None = None
    twitch_response: bool = False
    medications: tuple[MedicationEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class Indication:
    """What was tried before the procedure and what continues alongside it."""

    conservative_care_tried: tuple[str, ...] = ()
    ongoing_care: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PatientFacts:
    mrn: str
    family_name: str
    given_name: str
    date_of_birth: date
    sex: Sex = Sex.UNKNOWN
    weight_kg: Decimal | None = None
    allergies: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProviderFacts:
    username: str
    display_name: str
    credentials: str
    npi: str = ""


@dataclass(frozen=True, slots=True)
class SessionEntry:
    """Everything a clinician records about one session (draft or signed)."""

    performed_at: datetime
    kind: ProcedureKind
    position: Position | None = None
    ultrasound_guided: bool = False
    ultrasound_image_retained: bool = False
    ultrasound_device: str = ""
    consent_obtained: bool = False
    time_out_performed: bool = False
    pain_before: int | None = None
    pain_after: int | None = None
    diagnoses: tuple[str, ...] = ()
    sites: tuple[SiteEntry, ...] = ()
    indication: Indication = field(default_factory=Indication)
    side_effects: tuple[str, ...] = ()
    complications: tuple[str, ...] = ()
    notes: str = ""
    instructions: str = ""
    follow_up: str = ""


@dataclass(frozen=True, slots=True)
class PriorSession:
    """A patient's earlier session, as the payer checks need it."""

    performed_at: datetime
    kind: ProcedureKind
    muscle_ids: frozenset[str]
    status: NoteStatus = NoteStatus.SIGNED
