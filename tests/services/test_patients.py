"""Patient service on SQLite and PostgreSQL: create, change, conflicts, search."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from tests.services.conftest import Services, actor_for, patient_facts
from tpi_desk.clinical.record import PatientFacts
from tpi_desk.services.dto import PatientRecord, ProviderRecord
from tpi_desk.services.errors import ConflictError, NotFound, ValidationFailed


def test_created_patient_reads_back_exactly(services: Services, patient: PatientRecord) -> None:
    loaded = services.patients.get(patient.id)

    assert loaded.facts == patient_facts()
    assert loaded.facts.weight_kg == Decimal("68.5")
    assert loaded.version == patient.version


def test_update_changes_the_patient_and_its_version(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    changed = replace(patient.facts, weight_kg=Decimal("70.25"), allergies=("latex", "iodine"))

    updated = services.patients.update(
        patient.id, patient.version, changed, actor=actor_for(physician)
    )

    assert updated.facts == changed
    assert updated.version > patient.version
    assert services.patients.get(patient.id).facts == changed


def test_update_with_a_stale_version_is_a_conflict_and_keeps_the_other_save(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    first = services.patients.update(
        patient.id,
        patient.version,
        replace(patient.facts, given_name="Zoe"),
        actor=actor_for(physician),
    )

    with pytest.raises(ConflictError, match="someone else changed this patient"):
        services.patients.update(
            patient.id,
            patient.version,
            replace(patient.facts, given_name="Chloé"),
            actor=actor_for(physician),
        )

    assert services.patients.get(patient.id).facts == first.facts


def test_duplicate_mrn_is_refused_naming_the_field(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    with pytest.raises(ValidationFailed) as failure:
        services.patients.create(
            patient_facts(family="Ødegård", given="Ingrid"), actor=actor_for(physician)
        )

    (problem,) = failure.value.problems
    assert problem.path == "patient.mrn"
    assert "already belongs to another patient" in problem.message


def test_invalid_fields_are_all_named_and_nothing_is_saved(
    services: Services, physician: ProviderRecord
) -> None:
    bad = PatientFacts(
        mrn="",
        family_name="",
        given_name="Zoë",
        date_of_birth=date(2999, 1, 1),
        weight_kg=Decimal(0),
    )

    with pytest.raises(ValidationFailed) as failure:
        services.patients.create(bad, actor=actor_for(physician))

    paths = {p.path for p in failure.value.problems}
    assert {
        "patient.mrn",
        "patient.family_name",
        "patient.date_of_birth",
        "patient.weight_kg",
    } <= paths
    assert "MRN" in str(failure.value)
    assert services.patients.search("") == []


def test_missing_patient_is_not_found(services: Services) -> None:
    with pytest.raises(NotFound, match="#4242"):
        services.patients.get(4242)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zoe", {"SYN-1001"}),
        ("ÑUÑEZ", {"SYN-1001"}),
        ("nunez zo", {"SYN-1001"}),
        ("odegard", {"SYN-1002"}),
        ("łukasz", {"SYN-1003"}),
        ("lukasz", {"SYN-1003"}),
        ("nguyen", {"SYN-1004"}),
        ("SYN-100", {"SYN-1001", "SYN-1002", "SYN-1003", "SYN-1004"}),
        ("1004", {"SYN-1004"}),
        ("%", set()),
        ("_", set()),
    ],
)
def test_search_ignores_case_and_accents_and_matches_name_or_mrn(
    services: Services, query: str, expected: set[str], physician: ProviderRecord
) -> None:
    services.patients.create(patient_facts("SYN-1001", "Ñúñez", "Zoë"), actor=actor_for(physician))
    services.patients.create(
        patient_facts("SYN-1002", "Ødegård", "Ingrid"), actor=actor_for(physician)
    )
    services.patients.create(
        patient_facts("SYN-1003", "Kowalczyk", "Łukasz"), actor=actor_for(physician)
    )
    services.patients.create(patient_facts("SYN-1004", "Nguyễn", "Mai"), actor=actor_for(physician))

    found = services.patients.search(query)

    assert {p.mrn for p in found} == expected


def test_search_is_ordered_by_name_and_limited(
    services: Services, physician: ProviderRecord
) -> None:
    for number, family in enumerate(["Zhang", "Abernathy", "Moreau", "Becker"]):
        services.patients.create(
            patient_facts(f"SYN-20{number}", family, "Ana"), actor=actor_for(physician)
        )

    found = services.patients.search("ana", limit=3)

    assert [p.family_name for p in found] == ["Abernathy", "Becker", "Moreau"]
    assert found[0].display_name == "Abernathy, Ana"
