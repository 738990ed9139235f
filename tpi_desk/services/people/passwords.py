"""Password hashing (argon2id) and the rules a new password must meet."""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from tpi_desk.clinical.problems import FieldProblem

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1_024
PASSWORD_PATH = "user.password"
PASSWORD_LABEL = "User: password"

# OWASP's first argon2id configuration (19 MiB, 2 passes, 1 lane), the floor issue 13 sets
# (m >= 19 MiB, t >= 2). The earlier 7 MiB x 5 is on OWASP's list too, but its smaller
# memory makes a GPU or ASIC guesser's job cheaper. Hashes made with other parameters
# still verify and are re-hashed with these at the next sign-in.
TIME_COST = 2
MEMORY_COST_KIB = 19_456
PARALLELISM = 1
HASH_LENGTH = 32
SALT_LENGTH = 16


def default_password_hasher() -> PasswordHasher:
    """The argon2id hasher the app uses, with its parameters written out."""
    return PasswordHasher(
        time_cost=TIME_COST,
        memory_cost=MEMORY_COST_KIB,
        parallelism=PARALLELISM,
        hash_len=HASH_LENGTH,
        salt_len=SALT_LENGTH,
        type=Type.ID,
    )


def password_problems(username: str, password: str) -> list[FieldProblem]:
    """What is wrong with ``password`` as a new password for ``username`` (empty: fine)."""
    message = None
    if len(password) < MIN_PASSWORD_LENGTH:
        message = f"must be at least {MIN_PASSWORD_LENGTH} characters"
    elif len(password) > MAX_PASSWORD_LENGTH:
        message = f"must be at most {MAX_PASSWORD_LENGTH:,} characters"
    elif not password.strip():
        message = "must not be only spaces"
    elif password.strip().casefold() == username.strip().casefold():
        message = "must not be the username"
    return [] if message is None else [FieldProblem(PASSWORD_PATH, PASSWORD_LABEL, message)]


def password_matches(hasher: PasswordHasher, stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``; an account without a password never
    matches, but takes as long to refuse as one with a password (no timing hint)."""
    if stored_hash is None:
        hasher.hash(password)
        return False
    try:
        return hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
