"""Notes are signed as tpi-desk/signed-note@3 (issue 14: the procedure's start and end times
and the chaperone), and a note signed as tpi-desk/signed-note@2 still verifies in its own
format (docs/security.md, "What each format covers")."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import time
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.security.conftest import Desk, SignNote, Staff
from tests.security.test_verify_note_formats import _rewrite_keeping_triggers
from tests.services.conftest import two_site_entry
from tpi_desk.clinical.record import SessionEntry
from tpi_desk.models.database import Database
from tpi_desk.models.procedures import Signature
from tpi_desk.services.integrity.canonical import (
    GENESIS_HASH,
    canonical_json,
    link_hash,
    sha256_hex,
)
from tpi_desk.services.integrity.integrity import NOTE_FORMAT_V2, entry_part_v2


@pytest.fixture(autouse=True)
def _sqlite_only(database: Database) -> None:
    if database.engine.dialect.name != "sqlite":
        pytest.skip("rewrites a signature with the SQLite driver")


def _recorded_entry() -> SessionEntry:
    return replace(
        two_site_entry(),
        procedure_started=time(9, 32),
        procedure_ended=time(9, 51),
        chaperone="Rosa Delgado, MA",
    )


def test_a_note_is_signed_as_signed_note_3_with_its_times_and_chaperone(
    desk: Desk, staff: Staff, sign_note: SignNote
) -> None:
    sign_note(staff.physician, _recorded_entry())

    with desk.database.session_factory() as db:
        content = json.loads(db.scalars(select(Signature)).one().content)
    assert content["format"] == "tpi-desk/signed-note@3"
    assert content["session"]["procedure_time"] == {"started": "09:32", "ended": "09:51"}
    assert content["session"]["chaperone"] == "Rosa Delgado, MA"
    assert desk.verification.verify(record=False).intact


def test_a_changed_chaperone_after_signing_is_named(
    desk: Desk, staff: Staff, sign_note: SignNote
) -> None:
    note = sign_note(staff.physician, _recorded_entry())
    _rewrite_keeping_triggers(
        desk.database,
        [("UPDATE procedure_sessions SET chaperone = 'Someone else' WHERE id = ?", (note.id,))],
    )

    messages = [f.message for f in desk.verification.verify(record=False).findings]
    assert any("was altered outside the app (session chaperone)" in m for m in messages), messages


def test_the_database_refuses_to_change_a_signed_notes_times(
    desk: Desk, staff: Staff, sign_note: SignNote
) -> None:
    """Migration 0007 recreated the SQLite trigger with the new columns."""
    note = sign_note(staff.physician, _recorded_entry())
    with (
        pytest.raises(Exception, match="tpi-desk locked record"),
        desk.database.engine.begin() as connection,
    ):
        connection.exec_driver_sql(
            "UPDATE procedure_sessions SET procedure_ended = '10:30:00.000000', "
            "status = 'entered_in_error', version = version + 1 WHERE id = ?",
            (note.id,),
        )


def test_a_note_signed_as_signed_note_2_still_verifies(
    desk: Desk, staff: Staff, sign_note: SignNote
) -> None:
    note = sign_note(staff.physician)
    with desk.database.session_factory() as db:
        stored = json.loads(db.scalars(select(Signature)).one().content, parse_float=Decimal)
    # The same note as the previous release signed it: the @2 session part.
    old = {
        **stored,
        "format": NOTE_FORMAT_V2,
        "session": json.loads(canonical_json(entry_part_v2(note.entry)), parse_float=Decimal),
    }
    content = canonical_json(old)
    content_hash = sha256_hex(content)
    chain_hash = link_hash(GENESIS_HASH, content_hash)
    _rewrite_keeping_triggers(
        desk.database,
        [
            (
                "UPDATE signatures SET content = ?, content_hash = ?, chain_hash = ?, "
                "key_id = NULL, signature = NULL WHERE sequence = 1",
                (content, content_hash, chain_hash),
            ),
            ("DELETE FROM signing_keys", ()),
            ("UPDATE chain_heads SET hash = ? WHERE name = 'signatures'", (chain_hash,)),
            (
                "UPDATE procedure_sessions SET content_hash = ? WHERE id = ?",
                (content_hash, note.id),
            ),
        ],
    )

    report = desk.verification.verify(record=False)
    assert report.intact, [f.message for f in report.findings]
