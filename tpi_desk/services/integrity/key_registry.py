"""The signing keys in the database: issued to a user, re-locked, found, registered.

A key is registered by an audit entry (``signing_key``) naming its public key, written by
whoever issued it: the administrator who set the password (account creation, password
reset), or the user themselves when they change their password or sign for the first time
without a key. ``verify`` accepts a key only if that entry is in the audit chain.
"""

from __future__ import annotations

from datetime import UTC, datetime

from argon2 import PasswordHasher
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from tpi_desk.clinical.record import Role
from tpi_desk.models.audit import AuditEvent, ChainHead
from tpi_desk.models.people import User
from tpi_desk.models.signing_keys import SigningKey
from tpi_desk.services.audit.events import AuditAction, record_event
from tpi_desk.services.errors import UserError
from tpi_desk.services.integrity.chains import SIGNATURE_CHAIN
from tpi_desk.services.integrity.signing_keys import (
    KeyLocked,
    LockedKey,
    UnlockedKey,
    kdf_parameters,
    lock_key,
    new_key_pair,
    unlock_key,
)
from tpi_desk.services.permissions import Actor

KEY_RECORD = "signing_key"
KEY_LOCKED_MESSAGE = (
    "Your signing key cannot be unlocked. Ask an administrator to reset your password: that "
    "gives you a new key, and your signed notes stay verifiable."
)
# The roles whose accounts sign notes, and so hold a signing key.
SIGNING_ROLES = frozenset({Role.PHYSICIAN, Role.NURSE_PRACTITIONER})


def registration_detail(user: User | str, key: SigningKey) -> str:
    """The audit entry's text registering ``key``: whose it is, the public key, from when."""
    username = user if isinstance(user, str) else user.username
    return f"{username}: Ed25519 public key {key.public_key} from signature #{key.from_sequence}"


def issue_key(
    db: Session,
    user: User,
    password: str,
    hasher: PasswordHasher,
    actor: Actor | None,
    *,
    at: datetime | None = None,
) -> SigningKey:
    """Retire ``user``'s keys and give them a new one, locked by ``password``; registered in
    the audit log by ``actor`` (inside the open unit of work)."""
    now = at or datetime.now(UTC)
    for old in db.scalars(_active(user.id)):
        old.retired_at = now
    head = db.get(ChainHead, SIGNATURE_CHAIN)
    locked = new_key_pair(user.id, password, kdf_parameters(hasher))
    key = SigningKey(
        user_id=user.id,
        public_key=locked.public_key,
        encrypted_private_key=locked.encrypted_private_key,
        kdf=locked.kdf,
        kdf_salt=locked.kdf_salt,
        from_sequence=head.sequence if head is not None else 0,
        created_at=now,
    )
    db.add(key)
    db.flush()
    record_event(
        db,
        actor,
        AuditAction.SIGNING_KEY,
        KEY_RECORD,
        key.id,
        registration_detail(user, key),
        at=now,
    )
    return key


def relock_key(
    db: Session,
    user: User,
    old_password: str,
    new_password: str,
    hasher: PasswordHasher,
    actor: Actor,
) -> None:
    """After ``user`` changed their own password: the same key, locked by the new one (a key
    the old password does not open is replaced by a new one)."""
    key = active_key(db, user.id)
    if key is None:
        if user.role in SIGNING_ROLES:
            issue_key(db, user, new_password, hasher, actor)
        return
    try:
        private_key = unlock_key(locked_key(key), user.id, old_password)
    except KeyLocked:
        issue_key(db, user, new_password, hasher, actor)
        return
    relocked = lock_key(private_key, user.id, key.public_key, new_password, kdf_parameters(hasher))
    key.encrypted_private_key = relocked.encrypted_private_key
    key.kdf = relocked.kdf
    key.kdf_salt = relocked.kdf_salt


def active_key(db: Session, user_id: int) -> SigningKey | None:
    """The user's current (not retired) key, if they have one."""
    return db.scalars(_active(user_id).order_by(SigningKey.id.desc())).first()


class UnlockedKeys:
    """Keys unlocked in this run of the app, by user, in memory only: a clinician's next
    signature skips the key derivation. The password is still checked by argon2 before every
    signature, which rolls back if it does not match; a re-locked or new key is unlocked
    afresh."""

    def __init__(self) -> None:
        self._by_user: dict[int, tuple[str, Ed25519PrivateKey]] = {}

    def unlock(
        self, db: Session, user: User, password: str, hasher: PasswordHasher, actor: Actor
    ) -> tuple[SigningKey, Ed25519PrivateKey]:
        """The user's key unlocked with ``password`` (a first key is issued if they have
        none). Raises ``KeyLocked`` when ``password`` does not open it."""
        key = active_key(db, user.id)
        if key is None:
            key = issue_key(db, user, password, hasher, actor)
        cached = self._by_user.get(user.id)
        if cached is not None and cached[0] == key.encrypted_private_key:
            return key, cached[1]
        private_key = unlock_key(locked_key(key), user.id, password)
        self._by_user[user.id] = (key.encrypted_private_key, private_key)
        return key, private_key


def unlock_for_signature(
    keys: UnlockedKeys,
    db: Session,
    user: User,
    password: str,
    hasher: PasswordHasher,
    actor: Actor,
) -> UnlockedKey:
    """The signer's key for one signature, once their password was checked; a key that the
    right password does not open (altered outside the app) is a plain refusal."""
    try:
        key, private_key = keys.unlock(db, user, password, hasher, actor)
    except KeyLocked:
        raise UserError(KEY_LOCKED_MESSAGE) from None
    return UnlockedKey(key.id, private_key)


def locked_key(key: SigningKey) -> LockedKey:
    return LockedKey(key.public_key, key.encrypted_private_key, key.kdf, key.kdf_salt)


def registered_keys(db: Session) -> dict[int, SigningKey]:
    """Every key whose registration entry in the audit log names its owner and public key."""
    keys = {key.id: key for key in db.scalars(select(SigningKey))}
    usernames = dict(db.execute(select(User.id, User.username)).tuples().all())
    entries = db.execute(
        select(AuditEvent.record_id, AuditEvent.detail).where(
            AuditEvent.action == AuditAction.SIGNING_KEY.value,
            AuditEvent.record_type == KEY_RECORD,
        )
    ).tuples()
    registered: dict[int, SigningKey] = {}
    for key_id, detail in entries:
        key = keys.get(key_id) if key_id is not None else None
        username = usernames.get(key.user_id) if key is not None else None
        if (
            key is not None
            and username is not None
            and detail == registration_detail(username, key)
        ):
            registered[key.id] = key
    return registered


def _active(user_id: int) -> Select[tuple[SigningKey]]:
    return select(SigningKey).where(SigningKey.user_id == user_id, SigningKey.retired_at.is_(None))
