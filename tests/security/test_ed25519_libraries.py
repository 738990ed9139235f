"""Links are signed with libsodium (PyNaCl) and verified with ed25519-zebra, keys are made and
locked with ``cryptography`` (OpenSSL): all are standard Ed25519 (RFC 8032), so a signature
made by one verifies with the others, byte for byte the same, and a tampered one fails in
all. ed25519-zebra's ZIP 215 rules accept any signature under a small-order key, so such a
key is refused before any link is checked against it."""

from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from ed25519_zebra import ed_verify
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey as SodiumSigningKey
from nacl.signing import VerifyKey as SodiumVerifyKey

from tpi_desk.services.integrity.signing_keys import (
    UnlockedKey,
    public_key_hex,
    sign_link,
    signature_message,
    signature_valid,
)

PREVIOUS = "0" * 64
CONTENT = "a3" * 32


def _flipped(signature_hex: str, byte: int) -> str:
    raw = bytearray(bytes.fromhex(signature_hex))
    raw[byte] ^= 0x01
    return raw.hex()


def test_both_libraries_make_the_same_signature_of_a_link() -> None:
    private_key = Ed25519PrivateKey.generate()
    by_openssl = sign_link(private_key, 7, PREVIOUS, CONTENT)
    by_sodium = UnlockedKey(1, private_key).sign_link(7, PREVIOUS, CONTENT)
    assert by_sodium == by_openssl  # Ed25519 is deterministic
    assert signature_valid(public_key_hex(private_key), by_sodium, 7, PREVIOUS, CONTENT)


def test_a_signature_by_libsodium_verifies_with_openssl_and_back() -> None:
    message = signature_message(3, PREVIOUS, CONTENT)
    sodium_key = SodiumSigningKey.generate()
    by_sodium = sodium_key.sign(message).signature
    openssl_public = Ed25519PrivateKey.from_private_bytes(bytes(sodium_key)).public_key()
    openssl_public.verify(by_sodium, message)  # raises if not valid
    openssl_key = Ed25519PrivateKey.generate()
    by_openssl = openssl_key.sign(message)
    SodiumVerifyKey(bytes.fromhex(public_key_hex(openssl_key))).verify(message, by_openssl)


@pytest.mark.parametrize("byte", [0, 31, 32, 63])  # in R and in S
def test_a_tampered_signature_fails_in_both_libraries(byte: int) -> None:
    private_key = Ed25519PrivateKey.generate()
    public_key = public_key_hex(private_key)
    tampered = _flipped(sign_link(private_key, 5, PREVIOUS, CONTENT), byte)
    assert not signature_valid(public_key, tampered, 5, PREVIOUS, CONTENT)
    message = signature_message(5, PREVIOUS, CONTENT)
    with pytest.raises(InvalidSignature):
        private_key.public_key().verify(bytes.fromhex(tampered), message)
    with pytest.raises(BadSignatureError):
        SodiumVerifyKey(bytes.fromhex(public_key)).verify(message, bytes.fromhex(tampered))


def test_a_signature_does_not_verify_for_another_link_key_or_shape() -> None:
    private_key = Ed25519PrivateKey.generate()
    public_key = public_key_hex(private_key)
    signature = UnlockedKey(1, private_key).sign_link(5, PREVIOUS, CONTENT)
    assert signature_valid(public_key, signature, 5, PREVIOUS, CONTENT)
    assert not signature_valid(public_key, signature, 6, PREVIOUS, CONTENT)
    assert not signature_valid(public_key, signature, 5, PREVIOUS, "b4" * 32)
    other = public_key_hex(Ed25519PrivateKey.generate())
    assert not signature_valid(other, signature, 5, PREVIOUS, CONTENT)
    assert not signature_valid(public_key, signature[:-2], 5, PREVIOUS, CONTENT)
    assert not signature_valid(public_key, signature + "00", 5, PREVIOUS, CONTENT)
    assert not signature_valid(public_key, "zz" * 64, 5, PREVIOUS, CONTENT)
    assert not signature_valid(public_key[:-2], signature, 5, PREVIOUS, CONTENT)
    assert not signature_valid("00" * 32, signature, 5, PREVIOUS, CONTENT)  # a small-order key


def test_zebra_and_libsodium_agree_on_valid_and_tampered_signatures() -> None:
    for sequence in range(1, 41):
        sodium_key = SodiumSigningKey.generate()
        public_key = bytes(sodium_key.verify_key)
        message = signature_message(sequence, PREVIOUS, CONTENT)
        signature = sodium_key.sign(message).signature
        assert ed_verify(signature, message, public_key)
        tampered = bytes.fromhex(_flipped(signature.hex(), sequence % 64))
        assert not ed_verify(tampered, message, public_key)
        with pytest.raises(BadSignatureError):
            SodiumVerifyKey(public_key).verify(message, tampered)


# The identity point (y = 1) and one of order 4 (y = 0): under either, ZIP 215 accepts the
# "signature" R = B (the base point), s = 1 of any message at all.
_SMALL_ORDER_KEYS = ["01" + "00" * 31, "00" * 32]
_ANYONE_CAN_MAKE = "58" + "66" * 31 + (1).to_bytes(32, "little").hex()


@pytest.mark.parametrize("small_order_key", _SMALL_ORDER_KEYS)
def test_a_small_order_key_is_refused_though_zebra_alone_would_accept_its_forgery(
    small_order_key: str,
) -> None:
    message = signature_message(9, PREVIOUS, CONTENT)
    if small_order_key.startswith("01"):  # the identity: zebra takes the forgery as is
        assert ed_verify(bytes.fromhex(_ANYONE_CAN_MAKE), message, bytes.fromhex(small_order_key))
    assert not signature_valid(small_order_key, _ANYONE_CAN_MAKE, 9, PREVIOUS, CONTENT)
