"""The editor's raw values showing a stored SessionEntry (the reverse of reading the form)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import time

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.consent import preselected_risks
from tpi_desk.clinical.decimal_text import decimal_text
from tpi_desk.clinical.record import MedicationEntry, SessionEntry, SiteEntry
from tpi_desk.ui.session_editor.form_values import (
    ASPIRATION_NEGATIVE,
    ASPIRATION_POSITIVE,
    OTHER_SEPARATOR,
    RawMedication,
    RawSession,
    RawSite,
)


def raw_medication(medication: MedicationEntry) -> RawMedication:
    return RawMedication(
        drug_id=medication.drug_id,
        concentration=decimal_text(medication.concentration_mg_per_ml),
        volume_ml=decimal_text(medication.volume_ml),
        lot=medication.lot,
        expires=medication.expires.isoformat() if medication.expires else "",
        container=medication.container.value if medication.container is not None else "",
        discarded_ml=decimal_text(medication.discarded_ml),
        ndc=medication.ndc,
    )


def raw_site(site: SiteEntry, catalog: Catalog) -> RawSite:
    muscle = catalog.muscles.get(site.muscle_id)
    return RawSite(
        muscle_id=site.muscle_id,
        muscle_text=muscle.name if muscle is not None else site.muscle_id,
        side=site.side.value,
        points=str(site.points),
        needle_gauge="" if site.needle_gauge is None else str(site.needle_gauge),
        needle_length_mm=decimal_text(site.needle_length_mm),
        twitch_response=site.twitch_response,
        medications=tuple(raw_medication(m) for m in site.medications),
    )


def _split_known(items: Iterable[str], known: Mapping[str, str]) -> tuple[tuple[str, ...], str]:
    listed = tuple(items)
    ids = tuple(item for item in listed if item in known)
    others = f"{OTHER_SEPARATOR} ".join(item for item in listed if item not in known)
    return ids, others


def _text(value: object | None) -> str:
    return "" if value is None else str(value)


def _aspiration_text(negative: bool | None) -> str:
    if negative is None:
        return ""
    return ASPIRATION_NEGATIVE if negative else ASPIRATION_POSITIVE


def risks_chosen(entry: SessionEntry, catalog: Catalog) -> bool:
    """Whether ``entry``'s consent risks are the clinician's own choice: none recorded, or
    exactly the app's pre-selection, still follow the sites and drugs."""
    return bool(entry.consent_risks) and entry.consent_risks != preselected_risks(entry, catalog)


def raw_from_entry(entry: SessionEntry, provider_id: int | None, catalog: Catalog) -> RawSession:
    """The form showing ``entry`` as stored."""
    side_effects, side_effects_other = _split_known(entry.side_effects, catalog.side_effects)
    complications, complications_other = _split_known(entry.complications, catalog.complications)
    return RawSession(
        performed_at=entry.performed_at.isoformat(),
        provider_id=provider_id,
        kind=entry.kind.value,
        location_name=entry.location_name,
        location_state=entry.location_state,
        place_of_service=entry.place_of_service,
        position=entry.position.value if entry.position is not None else "",
        ultrasound_guided=entry.ultrasound_guided,
        ultrasound_image_retained=entry.ultrasound_image_retained,
        ultrasound_device=entry.ultrasound_device,
        ultrasound_interpretation=entry.ultrasound_interpretation,
        ultrasound_images=entry.ultrasound_images,
        consent_obtained=entry.consent_obtained,
        consent_type=entry.consent_type.value if entry.consent_type is not None else "",
        consent_risks=entry.consent_risks,
        consent_risks_chosen=risks_chosen(entry, catalog),
        consent_witness=entry.consent_witness,
        time_out_performed=entry.time_out_performed,
        procedure_started=_clock_text(entry.procedure_started),
        procedure_ended=_clock_text(entry.procedure_ended),
        chaperone=entry.chaperone,
        exam_findings=entry.exam_findings,
        function_scale=entry.function_scale,
        function_score=decimal_text(entry.function_score),
        prior_relief_percent=_text(entry.prior_relief_percent),
        prior_relief_weeks=_text(entry.prior_relief_weeks),
        skin_prep=entry.skin_prep,
        aspiration=_aspiration_text(entry.aspiration_negative),
        pain_before=_text(entry.pain_before),
        pain_after=_text(entry.pain_after),
        diagnoses=entry.diagnoses,
        conservative_care_tried=entry.indication.conservative_care_tried,
        ongoing_care=entry.indication.ongoing_care,
        sites=tuple(raw_site(site, catalog) for site in entry.sites),
        side_effects=side_effects,
        side_effects_other=side_effects_other,
        complications=complications,
        complications_other=complications_other,
        tolerance=entry.tolerance.value if entry.tolerance is not None else "",
        observation_minutes=_text(entry.observation_minutes),
        override_reason=entry.override_reason,
        notes=entry.notes,
        instructions=entry.instructions,
        follow_up=entry.follow_up,
    )


def _clock_text(moment: time | None) -> str:
    """A time of day as the editor shows it ("09:32"), "" when not recorded."""
    return "" if moment is None else moment.isoformat(timespec="minutes")
