"""Importing session documents: patients and providers created once, all or nothing."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from tests.services.conftest import (
    PHYSICIAN,
    Services,
    actor_for,
    lidocaine,
    patient_facts,
    two_site_entry,
)
from tpi_desk.clinical.record import NoteStatus, ProviderFacts, Side, SiteEntry
from tpi_desk.clinical.session_document import SessionDocument
from tpi_desk.services.dto import ProviderRecord
from tpi_desk.services.errors import ValidationFailed


def test_import_creates_patient_provider_and_a_draft_with_codes(services: Services) -> None:
    document = SessionDocument(patient_facts(), PHYSICIAN, two_site_entry())

    (result,) = services.importing.import_documents([document])

    loaded = services.queries.load(result.session_id)
    assert result.patient_created
    assert loaded.status is NoteStatus.DRAFT
    assert loaded.entry == document.session
    assert loaded.provider.facts == PHYSICIAN
    # Bilateral upper trapezius + left levator scapulae: 3 muscles (DOMAIN.md, CPT).
    assert [(line.code, line.units) for line in result.analysis.coding.cpt] == [("20553", 1)]
    assert ("J3301", 2) in [(line.code, line.units) for line in result.analysis.coding.hcpcs]


def test_a_known_mrn_reuses_the_patient(services: Services, physician: ProviderRecord) -> None:
    existing = services.patients.create(patient_facts(), actor=actor_for(physician))
    renamed = replace(patient_facts(), given_name="Zoe")

    (result,) = services.importing.import_documents(
        [SessionDocument(renamed, PHYSICIAN, two_site_entry())]
    )

    assert not result.patient_created
    assert result.patient_id == existing.id
    assert services.patients.get(existing.id).facts.given_name == "Zoë"


def test_one_invalid_document_means_nothing_is_imported(services: Services) -> None:
    good = SessionDocument(patient_facts(), PHYSICIAN, two_site_entry())
    bad_site = SiteEntry(
        "upper_trapezius", Side.LEFT, medications=(replace(lidocaine("1"), volume_ml=Decimal(-1)),)
    )
    bad = SessionDocument(
        patient_facts("SYN-3003"),
        ProviderFacts("np.new", "Réka Varga", "NP", ""),
        replace(two_site_entry(), sites=(bad_site,)),
    )

    with pytest.raises(ValidationFailed) as failure:
        services.importing.import_documents([good, bad])

    assert "sites[0].medications[0].volume_ml: must be greater than 0" in {
        str(p) for p in failure.value.problems
    }
    assert services.patients.search("") == []
    assert services.queries.page().rows == ()
