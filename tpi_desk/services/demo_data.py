"""Synthetic demo data in bulk: invented patients and sessions, Core inserts in chunks."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import NoteStatus, ProcedureKind, Role, Sex, Side
from tpi_desk.models.people import Patient, User, patient_search_text
from tpi_desk.models.procedures import (
    InjectionSite,
    MedicationLine,
    ProcedureSession,
    SessionDiagnosis,
)
from tpi_desk.services.database_errors import database_errors_as_user_errors

CHUNK_SESSIONS = 20_000

GIVEN_NAMES = (
    "Zoë", "Łukasz", "Ingrid", "Amara", "Mateo", "Siobhán", "Kenji", "Aurélie", "Thandiwe",
    "Björn", "Priya", "Tomás", "Noor", "Emeka", "Ólafur", "Chloé", "Dmitri", "Mei", "Rafael",
    "Ayşe", "Jonas", "Leilani", "Søren", "Valentina", "Hamid", "Élodie", "Kwame", "Ana",
    "Matthias", "Yuki", "Inés", "Oskar", "Fatima", "Giulia", "Darius", "Hana", "Ciarán",
    "Renée", "Wiktor", "Esperanza",
)  # fmt: skip
FAMILY_NAMES = (
    "Ñúñez", "Nguyễn", "Ødegård", "Kowalczyk", "Okafor", "Brennan", "Yamamoto", "Lefèvre",
    "Dlamini", "Sørensen", "Raghunathan", "Castañeda", "Haddad", "Eze", "Jónsson", "Moreau",
    "Volkov", "Zhang", "Pereira", "Yılmaz", "Becker", "Kahananui", "Müller", "Rossi",
    "Tehrani", "Dubois", "Mensah", "Gonçalves", "Schäfer", "Tanaka", "Ibáñez", "Lindqvist",
    "Al-Sayed", "Ferrari", "Karimi", "Novák", "Ó Briain", "Côté", "Wiśniewski", "Cárdenas",
    "Abernathy", "Fairweather", "Holloway", "Pemberton", "Whitcombe", "Ashdown",
)  # fmt: skip
ALLERGIES = ("penicillin", "sulfa drugs", "latex", "codeine", "adhesive tape", "iodine")

# Invented clinicians; the NPIs pass the NPI check-digit rule but belong to nobody.
DEMO_CLINICIANS = (
    ("demo.hartley", "Dr. Imogen Hartley", "MD", Role.PHYSICIAN),
    ("demo.okonkwo", "Dr. Chidi Okonkwo", "DO", Role.PHYSICIAN),
    ("demo.varga", "Réka Varga", "NP", Role.NURSE_PRACTITIONER),
    ("demo.lindgren", "Per Lindgren", "PA", Role.NURSE_PRACTITIONER),
)

# (muscle ids of one anatomical area, the diagnoses that go with it)
AREAS = (
    (("upper_trapezius", "levator_scapulae", "splenius_capitis", "suboccipitals",
      "sternocleidomastoid"), ("M79.12", "M54.2", "G44.229")),
    (("rhomboid_major", "rhomboid_minor", "infraspinatus", "middle_trapezius",
      "lower_trapezius", "supraspinatus"), ("M79.18", "M62.838")),
    (("quadratus_lumborum", "iliocostalis_lumborum", "multifidus", "gluteus_medius",
      "piriformis", "gluteus_maximus"), ("M79.18", "M54.50", "M62.830")),
    (("extensor_carpi_radialis_longus", "brachioradialis", "extensor_digitorum"),
     ("M79.18",)),
    (("gastrocnemius", "vastus_lateralis", "tibialis_anterior"), ("M79.18",)),
)  # fmt: skip

# (drug id, mg/mL, typical mL per site)
INJECTATES = (
    ("lidocaine", Decimal(10), (Decimal("0.5"), Decimal(1), Decimal("1.5"), Decimal(2))),
    ("lidocaine", Decimal(5), (Decimal(1), Decimal(2))),
    ("bupivacaine", Decimal("2.5"), (Decimal(1), Decimal(2))),
)
STEROIDS = (
    ("triamcinolone_acetonide", Decimal(40), (Decimal("0.25"), Decimal("0.5"))),
    ("methylprednisolone_acetate", Decimal(40), (Decimal("0.25"), Decimal("0.5"))),
    ("dexamethasone_sodium_phosphate", Decimal(4), (Decimal("0.5"), Decimal(1))),
)
POSITIONS = ("seated", "prone", "supine", "side_lying_left", "side_lying_right")


@dataclass(frozen=True, slots=True)
class DemoDataResult:
    patients: int
    sessions: int
    sites: int
    medication_lines: int
    seconds: float


@dataclass(slots=True)
class _Rows:
    sessions: list[dict[str, Any]] = field(default_factory=list)
    diagnoses: list[dict[str, Any]] = field(default_factory=list)
    sites: list[dict[str, Any]] = field(default_factory=list)
    medications: list[dict[str, Any]] = field(default_factory=list)


def generate_demo_data(
    engine: Engine,
    catalog: Catalog,
    *,
    patients: int,
    sessions: int,
    seed: int = 1,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoDataResult:
    """Add ``patients`` new patients and ``sessions`` sessions spread over recent years.

    Past sessions are signed by their provider; today's are left as drafts. Inserts use
    SQLAlchemy Core in chunks of ``CHUNK_SESSIONS`` (one commit each).
    """
    if patients < 1 or sessions < 0:
        raise ValueError("demo data needs at least one patient and zero or more sessions")
    started = datetime.now(UTC)
    rng = random.Random(seed)
    today = today or datetime.now(UTC).date()
    _check_catalog(catalog)
    site_count = medication_count = 0
    with database_errors_as_user_errors("create demo data"):
        with engine.begin() as connection:
            provider_ids = _ensure_clinicians(connection)
            first_patient = _next_id(connection, Patient.id)
            connection.execute(
                insert(Patient), list(_patient_rows(rng, first_patient, patients, today))
            )
        ids = _IdCounters.read(engine)
        done = 0
        while done < sessions:
            size = min(CHUNK_SESSIONS, sessions - done)
            rows = _session_rows(
                rng, ids, size, first_patient, patients, provider_ids, today, sessions
            )
            with engine.begin() as connection:
                connection.execute(insert(ProcedureSession), rows.sessions)
                connection.execute(insert(SessionDiagnosis), rows.diagnoses)
                connection.execute(insert(InjectionSite), rows.sites)
                if rows.medications:
                    connection.execute(insert(MedicationLine), rows.medications)
            site_count += len(rows.sites)
            medication_count += len(rows.medications)
            done += size
            if progress is not None:
                progress(done, sessions)
    seconds = (datetime.now(UTC) - started).total_seconds()
    return DemoDataResult(patients, sessions, site_count, medication_count, seconds)


def _check_catalog(catalog: Catalog) -> None:
    used = {m for muscles, _ in AREAS for m in muscles}
    missing = sorted(used - set(catalog.muscles))
    missing += sorted({d for d, _, _ in INJECTATES + STEROIDS} - set(catalog.drugs))
    missing += sorted({c for _, codes in AREAS for c in codes} - set(catalog.icd10))
    if missing:
        raise ValueError(f"demo data refers to catalog entries that are missing: {missing}")


def _next_id(connection: Connection, column: Any) -> int:
    return int(connection.scalar(select(func.coalesce(func.max(column), 0))) or 0) + 1


@dataclass(slots=True)
class _IdCounters:
    session: int
    diagnosis: int
    site: int
    medication: int

    @classmethod
    def read(cls, engine: Engine) -> _IdCounters:
        with engine.connect() as connection:
            return cls(
                session=_next_id(connection, ProcedureSession.id),
                diagnosis=_next_id(connection, SessionDiagnosis.id),
                site=_next_id(connection, InjectionSite.id),
                medication=_next_id(connection, MedicationLine.id),
            )


def _ensure_clinicians(connection: Connection) -> list[int]:
    ids = []
    for index, (username, name, credentials, role) in enumerate(DEMO_CLINICIANS):
        found = connection.scalar(select(User.id).where(User.username == username))
        if found is None:
            found = connection.execute(
                insert(User).values(
                    username=username,
                    display_name=name,
                    credentials=credentials,
                    npi=_demo_npi(index),
                    role=role,
                    active=True,
                    version=1,
                )
            ).inserted_primary_key[0]
        ids.append(int(found))
    return ids


def _demo_npi(index: int) -> str:
    """A ten-digit number that passes the NPI Luhn check (prefix 80840), for demo users."""
    base = f"19{index:07d}"[:9]
    total = 24  # the constant contribution of the 80840 prefix
    for position, char in enumerate(reversed(base)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    return base + str((10 - total % 10) % 10)


def _patient_rows(
    rng: random.Random, first_id: int, count: int, today: date
) -> Iterator[dict[str, Any]]:
    now = datetime.now(UTC)
    for offset in range(count):
        family = rng.choice(FAMILY_NAMES)
        given = rng.choice(GIVEN_NAMES)
        mrn = f"D{first_id + offset:07d}"
        allergies = rng.sample(ALLERGIES, k=rng.choice((0, 0, 0, 1, 1, 2)))
        yield {
            "id": first_id + offset,
            "mrn": mrn,
            "family_name": family,
            "given_name": given,
            "search_text": patient_search_text(family, given, mrn),
            "date_of_birth": today - timedelta(days=rng.randint(20 * 365, 85 * 365)),
            "sex": rng.choice((Sex.FEMALE, Sex.MALE, Sex.FEMALE, Sex.MALE, Sex.OTHER)),
            "weight_kg": Decimal(rng.randint(480, 1150)) / 10,
            "allergies": allergies,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }


def _session_rows(
    rng: random.Random,
    ids: _IdCounters,
    count: int,
    first_patient: int,
    patient_count: int,
    provider_ids: list[int],
    today: date,
    total_sessions: int,
) -> _Rows:
    rows = _Rows()
    now = datetime.now(UTC)
    # Spread sessions so that a large set spans years and today has a handful of drafts.
    span_days = max(30, min(3650, total_sessions // 40))
    midnight = datetime(today.year, today.month, today.day, tzinfo=UTC)
    for _ in range(count):
        session_id = ids.session
        ids.session += 1
        days_ago = 0 if rng.random() < 0.002 else rng.randint(1, span_days)
        performed_at = midnight - timedelta(days=days_ago) + timedelta(
            hours=rng.randint(13, 22), minutes=rng.choice((0, 15, 30, 45))
        )
        provider = rng.choice(provider_ids)
        kind = (
            ProcedureKind.DRY_NEEDLING if rng.random() < 0.15 else ProcedureKind.TRIGGER_POINT_INJECTION
        )
        muscles, diagnoses = rng.choice(AREAS)
        signed = days_ago > 0
        pain_before = rng.randint(4, 9)
        rows.sessions.append(
            {
                "id": session_id,
                "patient_id": first_patient + rng.randrange(patient_count),
                "provider_id": provider,
                "performed_at": performed_at,
                "performed_at_offset_minutes": -300,
                "kind": kind,
                "position": rng.choice(POSITIONS),
                "ultrasound_guided": rng.random() < 0.1,
                "ultrasound_image_retained": False,
                "ultrasound_device": "",
                "consent_obtained": True,
                "time_out_performed": True,
                "pain_before": pain_before,
                "pain_after": max(0, pain_before - rng.randint(1, 5)),
                "conservative_care_tried": ["physical therapy", "pain medication"],
                "ongoing_care": ["home exercise program"],
                "notes": "",
                "instructions": "",
                "follow_up": "Review in 6 weeks.",
                "status": NoteStatus.SIGNED if signed else NoteStatus.DRAFT,
                "signed_at": performed_at + timedelta(minutes=rng.randint(3, 40)) if signed else None,
                "signed_by_id": provider if signed else None,
                "content_hash": None,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        )
        for position, code in enumerate(rng.sample(diagnoses, k=min(len(diagnoses), rng.randint(1, 2)))):
            rows.diagnoses.append(
                {"id": ids.diagnosis, "session_id": session_id, "position": position, "code": code}
            )
            ids.diagnosis += 1
        _add_sites(rng, rows, ids, session_id, kind, muscles, performed_at.date())
    return rows


def _add_sites(
    rng: random.Random,
    rows: _Rows,
    ids: _IdCounters,
    session_id: int,
    kind: ProcedureKind,
    muscles: tuple[str, ...],
    day: date,
) -> None:
    chosen = rng.sample(muscles, k=min(len(muscles), rng.choice((1, 1, 2, 2, 3))))
    steroid = rng.choice(STEROIDS) if rng.random() < 0.3 else None
    injectate = rng.choice(INJECTATES)
    for position, muscle in enumerate(chosen):
        site_id = ids.site
        ids.site += 1
        rows.sites.append(
            {
                "id": site_id,
                "session_id": session_id,
                "position": position,
                "muscle_id": muscle,
                "side": rng.choice((Side.LEFT, Side.RIGHT, Side.BILATERAL)),
                "points": rng.randint(1, 3),
                "needle_gauge": rng.choice((25, 27, 30)),
                "needle_length_mm": Decimal(rng.choice((25, 38, 50))),
                "twitch_response": rng.random() < 0.6,
            }
        )
        if kind is not ProcedureKind.TRIGGER_POINT_INJECTION:
            continue
        lines = [injectate] + ([steroid] if steroid and position == 0 else [])
        for line_position, (drug, strength, volumes) in enumerate(lines):
            rows.medications.append(
                {
                    "id": ids.medication,
                    "site_id": site_id,
                    "position": line_position,
                    "drug_id": drug,
                    "concentration_mg_per_ml": strength,
                    "volume_ml": rng.choice(volumes),
                    "lot": f"{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{rng.randint(10000, 99999)}",
                    "expires": day + timedelta(days=rng.randint(60, 700)),
                }
            )
            ids.medication += 1
