"""What happens in a demo session: a pool of realistic clinical contents, bound up front."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast

from tpi_desk.clinical.catalog import Catalog, RiskPreselect
from tpi_desk.clinical.record import (
    ConsentType,
    ContainerKind,
    Indication,
    MedicationEntry,
    ProcedureKind,
    SessionEntry,
    SiteEntry,
    Tolerance,
)
from tpi_desk.services.demo_data.bulk_insert import BulkTable, BulkTables, Row
from tpi_desk.services.demo_data.vocabulary import (
    CHAPERONES,
    COMMON_MUSCLES,
    CONSERVATIVE_CARE,
    DEMO_NDCS,
    DISCARDED_ML,
    DRY_NEEDLING_SHARE,
    EXAM_FINDINGS,
    FOLLOW_UPS,
    FUNCTION_SCORES,
    INJECTATES,
    INTERPRETATIONS,
    MUSCLES_PER_SESSION,
    NEEDLES,
    OBSERVATION_MINUTES,
    ONGOING_CARE,
    OTHER_FUNCTION_SCORE,
    OVERRIDE_REASON,
    OVERRIDE_SHARE,
    REGIONS,
    REPEAT_SHARE,
    SATELLITE,
    SATELLITE_SHARE,
    SIDES,
    SKIN_PREPS,
    STEROID_SHARE,
    STEROIDS,
    TWITCH_SHARE,
    ULTRASOUND_DEVICES,
    ULTRASOUND_SHARE,
    WITNESSES,
)

# The instant a body's ``entry`` holds until a session is stamped with its own.
UNSTAMPED = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class BodySite:
    values: Row  # bound injection_sites values from ``position`` on
    # (bound values position..volume_ml, drug id, bound container..ndc)
    medications: tuple[tuple[Row, str, Row], ...]
    entry: SiteEntry  # the same site as the clinical record has it (lots left empty)


@dataclass(frozen=True, slots=True)
class Body:
    """The clinical content of a session, bound and ready to be stamped with ids and times."""

    values: Row  # bound procedure_sessions values from ``kind`` to ``chaperone``
    diagnoses: tuple[Row, ...]  # bound (position, code)
    sites: tuple[BodySite, ...]
    # The same content as the clinical record (what a signature covers): performed at
    # ``UNSTAMPED``, lots left empty; the signing stamps both.
    entry: SessionEntry


def clinical_bodies(
    rng: random.Random, catalog: Catalog, tables: BulkTables, count: int
) -> tuple[Body, ...]:
    muscles = {region: _muscles_of(catalog, region) for region in REGIONS}
    regions = [region for region in REGIONS if muscles[region]]
    weights = [REGIONS[region][0] for region in regions]
    chosen = rng.choices(regions, weights, k=count)
    return tuple(_clinical_body(rng, catalog, tables, region, muscles[region]) for region in chosen)


def _muscles_of(catalog: Catalog, region: str) -> list[str]:
    """The region's muscles, the common ones repeated so that they are drawn more often."""
    return [
        muscle.id
        for muscle in catalog.muscles.values()
        if muscle.region == region
        for _ in range(COMMON_MUSCLES.get(muscle.id, 1))
    ]


