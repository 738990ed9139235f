"""Ultrasound images of a signed note (issue 15): signed in signed-note@4 by their SHA-256,
kept unchangeable by the database triggers (SQLite and PostgreSQL), and every change made
with the triggers dropped (as an attacker with write access would) named by ``verify``."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from tests.image_support import jpeg_bytes, png_bytes
from tests.security.conftest import Desk, SignNote, Staff
from tests.security.test_verify import findings, tamper
from tests.services.conftest import two_site_entry
from tpi_desk.clinical.image_reading import read_ultrasound_image
from tpi_desk.clinical.record import SessionEntry
from tpi_desk.models.database import Database
from tpi_desk.models.procedures import Signature
from tpi_desk.services.dto import SessionRecord
from tpi_desk.services.storage.unit_of_work import LOCKED_RECORD_MARKER

IMAGE_COLUMNS = (
    "session_id, position, file_name, media_type, content, sha256, width, height, "
    "dicom_patient_name, dicom_patient_id"
)
COPY_FIRST = IMAGE_COLUMNS.replace("session_id, position", "{target}, {position}")
# What an attacker may try on a signed note's images, as SQL over the note's id ({id});
# ({other}: the id of a note holding images, for a copy into a note without).
CHANGES = {
    "alter the bytes of an image": (
        "UPDATE session_images SET content = (SELECT content FROM session_images "
        "WHERE session_id = {id} AND position = 1) WHERE session_id = {id} AND position = 0"
    ),
    "delete an image": "DELETE FROM session_images WHERE session_id = {id} AND position = 1",
    "add an image": (
        f"INSERT INTO session_images ({IMAGE_COLUMNS}) SELECT "
        + COPY_FIRST.format(target="session_id", position="2")
        + " FROM session_images WHERE session_id = {id} AND position = 0"
    ),
    "reorder the images": (
        "UPDATE session_images SET position = 1 - position WHERE session_id = {id}"
    ),
}


def imaged_entry() -> SessionEntry:
    images = (
        read_ultrasound_image("long-axis.png", png_bytes()),
        read_ultrasound_image("short-axis.jpg", jpeg_bytes(seed=11)),
    )
    return replace(
        two_site_entry(),
        ultrasound_guided=True,
        ultrasound_device="Linear probe, 12 MHz",
        ultrasound_interpretation="Needle tip within the taut band; pleura not in the path.",
        ultrasound_images=images,
    )


@pytest.fixture
def imaged_note(staff: Staff, sign_note: SignNote) -> SessionRecord:
    return sign_note(staff.physician, imaged_entry())


def _content(database: Database, session_id: int) -> dict[str, object]:
    with database.session_factory() as db:
        link = db.scalars(select(Signature).where(Signature.record_id == session_id)).one()
        content = json.loads(link.content)
    assert isinstance(content, dict)
    return content


def test_a_note_with_images_is_signed_in_format_4_by_each_images_hash(
    desk: Desk, database: Database, staff: Staff, imaged_note: SessionRecord
) -> None:
    content = _content(database, imaged_note.id)

    assert content["format"] == "tpi-desk/signed-note@4"
    session = content["session"]
    assert isinstance(session, dict)
    assert session["ultrasound"]["images"] == [
        {
            "sha256": image.sha256,
            "media_type": image.image_format.value,
            "file_name": image.file_name,
            "width": image.width,
            "height": image.height,
        }
        for image in imaged_entry().ultrasound_images
    ]
    assert desk.queries.load(imaged_note.id, actor=staff.physician).entry == imaged_entry()
    assert desk.verification.verify(actor=staff.admin).intact


def test_a_note_without_images_is_still_signed_in_format_3(
    database: Database, staff: Staff, sign_note: SignNote
) -> None:
    note = sign_note(staff.physician)
    assert _content(database, note.id)["format"] == "tpi-desk/signed-note@3"


@pytest.mark.parametrize("what", list(CHANGES))
def test_the_triggers_refuse_any_change_to_a_signed_notes_images(
    desk: Desk, database: Database, staff: Staff, imaged_note: SessionRecord, what: str
) -> None:
    with pytest.raises(DBAPIError) as refusal, database.engine.begin() as connection:
        connection.execute(text(CHANGES[what].format(id=imaged_note.id)))

    assert LOCKED_RECORD_MARKER in str(refusal.value.orig)
    assert desk.queries.load(imaged_note.id, actor=staff.physician).entry == imaged_entry()
    assert desk.verification.verify(actor=staff.admin).intact


@pytest.mark.parametrize("what", list(CHANGES))
def test_verify_names_a_note_whose_images_were_changed_with_the_triggers_dropped(
    desk: Desk, database: Database, staff: Staff, imaged_note: SessionRecord, what: str
) -> None:
    tamper(database, [CHANGES[what].format(id=imaged_note.id)])

    found = findings(desk)

    assert len(found) == 2, found  # the dropped triggers, and the note
    assert "protective triggers are missing" in found[0]
    assert found[1].startswith(f"signatures: signed note #{imaged_note.id} ")
    assert found[1].endswith("altered outside the app (session ultrasound)")


def test_a_swapped_blob_is_found_even_with_its_hash_column_rewritten(
    desk: Desk, database: Database, imaged_note: SessionRecord
) -> None:
    swap = CHANGES["alter the bytes of an image"].format(id=imaged_note.id)
    rehash = (
        "UPDATE session_images SET sha256 = (SELECT sha256 FROM session_images "
        f"WHERE session_id = {imaged_note.id} AND position = 1) "
        f"WHERE session_id = {imaged_note.id} AND position = 0"
    )
    tamper(database, [swap, rehash])

    assert any(f"signed note #{imaged_note.id} " in finding for finding in findings(desk))


def test_an_image_slipped_into_a_note_signed_without_images_is_named(
    desk: Desk, database: Database, staff: Staff, sign_note: SignNote, imaged_note: SessionRecord
) -> None:
    plain = sign_note(staff.physician)
    slip = (
        f"INSERT INTO session_images ({IMAGE_COLUMNS}) SELECT "
        + COPY_FIRST.format(target=str(plain.id), position="0")
        + f" FROM session_images WHERE session_id = {imaged_note.id} AND position = 0"
    )
    with pytest.raises(DBAPIError), database.engine.begin() as connection:
        connection.execute(text(slip))  # the trigger refuses it
    tamper(database, [slip])

    found = findings(desk)

    assert found[1:] == [
        (
            f"signatures: signed note #{plain.id} (signature #{_sequence(database, plain.id)}) "
            "was altered outside the app (ultrasound images added after signing)"
        )
    ]


def _sequence(database: Database, session_id: int) -> int:
    with database.session_factory() as db:
        return db.scalars(select(Signature.sequence).where(Signature.record_id == session_id)).one()
