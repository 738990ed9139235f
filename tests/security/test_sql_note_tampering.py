"""SQLite's text of a note or audit entry may only ever say "as signed" (issue 13): every
column of a signed note, its sites, medication lines, diagnoses, findings and co-signature
request, and of an audit entry, altered outside the app, is still reported; and values
stored otherwise than the app stores them (wrong storage class, other spellings) get the
same findings as the Python rebuild alone gives, SQLite's text aside.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Boolean, Date, Enum, Integer, Numeric, Time

from tests.security.conftest import SignNote, Staff
from tests.services.conftest import two_site_entry
from tpi_desk.desk import Desk
from tpi_desk.models.audit import AuditEvent
from tpi_desk.models.column_types import JsonTextList, UtcDateTime
from tpi_desk.models.database import Database, open_database
from tpi_desk.models.procedures import InjectionSite, MedicationLine, ProcedureSession
from tpi_desk.services.errors import UserError
from tpi_desk.services.integrity import sql_canonical
from tpi_desk.services.integrity.audit_check import _HASHED
from tpi_desk.services.integrity.link_chunks import _written_by_sqlite
from tpi_desk.services.integrity.note_text import MEDICATION_COLUMNS, NOTE_COLUMNS, SITE_COLUMNS
from tpi_desk.services.integrity.verification import VerificationService

_FIRST_SITE = "(SELECT MIN(id) FROM injection_sites WHERE session_id = 1)"


@pytest.fixture(autouse=True)
def _sqlite_only(database: Database) -> None:
    if database.engine.dialect.name != "sqlite":
        pytest.skip("SQLite writes the text; PostgreSQL keeps the Python path")


@pytest.fixture
def signed(desk: Desk, staff: Staff, sign_note: SignNote, tmp_path: Path) -> Path:
    """A database with one signed two-site note (note #1), all of it SQLite's text."""
    sign_note(staff.physician, two_site_entry())
    with desk.database.session_factory() as db:
        _, as_signed = _written_by_sqlite(db, 0, None)
    assert as_signed == {1}
    copy = tmp_path / "signed.sqlite3"
    with _plain(Path(str(desk.database.url.database))) as source, _plain(copy) as target:
        source.backup(target)
    return copy


class _plain:
    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(str(path))

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *_: object) -> None:
        self.connection.close()


def _other_value(column: Any, name: str) -> str:
    """SQL for another valid value of ``column`` (a value the app could have stored)."""
    kind = column.type
    if isinstance(kind, UtcDateTime):
        return (
            f"CASE WHEN {name} = '2025-01-02 03:04:05.000000' "
            "THEN '2025-01-02 03:04:06.000000' ELSE '2025-01-02 03:04:05.000000' END"
        )
    if isinstance(kind, JsonTextList):
        return """'["altered"]'"""
    if isinstance(kind, Boolean):
        return f"CASE WHEN {name} = 1 THEN 0 ELSE 1 END"
    if isinstance(kind, Enum):
        first, second = kind.enums[:2]
        return f"CASE WHEN {name} = '{first}' THEN '{second}' ELSE '{first}' END"
    if isinstance(kind, Integer | Numeric):
        return f"COALESCE({name}, 0) + 1"
    if isinstance(kind, Time):
        seven, eight = "'07:00:00.000000'", "'08:00:00.000000'"
        return f"CASE WHEN {name} = {seven} THEN {eight} ELSE {seven} END"
    if isinstance(kind, Date):
        return f"CASE WHEN {name} = '2030-01-01' THEN '2030-01-02' ELSE '2030-01-01' END"
    return f"COALESCE({name}, '') || 'x'"


