"""Plain, immutable records of a procedure session: the shape every layer agrees on."""

from __future__ import annotations

from collections.abc import Mapping
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


def described(*, key: str = "", label: str = "", in_template: bool = True) -> Mapping[str, object]:
    """A field's metadata for ``clinical.session_shape``: its session-document ``key`` (when it
    is not the attribute's name; dotted inside a nested object, ``ultrasound.guided``), its
    ``label`` in plain words (when not the key with spaces), and whether personal site
    templates keep it."""
    return {"key": key, "label": label, "in_template": in_template}


@dataclass(frozen=True, slots=True)
class MedicationEntry:
    """One drug given at one site: concentration x volume gives the dose in mg."""

    drug_id: str = field(metadata=described(key="drug"))
    concentration_mg_per_ml: Decimal = field(metadata=described(label="concentration (mg/mL)"))
    volume_ml: Decimal = field(metadata=described(label="volume (mL)"))
    # Lots and expiry dates change from box to box: a template never keeps them.
    lot: str = field(default="", metadata=described(label="lot number", in_template=False))
    expires: date | None = field(
        default=None, metadata=described(label="expiry date", in_template=False)
    )


@dataclass(frozen=True, slots=True)
class SiteEntry:
    """One injected (or needled) muscle on one side."""

    muscle_id: str = field(metadata=described(key="muscle"))
    side: Side
    points: int = 1
    needle_gauge: int | None = None
    needle_length_mm: Decimal | None = field(
        default=None, metadata=described(label="needle length (mm)")
    )
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

    performed_at: datetime = field(metadata=described(label="date and time"))
    kind: ProcedureKind = field(metadata=described(label="procedure"))
    position: Position | None = None
    ultrasound_guided: bool = field(
        default=False, metadata=described(key="ultrasound.guided", label="guidance")
    )
    ultrasound_image_retained: bool = field(
        default=False, metadata=described(key="ultrasound.image_retained")
    )
    ultrasound_device: str = field(default="", metadata=described(key="ultrasound.device"))
    consent_obtained: bool = False
    time_out_performed: bool = field(default=False, metadata=described(label="time-out performed"))
    pain_before: int | None = field(default=None, metadata=described(label="pain before (0-10)"))
    pain_after: int | None = field(default=None, metadata=described(label="pain after (0-10)"))
    diagnoses: tuple[str, ...] = ()
    sites: tuple[SiteEntry, ...] = ()
    indication: Indication = field(default_factory=Indication)
    side_effects: tuple[str, ...] = ()
    complications: tuple[str, ...] = ()
    notes: str = ""
    instructions: str = ""
    follow_up: str = field(default="", metadata=described(label="follow-up"))


@dataclass(frozen=True, slots=True)
class PriorSession:
    """A patient's earlier session, as the payer checks need it."""

    performed_at: datetime
    kind: ProcedureKind
    muscle_ids: frozenset[str]
    status: NoteStatus = NoteStatus.SIGNED
