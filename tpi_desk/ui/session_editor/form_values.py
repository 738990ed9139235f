"""The editor's raw field values, exactly as typed, and what reading them gave."""

from __future__ import annotations

from dataclasses import dataclass, replace

from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import ProcedureKind, SessionEntry
from tpi_desk.clinical.ultrasound_images import UltrasoundImage

# Free-text "other" side effects and complications are typed in one field, separated by this.
OTHER_SEPARATOR = ";"
# How the aspiration before injecting is kept as text ("" when not recorded).
ASPIRATION_NEGATIVE = "negative"
ASPIRATION_POSITIVE = "positive"


@dataclass(frozen=True, slots=True)
class RawMedication:
    """One medication row as typed; ``concentration`` is mg/mL as text ("10")."""

    drug_id: str = ""
    concentration: str = ""
    volume_ml: str = ""
    lot: str = ""
    expires: str = ""
    # "" = the drug's usual container (the catalog says whether it is single-dose).
    container: str = ""
    discarded_ml: str = ""
    ndc: str = ""


@dataclass(frozen=True, slots=True)
class RawSite:
    """One site row as typed; ``muscle_text`` is what the muscle field shows."""

    muscle_id: str = ""
    muscle_text: str = ""
    side: str = ""
    points: str = "1"
    needle_gauge: str = ""
    needle_length_mm: str = ""
    twitch_response: bool = False
    medications: tuple[RawMedication, ...] = ()


@dataclass(frozen=True, slots=True)
class RawSession:
    """Every field of the editor exactly as shown, so even invalid input can be kept."""

    performed_at: str = ""
    provider_id: int | None = None
    kind: str = ProcedureKind.TRIGGER_POINT_INJECTION.value
    location_name: str = ""
    location_state: str = ""
    place_of_service: str = ""
    position: str = ""
    ultrasound_guided: bool = False
    ultrasound_image_retained: bool = False
    ultrasound_device: str = ""
    ultrasound_interpretation: str = ""
    # Attached images as read from their files (already checked), in the order attached.
    ultrasound_images: tuple[UltrasoundImage, ...] = ()
    consent_obtained: bool = False
    consent_type: str = ""
    consent_risks: tuple[str, ...] = ()
    # False while the risks shown are the app's pre-selection (it follows sites and drugs);
    # True once the clinician ticked or unticked one (their choice is kept as it is).
    consent_risks_chosen: bool = False
    consent_witness: str = ""
    time_out_performed: bool = False
    procedure_started: str = ""  # "09:32", as typed
    procedure_ended: str = ""
    chaperone: str = ""
    exam_findings: tuple[str, ...] = ()
    function_scale: str = ""
    function_score: str = ""
    prior_relief_percent: str = ""
    prior_relief_weeks: str = ""
    skin_prep: str = ""
    aspiration: str = ""  # ASPIRATION_NEGATIVE, ASPIRATION_POSITIVE or "" (not recorded)
    pain_before: str = ""
    pain_after: str = ""
    diagnoses: tuple[str, ...] = ()
    conservative_care_tried: tuple[str, ...] = ()
    ongoing_care: tuple[str, ...] = ()
    sites: tuple[RawSite, ...] = ()
    side_effects: tuple[str, ...] = ()
    side_effects_other: str = ""
    complications: tuple[str, ...] = ()
    complications_other: str = ""
    tolerance: str = ""
    observation_minutes: str = ""
    override_reason: str = ""
    notes: str = ""
    instructions: str = ""
    follow_up: str = ""


def typed_part(raw: RawSession | None) -> RawSession | None:
    """``raw`` without what the editor fills in by itself: consent risks it ticked for the
    sites and drugs, until the clinician chooses (they follow the sites, they are not typing)."""
    if raw is None or raw.consent_risks_chosen:
        return raw
    return replace(raw, consent_risks=())


@dataclass(frozen=True, slots=True)
class FormReading:
    """The form read as a session: ``entry`` is a best effort, ``problems`` block saving.

    Values that could not be read (text in a number field, no muscle chosen) are left at a
    neutral placeholder in ``entry`` so that list positions, and with them problem paths,
    stay the same as on screen.
    """

    entry: SessionEntry
    provider_id: int | None
    problems: tuple[FieldProblem, ...]

    @property
    def is_valid(self) -> bool:
        return not self.problems
