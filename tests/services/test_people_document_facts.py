"""Session document @2's facts about people: a patient's coverage and "no known drug
allergies", a provider's acupuncture certification; stored, changed, imported."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.services.conftest import Services, actor_for, patient_facts
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import Coverage, Role
from tpi_desk.clinical.session_document import from_json
from tpi_desk.services.dto import ProviderRecord

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "session.json"


def test_a_patient_keeps_coverage_and_no_known_drug_allergies(
    services: Services, physician: ProviderRecord
) -> None:
    actor = actor_for(physician)
    none_known = replace(
        patient_facts(), allergies=(), no_known_drug_allergies=True, coverage=Coverage.MEDICARE
    )

    created = services.patients.create(none_known, actor=actor)
    changed = services.patients.update(
        created.id,
        created.version,
        replace(none_known, coverage=Coverage.MEDICARE_ADVANTAGE),
        actor=actor,
    )

    assert created.facts == none_known
    assert services.patients.get(created.id).facts.coverage is Coverage.MEDICARE_ADVANTAGE
    assert changed.facts.no_known_drug_allergies is True


def test_a_user_keeps_acupuncture_certification_until_it_is_changed(services: Services) -> None:
    added = services.users.add_user(
        "lnguyen", "Dr. Linh Nguyễn", "a long password 1", role=Role.PHYSICIAN,
        credentials="MD", acupuncture_certified=True, actor=None,
    )  # fmt: skip
    renamed = services.users.update_user(
        None, "lnguyen", display_name="Dr. Linh Nguyễn-Park", role=Role.PHYSICIAN, credentials="MD"
    )
    withdrawn = services.users.update_user(
        None, "lnguyen", display_name=renamed.display_name, role=Role.PHYSICIAN,
        credentials="MD", acupuncture_certified=False,
    )  # fmt: skip

    assert (added.acupuncture_certified, renamed.acupuncture_certified) == (True, True)
    assert withdrawn.acupuncture_certified is False
    (clinician,) = services.providers.clinicians()
    assert clinician.facts.acupuncture_certified is False


def test_an_import_creates_the_patient_and_provider_with_their_new_facts(
    services: Services, catalog: Catalog
) -> None:
    document = from_json(EXAMPLE.read_text(encoding="utf-8"), catalog)
    document = replace(
        document,
        patient=replace(document.patient, coverage=Coverage.WORKERS_COMPENSATION),
        provider=replace(document.provider, acupuncture_certified=True),
    )

    (imported,) = services.importing.import_documents([document])

    patient = services.patients.get(imported.patient_id)
    assert patient.facts == document.patient
    (provider,) = services.providers.clinicians()
    assert provider.facts == document.provider
    loaded = services.queries.load(imported.session_id)
    assert loaded.entry == document.session
