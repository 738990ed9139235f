"""What a key registration's Ed25519 signature signs, and who may make it.

A registration signs the registered key (id, public key, from which signature on), its owner
(user id, username, the role the key is issued for) and the registration's place in the
audit chain (its sequence number and the hash of the entry before it). The place makes each
signature good for one audit entry only: it cannot be replayed for another registration.

Who signs (the rule ``verify`` checks, key_trust.py):

- the root: the very first administrator's key signs its own registration; exactly one, the
  first validly signed registration in the audit chain;
- an administrator's key, itself validly registered earlier and still its owner's current
  key then, signs every key it issues (new accounts, password resets);
- continuity: a user who changes their own password gets a new key whose registration is
  signed by their previous key, which must have been valid and current then (same role).
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

REGISTRATION_MESSAGE_FORMAT = "tpi-desk/key-registration@1"


@dataclass(frozen=True, slots=True)
class Registration:
    """The facts a registration signature covers."""

    key_id: int
    public_key: str
    from_sequence: int
    owner_id: int
    username: str
    role: str
    audit_sequence: int
    audit_previous_hash: str

    def message(self) -> bytes:
        return "\n".join(
            (
                REGISTRATION_MESSAGE_FORMAT,
                str(self.key_id),
                self.public_key,
                str(self.from_sequence),
                str(self.owner_id),
                self.username,
                self.role,
                str(self.audit_sequence),
                self.audit_previous_hash,
            )
        ).encode()


def sign_registration(private_key: Ed25519PrivateKey, registration: Registration) -> str:
    """The hex Ed25519 signature of ``registration``."""
    return private_key.sign(registration.message()).hex()


def registration_signature_valid(
    signer_public_key: str, signature: str, registration: Registration
) -> bool:
    """Whether ``signature`` (hex) is ``signer_public_key``'s signature of ``registration``."""
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(signer_public_key))
        key.verify(bytes.fromhex(signature), registration.message())
    except (ValueError, InvalidSignature):
        return False
    return True
