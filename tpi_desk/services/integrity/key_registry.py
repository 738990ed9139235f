"""The signing keys in the database: issued to a user, renewed, found, unlocked.

A key is registered by an audit entry (``signing_key``) naming its public key, written by
whoever issued it, and by an Ed25519 signature of that registration (key_registration.py):
the acting administrator's key for a new account or a password reset, the owner's previous
key when they change their own password, or the key itself for the very first administrator
(the root). A user without a key does not get one by signing: an administrator issues it.
``verify`` accepts a key only if its registration is in the audit chain and validly signed
(key_trust.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

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
from tpi_desk.services.integrity.key_registration import Registration, sign_registration
from tpi_desk.services.integrity.signing_keys import (
    KeyLocked,
    LockedKey,
    UnlockedKey,
    kdf_parameters,
    lock_key,
    public_key_hex,
    unlock_key,
)
from tpi_desk.services.permissions import Actor

KEY_RECORD = "signing_key"
KEY_LOCKED_MESSAGE = (
    "Your signing key cannot be unlocked. Ask an administrator to reset your password: that "
    "gives you a new key, and your signed notes stay verifiable."
)
NO_KEY_MESSAGE = (
    "You have no signing key yet, so you cannot sign. Ask an administrator to reset your "
    "password: that gives you a signing key registered by their signature."
)
# The roles whose accounts sign notes, and so hold a signing key.
SIGNING_ROLES = frozenset({Role.PHYSICIAN, Role.NURSE_PRACTITIONER})
# ... and the accounts whose key signs the registration of the keys they issue.
KEY_ROLES = SIGNING_ROLES | {Role.ADMIN}
# ``issue_key``'s signer for the very first administrator's key: the key signs itself.
SELF_SIGNED: Literal["self"] = "self"


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
    signer: UnlockedKey | Literal["self"] | None,
    at: datetime | None = None,
) -> UnlockedKey:
    """Retire ``user``'s keys and give them a new one, locked by ``password``; registered in
    the audit log by ``actor`` and signed by ``signer`` (None: not signed, which ``verify``
    reports), inside the open unit of work. Returns the new key, unlocked."""
    now = at or datetime.now(UTC)
    for old in db.scalars(_active(user.id)):
        old.retired_at = now
    head = db.get(ChainHead, SIGNATURE_CHAIN)
    private_key = Ed25519PrivateKey.generate()
    locked = lock_key(
        private_key, user.id, public_key_hex(private_key), password, kdf_parameters(hasher)
    )
    key = SigningKey(
        user_id=user.id,
        public_key=locked.public_key,
        encrypted_private_key=locked.encrypted_private_key,
        kdf=locked.kdf,
        kdf_salt=locked.kdf_salt,
        from_sequence=head.sequence if head is not None else 0,
        created_at=now,
        owner_role=user.role.value,
    )
    db.add(key)
    db.flush()
    entry = record_event(
        db,
        actor,
        AuditAction.SIGNING_KEY,
        KEY_RECORD,
        key.id,
        registration_detail(user, key),
        at=now,
    )
    issued = UnlockedKey(key.id, private_key)
    if signer is not None:
        signing = issued if signer == SELF_SIGNED else signer
        assert isinstance(signing, UnlockedKey)
        key.registered_by_key_id = signing.key_id
        key.registration_signature = sign_registration(
            signing.private_key, registration_of(key, user.username, entry)
        )
        db.flush()
    return issued


def registration_of(key: SigningKey, username: str, entry: AuditEvent) -> Registration:
    """What the signature of ``key``'s registration (audit ``entry``) signs."""
    if entry.sequence is None or entry.prev_hash is None:
        raise ValueError("a registration entry outside the audit chain")
    return Registration(
        key_id=key.id,
        public_key=key.public_key,
        from_sequence=key.from_sequence,
        owner_id=key.user_id,
        username=username,
        role=key.owner_role or "",
        audit_sequence=entry.sequence,
        audit_previous_hash=entry.prev_hash,
    )


def renew_key(
    db: Session,
    user: User,
    old_password: str,
    new_password: str,
    hasher: PasswordHasher,
    actor: Actor,
) -> UnlockedKey | None:
    """After ``user`` changed their own password: a new key locked by the new one, its
    registration signed by their previous key (continuity). Without a previous key that the
    old password opens, no key is issued (an administrator's reset gives one), except to an
    administrator of a database that has no root key yet (one upgraded from before keys)."""
    key = active_key(db, user.id)
    if key is None:
        if user.role is Role.ADMIN and not has_root_key(db):
            return issue_key(db, user, new_password, hasher, actor, signer=SELF_SIGNED)
        return None
    if key.owner_role != user.role.value:
        return None  # continuity keeps the role: a new role's key comes from an administrator
    try:
        previous = UnlockedKey(key.id, unlock_key(locked_key(key), user.id, old_password))
    except KeyLocked:
        return None
    return issue_key(db, user, new_password, hasher, actor, signer=previous)


def has_root_key(db: Session) -> bool:
    """Whether some key signed its own registration (the first administrator's)."""
    query = select(SigningKey.id).where(SigningKey.registered_by_key_id == SigningKey.id)
    return db.scalar(query.limit(1)) is not None


def active_key(db: Session, user_id: int) -> SigningKey | None:
    """The user's current (not retired) key, if they have one."""
    return db.scalars(_active(user_id).order_by(SigningKey.id.desc())).first()


class UnlockedKeys:
    """Keys unlocked in this run of the app, by user, in memory only: a clinician's next
    signature skips the key derivation. The password is still checked by argon2 before every
    signature, which rolls back if it does not match; a new key is unlocked afresh."""

    def __init__(self) -> None:
        self._by_user: dict[int, tuple[str, Ed25519PrivateKey]] = {}

    def unlock(
        self, db: Session, user_id: int, password: str
    ) -> tuple[SigningKey, Ed25519PrivateKey]:
        """The user's key unlocked with ``password``. Raises ``KeyLocked`` when ``password``
        does not open it, and a ``UserError`` when they have no key (an administrator issues
        one: a key its owner registered alone would prove nothing)."""
        key = active_key(db, user_id)
        if key is None:
            raise UserError(NO_KEY_MESSAGE)
        cached = self._by_user.get(user_id)
        if cached is not None and cached[0] == key.encrypted_private_key:
            return key, cached[1]
        private_key = unlock_key(locked_key(key), user_id, password)
        self._by_user[user_id] = (key.encrypted_private_key, private_key)
        return key, private_key

    def unlock_ahead(self, db: Session, user_id: int, password: str) -> None:
        """Unlock the user's key now (at sign-in), so that their first signature of the
        run skips the key derivation too; a user without a key, or whose key ``password``
        does not open, is left for the signature to refuse in plain words."""
        try:
            self.unlock(db, user_id, password)
        except (KeyLocked, UserError):
            return

    def holds(self, user_id: int) -> bool:
        """Whether a key of the user's is unlocked in memory."""
        return user_id in self._by_user


def locked_key(key: SigningKey) -> LockedKey:
    return LockedKey(key.public_key, key.encrypted_private_key, key.kdf, key.kdf_salt)


def _active(user_id: int) -> Select[tuple[SigningKey]]:
    return select(SigningKey).where(SigningKey.user_id == user_id, SigningKey.retired_at.is_(None))