def _alterations() -> Iterator[tuple[str, str]]:
    note = ProcedureSession.__table__.c
    for name in NOTE_COLUMNS:
        yield (
            f"note {name}",
            f"UPDATE procedure_sessions SET {name} = {_other_value(note[name], name)} WHERE id = 1",
        )
    site = InjectionSite.__table__.c
    for name in SITE_COLUMNS:
        yield (
            f"site {name}",
            f"UPDATE injection_sites SET {name} = {_other_value(site[name], name)} "
            f"WHERE id = {_FIRST_SITE}",
        )
    line = MedicationLine.__table__.c
    for name in MEDICATION_COLUMNS:
        yield (
            f"medication {name}",
            f"UPDATE medication_lines SET {name} = {_other_value(line[name], name)} "
            f"WHERE site_id = {_FIRST_SITE}",
        )
    yield "a diagnosis", "UPDATE session_diagnoses SET code = 'M79.19' WHERE session_id = 1"
    yield (
        "a diagnosis added",
        ("INSERT INTO session_diagnoses (session_id, position, code) VALUES (1, 99, 'M54.2')"),
    )
    yield "a diagnosis removed", "DELETE FROM session_diagnoses WHERE session_id = 1"
    yield (
        "a finding added",
        (
            "INSERT INTO session_findings (session_id, kind, position, text) "
            "VALUES (1, 'complication', 0, 'syncope')"
        ),
    )
    yield (
        "a side effect added",
        (
            "INSERT INTO session_findings (session_id, kind, position, text) "
            "VALUES (1, 'side_effect', 0, 'soreness')"
        ),
    )
    yield (
        "a site removed",
        (
            f"DELETE FROM medication_lines WHERE site_id = {_FIRST_SITE}; "
            f"DELETE FROM injection_sites WHERE id = {_FIRST_SITE}"
        ),
    )
    yield "a medication line removed", f"DELETE FROM medication_lines WHERE site_id = {_FIRST_SITE}"
    yield (
        "a co-signature requested",
        (
            "INSERT INTO cosign_requests (session_id, requested_at) "
            "VALUES (1, '2026-11-20 16:00:00.000000')"
        ),
    )
    for name, value in (
        ("patient_id", "patient_id + 1"),
        ("provider_id", "provider_id + 1"),
        ("signed_by_id", "signed_by_id + 1"),
        ("signed_at", "'2025-01-02 03:04:05.000000'"),
        ("status", "'draft'"),
        ("content_hash", "'0' || SUBSTR(content_hash, 2)"),
    ):
        yield f"note {name}", f"UPDATE procedure_sessions SET {name} = {value} WHERE id = 1"
    entry = AuditEvent.__table__.c
    for name in _HASHED:
        yield (
            f"audit {name}",
            f'UPDATE audit_events SET "{name}" = {_other_value(entry[name], name)} '
            "WHERE sequence = (SELECT MAX(sequence) FROM audit_events)",
        )


