"""One valid change per field of the session shape, for tests that every layer keeps each field.

``VARIANTS`` maps ``session.<name>``, ``site.<name>`` and ``medication.<name>`` to a function
that changes that one field of ``base_entry()`` to another valid value (changing a site's or
medication's field in the first site / first medication). ``test_session_shape`` fails when a
field of ``clinical/record.py`` has no variant here, and every test parametrised over
``VARIANTS`` then checks that layer keeps the new field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest

from tests.image_support import png_bytes
from tpi_desk.clinical.image_reading import read_ultrasound_image
from tpi_desk.clinical.record import (
    ConsentType,
    ContainerKind,
    Indication,
    MedicationEntry,
    Position,
    ProcedureKind,
    SessionEntry,
    Side,
    SiteEntry,
    Tolerance,
)
from tpi_desk.clinical.session_shape import MEDICATION_FIELDS, SESSION_FIELDS, SITE_FIELDS

CLINIC_TIME = timezone(timedelta(hours=-5))
Change = Callable[[SessionEntry], SessionEntry]


def base_entry() -> SessionEntry:
    """A valid one-site TPI session with most optional fields left at their defaults."""
    return SessionEntry(
        performed_at=datetime(2026, 3, 4, 9, 30, tzinfo=CLINIC_TIME),
        kind=ProcedureKind.TRIGGER_POINT_INJECTION,
        sites=(
            SiteEntry(
                "upper_trapezius",
                Side.LEFT,
                # Preservative-free lidocaine from a single-dose vial, so that what was
                # discarded can be recorded (JW) without changing the container.
                medications=(
                    MedicationEntry(
                        "lidocaine", Decimal(10), Decimal(1), container=ContainerKind.SINGLE_DOSE
                    ),
                ),
            ),
        ),
    )


# The changes name any field of the record, as `object`: mypy cannot match them to
# replace()'s keywords (hence ignore[arg-type]); replace() still refuses a wrong name.
def _session(**changes: object) -> Change:
    return lambda entry: replace(entry, **changes)  # type: ignore[arg-type]


def _site(**changes: object) -> Change:
    def change(entry: SessionEntry) -> SessionEntry:
        first = replace(entry.sites[0], **changes)  # type: ignore[arg-type]
        return replace(entry, sites=(first, *entry.sites[1:]))

    return change


def _medication(**changes: object) -> Change:
    def change(entry: SessionEntry) -> SessionEntry:
        site = entry.sites[0]
        first = replace(site.medications[0], **changes)  # type: ignore[arg-type]
        return _site(medications=(first, *site.medications[1:]))(entry)

    return change


def _dry_needling(entry: SessionEntry) -> SessionEntry:
    sites = tuple(replace(site, medications=()) for site in entry.sites)
    return replace(entry, kind=ProcedureKind.DRY_NEEDLING, sites=sites)


VARIANTS: dict[str, Change] = {
    "session.performed_at": _session(
        performed_at=datetime(2026, 3, 5, 14, 15, tzinfo=timezone(timedelta(hours=-6)))
    ),
    "session.kind": _dry_needling,
    "session.position": _session(position=Position.PRONE),
    "session.ultrasound_guided": _session(ultrasound_guided=True),
    "session.ultrasound_image_retained": _session(
        ultrasound_guided=True, ultrasound_image_retained=True
    ),
    "session.ultrasound_device": _session(ultrasound_device="Linear probe, 12 MHz"),
    "session.ultrasound_interpretation": _session(
        ultrasound_guided=True,
        ultrasound_interpretation="Needle tip within the upper trapezius; pleura not in the path.",
    ),
    "session.ultrasound_images": _session(
        ultrasound_guided=True,
        ultrasound_images=(read_ultrasound_image("needle-in-trapezius.png", png_bytes()),),
    ),
    "session.location_name": _session(location_name="Riverside Pain Clinic, Suite 4"),
    "session.location_state": _session(location_state="NY"),
    "session.place_of_service": _session(place_of_service="11"),
    "session.consent_obtained": _session(consent_obtained=True),
    "session.consent_type": _session(consent_type=ConsentType.WRITTEN),
    "session.consent_risks": _session(consent_risks=("bleeding_bruising", "infection")),
    "session.consent_witness": _session(consent_witness="J. Okafor, MA"),
    "session.exam_findings": _session(exam_findings=("taut_band", "local_twitch_response")),
    "session.function_scale": _session(function_scale="ndi"),
    "session.function_score": _session(function_scale="ndi", function_score=Decimal(34)),
    "session.prior_relief_percent": _session(prior_relief_percent=60),
    "session.prior_relief_weeks": _session(prior_relief_weeks=6),
    "session.skin_prep": _session(skin_prep="chlorhexidine"),
    "session.aspiration_negative": _session(aspiration_negative=True),
    "session.tolerance": _session(tolerance=Tolerance.WELL),
    "session.observation_minutes": _session(observation_minutes=15),
    "session.override_reason": _session(
        override_reason="Listed allergy is to sulfa antibiotics; no cross-reactivity."
    ),
    "session.time_out_performed": _session(time_out_performed=True),
    "session.procedure_started": _session(procedure_started=time(9, 32)),
    "session.procedure_ended": _session(procedure_ended=time(9, 51)),
    "session.chaperone": _session(chaperone="Rosa Delgado, MA"),
    "session.pain_before": _session(pain_before=7),
    "session.pain_after": _session(pain_after=2),
    "session.diagnoses": _session(diagnoses=("M79.12", "M54.2")),
    "session.sites": lambda entry: replace(
        entry, sites=(*entry.sites, SiteEntry("levator_scapulae", Side.RIGHT, points=2))
    ),
    "session.indication": _session(
        indication=Indication(("physical_therapy",), ("home_exercise_program",))
    ),
    "session.side_effects": _session(side_effects=("transient numbness",)),
    "session.complications": _session(complications=("vasovagal episode",)),
    "session.notes": _session(notes="Taut bands in the upper trapezius."),
    "session.instructions": _session(instructions="Heat and gentle stretching."),
    "session.follow_up": _session(follow_up="Review in 4 weeks."),
    "site.muscle_id": _site(muscle_id="levator_scapulae"),
    "site.side": _site(side=Side.BILATERAL),
    "site.points": _site(points=3),
    "site.needle_gauge": _site(needle_gauge=27),
    "site.needle_length_mm": _site(needle_length_mm=Decimal("38.1")),
    "site.twitch_response": _site(twitch_response=True),
    "site.medications": lambda entry: _site(
        medications=(
            *entry.sites[0].medications,
            MedicationEntry("triamcinolone_acetonide", Decimal(40), Decimal("0.5")),
        )
    )(entry),
    "medication.drug_id": _medication(
        drug_id="bupivacaine", concentration_mg_per_ml=Decimal("2.5")
    ),
    "medication.concentration_mg_per_ml": _medication(concentration_mg_per_ml=Decimal(5)),
    "medication.volume_ml": _medication(volume_ml=Decimal("2.5")),
    "medication.lot": _medication(lot="LX-2291"),
    "medication.expires": _medication(expires=date(2027, 6, 30)),
    "medication.container": _medication(container=ContainerKind.MULTI_DOSE),
    "medication.discarded_ml": _medication(discarded_ml=Decimal(4)),
    "medication.ndc": _medication(ndc="63323-0492-27"),
}

SHAPE_FIELD_PATHS = (
    *(f"session.{field.name}" for field in SESSION_FIELDS),
    *(f"site.{field.name}" for field in SITE_FIELDS),
    *(f"medication.{field.name}" for field in MEDICATION_FIELDS),
)
# Site and medication fields that personal site templates leave out (in_template=False).
NOT_IN_TEMPLATES = frozenset(
    f"medication.{field.name}" for field in MEDICATION_FIELDS if not field.in_template
)


def variant_params(
    prefixes: tuple[str, ...] = ("session.", "site.", "medication."),
) -> list[object]:
    """``pytest.param(path, change, id=path)`` for every variant whose path starts so."""
    return [
        pytest.param(path, change, id=path)
        for path, change in VARIANTS.items()
        if path.startswith(prefixes)
    ]
