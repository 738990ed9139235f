"""A demo database made to look like a clinic's for `verify`: addenda, co-signatures, error
marks and notes with images among the notes (verify_bench_mix.py), Ed25519-signed links and
two audit entries per link (its draft created, then signed), as the app writes them.

Demo data is signed in bulk without signing keys or audit entries (fast to generate). Here,
on a scratch copy only, each signer is issued a key through the app's own key registry
(registered in the audit chain), every link of the signature chain gets its signer's
Ed25519 signature, and each note gets its two audit entries, chained. The protective
triggers are dropped for the rewrite and put back exactly as they were.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session
from verify_bench_mix import add_clinic_mix

from tpi_desk.clinical.record import Role
from tpi_desk.models.audit import AuditEvent, ChainHead
from tpi_desk.models.database import open_database
from tpi_desk.models.people import User
from tpi_desk.models.procedures import Signature
from tpi_desk.services.audit.events import AuditAction, audit_hash
from tpi_desk.services.integrity.chains import AUDIT_CHAIN
from tpi_desk.services.integrity.key_registry import issue_key
from tpi_desk.services.integrity.signing_keys import UnlockedKey

PASSWORD = "bench-password-123456"
_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # one unlock per signer
_BATCH = 5_000


def make_clinic_like(path: Path) -> dict[str, int]:
    """Add the links besides notes (verify_bench_mix.py), sign every link of ``path``'s
    signature chain with its signer's key and add two audit entries per link (a scratch
    copy: the file is rewritten); how many of each kind were added."""
    triggers = _drop_triggers(path)
    try:
        connection = sqlite3.connect(path)
        try:
            added = add_clinic_mix(connection)
            connection.commit()
        finally:
            connection.close()
        database = open_database(f"sqlite:///{path}", upgrade=False)
        try:
            with database.session_factory.begin() as db:
                signers = sorted(set(db.scalars(select(Signature.signer_id))))
                root = _root_key(db)
                private = {}
                for user_id in signers:
                    user = db.get(User, user_id)
                    assert user is not None
                    private[user_id] = issue_key(db, user, PASSWORD, _HASHER, None, signer=root)
                for batch in _links(db):
                    values = []
                    for link_id, sequence, signer_id, previous, content_hash in batch:
                        key = private[signer_id]
                        signature = key.sign_link(sequence, previous, content_hash)
                        values.append({"id": link_id, "key_id": key.key_id, "signature": signature})
                    db.execute(update(Signature), values)
                _add_audit_entries(db)
        finally:
            database.dispose()
    finally:
        _restore_triggers(path, triggers)
    return added


def _root_key(db: Session) -> UnlockedKey:
    """The key of an administrator added for the run, registered as the root (it signs its
    own registration, as the first administrator's does), which registers the signers'."""
    admin = User(
        username="bench.admin", display_name="Bench Administrator (synthetic)",
        role=Role.ADMIN, password_hash=_HASHER.hash(PASSWORD),
    )  # fmt: skip
    db.add(admin)
    db.flush()
    return issue_key(db, admin, PASSWORD, _HASHER, None, signer="self")


def _links(db: Session) -> Iterator[list[tuple[int, int, int, str, str]]]:
    columns = (
        Signature.id, Signature.sequence, Signature.signer_id, Signature.previous_hash,
        Signature.content_hash,
    )  # fmt: skip
    after = 0
    while True:
        query = select(*columns).where(Signature.sequence > after).order_by(Signature.sequence)
        batch = [tuple(row) for row in db.execute(query.limit(_BATCH))]
        if not batch:
            return
        yield batch
        after = batch[-1][1]


def _add_audit_entries(db: Session) -> None:
    """A draft's creation and its signature, per note, appended to the audit chain."""
    head = db.get(ChainHead, AUDIT_CHAIN)
    assert head is not None
    sequence, previous = head.sequence, head.hash
    rows = db.execute(
        select(Signature.session_id, Signature.signer_id, Signature.signed_at).order_by(
            Signature.sequence
        )
    ).all()
    names = dict(db.execute(select(User.id, User.username)).tuples().all())
    pending = []
    for session_id, signer_id, signed_at in rows:
        for action, at in (
            (AuditAction.CREATE, signed_at - timedelta(minutes=20)),
            (AuditAction.SIGN, signed_at),
        ):
            sequence += 1
            event = AuditEvent(
                occurred_at=at, user_id=signer_id, actor_name=names[signer_id],
                action=action.value, record_type="session", record_id=session_id,
                patient_id=None, detail="", sequence=sequence, prev_hash=previous,
            )  # fmt: skip
            event.hash = audit_hash(event)
            previous = event.hash
            pending.append({c: getattr(event, c) for c in _AUDIT_COLUMNS})
            if len(pending) >= _BATCH:
                db.execute(insert(AuditEvent), pending)
                pending = []
    if pending:
        db.execute(insert(AuditEvent), pending)
    head.sequence, head.hash = sequence, previous


_AUDIT_COLUMNS = (
    "occurred_at", "user_id", "actor_name", "action", "record_type", "record_id",
    "patient_id", "detail", "sequence", "prev_hash", "hash",
)  # fmt: skip


def _drop_triggers(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        triggers = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        ).fetchall()
        for name, _ in triggers:
            connection.execute(f"DROP TRIGGER {name}")
        connection.commit()
    finally:
        connection.close()
    return [sql for _, sql in triggers]


def _restore_triggers(path: Path, triggers: list[str]) -> None:
    connection = sqlite3.connect(path)
    try:
        for sql in triggers:
            connection.execute(sql)
        connection.commit()
    finally:
        connection.close()
