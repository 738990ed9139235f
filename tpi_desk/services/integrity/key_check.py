"""Checks each link's Ed25519 signature against the signer's registered keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from tpi_desk.models.procedures import Signature
from tpi_desk.models.signing_keys import SigningKey
from tpi_desk.services.integrity.key_trust import KeyTrust
from tpi_desk.services.integrity.signing_keys import signature_valid


class SignedLink(Protocol):
    """What the check reads of a link: a ``Signature`` or a row with its columns."""

    @property
    def sequence(self) -> int: ...
    @property
    def signer_id(self) -> int: ...
    @property
    def previous_hash(self) -> str: ...
    @property
    def content_hash(self) -> str: ...
    @property
    def key_id(self) -> int | None: ...
    @property
    def signature(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class KeyCheck:
    """Every key in the database, and those whose registration in the audit log is validly
    signed (key_trust.py)."""

    keys: dict[int, SigningKey]
    registered: dict[int, SigningKey]
    trust: KeyTrust
    # Per user: the lowest chain position from which their notes must carry a signature.
    signed_from: dict[int, int]
    # Per registered key: its owner and public key, read off the rows once (verify checks a
    # million links against a handful of keys).
    _owners: dict[int, tuple[int, str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        owners = {key_id: (key.user_id, key.public_key) for key_id, key in self.registered.items()}
        object.__setattr__(self, "_owners", owners)

    @classmethod
    def load(cls, db: Session) -> KeyCheck:
        keys = {key.id: key for key in db.scalars(select(SigningKey))}
        signed_from: dict[int, int] = {}
        for key in keys.values():
            signed_from[key.user_id] = min(
                key.from_sequence, signed_from.get(key.user_id, key.from_sequence)
            )
        for key in keys.values():
            db.expunge(key)  # kept across the walk's pages, which empty the session
        trust = KeyTrust.load(db, keys)
        return cls(keys, trust.trusted, trust, signed_from)

    def key_problems(self) -> list[str]:
        """Keys without their registration entry in the audit log, or differing from it, and
        registrations not validly signed."""
        return [
            f"signing key #{key.id} of {self.trust.owner(key)} is not registered in the audit "
            "log or differs from its registration (added or altered outside the app)"
            for key_id, key in sorted(self.keys.items())
            if key_id not in self.trust.registered
        ] + self.trust.problems

    def signed_validly(self, link: SignedLink) -> bool:
        """Whether the link carries a valid Ed25519 signature by its signer's registered key:
        the usual answer, found without naming the link. False: ``problems`` says what is
        wrong, if anything (a link signed before its signer had a key is not)."""
        if link.key_id is None or link.signature is None:
            return False
        owner = self._owners.get(link.key_id)
        return (
            owner is not None
            and owner[0] == link.signer_id
            and signature_valid(
                owner[1], link.signature, link.sequence, link.previous_hash, link.content_hash
            )
        )

    def problems(self, signature: Signature, label: str) -> list[str]:
        """What is wrong with the link's Ed25519 signature (empty: nothing)."""
        if signature.key_id is None or signature.signature is None:
            return self._unsigned(signature, label)
        key = self.keys.get(signature.key_id)
        if key is None:
            return [f"{label}: its signing key #{signature.key_id} was removed outside the app"]
        if key.user_id != signature.signer_id:
            return [f"{label}: it is signed with another user's key (forged outside the app)"]
        if key.id not in self.registered:
            return [
                f"{label}: it is signed with {self.trust.owner(key)}'s key #{key.id}, whose "
                "registration is not validly signed, so it is not verifiable"
            ]
        problems = []
        if not signature_valid(
            key.public_key,
            signature.signature,
            signature.sequence,
            signature.previous_hash,
            signature.content_hash,
        ):
            problems.append(
                f"{label}: its Ed25519 signature does not match the signed content "
                "(forged or altered outside the app)"
            )
        return problems

    def _unsigned(self, signature: Signature, label: str) -> list[str]:
        since = self.signed_from.get(signature.signer_id)
        if since is None or signature.sequence <= since:
            return []  # signed before the signer had a key
        return [
            f"{label}: it has no Ed25519 signature although its signer had a signing key "
            "(forged outside the app)"
        ]
