"""Several workstations signing and viewing at once never fork either chain."""

from __future__ import annotations

import threading

from sqlalchemy import select

from tests.security.conftest import PASSWORD, Desk, Staff
from tests.services.conftest import fast_hasher, two_site_entry
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.models.audit import AuditEvent
from tpi_desk.models.database import open_database
from tpi_desk.models.procedures import Signature
from tpi_desk.services.dto import PatientRecord
from tpi_desk.services.people.patients import PatientService
from tpi_desk.services.permissions import Actor
from tpi_desk.services.sessions.drafts import DraftService
from tpi_desk.services.sessions.signing import SigningService

WORKSTATIONS = 4
NOTES_EACH = 5


def test_workstations_signing_at_once_keep_one_chain(
    desk: Desk, staff: Staff, patient: PatientRecord, catalog: Catalog
) -> None:
    clinicians = [
        staff.physician,
        staff.second_physician,
        staff.nurse_practitioner,
        staff.physician_assistant,
    ]
    failures: list[BaseException] = []
    start = threading.Barrier(WORKSTATIONS)

    def workstation(clinician: Actor) -> None:
        database = open_database(desk.database.url)  # its own engine and connections
        try:
            factory = database.session_factory
            drafts = DraftService(factory, catalog)
            signing = SigningService(factory, catalog, hasher=fast_hasher())
            patients = PatientService(factory)
            start.wait()
            for _ in range(NOTES_EACH):
                draft = drafts.create(
                    patient.id, clinician.user_id, two_site_entry(), actor=clinician
                )
                patients.get(patient.id, actor=clinician)
                signing.sign(
                    draft.id, draft.version, clinician.user_id, actor=clinician, password=PASSWORD
                )
        except BaseException as error:  # reported below, with the thread's name
            failures.append(error)
        finally:
            database.dispose()

    threads = [threading.Thread(target=workstation, args=(c,)) for c in clinicians]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    with desk.database.session_factory() as db:
        signatures = list(db.scalars(select(Signature.sequence).order_by(Signature.sequence)))
        audit = list(db.scalars(select(AuditEvent.sequence).order_by(AuditEvent.sequence)))
    assert signatures == list(range(1, WORKSTATIONS * NOTES_EACH + 1))
    assert audit == list(range(1, len(audit) + 1))
    report = desk.verification.verify(actor=staff.admin)
    assert report.intact, report.findings
    assert report.signatures.total == WORKSTATIONS * NOTES_EACH
