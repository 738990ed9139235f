"""What happens in a demo session: a pool of realistic clinical contents, bound up front."""

from __future__ import annotations

import random
from dataclasses import dataclass

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import ProcedureKind
from tpi_desk.services.demo_data.bulk_insert import BulkTables, Row
from tpi_desk.services.demo_data.vocabulary import (
    COMMON_MUSCLES,
    CONSERVATIVE_CARE,
    DRY_NEEDLING_SHARE,
    FOLLOW_UPS,
    INJECTATES,
    MUSCLES_PER_SESSION,
    NEEDLES,
    ONGOING_CARE,
    REGIONS,
    SIDES,
    STEROID_SHARE,
    STEROIDS,
    TWITCH_SHARE,
    ULTRASOUND_DEVICES,
    ULTRASOUND_SHARE,
)


@dataclass(frozen=True, slots=True)
class BodySite:
    values: Row  # bound injection_sites values from ``position`` on
    medications: tuple[tuple[Row, str], ...]  # (bound values position..volume_ml, drug id)


@dataclass(frozen=True, slots=True)
class Body:
    """The clinical content of a session, bound and ready to be stamped with ids and times."""

    values: Row  # bound procedure_sessions values from ``kind`` to ``follow_up``
    diagnoses: tuple[Row, ...]  # bound (position, code)
    sites: tuple[BodySite, ...]


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
    sessions = tables.sessions
    values = (
        sessions.bind("kind", kind),
        sessions.bind("position", rng.choice(positions)),
        sessions.bind("ultrasound_guided", ultrasound),
        sessions.bind("ultrasound_image_retained", ultrasound and rng.random() < 0.5),
        sessions.bind("ultrasound_device", rng.choice(ULTRASOUND_DEVICES) if ultrasound else ""),
        sessions.bind("consent_obtained", True),
        sessions.bind("time_out_performed", True),
        sessions.bind("pain_before", pain_before),
        sessions.bind("pain_after", max(0, pain_before - rng.randint(1, 5))),
        sessions.bind("conservative_care_tried", tried),
        sessions.bind("ongoing_care", rng.choice(ONGOING_CARE)),
        sessions.bind("notes", notes),
        sessions.bind("instructions", instructions),
        sessions.bind("follow_up", rng.choice(FOLLOW_UPS)),
    )
    chosen_codes = rng.sample(codes, k=min(len(codes), rng.randint(1, 2)))
    diagnoses = tuple(
        (tables.diagnoses.bind("position", index), tables.diagnoses.bind("code", code))
        for index, code in enumerate(chosen_codes)
    )
    return Body(values, diagnoses, _site_templates(rng, tables, kind, twitches))


def _site_templates(
    rng: random.Random, tables: BulkTables, kind: ProcedureKind, twitches: dict[str, bool]
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
        site_values = (
            sites.bind("position", position),
            sites.bind("muscle_id", muscle),
            sites.bind("side", rng.choice(SIDES)),
            sites.bind("points", rng.randint(1, 3)),
            sites.bind("needle_gauge", gauge),
            sites.bind("needle_length_mm", length),
            sites.bind("twitch_response", twitched),
        )
        lines_values = tuple(
            (
                (
                    medications.bind("position", line_position),
                    medications.bind("drug_id", drug),
                    medications.bind("concentration_mg_per_ml", strength),
                    medications.bind("volume_ml", rng.choice(volumes)),
                ),
                drug,
            )
            for line_position, (drug, strength, volumes) in enumerate(lines)
        )
        templates.append(BodySite(site_values, lines_values))
    return tuple(templates)
