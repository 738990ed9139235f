"""Draft sessions on SQLite and PostgreSQL: every value round-trips; stale saves conflict."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from tests.services.conftest import (
    PASSWORD,
    Services,
    actor_for,
    add_account,
    lidocaine,
    two_site_entry,
)
from tpi_desk.clinical.record import NoteStatus, ProcedureKind, ProviderFacts, Role, Side, SiteEntry
from tpi_desk.services.dto import PatientRecord, ProviderRecord
from tpi_desk.services.errors import (
    ConflictError,
    LockedNoteError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)


def test_a_two_site_draft_reads_back_with_every_value(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    entry = two_site_entry()

    created = services.drafts.create(patient.id, physician.id, entry, actor=actor_for(physician))
    loaded = services.queries.load(created.id)

    assert loaded.entry == entry
    assert loaded.entry.performed_at.utcoffset() == entry.performed_at.utcoffset()
    assert loaded.status is NoteStatus.DRAFT
    assert loaded.patient.facts == patient.facts
    assert loaded.provider.facts.username == "ihartley"
    assert loaded.entry.sites[0].medications[1].volume_ml == Decimal("0.5")


def test_saving_replaces_sites_and_bumps_the_version(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    created = services.drafts.create(
        patient.id, physician.id, two_site_entry(), actor=actor_for(physician)
    )
    fewer_sites = replace(
        created.entry,
        sites=(SiteEntry("rhomboid_major", Side.RIGHT, medications=(lidocaine("1.5"),)),),
        diagnoses=("M79.18",),
        pain_after=3,
    )

    saved = services.drafts.save(
        created.id, created.version, fewer_sites, actor=actor_for(physician)
    )

    assert saved.version > created.version
    assert services.queries.load(created.id).entry == fewer_sites
    # save() answers from the row it wrote; it must be exactly what a fresh load finds
    # (repr: Decimal("1.5") and Decimal("1.50") are equal but show differently).
    assert repr(saved) == repr(services.queries.load(created.id))


def test_a_stale_save_is_a_conflict_and_overwrites_nothing(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    created = services.drafts.create(
        patient.id, physician.id, two_site_entry(), actor=actor_for(physician)
    )
    elsewhere = services.drafts.save(
        created.id,
        created.version,
        replace(created.entry, notes="Saved on workstation 2."),
        actor=actor_for(physician),
    )

    with pytest.raises(ConflictError, match="Nothing was overwritten"):
        services.drafts.save(
            created.id,
            created.version,
            replace(created.entry, notes="Saved on workstation 1."),
            actor=actor_for(physician),
        )

    assert services.queries.load(created.id).entry == elsewhere.entry


def test_invalid_values_are_refused_by_field_and_nothing_is_written(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    created = services.drafts.create(
        patient.id, physician.id, two_site_entry(), actor=actor_for(physician)
    )
    bad_site = SiteEntry(
        "upper_trapezius", Side.LEFT, medications=(replace(lidocaine("1"), volume_ml=Decimal(0)),)
    )

    with pytest.raises(ValidationFailed) as failure:
        services.drafts.save(
            created.id,
            created.version,
            replace(created.entry, pain_before=11, sites=(bad_site,)),
            actor=actor_for(physician),
        )

    lines = {str(problem) for problem in failure.value.problems}
    assert "sites[0].medications[0].volume_ml: must be greater than 0" in lines
    assert any(line.startswith("pain_before:") for line in lines)
    assert services.queries.load(created.id).entry == created.entry


def test_a_draft_can_be_partial(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    partial = replace(
        two_site_entry(), sites=(), diagnoses=(), pain_before=None, pain_after=None, position=None
    )

    created = services.drafts.create(patient.id, physician.id, partial, actor=actor_for(physician))

    assert services.queries.load(created.id).entry == partial


def test_a_dry_needling_draft_has_no_medications(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    needling = replace(
        two_site_entry(),
        kind=ProcedureKind.DRY_NEEDLING,
        sites=(SiteEntry("gluteus_medius", Side.RIGHT, points=3),),
    )

    created = services.drafts.create(patient.id, physician.id, needling, actor=actor_for(physician))

    assert services.queries.load(created.id).entry.sites[0].medications == ()


def test_a_signed_note_cannot_be_saved_as_a_draft(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    created = services.drafts.create(
        patient.id, physician.id, two_site_entry(), actor=actor_for(physician)
    )
    signed = services.signing.sign(
        created.id, created.version, physician.id, actor=actor_for(physician), password=PASSWORD
    )

    with pytest.raises(LockedNoteError, match="addendum"):
        services.drafts.save(
            signed.id,
            signed.version,
            replace(signed.entry, notes="changed"),
            actor=actor_for(physician),
        )

    assert services.queries.load(created.id).entry == created.entry


def test_unknown_patient_or_session_is_not_found(
    services: Services, physician: ProviderRecord
) -> None:
    with pytest.raises(NotFound):
        services.drafts.create(999, physician.id, two_site_entry(), actor=actor_for(physician))
    with pytest.raises(NotFound):
        services.queries.load(12345)


def test_a_clinician_may_make_a_colleague_the_provider_of_a_draft(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    """Issue 14: a draft's provider could not be changed (documenting for a colleague)."""
    colleague = add_account(
        services, ProviderFacts("rvarga", "Réka Varga", "NP", ""), Role.NURSE_PRACTITIONER
    )
    created = services.drafts.create(
        patient.id, physician.id, two_site_entry(), actor=actor_for(physician)
    )

    saved = services.drafts.save(
        created.id,
        created.version,
        created.entry,
        actor=actor_for(physician),
        provider_id=colleague.id,
    )

    assert saved.provider.id == colleague.id
    assert services.queries.load(created.id).provider.facts.username == "rvarga"


def test_a_draft_provider_must_be_a_clinician_who_exists(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    clerk = add_account(
        services, ProviderFacts("kim.billing", "Kim Nguyễn", "CPC", ""), Role.BILLING
    )
    created = services.drafts.create(
        patient.id, physician.id, two_site_entry(), actor=actor_for(physician)
    )
    doctor = actor_for(physician)

    with pytest.raises(PermissionDenied):
        services.drafts.save(
            created.id, created.version, created.entry, actor=doctor, provider_id=clerk.id
        )
    with pytest.raises(NotFound):
        services.drafts.save(
            created.id, created.version, created.entry, actor=doctor, provider_id=9999
        )
    assert services.queries.load(created.id).provider.id == physician.id
