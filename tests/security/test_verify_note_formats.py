"""Notes are signed as tpi-desk/signed-note@2 (every field of session document @2), and a
note signed by an earlier version as tpi-desk/signed-note@1 still verifies: ``verify``
re-serialises each note in the format it was signed in (docs/security.md)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from tests.security.conftest import Desk, SignNote, Staff
from tests.services.conftest import two_site_entry
from tpi_desk.clinical.record import ConsentType, Tolerance
from tpi_desk.models.database import Database
from tpi_desk.models.procedures import Signature
from tpi_desk.services.integrity.canonical import (
    GENESIS_HASH,
    canonical_json,
    link_hash,
    sha256_hex,
)
from tpi_desk.services.integrity.integrity import NOTE_FORMAT_V1, entry_part_v1


def _rewrite_keeping_triggers(
    database: Database, statements: list[tuple[str, tuple[Any, ...]]]
) -> None:
    """Run ``statements`` with the protective triggers lifted for the moment, as the previous
    release's own signing would have written these rows, then put the triggers back."""
    plain = sqlite3.connect(str(database.url.database))
    try:
        triggers = plain.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        ).fetchall()
        for name, _ in triggers:
            plain.execute(f"DROP TRIGGER {name}")
        for statement, parameters in statements:
            plain.execute(statement, parameters)
        for _, sql in triggers:
            plain.execute(sql)
        plain.commit()
    finally:
        plain.close()


@pytest.fixture(autouse=True)
def _sqlite_only(database: Database) -> None:
    if database.engine.dialect.name != "sqlite":
        pytest.skip("rewrites a signature with the SQLite driver")


def test_a_note_is_signed_with_the_fields_of_signed_note_2(
    desk: Desk, staff: Staff, sign_note: SignNote
) -> None:
    entry = replace(
        two_site_entry(),
        consent_type=ConsentType.WRITTEN,
        consent_risks=("bleeding_bruising", "infection"),
        exam_findings=("taut_band", "referred_pain"),
        tolerance=Tolerance.WELL,
        observation_minutes=15,
        location_state="NY",
    )
    sign_note(staff.physician, entry)

    with desk.database.session_factory() as db:
        content = json.loads(db.scalars(select(Signature)).one().content)
    assert content["format"] == "tpi-desk/signed-note@3"  # @2's fields, and @3's (issue 14)
    assert content["session"]["consent"]["type"] == "written"
    assert content["session"]["exam_findings"] == ["taut_band", "referred_pain"]
    assert content["session"]["location"]["state"] == "NY"
    assert content["patient"]["coverage"] == "unknown"
    assert content["signer"]["acupuncture_certified"] is False
    assert desk.verification.verify(record=False).intact


def test_a_change_to_a_new_field_after_signing_is_named(
    desk: Desk, staff: Staff, sign_note: SignNote
) -> None:
    note = sign_note(staff.physician)
    _rewrite_keeping_triggers(
        desk.database,
        [("UPDATE procedure_sessions SET tolerance = 'poor' WHERE id = ?", (note.id,))],
    )

    messages = [f.message for f in desk.verification.verify(record=False).findings]
    assert any("was altered outside the app (session tolerance)" in m for m in messages), messages


def test_a_note_signed_as_signed_note_1_still_verifies(
    desk: Desk, staff: Staff, sign_note: SignNote
) -> None:
    note = sign_note(staff.physician)
    with desk.database.session_factory() as db:
        stored = json.loads(db.scalars(select(Signature)).one().content, parse_float=Decimal)
    # The same note as the previous release signed it: the @1 session part and people's facts.
    old = {
        **stored,
        "format": NOTE_FORMAT_V1,
        "session": json.loads(canonical_json(entry_part_v1(note.entry)), parse_float=Decimal),
        "patient": {
            k: v
            for k, v in stored["patient"].items()
            if k not in {"coverage", "no_known_drug_allergies"}
        },
        "provider": {k: v for k, v in stored["provider"].items() if k != "acupuncture_certified"},
        "signer": {k: v for k, v in stored["signer"].items() if k != "acupuncture_certified"},
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
            # The previous release had no signing keys (issue 13 added them): its signers
            # get their first key after the upgrade, so their old notes carry none.
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

    # ... and it is still checked in its own format: a change to its notes is named.
    _rewrite_keeping_triggers(
        desk.database,
        [("UPDATE procedure_sessions SET notes = 'Rewritten.' WHERE id = ?", (note.id,))],
    )
    messages = [f.message for f in desk.verification.verify(record=False).findings]
    assert any("was altered outside the app (session notes)" in m for m in messages), messages
