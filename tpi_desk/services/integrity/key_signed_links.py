"""Appending a link to the signature chain, signed with the signer's unlocked key.

The step every signing service shares (signing, addenda, co-signatures, entered-in-error
marks): unlock the signer's key with their password (kept unlocked in memory for the next
signature) and append the record's canonical content to the chain with its Ed25519
signature, inside the open unit of work.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from tpi_desk.models.people import User
from tpi_desk.models.procedures import Signature, SignedRecordKind
from tpi_desk.services.errors import UserError
from tpi_desk.services.integrity.integrity import append_signature
from tpi_desk.services.integrity.key_registry import KEY_LOCKED_MESSAGE, UnlockedKeys
from tpi_desk.services.integrity.signing_keys import KeyLocked, UnlockedKey


def _nothing() -> None:
    return None


class KeySignedLinks:
    """Signature-chain links signed with their signer's key (one per signing service),
    unlocked through ``keys``: the run's unlocked keys the desk shares between sign-in and
    every signing service, or the service's own."""

    def __init__(self, keys: UnlockedKeys | None = None) -> None:
        self._keys = keys if keys is not None else UnlockedKeys()

    def append(
        self,
        db: Session,
        kind: SignedRecordKind,
        signer: User,
        password: str,
        *,
        record_id: int,
        session_id: int,
        signed_at: datetime,
        content: Mapping[str, object],
        before_locked_refusal: Callable[[], None] = _nothing,
    ) -> Signature:
        """Append ``content`` signed by ``signer``'s key, unlocked with ``password``. A user
        without a key, or whose key ``password`` does not open, is refused in plain words
        (``before_locked_refusal`` runs first: it may raise a refusal of its own)."""
        return append_signature(
            db,
            kind,
            record_id=record_id,
            session_id=session_id,
            signer_id=signer.id,
            signed_at=signed_at,
            content=content,
            key=self._unlock(db, signer, password, before_locked_refusal),
        )

    def _unlock(
        self, db: Session, signer: User, password: str, before_locked_refusal: Callable[[], None]
    ) -> UnlockedKey:
        try:
            key, private_key = self._keys.unlock(db, signer.id, password)
        except KeyLocked:
            before_locked_refusal()
            raise UserError(KEY_LOCKED_MESSAGE) from None
        return UnlockedKey(key.id, private_key)
