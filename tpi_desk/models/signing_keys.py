"""Signing keys: each signing user's Ed25519 key pairs, the private half encrypted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from tpi_desk.models.base import Base, CreatedAt, IntPk, Str64
from tpi_desk.models.column_types import UtcDateTime


class SigningKey(Base):
    """One Ed25519 key pair of a user; a password reset retires it and issues a new one.

    ``public_key`` (32 bytes, hex) never changes and stays after retirement, so signatures
    made with it still verify. ``encrypted_private_key`` is nonce + AES-256-GCM ciphertext
    (hex) under a key derived from the user's password with argon2id (``kdf`` names its
    parameters, ``kdf_salt`` is its salt); the private key exists unencrypted only in memory.
    ``from_sequence`` is the signature chain's head when the key was issued: every note the
    user signs after it must carry an Ed25519 signature.

    ``registration_signature`` is the detached Ed25519 signature (hex) of the key's
    registration (``key_registration.py``) by the key ``registered_by_key_id``: an
    administrator's key, the owner's previous key (a password change), or the key itself
    (only the first administrator's, the root). ``owner_role`` is the role it was issued for.
    """

    __tablename__ = "signing_keys"

    id: Mapped[IntPk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    public_key: Mapped[Str64] = mapped_column(unique=True)
    encrypted_private_key: Mapped[str] = mapped_column(String(255))
    kdf: Mapped[Str64]
    kdf_salt: Mapped[Str64]
    from_sequence: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[CreatedAt]
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    owner_role: Mapped[str | None] = mapped_column(String(32))
    registered_by_key_id: Mapped[int | None] = mapped_column(ForeignKey("signing_keys.id"))
    registration_signature: Mapped[str | None] = mapped_column(String(128))
