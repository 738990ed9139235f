"""Demo patients insured through someone else, and every demo patient's address: a spouse or
a child on the insured person's plan gets a synthetic insured person, and every patient a
synthetic address, so that a demo claim file shows the subscriber and patient loops of a
dependent (X12 837P 2000C) and the address of a patient who is the insured (2010BA N3/N4,
"Required when the patient is the subscriber", 005010X222A1).

Everything is chosen from the patient's id and age, never from the random generator, so the
rest of the demo data stays as it was before dependents were made.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tpi_desk.clinical.insurance import InsuredRelationship
from tpi_desk.clinical.insured_person import SubscriberSex
from tpi_desk.clinical.record import Coverage
from tpi_desk.services.demo_data.bulk_insert import BulkTable
from tpi_desk.services.demo_data.vocabulary import GIVEN_NAMES

# Of the commercially insured, one patient in five is a spouse on the insured's plan, and a
# patient under 26 with an even id a child on a parent's plan (US plans cover children to age
# 26). Medicare, Medicaid and the others insure the patient in their own name.
SPOUSE_EVERY = 5
CHILD_BELOW_DAYS = 26 * 365
DEMO_STREETS = ("Alder Lane", "Birch Road", "Cedar Court", "Dockside Way", "Elm Terrace")
DEMO_CITY, DEMO_STATE, DEMO_ZIP = "Riverside", "NY", "10027"
# The insured person's columns of the patients table, in order (migration 0011); the
# patient's address columns follow them.
SUBSCRIBER_COLUMNS = (
    "insurance_subscriber_family_name", "insurance_subscriber_given_name",
    "insurance_subscriber_birth_date", "insurance_subscriber_sex",
)  # fmt: skip
NOT_ON_FILE = ("", "", None, None)


def demo_relationship(patient_id: int, age_days: int, coverage: Coverage) -> InsuredRelationship:
    """Who the demo patient is to the insured person."""
    if coverage is not Coverage.COMMERCIAL:
        return InsuredRelationship.SELF
    if age_days < CHILD_BELOW_DAYS and patient_id % 2 == 0:
        return InsuredRelationship.CHILD
    if patient_id % SPOUSE_EVERY == 2:
        return InsuredRelationship.SPOUSE
    return InsuredRelationship.SELF


def dependent_values(
    table: BulkTable,
    patient_id: int,
    family_name: str,
    born: date,
    relationship: InsuredRelationship,
) -> tuple[Any, ...]:
    """The insured person (family and given name, birth date, sex) and the patient's
    address (street, city, state, ZIP), in the patients table's column order; no insured
    person for a patient who is the insured."""
    if relationship is InsuredRelationship.SELF:
        return (
            *(
                table.bind(column, value)
                for column, value in zip(SUBSCRIBER_COLUMNS, NOT_ON_FILE, strict=True)
            ),
            *_address_values(table, patient_id),
        )
    if relationship is InsuredRelationship.CHILD:
        subscriber_born = born - timedelta(days=365 * (24 + patient_id % 12))
    else:
        subscriber_born = born + timedelta(days=365 * (patient_id % 5 - 2))
    sex = SubscriberSex.FEMALE if patient_id % 2 else SubscriberSex.MALE
    return (
        table.bind("insurance_subscriber_family_name", family_name),
        table.bind("insurance_subscriber_given_name", GIVEN_NAMES[patient_id % len(GIVEN_NAMES)]),
        table.bind("insurance_subscriber_birth_date", subscriber_born),
        table.bind("insurance_subscriber_sex", sex),
        *_address_values(table, patient_id),
    )


def _address_values(table: BulkTable, patient_id: int) -> tuple[Any, ...]:
    """The patient's synthetic address (street, city, state, ZIP), from the id alone."""
    street = f"{10 + patient_id % 890} {DEMO_STREETS[patient_id % len(DEMO_STREETS)]}"
    return (
        table.bind("insurance_patient_street", street),
        table.bind("insurance_patient_city", DEMO_CITY),
        table.bind("insurance_patient_state", DEMO_STATE),
        table.bind("insurance_patient_zip", DEMO_ZIP),
    )