# Values stored otherwise than the app stores them: SQLite's text must not match, or
# must mean what the Python rebuild reads (the findings of both paths are compared).
_STORED_OTHERWISE = {
    "a text column holding a number": "UPDATE procedure_sessions SET skin_prep = 5",
    "a number as text": "UPDATE procedure_sessions SET performed_at_offset_minutes = 'x'",
    "a flag of 2": "UPDATE procedure_sessions SET ultrasound_guided = 2",
    "an instant written with a T": (
        "UPDATE procedure_sessions SET performed_at = REPLACE(performed_at, ' ', 'T')"
    ),
    "an instant without microseconds": (
        "UPDATE procedure_sessions SET performed_at = SUBSTR(performed_at, 1, 19)"
    ),
    "a date without leading zeros": (
        f"UPDATE medication_lines SET expires = '2027-1-31' WHERE site_id = {_FIRST_SITE}"
    ),
    "a volume beyond its scale": (
        f"UPDATE medication_lines SET volume_ml = volume_ml + 0.0000001 "
        f"WHERE site_id = {_FIRST_SITE}"
    ),
    "a volume as text": (
        f"UPDATE medication_lines SET volume_ml = 'x' || volume_ml WHERE site_id = {_FIRST_SITE}"
    ),
    "a list spelled with spaces": (
        "UPDATE procedure_sessions SET consent_risks = REPLACE(consent_risks, ',', ' , ')"
    ),
    "a list with an escaped letter": (
        """UPDATE procedure_sessions SET exam_findings = '["\\u0054aut bands"]'"""
    ),
    "a list holding a number": "UPDATE procedure_sessions SET exam_findings = '[1]'",
    "a list that is not JSON": "UPDATE procedure_sessions SET exam_findings = '[oops'",
    "a diagnosis code as a number": "UPDATE session_diagnoses SET code = 7",
    "an audit entry's user as text": "UPDATE audit_events SET user_id = 'x' WHERE sequence = 2",
    "an audit entry's time with a T": (
        "UPDATE audit_events SET occurred_at = REPLACE(occurred_at, ' ', 'T') WHERE sequence = 2"
    ),
    # Blobs holding the very bytes of the value: the text SQLite would write for them is the
    # signed one, so they must not be written as text at all.
    "a text column holding a blob": (
        "UPDATE procedure_sessions SET skin_prep = CAST(skin_prep AS BLOB)"
    ),
    "a number as a blob": "UPDATE procedure_sessions SET patient_id = CAST(patient_id AS BLOB)",
    "a flag as a blob": (
        "UPDATE procedure_sessions SET ultrasound_guided = CAST(ultrasound_guided AS BLOB)"
    ),
    "an instant as a blob": (
        "UPDATE procedure_sessions SET performed_at = CAST(performed_at AS BLOB)"
    ),
    "a date as a blob": (
        f"UPDATE medication_lines SET expires = CAST(expires AS BLOB) WHERE site_id = {_FIRST_SITE}"
    ),
    "an audit entry's action as a blob": (
        "UPDATE audit_events SET action = CAST(action AS BLOB) WHERE sequence = 2"
    ),
    "an audit entry's user as a blob": (
        "UPDATE audit_events SET user_id = CAST(user_id AS BLOB) WHERE sequence = 2"
    ),
}


def _findings(path: Path, monkeypatch: pytest.MonkeyPatch, *, sqlite_text: bool) -> list[str]:
    monkeypatch.setattr(sql_canonical, "SQLITE_WRITES_TEXT", sqlite_text)
    database = open_database(f"sqlite:///{path}", upgrade=False)
    try:
        report = VerificationService(database.session_factory).verify(record=False)
    except UserError as error:  # a value the app cannot read at all: said so, both ways
        return [f"refused: {error}"]
    finally:
        database.dispose()
    return [f"{finding.chain}: {finding.message}" for finding in report.findings]


def _tampered(signed: Path, tmp_path: Path, statements: str) -> Path:
    copy = tmp_path / "tampered.sqlite3"
    with _plain(signed) as source, _plain(copy) as target:
        source.backup(target)
    with _plain(copy) as plain:
        names = plain.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        for (name,) in names.fetchall():
            plain.execute(f"DROP TRIGGER {name}")
        plain.executescript(statements)
        plain.commit()
    return copy


def test_every_column_altered_is_reported_as_the_python_rebuild_reports_it(
    signed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missed = {}
    checked = 0
    for what, statements in _alterations():
        checked += 1
        copy = _tampered(signed, tmp_path, statements)
        with_sqlite = _findings(copy, monkeypatch, sqlite_text=True)
        python_only = _findings(copy, monkeypatch, sqlite_text=False)
        if not with_sqlite or with_sqlite != python_only:
            missed[what] = (with_sqlite, python_only)
    assert missed == {}
    assert checked > 60


@pytest.mark.parametrize("what", list(_STORED_OTHERWISE))
def test_values_stored_otherwise_get_the_python_rebuild_s_findings(
    signed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    copy = _tampered(signed, tmp_path, _STORED_OTHERWISE[what])
    python_only = _findings(copy, monkeypatch, sqlite_text=False)

    assert _findings(copy, monkeypatch, sqlite_text=True) == python_only


def test_the_untouched_copy_is_intact_on_both_paths(
    signed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _findings(signed, monkeypatch, sqlite_text=True) == []
    assert _findings(signed, monkeypatch, sqlite_text=False) == []
