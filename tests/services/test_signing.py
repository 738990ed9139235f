"""Signing on SQLite and PostgreSQL: only a complete note signs, and then it is locked."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from tests.services.conftest import NOW, PASSWORD, Services, actor_for, lidocaine, two_site_entry
from tpi_desk.clinical.record import NoteStatus, Side, SiteEntry
from tpi_desk.models.audit import AuditEvent
from tpi_desk.models.database import Database
from tpi_desk.services.dto import PatientRecord, ProviderRecord
from tpi_desk.services.errors import ConflictError, LockedNoteError, NotReadyToSign


def test_signing_a_complete_note_records_who_and_when(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    draft = services.drafts.create(
        patient.id, physician.id, two_site_entry(), actor=actor_for(physician)
    )

    signed = services.signing.sign(
        draft.id, draft.version, physician.id, actor=actor_for(physician), password=PASSWORD
    )

    loaded = services.queries.load(draft.id)
    assert loaded.status is NoteStatus.SIGNED
    assert loaded.signed_at == NOW
    assert loaded.signed_by == "Dr. Imogen Hartley"
    assert loaded.content_hash is not None and len(loaded.content_hash) == 64
    assert loaded.content_hash == signed.content_hash
    assert loaded.entry == draft.entry
    # sign() builds its answer from what it wrote; it must be what a fresh load finds.
    assert signed == loaded


def test_an_incomplete_note_is_refused_with_what_is_missing(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    draft = services.drafts.create(
        patient.id,
        physician.id,
        replace(two_site_entry(), consent_obtained=False, diagnoses=(), pain_after=None),
        actor=actor_for(physician),
    )

    with pytest.raises(NotReadyToSign) as refusal:
        services.signing.sign(
            draft.id, draft.version, physician.id, actor=actor_for(physician), password=PASSWORD
        )

    missing = " ".join(refusal.value.missing).lower()
    assert "diagnosis" in missing
    assert "consent" in missing
    assert "pain" in missing
    assert services.queries.load(draft.id).status is NoteStatus.DRAFT


def test_an_expired_lot_blocks_signing(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    expired = SiteEntry(
        "upper_trapezius", Side.LEFT, medications=(lidocaine("1", expires=date(2026, 1, 31)),)
    )
    draft = services.drafts.create(
        patient.id,
        physician.id,
        replace(two_site_entry(), sites=(expired,)),
        actor=actor_for(physician),
    )

    with pytest.raises(NotReadyToSign):
        services.signing.sign(
            draft.id, draft.version, physician.id, actor=actor_for(physician), password=PASSWORD
        )

    assert services.queries.load(draft.id).status is NoteStatus.DRAFT


def test_an_override_reason_lets_a_hard_stop_be_signed_and_is_audited(
    services: Services, database: Database, patient: PatientRecord, physician: ProviderRecord
) -> None:
    # Issue 12, Safety: hard stops block signing until the clinician types an override
    # reason, which is audited.
    expired = SiteEntry(
        "upper_trapezius", Side.LEFT, medications=(lidocaine("1", expires=date(2026, 1, 31)),)
    )
    entry = replace(
        two_site_entry(),
        sites=(expired,),
        override_reason="Only lot in stock; pharmacy confirmed stability",
    )
    draft = services.drafts.create(patient.id, physician.id, entry, actor=actor_for(physician))

    signed = services.signing.sign(
        draft.id, draft.version, physician.id, actor=actor_for(physician), password=PASSWORD
    )

    assert signed.status is NoteStatus.SIGNED
    with database.session_factory() as db:
        detail = db.scalars(
            select(AuditEvent.detail).where(
                AuditEvent.action == "sign", AuditEvent.record_id == draft.id
            )
        ).one()
    assert detail.endswith(
        "; hard stops overridden (lot_expired): Only lot in stock; pharmacy confirmed stability"
    )


def test_signing_what_was_not_reviewed_is_a_conflict(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    draft = services.drafts.create(
        patient.id, physician.id, two_site_entry(), actor=actor_for(physician)
    )
    services.drafts.save(
        draft.id, draft.version, replace(draft.entry, pain_after=4), actor=actor_for(physician)
    )

    with pytest.raises(ConflictError, match="Review it again"):
        services.signing.sign(
            draft.id, draft.version, physician.id, actor=actor_for(physician), password=PASSWORD
        )


def test_a_signed_note_cannot_be_signed_again(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    draft = services.drafts.create(
        patient.id, physician.id, two_site_entry(), actor=actor_for(physician)
    )
    signed = services.signing.sign(
        draft.id, draft.version, physician.id, actor=actor_for(physician), password=PASSWORD
    )

    with pytest.raises(LockedNoteError, match="already signed"):
        services.signing.sign(
            signed.id, signed.version, physician.id, actor=actor_for(physician), password=PASSWORD
        )