def _clinical_body(
    rng: random.Random, catalog: Catalog, tables: BulkTables, region: str, candidates: list[str]
) -> Body:
    """A session in ``region``, its muscles drawn from ``candidates``."""
    _, codes, positions = REGIONS[region]
    kind = (
        ProcedureKind.DRY_NEEDLING
        if rng.random() < DRY_NEEDLING_SHARE
        else ProcedureKind.TRIGGER_POINT_INJECTION
    )
    wanted = rng.choice(MUSCLES_PER_SESSION)
    muscles = list(dict.fromkeys(rng.choice(candidates) for _ in range(wanted * 3)))[:wanted]
    ultrasound = rng.random() < ULTRASOUND_SHARE
    pain_before = rng.randint(4, 9)
    tried = tuple(sorted(rng.sample(CONSERVATIVE_CARE, k=rng.randint(1, 3))))
    twitches = {muscle: rng.random() < TWITCH_SHARE for muscle in muscles}
    twitched = [catalog.muscles[m].name.lower() for m in muscles if twitches[m]]
    notes = (
        f"Taut bands with local twitch response in the {', '.join(twitched)}."
        if twitched
        else "Taut bands, tender to palpation; no local twitch response."
    )
    instructions = catalog.default_instructions
    if any(catalog.muscles[m].pneumothorax_risk for m in muscles):
        instructions = f"{instructions} {catalog.chest_wall_instructions}"
    raw: dict[str, object] = {
        "kind": kind,
        "position": rng.choice(positions),
        "ultrasound_guided": ultrasound,
        "ultrasound_image_retained": ultrasound and rng.random() < 0.5,
        "ultrasound_device": rng.choice(ULTRASOUND_DEVICES) if ultrasound else "",
        "consent_obtained": True,
        "time_out_performed": True,
        "pain_before": pain_before,
        "pain_after": max(0, pain_before - rng.randint(1, 5)),
        "conservative_care_tried": tried,
        "ongoing_care": rng.choice(ONGOING_CARE),
        "notes": notes,
        "instructions": instructions,
        "follow_up": rng.choice(FOLLOW_UPS),
    }
    chosen_codes = rng.sample(codes, k=min(len(codes), rng.randint(1, 2)))
    diagnoses = tuple(
        (tables.diagnoses.bind("position", index), tables.diagnoses.bind("code", code))
        for index, code in enumerate(chosen_codes)
    )
    sites = _site_templates(rng, catalog, tables, kind, twitches)
    drugs = {drug for site in sites for _, drug, _ in site.medications}
    raw |= _documentation(rng, catalog, region, muscles, drugs, ultrasound)
    sessions = tables.sessions
    values = tuple(sessions.bind(name, value) for name, value in raw.items())
    indication = Indication(
        conservative_care_tried=tuple(tried),
        ongoing_care=tuple(cast("tuple[str, ...]", raw.pop("ongoing_care"))),
    )
    del raw["conservative_care_tried"]
    entry = SessionEntry(
        performed_at=UNSTAMPED,
        diagnoses=tuple(chosen_codes),
        sites=tuple(site.entry for site in sites),
        indication=indication,
        **raw,  # type: ignore[arg-type]
    )
    return Body(values, diagnoses, sites, entry)


def _documentation(
    rng: random.Random,
    catalog: Catalog,
    region: str,
    muscles: list[str],
    drugs: set[str],
    ultrasound: bool,
) -> dict[str, object]:
    """The session document @2 and @3 fields of a demo session, by column, in the table's
    order."""
    satellite = rng.random() < SATELLITE_SHARE
    name, state, place = SATELLITE if satellite else ("", "", "")
    scale, lowest, highest = FUNCTION_SCORES.get(region, OTHER_FUNCTION_SCORE)
    repeat = rng.random() < REPEAT_SHARE
    return {
        "location_name": name,
        "location_state": state,
        "place_of_service": place,
        "ultrasound_interpretation": rng.choice(INTERPRETATIONS) if ultrasound else "",
        "consent_type": ConsentType.WRITTEN if rng.random() < 0.9 else ConsentType.VERBAL,
        "consent_risks": _consent_risks(catalog, muscles, drugs),
        "consent_witness": rng.choice(WITNESSES),
        "exam_findings": rng.choice(EXAM_FINDINGS),
        "function_scale": scale,
        "function_score": Decimal(rng.randint(lowest, highest)),
        "prior_relief_percent": rng.choice((30, 50, 60, 70, 80)) if repeat else None,
        "prior_relief_weeks": rng.choice((2, 3, 4, 6, 8)) if repeat else None,
        "skin_prep": rng.choice(SKIN_PREPS),
        "aspiration_negative": True if drugs else None,
        "tolerance": Tolerance.WELL if rng.random() < 0.9 else Tolerance.FAIR,
        "observation_minutes": rng.choice(OBSERVATION_MINUTES),
        "override_reason": OVERRIDE_REASON if rng.random() < OVERRIDE_SHARE else "",
        # Session document @3: a body is shared by notes at different times of day, so it
        # records no start and end times (they would contradict most notes' own time).
        "procedure_started": None,
        "procedure_ended": None,
        "chaperone": _without_drawing(rng, CHAPERONES),
    }


