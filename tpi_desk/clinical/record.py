"""Plain, immutable records of a procedure session: the shape every layer agrees on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum

from tpi_desk.clinical.insurance import PatientInsurance
from tpi_desk.clinical.ultrasound_images import UltrasoundImage


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


class Coverage(StrEnum):
    """Who pays for the patient's care (decides Medicare-only rules such as GY)."""

    MEDICARE = "medicare"
    MEDICARE_ADVANTAGE = "medicare_advantage"
    MEDICAID = "medicaid"
    COMMERCIAL = "commercial"
    WORKERS_COMPENSATION = "workers_compensation"
    SELF_PAY = "self_pay"
    UNKNOWN = "unknown"


class ContainerKind(StrEnum):
    """The drug's container: JW/JZ apply to single-dose containers only."""

    SINGLE_DOSE = "single_dose"
    MULTI_DOSE = "multi_dose"


class ConsentType(StrEnum):
    WRITTEN = "written"
    VERBAL = "verbal"


class Tolerance(StrEnum):
    """How the patient tolerated the procedure."""

    WELL = "well"
    FAIR = "fair"
    POOR = "poor"


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
    # None: the container of the catalog's usual product for this drug.
    container: ContainerKind | None = None
    # What was drawn up but not given, from a single-dose container (JW), per day and vial.
    discarded_ml: Decimal | None = field(
        default=None, metadata=described(label="discarded (mL)", in_template=False)
    )
    # National Drug Code, kept in the 11-digit 5-4-2 form claims use ("00409-4276-01").
    ndc: str = field(default="", metadata=described(label="NDC"))


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
    # Asked, and the patient has none: distinct from "not asked" (no allergies recorded).
    no_known_drug_allergies: bool = False
    coverage: Coverage = Coverage.UNKNOWN
    # The insurance claims go to (issue 15); None: none on file.
    insurance: PatientInsurance | None = None


@dataclass(frozen=True, slots=True)
class ProviderFacts:
    username: str
    display_name: str
    credentials: str
    npi: str = ""
    # Certified by the state to practise acupuncture (New York: dry needling is acupuncture).
    acupuncture_certified: bool = False


@dataclass(frozen=True, slots=True)
class SessionEntry:
    """Everything a clinician records about one session (draft or signed)."""

    performed_at: datetime = field(metadata=described(label="date and time"))
    kind: ProcedureKind = field(metadata=described(label="procedure"))
    # Where it was done; empty: the clinic's own location (clinic settings).
    location_name: str = field(default="", metadata=described(key="location.name"))
    location_state: str = field(default="", metadata=described(key="location.state"))
    place_of_service: str = field(default="", metadata=described(key="location.place_of_service"))
    position: Position | None = None
    ultrasound_guided: bool = field(
        default=False, metadata=described(key="ultrasound.guided", label="guidance")
    )
    ultrasound_image_retained: bool = field(
        default=False, metadata=described(key="ultrasound.image_retained")
    )
    ultrasound_device: str = field(default="", metadata=described(key="ultrasound.device"))
    ultrasound_interpretation: str = field(
        default="", metadata=described(key="ultrasound.interpretation")
    )
    # The images kept with the session (issue 15), in the order they were attached.
    ultrasound_images: tuple[UltrasoundImage, ...] = field(
        default=(),
        metadata=described(key="ultrasound.images", label="ultrasound images", in_template=False),
    )
    consent_obtained: bool = field(default=False, metadata=described(key="consent.obtained"))
    consent_type: ConsentType | None = field(default=None, metadata=described(key="consent.type"))
    # Catalog risk ids the clinician chose (the app pre-selects, the clinician confirms).
    consent_risks: tuple[str, ...] = field(
        default=(), metadata=described(key="consent.risks_discussed", label="risks discussed")
    )
    consent_witness: str = field(default="", metadata=described(key="consent.witness"))
    time_out_performed: bool = field(default=False, metadata=described(label="time-out performed"))
    # When the procedure began and ended: times of day on the session's own clock and date
    # (issue 14); None when not recorded.
    procedure_started: time | None = field(
        default=None, metadata=described(key="procedure_time.started", label="start time")
    )
    procedure_ended: time | None = field(
        default=None, metadata=described(key="procedure_time.ended", label="end time")
    )
    # Who chaperoned the procedure (name, role); "" when there was none or it was not noted.
    chaperone: str = ""
    # Catalog finding ids (taut band, hypersensitive spot, local twitch, referred pain).
    exam_findings: tuple[str, ...] = field(default=(), metadata=described(label="exam findings"))
    function_scale: str = field(
        default="", metadata=described(key="function_score.scale", label="scale")
    )
    function_score: Decimal | None = field(
        default=None, metadata=described(key="function_score.value", label="value")
    )
    # Relief after the previous session (repeat sessions): percent, lasting how many weeks.
    prior_relief_percent: int | None = field(
        default=None, metadata=described(key="prior_relief.percent", label="percent")
    )
    prior_relief_weeks: int | None = field(
        default=None, metadata=described(key="prior_relief.weeks", label="weeks")
    )
    skin_prep: str = field(default="", metadata=described(label="skin preparation"))
    # None: not recorded; True: aspiration was negative before injecting.
    aspiration_negative: bool | None = field(
        default=None, metadata=described(label="aspiration negative")
    )
    pain_before: int | None = field(default=None, metadata=described(label="pain before (0-10)"))
    pain_after: int | None = field(default=None, metadata=described(label="pain after (0-10)"))
    diagnoses: tuple[str, ...] = ()
    sites: tuple[SiteEntry, ...] = ()
    indication: Indication = field(default_factory=Indication)
    side_effects: tuple[str, ...] = ()
    complications: tuple[str, ...] = ()
    tolerance: Tolerance | None = None
    observation_minutes: int | None = field(
        default=None, metadata=described(label="observation (minutes)")
    )
    # Why the clinician signs despite a hard stop (over-maximum dose, allergy, expired lot).
    override_reason: str = field(default="", metadata=described(label="override reason"))
    notes: str = ""
    instructions: str = ""
    follow_up: str = field(default="", metadata=described(label="follow-up"))


@dataclass(frozen=True, slots=True)
class PriorSession:
    """Another session of the same patient (earlier, or later the same day), as the payer,
    same-day and cumulative-dose checks need it."""

    performed_at: datetime
    kind: ProcedureKind
    muscle_ids: frozenset[str]
    status: NoteStatus = NoteStatus.SIGNED
    # (muscle id, side) of each site, sides as documented (bilateral stays bilateral).
    sites: frozenset[tuple[str, Side]] = frozenset()
    # (drug id, total mg) of each drug given, for the cumulative steroid dose over 90 days.
    drug_doses_mg: tuple[tuple[str, Decimal], ...] = ()
