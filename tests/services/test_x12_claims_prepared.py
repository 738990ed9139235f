"""The claim file in two steps, as the export dialog runs it (issue 15): prepared beside its
target and checked with pyx12, then put in place and audited, or discarded (a cancelled run)
leaving nothing and auditing nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.services.conftest import NOW, Services
from tests.services.test_x12_claims import (
    CLINIC,
    DAY,
    claims,
    insured,
    sign,
    two_site_with_drugs,
)
from tests.x12_support import assert_valid_837p
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.models.audit import AuditEvent
from tpi_desk.models.database import Database
from tpi_desk.models.settings import ClinicSetting
from tpi_desk.services.dto import PatientRecord, ProviderRecord
from tpi_desk.services.export.exporting import ExportService
from tpi_desk.services.export.x12_claims import (
    DESTINATION,
    BillingIdentityIncomplete,
    ClaimFileService,
)

__all__ = ["claims"]


def export_events(database: Database) -> list[AuditEvent]:
    with database.session_factory() as db:
        return list(db.scalars(select(AuditEvent).where(AuditEvent.action == "export")))


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder to export to (``tmp_path`` holds the database)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def signed_note(services: Services, patient: PatientRecord, physician: ProviderRecord) -> int:
    insured(services, patient, physician)
    return sign(services, patient, physician, two_site_with_drugs())


def test_a_prepared_file_is_checked_then_committed_and_audited(
    claims: ClaimFileService, signed_note: int, database: Database, out: Path
) -> None:
    path = out / "claims.837"
    progress: list[tuple[int, int | None]] = []

    prepared = claims.prepare(
        DAY, path, progress=lambda done, total: progress.append((done, total))
    )

    assert prepared is not None and progress == [(1, 1)]
    assert not path.exists() and prepared.temporary.parent == out
    assert export_events(database) == []
    summary = prepared.commit()
    assert_valid_837p(path)
    assert list(out.iterdir()) == [path]
    assert summary.session_ids == (str(signed_note),)
    (event,) = export_events(database)
    assert event.record_id == signed_note and event.detail.startswith(DESTINATION)


def test_a_discarded_file_leaves_nothing_and_is_not_audited(
    claims: ClaimFileService, signed_note: int, database: Database, out: Path
) -> None:
    path = out / "claims.837"
    path.write_text("the file of an earlier run", encoding="ascii")
    prepared = claims.prepare(DAY, path)
    assert prepared is not None

    prepared.discard()

    assert list(out.iterdir()) == [path]
    assert path.read_text(encoding="ascii") == "the file of an earlier run"
    assert export_events(database) == []


def test_a_cancelled_preparation_writes_nothing(
    claims: ClaimFileService, signed_note: int, database: Database, out: Path
) -> None:
    assert claims.prepare(DAY, out / "claims.837", cancelled=lambda: True) is None

    assert list(out.iterdir()) == []
    assert export_events(database) == []


def test_a_missing_billing_identity_lists_the_settings_by_label(
    services: Services,
    patient: PatientRecord,
    physician: ProviderRecord,
    database: Database,
    catalog: Catalog,
    out: Path,
) -> None:
    """What the export dialog names, beside the menu item that sets them."""
    insured(services, patient, physician)
    sign(services, patient, physician, two_site_with_drugs())
    with database.session_factory.begin() as db:
        db.add_all(
            ClinicSetting(key=key, value=value)
            for key, value in CLINIC.items()
            if key not in ("clinic.tax_id", "claims.receiver_id")
        )
    exporting = ExportService(database.session_factory, catalog, clock=lambda: NOW)
    claims = ClaimFileService(database.session_factory, exporting, clock=lambda: NOW)

    with pytest.raises(BillingIdentityIncomplete) as refused:
        claims.prepare(DAY, out / "claims.837")

    assert refused.value.missing == ("Tax ID (EIN, 9 digits)", "Claims receiver ID")
    assert list(out.iterdir()) == []
