"""Addenda, co-signatures, entered-in-error marks and notes holding ultrasound images take
SQLite's fast path too (record_sql.py, note_images.py; issue 13): untouched, every link is
found as signed there; each of their columns, and their link's, altered outside the app is
reported exactly as the full check alone reports it (on PostgreSQL too, by the full check).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.security.conftest import PASSWORD, Desk, SignNote, Staff
from tests.security.test_image_tampering import imaged_entry
from tests.security.test_sql_note_tampering import _findings, _other_value, _plain, _tampered
from tests.security.test_verify import findings, tamper
from tpi_desk.models.database import Database
from tpi_desk.models.procedures import Addendum, Cosignature, EnteredInErrorMark, SessionImage
from tpi_desk.services.integrity.link_chunks import _written_by_sqlite
from tpi_desk.services.settings.clinic_settings import REQUIRE_PHYSICIAN_COSIGN

# Signature #: 1 note, 2 its addendum, 3 an NP's note, 4 its co-signature, 5 a note,
# 6 its error mark, 7 a note holding two images (signed-note@4).
_LINKS = {"addendum": 2, "cosignature": 4, "mark": 6, "imaged note": 7}


def _build(desk: Desk, staff: Staff, sign_note: SignNote) -> None:
    desk.settings.set_value(REQUIRE_PHYSICIAN_COSIGN, True, actor=staff.admin)
    first = sign_note(staff.physician)
    desk.addenda.add(
        first.id, staff.physician.user_id, "Soreness gone, 100% better.",
        actor=staff.physician, password=PASSWORD,
    )  # fmt: skip
    by_np = sign_note(staff.nurse_practitioner)
    desk.cosign.cosign(by_np.id, staff.physician, PASSWORD)
    wrong = sign_note(staff.physician)
    desk.errors.mark_entered_in_error(wrong.id, "Wrong patient: Zoë's.", staff.physician, PASSWORD)
    sign_note(staff.physician, imaged_entry())


@pytest.fixture
def built(desk: Desk, staff: Staff, sign_note: SignNote, tmp_path: Path) -> Path:
    """A copy of a database holding one link of each kind (``_LINKS``), all of them taking
    SQLite's path."""
    if desk.database.engine.dialect.name != "sqlite":
        pytest.skip("SQLite writes the text; PostgreSQL keeps the full check")
    _build(desk, staff, sign_note)
    with desk.database.session_factory() as db:
        links, as_signed = _written_by_sqlite(db, 0, None)
    assert [link.record_type.value for link in links] == [
        "session", "addendum", "session", "cosignature", "session", "entered_in_error",
        "session",
    ]  # fmt: skip
    assert as_signed == {link.sequence for link in links}
    copy = tmp_path / "built.sqlite3"
    with _plain(Path(str(desk.database.url.database))) as source, _plain(copy) as target:
        source.backup(target)
    return copy


def _columns(model: type, names: tuple[str, ...], where: str) -> Iterator[tuple[str, str]]:
    table = model.__table__  # type: ignore[attr-defined]
    for name in names:
        yield (
            f"{table.name} {name}",
            f"UPDATE {table.name} SET {name} = {_other_value(table.c[name], name)} WHERE {where}",
        )


def _alterations() -> Iterator[tuple[str, str]]:
    yield from _columns(
        Addendum, ("session_id", "author_id", "created_at", "text", "signed_at"), "id = 1"
    )
    yield from _columns(Cosignature, ("session_id", "cosigner_id", "cosigned_at"), "id = 1")
    yield from _columns(
        EnteredInErrorMark, ("session_id", "marked_by_id", "marked_at", "reason"), "id = 1"
    )
    # (A position alone renumbered, the order kept, changes nothing signed: "reordered" below.)
    image = "session_id = 4 AND position = 0"
    yield from _columns(
        SessionImage, ("file_name", "media_type", "content", "width", "height"), image
    )
    for sequence in _LINKS.values():
        for name, value in (
            ("record_id", "record_id + 1"),
            ("session_id", "session_id + 1"),
            ("signer_id", "signer_id + 1"),
            ("signed_at", "'2025-01-02 03:04:05.000000'"),
        ):
            yield (
                f"link #{sequence} {name}",
                f"UPDATE signatures SET {name} = {value} WHERE sequence = {sequence}",
            )
    for session_id in (1, 2, 3):
        yield (
            f"note #{session_id} content_hash",
            "UPDATE procedure_sessions SET content_hash = (CASE WHEN content_hash LIKE 'f%' "
            f"THEN 'e' ELSE 'f' END) || SUBSTR(content_hash, 2) WHERE id = {session_id}",
        )
    yield "the error mark undone", "UPDATE procedure_sessions SET status = 'signed' WHERE id = 3"
    yield "an error mark removed", "DELETE FROM entered_in_error_marks"
    yield "a co-signature removed", "DELETE FROM cosignatures"
    yield "an addendum removed", "DELETE FROM addenda"
    yield "an image removed", f"DELETE FROM session_images WHERE {image}"
    yield (
        "an image added",
        "INSERT INTO session_images (session_id, position, file_name, media_type, content, "
        "sha256, width, height, dicom_patient_name, dicom_patient_id) SELECT session_id, 2, "
        "file_name, media_type, content, sha256, width, height, '', '' FROM session_images "
        f"WHERE {image}",
    )
    yield (
        "the images reordered",
        "UPDATE session_images SET position = 1 - position WHERE session_id = 4",
    )
    yield (
        "an image's bytes swapped, its hash column too",
        "UPDATE session_images SET (content, sha256) = (SELECT content, sha256 FROM "
        "session_images WHERE session_id = 4 AND position = 1) WHERE session_id = 4 "
        "AND position = 0",
    )


