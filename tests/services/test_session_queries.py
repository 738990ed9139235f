"""Session lists (newest first, keyset pages, filters) and the live analysis with history."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from tests.services.conftest import (
    CLINIC_TIME,
    PASSWORD,
    Services,
    actor_for,
    patient_facts,
    two_site_entry,
)
from tpi_desk.clinical.record import NoteStatus, ProviderFacts, Role
from tpi_desk.services.dto import PatientRecord, ProviderRecord
from tpi_desk.services.sessions.session_queries import SessionFilter

START = datetime(2026, 6, 1, 9, 0, tzinfo=CLINIC_TIME)


def test_pages_are_newest_first_and_cover_every_session_once(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    created = []
    for day in range(7):
        when = START + timedelta(days=day)
        for _ in range(2):  # two sessions at the same minute: ties break by id
            created.append(
                services.drafts.create(
                    patient.id, physician.id, two_site_entry(when), actor=actor_for(physician)
                ).id
            )

    seen: list[int] = []
    page = services.queries.page(limit=4)
    seen += [row.id for row in page.rows]
    while page.next_cursor is not None:
        page = services.queries.page(after=page.next_cursor, limit=4)
        seen += [row.id for row in page.rows]

    assert sorted(seen) == sorted(created)
    assert len(seen) == len(set(seen))
    times = [services.queries.load(i).entry.performed_at for i in seen]
    assert times == sorted(times, reverse=True)


def test_a_row_carries_what_a_list_shows(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    services.drafts.create(
        patient.id, physician.id, two_site_entry(START), actor=actor_for(physician)
    )

    (row,) = services.queries.page().rows

    assert row.patient_name == "Ñúñez, Zoë"
    assert row.mrn == "SYN-1001"
    assert row.provider_name == "Dr. Imogen Hartley"
    assert row.muscle_ids == ("upper_trapezius", "levator_scapulae")
    assert (row.pain_before, row.pain_after) == (7, 2)
    assert row.status is NoteStatus.DRAFT
    assert row.performed_at == START


def test_filters_by_patient_provider_status_and_dates(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    other_patient = services.patients.create(
        patient_facts("SYN-2002", "Ødegård", "Ingrid"), actor=actor_for(physician)
    )
    nurse = services.providers.add(
        ProviderFacts("rvarga", "Réka Varga", "NP", ""), Role.NURSE_PRACTITIONER
    )
    first = services.drafts.create(
        patient.id, physician.id, two_site_entry(START), actor=actor_for(physician)
    )
    second = services.drafts.create(
        other_patient.id,
        nurse.id,
        two_site_entry(START + timedelta(days=3)),
        actor=actor_for(physician),
    )
    services.signing.sign(
        first.id, first.version, physician.id, actor=actor_for(physician), password=PASSWORD
    )

    def ids(session_filter: SessionFilter) -> list[int]:
        return [row.id for row in services.queries.page(session_filter).rows]

    assert ids(SessionFilter(patient_id=other_patient.id)) == [second.id]
    assert ids(SessionFilter(provider_id=physician.id)) == [first.id]
    assert ids(SessionFilter(status=NoteStatus.SIGNED)) == [first.id]
    assert ids(SessionFilter(performed_from=START + timedelta(days=1))) == [second.id]
    assert ids(SessionFilter(performed_before=START + timedelta(days=1))) == [first.id]


def test_analysis_uses_the_patients_signed_history(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    for months_ago in (9, 6, 3):
        when = START - timedelta(days=30 * months_ago)
        draft = services.drafts.create(
            patient.id, physician.id, two_site_entry(when), actor=actor_for(physician)
        )
        services.signing.sign(
            draft.id, draft.version, physician.id, actor=actor_for(physician), password=PASSWORD
        )
    fourth = two_site_entry(START)

    analysis = services.queries.analyse(fourth, patient.id)

    codes = {alert.code for alert in analysis.alerts}
    assert "sessions_in_12_months" in codes
    # Bilateral upper trapezius + left levator scapulae: 3 muscles (DOMAIN.md, CPT; issue 12).
    assert [line.code for line in analysis.coding.cpt] == ["20553"]
    assert analysis.dose_totals[0].drug_id == "lidocaine"


def test_analysis_warns_about_the_same_muscle_within_six_weeks(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    earlier = services.drafts.create(
        patient.id,
        physician.id,
        two_site_entry(START - timedelta(days=20)),
        actor=actor_for(physician),
    )
    services.signing.sign(
        earlier.id, earlier.version, physician.id, actor=actor_for(physician), password=PASSWORD
    )

    analysis = services.queries.analyse(replace(two_site_entry(START)), patient.id)

    assert "same_muscle_within_6_weeks" in {alert.code for alert in analysis.alerts}
