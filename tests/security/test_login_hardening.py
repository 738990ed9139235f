"""Issue 13, item 7: the lockout holds under concurrent guessing, refused sign-ins all look
alike (answer and timing), and passwords are hashed with argon2id at OWASP's minimum."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Literal

import pytest
from argon2 import PasswordHasher, Type, extract_parameters
from sqlalchemy import select

from tests.security.conftest import PASSWORD, Desk, Staff, audit_actions
from tests.services.conftest import fast_hasher
from tpi_desk.models.people import User
from tpi_desk.services.audit.events import AuditAction
from tpi_desk.services.errors import LoginFailed
from tpi_desk.services.people.login import (
    LOCKOUT_PERIOD,
    MAX_FAILED_LOGINS,
    SIGN_IN_REFUSED,
    Authenticator,
)
from tpi_desk.services.people.passwords import default_password_hasher
from tpi_desk.services.people.users import UserService

WRONG = "guess 123456"
BURST = 40


class CountingHasher(PasswordHasher):
    """The cheapest argon2id, counting how many stored hashes it checked; each check takes
    as long as a real one so that concurrent attempts overlap."""

    def __init__(self, before_check: Callable[[str], None] = lambda password: None) -> None:
        cheap = fast_hasher()
        super().__init__(time_cost=cheap.time_cost, memory_cost=cheap.memory_cost, parallelism=1)
        self._before_check = before_check
        self._lock = threading.Lock()
        self.checks = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        with self._lock:
            self.checks += 1
        self._before_check(str(password))
        time.sleep(0.02)
        return super().verify(hash, password)


def attempt_all(
    authenticator: Authenticator, passwords: list[str]
) -> tuple[list[threading.Thread], list[BaseException | str]]:
    """Start one sign-in of ``ihartley`` per password, all at once, each in its own thread."""
    outcomes: list[BaseException | str] = []
    start = threading.Barrier(len(passwords))

    def sign_in(password: str) -> None:
        start.wait()
        try:
            outcomes.append(authenticator.authenticate("ihartley", password).username)
        except LoginFailed as error:
            outcomes.append(error)

    threads = [threading.Thread(target=sign_in, args=(password,)) for password in passwords]
    for thread in threads:
        thread.start()
    return threads, outcomes


def locked_until(desk: Desk, username: str) -> object:
    with desk.database.session_factory() as db:
        return db.scalar(select(User.locked_until).where(User.username == username))


def test_a_burst_of_concurrent_guesses_runs_at_most_the_limit_of_password_checks(
    desk: Desk, staff: Staff
) -> None:
    hasher = CountingHasher()
    authenticator = Authenticator(desk.database.session_factory, hasher=hasher, clock=desk.clock)

    threads, outcomes = attempt_all(authenticator, [WRONG] * BURST)
    for thread in threads:
        thread.join(timeout=120)

    assert len(outcomes) == BURST
    assert all(isinstance(outcome, LoginFailed) for outcome in outcomes)
    assert {str(outcome) for outcome in outcomes} == {SIGN_IN_REFUSED}
    assert hasher.checks <= MAX_FAILED_LOGINS
    assert locked_until(desk, "ihartley") == desk.clock.now + LOCKOUT_PERIOD
    failures = [
        entry
        for entry in audit_actions(desk.database)
        if entry[:2] == (AuditAction.LOGIN_FAILED.value, "ihartley")
    ]
    assert len(failures) == BURST


def test_the_right_password_checked_while_guesses_lock_the_account_is_refused(
    desk: Desk, staff: Staff
) -> None:
    # All five attempts are counted and under way; the four wrong ones finish first and the
    # last of them locks the account. The right password, checked meanwhile, must not sign
    # in (before issue 13 it did, and cleared the lock).
    all_checking = threading.Barrier(MAX_FAILED_LOGINS)
    wrong_ones_done = threading.Event()

    def gate(password: str) -> None:
        all_checking.wait(timeout=60)
        if password == PASSWORD:
            wrong_ones_done.wait(timeout=60)

    hasher = CountingHasher(before_check=gate)
    authenticator = Authenticator(desk.database.session_factory, hasher=hasher, clock=desk.clock)
    passwords = [WRONG] * (MAX_FAILED_LOGINS - 1) + [PASSWORD]

    threads, outcomes = attempt_all(authenticator, passwords)
    for thread in threads[:-1]:
        thread.join(timeout=60)
    assert locked_until(desk, "ihartley") == desk.clock.now + LOCKOUT_PERIOD
    wrong_ones_done.set()
    threads[-1].join(timeout=60)

    assert len(outcomes) == MAX_FAILED_LOGINS
    assert all(isinstance(outcome, LoginFailed) for outcome in outcomes)
    assert locked_until(desk, "ihartley") == desk.clock.now + LOCKOUT_PERIOD
    assert hasher.checks == MAX_FAILED_LOGINS
    with pytest.raises(LoginFailed):
        desk.users.authenticate("ihartley", PASSWORD)
    desk.clock.advance(LOCKOUT_PERIOD)
    assert desk.users.authenticate("ihartley", PASSWORD).username == "ihartley"


def test_an_admin_lifts_a_lock_and_the_account_signs_in_again(desk: Desk, staff: Staff) -> None:
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(LoginFailed):
            desk.users.authenticate("ihartley", WRONG)
    with pytest.raises(LoginFailed):
        desk.users.authenticate("ihartley", PASSWORD)

    desk.users.reset_password(staff.admin, "ihartley", "a fresh passphrase")

    assert desk.users.authenticate("ihartley", "a fresh passphrase").username == "ihartley"


def fastest_refusals(
    authenticator: Authenticator, attempts: dict[str, tuple[str, str]]
) -> dict[str, float]:
    """The quickest refused sign-in of each kind, in seconds, over rounds that take the kinds
    in turn (the minimum resists a busy CPU; taking turns spreads any busy spell over every
    kind instead of one). One round fewer than the lockout allows, so that the account given
    a wrong password stays unlocked."""
    fastest = dict.fromkeys(attempts, float("inf"))
    for _ in range(MAX_FAILED_LOGINS - 1):
        for kind, (username, password) in attempts.items():
            started = time.perf_counter()
            with pytest.raises(LoginFailed) as refused:
                authenticator.authenticate(username, password)
            fastest[kind] = min(fastest[kind], time.perf_counter() - started)
            assert str(refused.value) == SIGN_IN_REFUSED
    return fastest


def test_unknown_locked_and_wrong_password_sign_ins_look_alike(desk: Desk, staff: Staff) -> None:
    hasher = default_password_hasher()
    users = UserService(desk.database.session_factory, hasher=hasher, clock=desk.clock)
    admin = users.authenticate(staff.admin.username, PASSWORD)  # unlocks the admin's key
    for username in ("ihartley", "cokonkwo"):  # stored hashes at the production cost
        users.reset_password(admin, username, PASSWORD)
    authenticator = Authenticator(desk.database.session_factory, hasher=hasher, clock=desk.clock)
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(LoginFailed):
            authenticator.authenticate("cokonkwo", WRONG)

    fastest = fastest_refusals(
        authenticator,
        {
            "wrong": ("ihartley", WRONG),
            "unknown": ("nobody.here", WRONG),
            "locked": ("cokonkwo", PASSWORD),
        },
    )
    wrong, unknown, locked = fastest["wrong"], fastest["unknown"], fastest["locked"]

    # Before issue 13 a locked account answered ten times faster than a wrong password.
    for other in (unknown, locked):
        assert 0.5 * wrong <= other <= 2.0 * wrong, (wrong, unknown, locked)


def test_passwords_are_hashed_with_argon2id_at_owasp_minimum_or_above() -> None:
    parameters = extract_parameters(default_password_hasher().hash("a synthetic passphrase"))

    assert parameters.type is Type.ID
    assert parameters.memory_cost >= 19 * 1024
    assert parameters.time_cost >= 2


def test_an_older_cheaper_hash_is_upgraded_at_the_next_sign_in(desk: Desk, staff: Staff) -> None:
    def stored_hash() -> str:
        with desk.database.session_factory() as db:
            value = db.scalar(select(User.password_hash).where(User.username == "rvarga"))
        assert value is not None
        return value

    old = extract_parameters(stored_hash())
    assert old.memory_cost < 19 * 1024  # the staff fixture hashes with the cheapest cost
    authenticator = Authenticator(
        desk.database.session_factory, hasher=default_password_hasher(), clock=desk.clock
    )

    assert authenticator.authenticate("rvarga", PASSWORD).username == "rvarga"

    upgraded = extract_parameters(stored_hash())
    assert (upgraded.type, upgraded.memory_cost, upgraded.time_cost) == (Type.ID, 19_456, 2)
    desk.clock.advance(timedelta(minutes=1))
    assert authenticator.authenticate("rvarga", PASSWORD).username == "rvarga"
