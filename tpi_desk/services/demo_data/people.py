"""Demo ids, clinicians and patients: the rows sessions refer to."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, insert, select

from tpi_desk.clinical.record import Coverage
from tpi_desk.models.base import Base
from tpi_desk.models.people import Patient, User, patient_search_text
from tpi_desk.models.procedures import (
    InjectionSite,
    MedicationLine,
    ProcedureSession,
    SessionDiagnosis,
)
from tpi_desk.services.demo_data.bulk_insert import BulkTable, PendingRows, Statement
from tpi_desk.services.demo_data.dependents import demo_relationship, dependent_values
from tpi_desk.services.demo_data.timeline import Timeline
from tpi_desk.services.demo_data.vocabulary import (
    ALLERGY_LISTS,
    COMMERCIAL_PAYERS,
    COVERAGES,
    DEMO_CLINICIANS,
    FAMILY_NAMES,
    GIVEN_NAMES,
    NO_KNOWN_ALLERGIES_SHARE,
    PAYERS_BY_COVERAGE,
    SEXES,
)


def _next_id(connection: Connection, model: type[Base]) -> int:
    column = model.__table__.c.id
    return int(connection.scalar(select(func.coalesce(func.max(column), 0))) or 0) + 1


@dataclass(slots=True)
class IdCounters:
    """The next free id of each table the generator fills."""

    patient: int
    session: int
    diagnosis: int
    site: int
    medication: int

    @classmethod
    def read(cls, connection: Connection) -> IdCounters:
        return cls(
            patient=_next_id(connection, Patient),
            session=_next_id(connection, ProcedureSession),
            diagnosis=_next_id(connection, SessionDiagnosis),
            site=_next_id(connection, InjectionSite),
            medication=_next_id(connection, MedicationLine),
        )


def ensure_clinicians(connection: Connection) -> list[int]:
    ids = []
    for index, (username, name, credentials, role) in enumerate(DEMO_CLINICIANS):
        found = connection.scalar(select(User.id).where(User.username == username))
        if found is None:
            found = connection.scalar(
                insert(User)
                .returning(User.id)
                .values(
                    username=username,
                    display_name=name,
                    credentials=credentials,
                    npi=demo_npi(index),
                    role=role,
                    active=True,
                    version=1,
                )
            )
        if found is None:
            raise RuntimeError(f"could not add the demo clinician {username}")
        ids.append(found)
    return ids


def demo_npi(index: int) -> str:
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


def patient_statements(
    rng: random.Random, table: BulkTable, patient_ids: range, timeline: Timeline
) -> list[Statement]:
    """Patients registered when the demo period starts, aged 20 to 85, weighing 48-115 kg."""
    rows = PendingRows(table)
    rows.values += _patient_values(rng, table, patient_ids, timeline)
    return rows.statements()


def _patient_values(
    rng: random.Random, table: BulkTable, patient_ids: range, timeline: Timeline
) -> list[Any]:
    """The patients' values, one row after another."""
    registered = table.bind("created_at", timeline.start)
    version = table.bind("version", 1)
    families = rng.choices(FAMILY_NAMES, k=len(patient_ids))
    givens = rng.choices(GIVEN_NAMES, k=len(patient_ids))
    random_number = rng.random
    values: list[Any] = []
    for patient_id, family, given in zip(patient_ids, families, givens, strict=True):
        mrn = f"D{patient_id:07d}"
        age_days = 7300 + int(random_number() * 23_725)
        weight_tenths = 480 + int(random_number() * 671)
        allergies = ALLERGY_LISTS[int(random_number() * len(ALLERGY_LISTS))]
        born = timeline.today - timedelta(days=age_days)
        values.extend(
            (
                patient_id,
                mrn,
                family,
                given,
                patient_search_text(family, given, mrn),
                table.bind("date_of_birth", born),
                table.bind("sex", SEXES[int(random_number() * len(SEXES))]),
                table.bind("weight_kg", Decimal(weight_tenths).scaleb(-1)),
                table.bind("allergies", allergies),
                table.bind(
                    "no_known_drug_allergies",
                    not allergies and random_number() < NO_KNOWN_ALLERGIES_SHARE,
                ),
                table.bind(
                    "coverage", coverage := COVERAGES[int(random_number() * len(COVERAGES))]
                ),
                *_insurance_values(table, patient_id, coverage),
                *_relationship_values(table, patient_id, coverage, family, age_days, born),
                registered,
                registered,
                version,
            )
        )
    return values


def _relationship_values(
    table: BulkTable, patient_id: int, coverage: Coverage, family: str, age_days: int, born: date
) -> tuple[Any, ...]:
    """The patient's relationship to the insured, then the insured person of a dependent and
    every patient's address (``dependents``)."""
    relationship = demo_relationship(patient_id, age_days, coverage)
    return (
        table.bind("insurance_relationship", relationship),
        *dependent_values(table, patient_id, family, born, relationship),
    )


def _insurance_values(table: BulkTable, patient_id: int, coverage: Coverage) -> tuple[Any, ...]:
    """Payer name, payer id, member id and group number of a demo patient: a synthetic payer
    of their coverage, chosen by id (the random draws, and so the rest of the data, stay as
    they were before insurance)."""
    payers = PAYERS_BY_COVERAGE.get(coverage, COMMERCIAL_PAYERS)
    name, payer_id, member_prefix, group = payers[patient_id % len(payers)]
    return (
        table.bind("insurance_payer_name", name),
        table.bind("insurance_payer_id", payer_id),
        f"{member_prefix}{patient_id:08d}",
        table.bind("insurance_group_number", group),
    )