def _without_drawing(rng: random.Random, choices: tuple[str, ...]) -> str:
    """One of ``choices``, picked from the generator's state without drawing from it: a field
    added later (session document @3) leaves every earlier value of a seed's data unchanged."""
    return choices[hash(rng.getstate()[1]) % len(choices)]  # the state's integers only


def _consent_risks(catalog: Catalog, muscles: list[str], drugs: set[str]) -> tuple[str, ...]:
    """The risks a clinician discusses: the ones the app pre-selects for these sites and drugs."""
    chosen = [catalog.drugs[drug] for drug in drugs]
    applies = {
        RiskPreselect.ALWAYS: True,
        RiskPreselect.PNEUMOTHORAX_RISK_SITE: any(
            catalog.muscles[muscle].pneumothorax_risk for muscle in muscles
        ),
        RiskPreselect.CORTICOSTEROID: any(drug.is_corticosteroid for drug in chosen),
        RiskPreselect.LOCAL_ANAESTHETIC: any(drug.is_local_anaesthetic for drug in chosen),
        RiskPreselect.NEVER: False,
    }
    risks = catalog.documentation.consent_risks.values()
    return tuple(risk.id for risk in risks if applies[risk.preselect])


def _container_waste_and_ndc(
    rng: random.Random, catalog: Catalog, medications: BulkTable, drug: str
) -> tuple[ContainerKind | None, Decimal | None, str, Row]:
    """(container, discarded_ml, ndc) and the same bound: single-dose vials record what was
    discarded."""
    single_dose = catalog.drugs[drug].single_dose_container
    container = ContainerKind.SINGLE_DOSE if single_dose else None
    discarded = rng.choice(DISCARDED_ML) if single_dose else None
    ndc = DEMO_NDCS.get(drug, "")
    bound = (
        medications.bind("container", container),
        medications.bind("discarded_ml", discarded),
        medications.bind("ndc", ndc),
    )
    return container, discarded, ndc, bound


def _site_templates(
    rng: random.Random,
    catalog: Catalog,
    tables: BulkTables,
    kind: ProcedureKind,
    twitches: dict[str, bool],
) -> tuple[BodySite, ...]:
    """One site per muscle (in ``twitches`` order, which says whether it twitched)."""
    gauges, lengths = NEEDLES[kind]
    gauge, length = rng.choice(gauges), rng.choice(lengths)
    injectate = rng.choice(INJECTATES)
    steroid = rng.choice(STEROIDS) if rng.random() < STEROID_SHARE else None
    sites, medications = tables.sites, tables.medications
    templates = []
    for position, (muscle, twitched) in enumerate(twitches.items()):
        lines = [injectate, steroid] if steroid and position == 0 else [injectate]
        if kind is not ProcedureKind.TRIGGER_POINT_INJECTION:
            lines = []
        site_raw: dict[str, Any] = {
            "position": position,
            "muscle_id": muscle,
            "side": rng.choice(SIDES),
            "points": rng.randint(1, 3),
            "needle_gauge": gauge,
            "needle_length_mm": length,
            "twitch_response": twitched,
        }
        lines_values = tuple(
            (
                (
                    medications.bind("position", line_position),
                    medications.bind("drug_id", drug),
                    medications.bind("concentration_mg_per_ml", strength),
                    medications.bind("volume_ml", volume),
                ),
                drug,
                _container_waste_and_ndc(rng, catalog, medications, drug),
                MedicationEntry(drug_id=drug, concentration_mg_per_ml=strength, volume_ml=volume),
            )
            for line_position, (drug, strength, volumes) in enumerate(lines)
            for volume in (rng.choice(volumes),)
        )
        site_entry = SiteEntry(
            muscle_id=site_raw["muscle_id"],
            side=site_raw["side"],
            points=site_raw["points"],
            needle_gauge=site_raw["needle_gauge"],
            needle_length_mm=site_raw["needle_length_mm"],
            twitch_response=site_raw["twitch_response"],
            medications=tuple(
                replace(entry, container=waste[0], discarded_ml=waste[1], ndc=waste[2])
                for _, _, waste, entry in lines_values
            ),
        )
        templates.append(
            BodySite(
                tuple(sites.bind(name, value) for name, value in site_raw.items()),
                tuple((bound, drug, waste[3]) for bound, drug, waste, _ in lines_values),
                site_entry,
            )
        )
    return tuple(templates)
