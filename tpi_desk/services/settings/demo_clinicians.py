"""The demo clinicians' accounts and signing keys, so that demo notes carry real signatures.

A new demo database gets its clinicians (``demo.*``) the way an administrator adds users:
the demo administrator signs in and adds each one with the demo password, which issues each
a signing key locked by that password, its registration signed by the administrator's key
(the root). So every demo account signs in with the one demo password, and `tpi-desk verify`
trusts the clinicians' keys as it trusts any account's.

The generator then signs each demo note with its clinician's key, unlocked once per run here
(argon2 once per clinician: a few tenths of a second in all, never once per note).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.models.people import User
from tpi_desk.services.integrity.key_registry import active_key, locked_key
from tpi_desk.services.integrity.signing_keys import KeyLocked, UnlockedKey, unlock_key
from tpi_desk.services.people.passwords import password_problems
from tpi_desk.services.people.users import UserService


def demo_clinician_usernames() -> tuple[str, ...]:
    # Imported here: the window's demo check loads this package, and should not load the
    # generator's vocabulary with it.
    from tpi_desk.services.demo_data.vocabulary import DEMO_CLINICIANS

    return tuple(username for username, _name, _credentials, _role in DEMO_CLINICIANS)


def demo_password_problems(password: str) -> list[FieldProblem]:
    """What is wrong with ``password`` as the password of any demo clinician."""
    return [
        problem
        for username in demo_clinician_usernames()
        for problem in password_problems(username, password)
    ]


def add_demo_clinicians(users: UserService, admin_username: str, password: str) -> None:
    """Sign in as the demo administrator (whose key the sign-in unlocks) and add the demo
    clinicians that are missing, each with ``password`` and a key the administrator's key
    registers (``UserService.add_user``, as for any new account)."""
    from tpi_desk.services.demo_data.people import demo_npi
    from tpi_desk.services.demo_data.vocabulary import DEMO_CLINICIANS

    existing = {record.username for record in users.list_users(None)}
    missing = [
        (index, clinician)
        for index, clinician in enumerate(DEMO_CLINICIANS)
        if clinician[0] not in existing
    ]
    if not missing:
        return
    admin = users.authenticate(admin_username, password)
    for index, (username, name, credentials, role) in missing:
        users.add_user(
            username,
            name,
            password,
            role=role,
            credentials=credentials,
            npi=demo_npi(index),
            actor=admin,
        )


def demo_signing_keys(
    session_factory: sessionmaker[Session], password: str
) -> dict[int, UnlockedKey]:
    """The demo clinicians' current keys that ``password`` unlocks, by user id (a clinician
    whose key it does not open is left out: their notes are chained without a key)."""
    keys: dict[int, UnlockedKey] = {}
    with session_factory() as db:
        clinicians = db.scalars(select(User).where(User.username.in_(demo_clinician_usernames())))
        for user in clinicians:
            key = active_key(db, user.id)
            if key is None or key.owner_role != user.role.value:
                continue
            try:
                keys[user.id] = UnlockedKey(key.id, unlock_key(locked_key(key), user.id, password))
            except KeyLocked:
                continue
    return keys
