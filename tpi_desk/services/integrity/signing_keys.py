"""Ed25519 signing keys: made, locked with the owner's password, unlocked, and used.

The private key is encrypted with AES-256-GCM under a key derived from the user's password
with argon2id (the memory-hard function the passwords already use; it makes each guess at a
stolen key as costly as a guess at the password hash). The encryption is bound to the key's
owner and public key, so an encrypted key moved to another user's row does not unlock.

A link's signature covers its sequence number, the previous chain head and the hash of the
canonical content: it can neither be moved to another place in the chain nor kept when the
content or the chain before it changes.

Links are signed with libsodium (PyNaCl) and verified with ed25519-zebra: verify checks
every link of the chain, and on this hardware ed25519-zebra (curve25519-dalek's AVX2 code)
checks one in about 47 us, libsodium in 64-70 and OpenSSL 3.0 in 130 (a million links: about
24 s on 2 cores instead of 33 or 65). Ed25519 is deterministic and all three follow RFC 8032,
so a key made with ``cryptography`` signs the same bytes through either, and a signature one
makes the others accept (tests/security/test_ed25519_libraries.py). ed25519-zebra's rules
(ZIP 215) also accept a few encodings libsodium refuses (a non-canonical or small-order R):
none helps anyone without the private key, and a public key must be a canonical point of
large order (libsodium's check, once per key) before any link is checked against it.
``cryptography`` keeps the keys themselves: generating them and locking them with AES-GCM.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import HashingError
from argon2.low_level import hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from ed25519_zebra import ed_verify
from nacl.bindings import (
    crypto_core_ed25519_is_valid_point,
    crypto_sign,
    crypto_sign_seed_keypair,
)

SIGNATURE_MESSAGE_FORMAT = "tpi-desk/signature@1"
_KDF_PREFIX = "argon2id"
_SALT_BYTES = 16
_NONCE_BYTES = 12
_KEY_BYTES = 32
# The most a key's recorded derivation may ask for (the app writes t=2, m=19 MiB, p=1): a row
# rewritten to ask for more is refused as locked, not left to hang or exhaust the memory
# of whoever signs in or signs with it.
_MAX_TIME_COST = 16
_MAX_MEMORY_KIB = 1 << 20  # 1 GiB
_MAX_PARALLELISM = 16
_SIGNATURE_BYTES = 64


class KeyLocked(Exception):
    """The password does not unlock this key (or the stored key was altered)."""


@dataclass(frozen=True, slots=True)
class LockedKey:
    """A key pair as stored: the public key and the password-encrypted private key (hex)."""

    public_key: str
    encrypted_private_key: str
    kdf: str
    kdf_salt: str


@dataclass(frozen=True, slots=True)
class UnlockedKey:
    """A signer's key, unlocked for one signature (held in memory only)."""

    key_id: int
    private_key: Ed25519PrivateKey
    # libsodium's form of the key (seed and public key), made once for the many links a
    # run of demo data signs.
    secret: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "secret", sodium_secret(self.private_key))

    def sign_link(self, sequence: int, previous_hash: str, content_hash: str) -> str:
        """The hex Ed25519 signature of a link (``sign_link``'s, signed by libsodium)."""
        message = signature_message(sequence, previous_hash, content_hash)
        return crypto_sign(message, self.secret)[:_SIGNATURE_BYTES].hex()


def kdf_parameters(hasher: PasswordHasher) -> str:
    """The argon2id parameters of ``hasher`` as stored with a key: ``argon2id:t=5,m=7168,p=1``."""
    return f"{_KDF_PREFIX}:t={hasher.time_cost},m={hasher.memory_cost},p={hasher.parallelism}"


def new_key_pair(owner_id: int, password: str, kdf: str) -> LockedKey:
    """A fresh Ed25519 key pair for user ``owner_id``, its private half locked by ``password``."""
    private_key = Ed25519PrivateKey.generate()
    public_key = public_key_hex(private_key)
    return lock_key(private_key, owner_id, public_key, password, kdf)


