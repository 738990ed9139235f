"""Whose key signs a new key's registration: the acting administrator's, held unlocked.

An administrator's key is unlocked when they sign in (their password is at hand only then)
and kept in memory for this run of the app, like the clinicians' unlocked keys; it signs the
keys they issue. The local operator (no account) signs only the very first administrator's
key, with that key itself: the root.
"""

from __future__ import annotations

from typing import Literal

from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from tpi_desk.clinical.record import Role
from tpi_desk.models.people import User
from tpi_desk.services.errors import UserError
from tpi_desk.services.integrity.key_registry import (
    SELF_SIGNED,
    active_key,
    has_root_key,
    issue_key,
    locked_key,
)
from tpi_desk.services.integrity.signing_keys import KeyLocked, UnlockedKey, unlock_key
from tpi_desk.services.permissions import Actor

NO_ADMIN_KEY_MESSAGE = (
    "Your administrator key is not available, so the new signing key cannot be registered "
    "with your signature. Sign out and sign in again; if that does not help, ask another "
    "administrator to reset your password (that gives you a new administrator key)."
)


class AdminKeys:
    """The signed-in administrators' keys, unlocked, by user id (in memory only)."""

    def __init__(self) -> None:
        self._by_user: dict[int, UnlockedKey] = {}

    def signed_in(self, db: Session, actor: Actor, password: str) -> bool:
        """Unlock ``actor``'s administrator key with the password they signed in with (a read
        only). True when they should get the root key instead (``issue_root``): they have no
        key and the database has no root yet (it was upgraded from before keys). An
        administrator without a key otherwise gets none here: another one resets their
        password."""
        if actor.role is not Role.ADMIN:
            return False
        key = active_key(db, actor.user_id)
        if key is None:
            return not has_root_key(db)
        self._by_user.pop(actor.user_id, None)
        if key.owner_role == Role.ADMIN.value:
            try:
                private_key = unlock_key(locked_key(key), actor.user_id, password)
            except KeyLocked:
                return False
            self._by_user[actor.user_id] = UnlockedKey(key.id, private_key)
        return False

    def issue_root(self, db: Session, actor: Actor, password: str, hasher: PasswordHasher) -> None:
        """The root key for ``actor``, inside the open unit of work (unless one appeared)."""
        user = db.get(User, actor.user_id)
        if user is None or active_key(db, user.id) is not None or has_root_key(db):
            return
        self._by_user[user.id] = issue_key(db, user, password, hasher, actor, signer=SELF_SIGNED)

    def issued(self, user_id: int, key: UnlockedKey | None, *, own: bool) -> None:
        """A new key was issued to ``user_id``: kept if it is the acting administrator's own."""
        if own and key is not None:
            self._by_user[user_id] = key
        else:
            self._by_user.pop(user_id, None)

    def signer(
        self, db: Session, actor: Actor | None, role: Role
    ) -> UnlockedKey | Literal["self"] | None:
        """The signer of a new key for an account in ``role`` issued by ``actor``: the root
        itself for the first administrator, else the acting administrator's key (refused
        when it is not unlocked); None for the local operator (``verify`` reports it)."""
        if actor is None:
            return SELF_SIGNED if role is Role.ADMIN and not has_root_key(db) else None
        unlocked = self._by_user.get(actor.user_id)
        current = active_key(db, actor.user_id)
        if unlocked is None or current is None or current.id != unlocked.key_id:
            raise UserError(NO_ADMIN_KEY_MESSAGE)
        return unlocked