# Values stored otherwise than the app stores them.
_STORED_OTHERWISE = {
    "an addendum's text as a blob": "UPDATE addenda SET text = CAST(text AS BLOB)",
    "an addendum's time with a T": "UPDATE addenda SET created_at = REPLACE(created_at, ' ', 'T')",
    "an addendum's author as text": "UPDATE addenda SET author_id = 'x' || author_id",
    "a co-signer as a blob": "UPDATE cosignatures SET cosigner_id = CAST(cosigner_id AS BLOB)",
    "a mark's reason as a number": "UPDATE entered_in_error_marks SET reason = 7",
    "an image's bytes as text": "UPDATE session_images SET content = CAST(content AS TEXT)",
    "an image's width as text": "UPDATE session_images SET width = 'x' || width",
    "an image's width as a real": "UPDATE session_images SET width = width + 0.5",
    "an image's name as a blob": "UPDATE session_images SET file_name = CAST(file_name AS BLOB)",
    "an image's position as text": "UPDATE session_images SET position = 'x' || position",
}


def test_each_kind_altered_is_reported_as_the_full_check_reports_it(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missed = {}
    checked = 0
    for what, statements in _alterations():
        checked += 1
        copy = _tampered(built, tmp_path, statements)
        with_sqlite = _findings(copy, monkeypatch, sqlite_text=True)
        python_only = _findings(copy, monkeypatch, sqlite_text=False)
        named = [line for line in with_sqlite if not line.startswith("database: ")]
        if not named or with_sqlite != python_only:
            missed[what] = (named, python_only[1:])
    assert missed == {}
    assert checked > 40


@pytest.mark.parametrize("what", list(_STORED_OTHERWISE))
def test_records_stored_otherwise_get_the_full_check_s_findings(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    copy = _tampered(built, tmp_path, _STORED_OTHERWISE[what])
    python_only = _findings(copy, monkeypatch, sqlite_text=False)

    assert _findings(copy, monkeypatch, sqlite_text=True) == python_only


def test_the_untouched_records_are_intact_on_both_paths(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _findings(built, monkeypatch, sqlite_text=True) == []
    assert _findings(built, monkeypatch, sqlite_text=False) == []


# On both backends: each kind altered is named (SQLite: by its fast path, then the full check).
_NAMED = {
    "an addendum's text": (
        "UPDATE addenda SET text = 'Patient is fine.'",
        "addendum #1 of note #1 (signature #2) was altered outside the app (text)",
    ),
    "a co-signature's time": (
        "UPDATE cosignatures SET cosigned_at = '2025-01-02 03:04:05.000000'",
        "co-signature of note #2 (signature #4) was altered outside the app (cosigned at)",
    ),
    "an error mark's reason": (
        "UPDATE entered_in_error_marks SET reason = 'Nothing wrong.'",
        "entered-in-error mark of note #3 (signature #6) was altered outside the app (reason)",
    ),
    "an image's width": (
        "UPDATE session_images SET width = width + 1 WHERE session_id = 4 AND position = 0",
        "signed note #4 (signature #7) was altered outside the app (session ultrasound)",
    ),
}


@pytest.mark.parametrize("what", list(_NAMED))
def test_each_kind_altered_is_named(
    desk: Desk, database: Database, staff: Staff, sign_note: SignNote, what: str
) -> None:
    _build(desk, staff, sign_note)
    assert findings(desk) == []
    statement, expected = _NAMED[what]

    tamper(database, [statement])

    found = findings(desk)
    assert "protective triggers are missing" in found[0]
    assert found[1:] == [f"signatures: {expected}"]