def lock_key(
    private_key: Ed25519PrivateKey, owner_id: int, public_key: str, password: str, kdf: str
) -> LockedKey:
    """Encrypt ``private_key`` under ``password`` (a new salt and nonce each time)."""
    salt = os.urandom(_SALT_BYTES)
    nonce = os.urandom(_NONCE_BYTES)
    raw = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    sealed = AESGCM(_derive(password, salt, kdf)).encrypt(
        nonce, raw, _binding(owner_id, public_key)
    )
    return LockedKey(public_key, (nonce + sealed).hex(), kdf, salt.hex())


def unlock_key(locked: LockedKey, owner_id: int, password: str) -> Ed25519PrivateKey:
    """The private key, or ``KeyLocked`` if ``password`` (or the stored row) is not right."""
    try:
        blob = bytes.fromhex(locked.encrypted_private_key)
        salt = bytes.fromhex(locked.kdf_salt)
        key = _derive(password, salt, locked.kdf)
        raw = AESGCM(key).decrypt(
            blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], _binding(owner_id, locked.public_key)
        )
        private_key = Ed25519PrivateKey.from_private_bytes(raw)
    except (ValueError, InvalidTag, HashingError) as error:
        raise KeyLocked("The signing key cannot be unlocked with this password.") from error
    if public_key_hex(private_key) != locked.public_key:
        raise KeyLocked("The signing key does not match its public key.")
    return private_key


def public_key_hex(private_key: Ed25519PrivateKey) -> str:
    return private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def signature_message(sequence: int, previous_hash: str, content_hash: str) -> bytes:
    """What a link's Ed25519 signature signs."""
    return f"{SIGNATURE_MESSAGE_FORMAT}\n{sequence}\n{previous_hash}\n{content_hash}".encode()


def sign_link(
    private_key: Ed25519PrivateKey, sequence: int, previous_hash: str, content_hash: str
) -> str:
    """The hex Ed25519 signature of a link."""
    return private_key.sign(signature_message(sequence, previous_hash, content_hash)).hex()


def sodium_secret(private_key: Ed25519PrivateKey) -> bytes:
    """``private_key`` as libsodium signs with it: its 32-byte seed and its public key."""
    seed = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return crypto_sign_seed_keypair(seed)[1]


def signature_valid(
    public_key: str, signature: str, sequence: int, previous_hash: str, content_hash: str
) -> bool:
    """Whether ``signature`` (hex) is ``public_key``'s (hex) signature of the link."""
    try:
        signed = bytes.fromhex(signature)
        key = _public_key(public_key)
    except ValueError:
        return False
    message = signature_message(sequence, previous_hash, content_hash)
    return len(signed) == _SIGNATURE_BYTES and bool(ed_verify(signed, message, key))


@lru_cache(maxsize=256)
def _public_key(public_key: str) -> bytes:
    """A registered key's 32 bytes, parsed once per run (verify checks many links per key):
    ValueError for anything but a canonical point of large order (a small-order key would
    let anyone make signatures ed25519-zebra accepts)."""
    raw = bytes.fromhex(public_key)
    if len(raw) != _KEY_BYTES or not crypto_core_ed25519_is_valid_point(raw):
        raise ValueError("an Ed25519 public key is a canonical point of large order")
    return raw


def _derive(password: str, salt: bytes, kdf: str) -> bytes:
    prefix, _, settings = kdf.partition(":")
    if prefix != _KDF_PREFIX:
        raise ValueError(f"unknown key derivation {prefix!r}")
    try:
        values = dict(item.split("=", 1) for item in settings.split(","))
        time_cost, memory_cost, parallelism = (int(values[name]) for name in ("t", "m", "p"))
    except (KeyError, ValueError) as error:
        raise ValueError(f"unreadable key derivation settings {settings!r}") from error
    if not (
        1 <= time_cost <= _MAX_TIME_COST
        and 1 <= parallelism <= _MAX_PARALLELISM
        and 8 * parallelism <= memory_cost <= _MAX_MEMORY_KIB
    ):
        raise ValueError(f"key derivation settings out of range: {settings!r}")
    return hash_secret_raw(
        password.encode(),
        salt,
        time_cost=time_cost,
        memory_cost=memory_cost,
        parallelism=parallelism,
        hash_len=_KEY_BYTES,
        type=Type.ID,
    )


def _binding(owner_id: int, public_key: str) -> bytes:
    return f"tpi-desk/signing-key@1\n{owner_id}\n{public_key}".encode()
