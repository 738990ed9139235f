"""On SQLite, verify lets SQLite write each note's and audit entry's canonical text (issue 13):
byte for byte the text the Python rebuild writes, for every field of the session shape, in
every note format the fast path writes, with unicode, quotes, '%' and control characters.

If SQLite's text ever drifted from Python's, every note would take the Python path (still
correct, only slower): pinned here so that the speed does not silently go.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from tests.security.conftest import PASSWORD, Desk, SignNote, Staff
from tests.security.test_note_text import ENTRIES
from tests.security.test_verify import findings
from tests.services.conftest import two_site_entry
from tpi_desk.clinical.record import SessionEntry
from tpi_desk.models.database import Database
from tpi_desk.services.dto import PatientRecord
from tpi_desk.services.integrity import link_rows
from tpi_desk.services.integrity.audit_check import _entry_sql
from tpi_desk.services.integrity.canonical import sha256_hex
from tpi_desk.services.integrity.link_chunks import _written_by_sqlite
from tpi_desk.services.integrity.link_rows import load_link_rows
from tpi_desk.services.integrity.note_sql import note_text_sql
from tpi_desk.services.integrity.note_text import (
    fast_formats,
    note_format_of,
    note_text,
    people_texts,
)
from tpi_desk.services.integrity.sql_canonical import (
    PERSON,
    ascii_escaped,
    hashes_to,
    same_note_text,
    template_sql,
)


@pytest.fixture(autouse=True)
def _sqlite_only(database: Database) -> None:
    if database.engine.dialect.name != "sqlite":
        pytest.skip("SQLite writes the text; PostgreSQL keeps the Python path")


def _hostile() -> SessionEntry:
    """Texts that printf, SQL quoting and JSON escaping could each get wrong."""
    return replace(
        two_site_entry(),
        notes="100% better, 50%s %d %% O'Brien's \x7f DEL, 😀 astral, \\u00e9 typed, ´ é",
        instructions='\'; DROP TABLE x; -- "quoted" \\ back\\slash\r\n\tend',
        follow_up="\u2028 line separator, \ufeff BOM, \u00a0 no-break",
    )


NOTES = {**ENTRIES, "hostile": _hostile()}
PEOPLE = ("patient", "provider", "signer")


def _plain(database: Database) -> sqlite3.Connection:
    return sqlite3.connect(str(database.url.database))


def _with_cosign_requests(database: Database, session_ids: list[int]) -> None:
    plain = _plain(database)
    try:
        plain.executemany(
            "INSERT INTO cosign_requests (session_id, requested_at) "
            "VALUES (?, '2026-11-20 16:00:00.000000')",
            [(session_id,) for session_id in session_ids],
        )
        plain.commit()
    finally:
        plain.close()


def test_sqlite_writes_the_python_text_of_every_note_in_every_format(
    desk: Desk, staff: Staff, patient: PatientRecord, sign_note: SignNote
) -> None:
    # Every field's variants as drafts (SQLite writes a draft's text alike), one signed note.
    author = staff.physician
    ids = [
        desk.drafts.create(patient.id, author.user_id, entry, actor=author).id
        for entry in NOTES.values()
    ]
    signed = sign_note(author, NOTES["hostile"])
    # Co-signature requests on every other draft (the signed note keeps what it signed).
    _with_cosign_requests(desk.database, ids[::2])
    ids.append(signed.id)
    formats = fast_formats()
    assert len(formats) >= 3  # @3, @2 and @1 at least
    with desk.database.session_factory() as db:
        rows = load_link_rows(db, 0, None)
        notes = link_rows._notes(db, min(ids), max(ids), set(ids))
        sites = link_rows._sites(db, min(ids), max(ids), set(ids))
    people = people_texts(rows.links[-1].content)
    assert people is not None
    plain = _plain(desk.database)
    try:
        for note_format in formats:
            text_sql = note_text_sql(note_format)
            assert text_sql is not None, f"SQLite does not write {note_format}"
            query = f"SELECT {text_sql} FROM procedure_sessions n WHERE n.id = ?"
            for note_id in ids:
                values = notes[note_id] | {
                    "session_id": note_id,
                    "signer_id": notes[note_id]["signed_by_id"],
                }
                expected = note_text(note_format, values, sites.get(note_id, []), people)
                (written,) = plain.execute(query, (note_id,)).fetchone()
                pieces = ascii_escaped(written).split(PERSON)
                assert len(pieces) == 4
                filled = "".join(
                    piece + people.get(name, "")
                    for piece, name in zip(pieces, (*PEOPLE, ""), strict=True)
                )
                assert filled == expected, (note_format, note_id)
                assert same_note_text(written, expected)
    finally:
        plain.close()
    # The content signed now is in the first format, which SQLite writes as signed: the
    # hostile note (kept as typed) takes SQLite's path, not the Python rebuild.
    assert note_format_of(rows.links[-1].content) == formats[0]
    assert "\x7f" in notes[signed.id]["notes"] and "😀" in notes[signed.id]["notes"]
    with desk.database.session_factory() as db:
        links, as_signed = _written_by_sqlite(db, 0, None)
    assert {link.sequence for link in links if link.session_id == signed.id} <= as_signed
    assert findings(desk) == []


def test_sqlite_writes_each_audit_entry_s_hashed_text(
    desk: Desk, staff: Staff, sign_note: SignNote
) -> None:
    sign_note(staff.physician, _hostile())
    plain = _plain(desk.database)
    try:
        entries = plain.execute(_entry_sql(False, False)).fetchall()
    finally:
        plain.close()

    assert len(entries) > 10
    assert all(hashes_to(text, own) for _, _, _, own, text in entries)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("plain", "plain"),
        ('{"a":%(one)s,"b":"100%%"}', '{"a":1,"b":"100%"}'),
        ("%(one)s" * 250, "1" * 250),  # more slots than SQLite takes arguments at once
        ("%(one)s" * 100 + "end", "1" * 100 + "end"),
        ("", ""),
    ],
)
def test_a_template_becomes_one_sql_text(template: str, expected: str) -> None:
    plain = sqlite3.connect(":memory:")
    try:
        (written,) = plain.execute(f"SELECT {template_sql(template, {'one': '1'})}").fetchone()
    finally:
        plain.close()
    assert written == expected


def test_a_text_sqlite_leaves_unescaped_is_escaped_as_canonical_json() -> None:
    assert ascii_escaped('"é😀\x7f"') == '"\\u00e9\\ud83d\\ude00\\u007f"'
    assert hashes_to('{"a":"é"}', sha256_hex('{"a":"\\u00e9"}'))
    assert not hashes_to('{"a":"\x01"}', sha256_hex('{"a":"\x01"}'))  # the not-as-stored mark
    assert not hashes_to(None, sha256_hex(""))


def test_addenda_between_notes_take_sqlite_s_path_with_the_notes(
    desk: Desk, staff: Staff, sign_note: SignNote
) -> None:
    first = sign_note(staff.physician)
    desk.addenda.add(
        first.id, staff.physician.user_id, "Soreness gone.", actor=staff.physician,
        password=PASSWORD,
    )  # fmt: skip
    sign_note(staff.physician)
    with desk.database.session_factory() as db:
        links, as_signed = _written_by_sqlite(db, 0, None)

    assert [link.record_type.value for link in links] == ["session", "addendum", "session"]
    assert as_signed == {1, 2, 3}  # the addendum too (record_sql.py)
    assert findings(desk) == []
