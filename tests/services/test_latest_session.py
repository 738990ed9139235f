"""The patient's latest session ("copy from last session") on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import update

from tests.services.conftest import (
    CLINIC_TIME,
    NOW,
    PASSWORD,
    Services,
    actor_for,
    lidocaine,
    patient_facts,
    two_site_entry,
)
from tpi_desk.clinical.record import NoteStatus, Side, SiteEntry
from tpi_desk.models.database import Database
from tpi_desk.models.procedures import ProcedureSession
from tpi_desk.services.dto import PatientRecord, ProviderRecord, SessionRecord

MARCH = datetime(2026, 3, 2, 9, 0, tzinfo=CLINIC_TIME)
JUNE = datetime(2026, 6, 1, 9, 0, tzinfo=CLINIC_TIME)
SEPTEMBER = datetime(2026, 9, 7, 14, 30, tzinfo=CLINIC_TIME)
RHOMBOID = SiteEntry("rhomboid_major", Side.RIGHT, points=3, medications=(lidocaine("1.5"),))


def _three_sessions(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> tuple[SessionRecord, SessionRecord, SessionRecord]:
    """March (signed), June (signed, rhomboid only), September (a draft), created out of order."""
    june_entry = replace(two_site_entry(JUNE), sites=(RHOMBOID,))
    june = services.drafts.create(patient.id, physician.id, june_entry, actor=actor_for(physician))
    september = services.drafts.create(
        patient.id, physician.id, two_site_entry(SEPTEMBER), actor=actor_for(physician)
    )
    march = services.drafts.create(
        patient.id, physician.id, two_site_entry(MARCH), actor=actor_for(physician)
    )
    for draft in (march, june):
        services.signing.sign(
            draft.id, draft.version, physician.id, actor=actor_for(physician), password=PASSWORD
        )
    return march, june, september


def test_the_newest_session_of_any_status_is_returned_whole(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    _, _, september = _three_sessions(services, patient, physician)

    latest = services.queries.latest_for_patient(patient.id)

    assert latest is not None
    assert latest.id == september.id
    assert latest.status is NoteStatus.DRAFT
    assert latest.entry == two_site_entry(SEPTEMBER)
    assert latest.patient.id == patient.id


def test_before_picks_the_newest_session_strictly_earlier(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    march, june, _ = _three_sessions(services, patient, physician)

    in_summer = services.queries.latest_for_patient(patient.id, before=JUNE + timedelta(days=30))
    at_june = services.queries.latest_for_patient(patient.id, before=JUNE)

    assert in_summer is not None and in_summer.id == june.id
    assert in_summer.status is NoteStatus.SIGNED
    assert in_summer.entry.sites == (RHOMBOID,)
    assert at_june is not None and at_june.id == march.id
    assert services.queries.latest_for_patient(patient.id, before=MARCH) is None


def test_the_session_being_edited_can_be_excluded(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    _, june, september = _three_sessions(services, patient, physician)

    latest = services.queries.latest_for_patient(patient.id, exclude_session_id=september.id)

    assert latest is not None and latest.id == june.id


def test_sessions_entered_in_error_are_ignored(
    services: Services, database: Database, patient: PatientRecord, physician: ProviderRecord
) -> None:
    _, june, september = _three_sessions(services, patient, physician)
    with database.session_factory.begin() as db:
        db.execute(
            update(ProcedureSession)
            .where(ProcedureSession.id == september.id)
            .values(status=NoteStatus.ENTERED_IN_ERROR)
        )

    latest = services.queries.latest_for_patient(patient.id)

    assert latest is not None and latest.id == june.id


def test_other_patients_sessions_are_never_returned(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    _three_sessions(services, patient, physician)
    newcomer = services.patients.create(
        patient_facts("SYN-3003", "Nguyễn", "Thảo"), actor=actor_for(physician)
    )

    assert services.queries.latest_for_patient(newcomer.id) is None
    later = services.drafts.create(
        newcomer.id,
        physician.id,
        two_site_entry(SEPTEMBER + timedelta(days=1)),
        actor=actor_for(physician),
    )
    mine = services.queries.latest_for_patient(patient.id)
    theirs = services.queries.latest_for_patient(newcomer.id)
    assert mine is not None and mine.id != later.id
    assert theirs is not None and theirs.id == later.id


def test_copy_forward_takes_the_last_signed_session_never_a_draft(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    """Issue 14: copy-forward copied an unsigned draft (September's)."""
    _, june, _ = _three_sessions(services, patient, physician)

    latest = services.queries.latest_for_patient(patient.id, signed_only=True)

    assert latest is not None and latest.id == june.id
    assert latest.status is NoteStatus.SIGNED


def test_today_s_open_vials_come_from_today_s_medication_lines(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    """Each drug, strength and lot given today once, latest first; yesterday's are closed."""
    today = NOW - timedelta(hours=1)
    older = replace(lidocaine("1"), lot="LX-OLD", expires=date(2027, 1, 31), ndc="")
    newer = replace(lidocaine("2"), lot="LX-NEW", ndc="00409-4276-01")
    morning = replace(
        two_site_entry(today - timedelta(minutes=30)),
        sites=(replace(RHOMBOID, medications=(older,)),),
    )
    later = replace(two_site_entry(today), sites=(replace(RHOMBOID, medications=(older, newer)),))
    yesterday = replace(
        two_site_entry(NOW - timedelta(days=1)),
        sites=(replace(RHOMBOID, medications=(replace(older, lot="LX-GONE"),)),),
    )
    for entry in (morning, later, yesterday):
        services.drafts.create(patient.id, physician.id, entry, actor=actor_for(physician))

    vials = services.queries.open_vials(actor=actor_for(physician))

    assert [(v.drug_id, v.lot, v.ndc) for v in vials] == [
        ("lidocaine", "LX-NEW", "00409-4276-01"),
        ("lidocaine", "LX-OLD", ""),
    ]
    assert vials[1].expires == date(2027, 1, 31)
