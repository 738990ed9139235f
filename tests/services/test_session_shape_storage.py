"""Every field of the session shape is stored, templated, signed and generated.

Parametrised over ``tests/shape_support.VARIANTS``: a field added to ``clinical/record.py``
(with its variant) fails here until the ORM has its column, templates keep it (or its
definition says they leave it out), the signed content covers it and demo data fills it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from tests.services.conftest import Services, actor_for
from tests.shape_support import NOT_IN_TEMPLATES, Change, base_entry, variant_params
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.session_shape import (
    MEDICATION_FIELDS,
    SESSION_FIELDS,
    SITE_FIELDS,
    ShapeField,
)
from tpi_desk.models.base import Base
from tpi_desk.models.database import Database
from tpi_desk.models.procedures import InjectionSite, MedicationLine, ProcedureSession
from tpi_desk.services.demo_data import generate_demo_data
from tpi_desk.services.dto import PatientRecord, ProviderRecord
from tpi_desk.services.integrity.canonical import canonical_json
from tpi_desk.services.integrity.integrity import entry_part_as_signed
from tpi_desk.services.sessions.record_mapping import (
    MEDICATION_COLUMN_FIELDS,
    SESSION_COLUMN_FIELDS,
    SITE_COLUMN_FIELDS,
    session_entry,
)
from tpi_desk.services.sessions.templates import TemplateService

# Columns that are bookkeeping, relations or children, not fields of the shape.
SESSION_BOOKKEEPING = {
    "id", "patient_id", "provider_id", "performed_at", "performed_at_offset_minutes",
    "conservative_care_tried", "ongoing_care", "status", "signed_at", "signed_by_id",
    "content_hash", "created_at", "updated_at", "version",
}  # fmt: skip
CHILD_BOOKKEEPING = {"id", "session_id", "site_id", "position"}
# Shape fields the demo generator leaves at their defaults on purpose.
# The procedure's times: a demo body is shared by notes at different times of day.
# Images: a demo database of a million notes would carry gigabytes of pictures; the images
# are covered by tests/services/test_session_image_storage.py instead.
NOT_GENERATED = {
    "session.side_effects",
    "session.complications",
    "session.procedure_started",
    "session.procedure_ended",
    "session.ultrasound_images",
}


def _columns(model: type[Base]) -> set[str]:
    return {column.key for column in sa_inspect(model).columns}


@pytest.mark.parametrize(
    ("model", "fields", "bookkeeping"),
    [
        (ProcedureSession, SESSION_COLUMN_FIELDS, SESSION_BOOKKEEPING),
        (InjectionSite, SITE_COLUMN_FIELDS, CHILD_BOOKKEEPING),
        (MedicationLine, MEDICATION_COLUMN_FIELDS, CHILD_BOOKKEEPING),
    ],
    ids=["session", "site", "medication"],
)
def test_the_orm_has_a_column_for_each_copied_field_and_no_other(
    model: type[Base], fields: tuple[str, ...], bookkeeping: set[str]
) -> None:
    assert _columns(model) - bookkeeping == set(fields)


@pytest.mark.parametrize(("path", "change"), variant_params())
def test_a_draft_stores_and_loads_each_field(
    path: str,
    change: Change,
    services: Services,
    patient: PatientRecord,
    physician: ProviderRecord,
) -> None:
    entry = change(base_entry())
    actor = actor_for(physician)

    created = services.drafts.create(patient.id, physician.id, base_entry(), actor=actor)
    saved = services.drafts.save(created.id, created.version, entry, actor=actor)

    assert services.queries.load(created.id).entry == entry
    assert saved.entry == entry


@pytest.mark.parametrize(("path", "change"), variant_params(("site.", "medication.")))
def test_a_template_keeps_each_site_field_it_should(
    path: str, change: Change, database: Database, catalog: Catalog, physician: ProviderRecord
) -> None:
    templates = TemplateService(database.session_factory, catalog)
    sites = change(base_entry()).sites

    templates.save(physician.id, "Neck", base_entry().kind, sites, actor=actor_for(physician))
    (listed,) = templates.list_for(physician.id, actor=actor_for(physician))

    if path in NOT_IN_TEMPLATES:
        assert listed.sites == base_entry().sites
    else:
        assert listed.sites == sites


def test_a_template_drops_lots_expiry_dates_and_waste() -> None:
    # What was discarded belongs to one vial on one day, like its lot.
    assert {"medication.lot", "medication.expires", "medication.discarded_ml"} == NOT_IN_TEMPLATES


@pytest.mark.parametrize(("path", "change"), variant_params())
def test_the_signed_content_covers_each_field(path: str, change: Change) -> None:
    assert canonical_json(entry_part_as_signed(change(base_entry()))) != canonical_json(
        entry_part_as_signed(base_entry())
    )


def test_demo_data_fills_every_field(database: Database, catalog: Catalog) -> None:
    generate_demo_data(
        database.engine, catalog, patients=30, sessions=400, seed=3, today=date(2026, 3, 4),
        signatures=False,
    )  # fmt: skip
    with database.session_factory() as db:
        sessions = [session_entry(row) for row in db.scalars(select(ProcedureSession))]
    sites = [site for entry in sessions for site in entry.sites]
    medications = [medication for site in sites for medication in site.medications]
    filled = {
        *_filled("session", SESSION_FIELDS, sessions),
        *_filled("site", SITE_FIELDS, sites),
        *_filled("medication", MEDICATION_FIELDS, medications),
    }
    everything = {
        *(f"session.{f.name}" for f in SESSION_FIELDS),
        *(f"site.{f.name}" for f in SITE_FIELDS),
        *(f"medication.{f.name}" for f in MEDICATION_FIELDS),
    }
    assert everything - filled == NOT_GENERATED


def _filled(scope: str, fields: tuple[ShapeField, ...], records: Sequence[object]) -> set[str]:
    """The fields that some record sets to a value other than the field's default."""
    return {
        f"{scope}.{field.name}"
        for field in fields
        if field.required or any(getattr(r, field.name) != field.default for r in records)
    }
