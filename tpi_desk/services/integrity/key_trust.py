"""Which signing keys ``verify`` trusts: those whose registration is validly signed.

The audit log's ``signing_key`` entries are read in chain order and each registration's
Ed25519 signature is checked by the rule in key_registration.py: one root (the first
administrator's key, signing itself, the first validly signed registration), then only keys
signed by an administrator's key, or by the owner's previous key, that was itself trusted
and its owner's current key at that point. A key trusted by none of its entries is reported
in plain words, naming its owner and audit entry; notes signed with it do not verify.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from tpi_desk.clinical.record import Role
from tpi_desk.models.audit import AuditEvent
from tpi_desk.models.people import User
from tpi_desk.models.signing_keys import SigningKey
from tpi_desk.services.audit.events import AuditAction
from tpi_desk.services.integrity.key_registration import (
    Registration,
    registration_signature_valid,
)
from tpi_desk.services.integrity.key_registry import KEY_RECORD, registration_detail

_ADMIN = Role.ADMIN.value


@dataclass(slots=True)
class KeyTrust:
    """The trusted keys, and what is wrong with the registrations of the others."""

    keys: dict[int, SigningKey]
    usernames: dict[int, str]
    trusted: dict[int, SigningKey] = field(default_factory=dict)
    registered: set[int] = field(default_factory=set)  # keys with a matching audit entry
    _problems: dict[int, str] = field(default_factory=dict)  # by key: its last problem
    _current: dict[int, int] = field(default_factory=dict)  # user -> latest trusted key
    _root: int | None = None

    @classmethod
    def load(cls, db: Session, keys: dict[int, SigningKey]) -> KeyTrust:
        usernames = dict(db.execute(select(User.id, User.username)).tuples().all())
        trust = cls(keys, usernames)
        entries = db.execute(
            select(
                AuditEvent.record_id, AuditEvent.detail, AuditEvent.sequence, AuditEvent.prev_hash
            )
            .where(
                AuditEvent.action == AuditAction.SIGNING_KEY.value,
                AuditEvent.record_type == KEY_RECORD,
            )
            .order_by(AuditEvent.sequence)
        ).tuples()
        for key_id, detail, sequence, previous_hash in entries:
            key = keys.get(key_id) if key_id is not None else None
            username = usernames.get(key.user_id) if key is not None else None
            if key is None or username is None or detail != registration_detail(username, key):
                continue  # no key, or not this key's entry: reported as unregistered
            trust.registered.add(key.id)
            if key.id not in trust.trusted:
                trust._check(key, username, sequence, previous_hash)
        return trust

    @property
    def problems(self) -> list[str]:
        """The registrations of keys left untrusted, in plain words."""
        return [problem for key_id, problem in self._problems.items() if key_id not in self.trusted]

    def owner(self, key: SigningKey) -> str:
        return self.usernames.get(key.user_id, f"user #{key.user_id}")

    def _check(
        self, key: SigningKey, username: str, sequence: int | None, previous: str | None
    ) -> None:
        subject = f"The registration of {username}'s signing key #{key.id}"
        where = f"audit entry #{sequence}" if sequence is not None else "an unchained audit entry"
        if key.registered_by_key_id is None or key.registration_signature is None:
            self._report(key, f"{subject} ({where}) is not signed by an administrator's key")
            return
        if sequence is None or previous is None:
            self._report(key, f"{subject} is not in the audit chain")
            return
        registration = Registration(
            key_id=key.id,
            public_key=key.public_key,
            from_sequence=key.from_sequence,
            owner_id=key.user_id,
            username=username,
            role=key.owner_role or "",
            audit_sequence=sequence,
            audit_previous_hash=previous,
        )
        signer = self.keys.get(key.registered_by_key_id)
        refusal = self._signer_refusal(key, signer)
        if refusal is not None:
            self._report(key, f"{subject} ({where}) {refusal}")
            return
        assert signer is not None
        if not registration_signature_valid(
            signer.public_key, key.registration_signature, registration
        ):
            self._report(
                key,
                f"{subject} ({where}) carries a signature that does not match the registration "
                "(forged or altered outside the app)",
            )
            return
        if signer.id == key.id:
            self._root = key.id
        self.trusted[key.id] = key
        self._current[key.user_id] = key.id

    def _signer_refusal(self, key: SigningKey, signer: SigningKey | None) -> str | None:
        """Why ``signer`` may not sign ``key``'s registration at this point (None: it may)."""
        if signer is None:
            return f"is signed by key #{key.registered_by_key_id}, which does not exist"
        if signer.id == key.id:
            if self._root is not None or self.trusted:
                return (
                    "is signed only by the key itself; only the first administrator's key "
                    "may do that, and it came earlier"
                )
            if key.owner_role != _ADMIN:
                return "is signed only by the key itself, which is not an administrator's key"
            return None
        signer_name = self.owner(signer)
        if signer.id not in self.trusted or self._current.get(signer.user_id) != signer.id:
            return (
                f"is signed by {signer_name}'s key #{signer.id}, which was not a validly "
                "registered current key at that point"
            )
        continuity = signer.user_id == key.user_id and signer.owner_role == key.owner_role
        if signer.owner_role != _ADMIN and not continuity:
            return (
                f"is signed by {signer_name}'s key #{signer.id}, which is not an "
                "administrator's key"
            )
        return None

    def _report(self, key: SigningKey, problem: str) -> None:
        self._problems[key.id] = (
            f"{problem}: the key is not trusted, and notes signed with it are not verifiable"
        )
