"""Ultrasound images stored with their session (issue 15, SQLite and PostgreSQL): saved and
loaded in order, never written again by an autosave that did not change them, never read by
lists, and carried through the session document's export and import."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from sqlalchemy import event, func, select

from tests.image_support import dicom_bytes, jpeg_bytes, png_bytes
from tests.services.conftest import Services, actor_for, two_site_entry
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.image_reading import read_ultrasound_image
from tpi_desk.clinical.record import SessionEntry
from tpi_desk.clinical.session_document import SessionDocument, from_json, to_json
from tpi_desk.clinical.ultrasound_images import UltrasoundImage
from tpi_desk.models.database import Database
from tpi_desk.models.procedures import SessionImage
from tpi_desk.services.dto import PatientRecord, ProviderRecord

PNG = read_ultrasound_image("long-axis.png", png_bytes())
JPEG = read_ultrasound_image("short-axis.jpg", jpeg_bytes(seed=3))
DICOM = read_ultrasound_image("probe.dcm", dicom_bytes(patient_id="SYN-1001"))


def with_images(*images: UltrasoundImage) -> SessionEntry:
    return replace(two_site_entry(), ultrasound_guided=True, ultrasound_images=images)


@contextmanager
def statements(database: Database) -> Iterator[list[str]]:
    """The SQL the engine runs inside the block (with each statement's bound values)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, sql: str, parameters: Any, *_: Any) -> None:
        seen.append(f"{sql} {parameters!r}"[:2_000])

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", record)


def _image_rows(database: Database, session_id: int) -> list[tuple[int, int, str]]:
    """(row id, position, file name) of the session's image rows, in order."""
    with database.session_factory() as db:
        query = (
            select(SessionImage.id, SessionImage.position, SessionImage.file_name)
            .where(SessionImage.session_id == session_id)
            .order_by(SessionImage.position)
        )
        return [tuple(row) for row in db.execute(query)]


def test_images_are_saved_and_loaded_in_order(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> None:
    actor = actor_for(physician)
    entry = with_images(DICOM, PNG, JPEG)

    created = services.drafts.create(patient.id, physician.id, entry, actor=actor)

    assert created.entry.ultrasound_images == (DICOM, PNG, JPEG)
    loaded = services.queries.load(created.id, actor=actor).entry.ultrasound_images
    assert loaded == (DICOM, PNG, JPEG)
    assert [image.content for image in loaded] == [DICOM.content, PNG.content, JPEG.content]


def test_an_autosave_that_changes_no_image_writes_no_image_row(
    services: Services, database: Database, patient: PatientRecord, physician: ProviderRecord
) -> None:
    actor = actor_for(physician)
    entry = with_images(PNG, JPEG)
    created = services.drafts.create(patient.id, physician.id, entry, actor=actor)

    with statements(database) as seen:
        saved = services.drafts.save(
            created.id, created.version, replace(entry, notes="Typed more."), actor=actor
        )

    written = [s for s in seen if "session_images" in s and not s.startswith("SELECT")]
    assert written == []
    assert saved.entry.ultrasound_images == (PNG, JPEG)


def test_reordering_keeps_the_rows_and_never_rewrites_the_bytes(
    services: Services, database: Database, patient: PatientRecord, physician: ProviderRecord
) -> None:
    actor = actor_for(physician)
    created = services.drafts.create(patient.id, physician.id, with_images(PNG, JPEG), actor=actor)
    rows_before = {name: row_id for row_id, _, name in _image_rows(database, created.id)}
    renamed = replace(JPEG, file_name="short-axis, renamed.jpg")

    with statements(database) as seen:
        saved = services.drafts.save(
            created.id, created.version, with_images(renamed, PNG), actor=actor
        )

    assert saved.entry.ultrasound_images == (renamed, PNG)
    assert _image_rows(database, created.id) == [
        (rows_before["short-axis.jpg"], 0, "short-axis, renamed.jpg"),
        (rows_before["long-axis.png"], 1, "long-axis.png"),
    ]
    image_writes = [s for s in seen if s.startswith(("INSERT INTO session_images", "UPDATE"))]
    assert not any("content" in s.split(" WHERE ")[0] for s in image_writes)


def test_removing_and_adding_images_deletes_and_inserts_only_those(
    services: Services, database: Database, patient: PatientRecord, physician: ProviderRecord
) -> None:
    actor = actor_for(physician)
    created = services.drafts.create(patient.id, physician.id, with_images(PNG, JPEG), actor=actor)
    (png_row, _, _), _ = _image_rows(database, created.id)

    saved = services.drafts.save(created.id, created.version, with_images(PNG, DICOM), actor=actor)
    assert saved.entry.ultrasound_images == (PNG, DICOM)
    (kept, _, _), (added, _, _) = _image_rows(database, created.id)
    assert kept == png_row and added > png_row

    cleared = services.drafts.save(created.id, saved.version, with_images(), actor=actor)
    assert cleared.entry.ultrasound_images == ()
    with database.session_factory() as db:
        assert db.scalar(select(func.count()).select_from(SessionImage)) == 0


def test_lists_of_sessions_never_read_an_image(
    services: Services, database: Database, patient: PatientRecord, physician: ProviderRecord
) -> None:
    actor = actor_for(physician)
    services.drafts.create(patient.id, physician.id, with_images(PNG, JPEG), actor=actor)

    with statements(database) as seen:
        page = services.queries.page(actor=actor)

    assert len(page.rows) == 1
    assert not any("session_images" in s for s in seen)


def test_images_travel_through_the_session_document(
    services: Services,
    catalog: Catalog,
    patient: PatientRecord,
    physician: ProviderRecord,
) -> None:
    actor = actor_for(physician)
    created = services.drafts.create(patient.id, physician.id, with_images(PNG, DICOM), actor=actor)
    record = services.queries.load(created.id, actor=actor)
    text = to_json(SessionDocument(record.patient.facts, record.provider.facts, record.entry))

    (imported,) = services.importing.import_documents([from_json(text, catalog)], actor=actor)

    again = services.queries.load(imported.session_id, actor=actor)
    assert again.entry.ultrasound_images == (PNG, DICOM)
