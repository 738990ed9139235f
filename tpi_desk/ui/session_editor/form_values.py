"""The editor's raw field values, exactly as typed, and what reading them gave."""

from __future__ import annotations

from dataclasses import dataclass

from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import ProcedureKind, SessionEntry

# Free-text "other" side effects and complications are typed in one field, separated by this.
OTHER_SEPARATOR = ";"


@dataclass(frozen=True, slots=True)
class RawMedication:
    """One medication row as typed; ``concentration`` is mg/mL as text ("10")."""

    drug_id: str = ""
    concentration: str = ""
    volume_ml: str = ""
    lot: str = ""
    expires: str = ""


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
    position: str = ""
    ultrasound_guided: bool = False
    ultrasound_image_retained: bool = False
    ultrasound_device: str = ""
    consent_obtained: bool = False
    time_out_performed: bool = False
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
    notes: str = ""
    instructions: str = ""
    follow_up: str = ""


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
