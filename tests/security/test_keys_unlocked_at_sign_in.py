"""A clinician's signing key is unlocked when they sign in (issue 13: signing < 50 ms
including the key unlock, the first signature of a run too), through the app's own desk,
which shares the run's unlocked keys between sign-in and every service that signs."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from tests.services.conftest import PASSWORD, fast_hasher, patient_facts, two_site_entry
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import Role
from tpi_desk.desk import Desk
from tpi_desk.models.database import Database
from tpi_desk.services.dto import UserRecord
from tpi_desk.services.errors import LoginFailed, UserError, WrongPassword
from tpi_desk.services.integrity.key_registry import KEY_LOCKED_MESSAGE
from tpi_desk.services.permissions import Actor

# username, display name, credentials, role; and whether signing in unlocks a key
ACCOUNTS = [
    ("ihartley", "Dr. Imogen Hartley", "MD", Role.PHYSICIAN, True),
    ("rvarga", "Réka Varga", "NP", Role.NURSE_PRACTITIONER, True),
    ("kim.billing", "Kim Łukasz", "CPC", Role.BILLING, False),  # no key: never signs
]


@pytest.fixture
def desk(database: Database, catalog: Catalog) -> Desk:
    return Desk(database, catalog=catalog, hasher=fast_hasher())


@pytest.fixture
def admin(desk: Desk) -> Actor:
    desk.users.create_first_admin("admin.ada", "Ada Ødegård", PASSWORD)
    return desk.users.authenticate("admin.ada", PASSWORD)


def physician_account(desk: Desk, admin: Actor) -> UserRecord:
    """Dr. Hartley's account, added by the administrator (its key is issued then)."""
    username, name, credentials, role, _ = ACCOUNTS[0]
    return desk.users.add_user(
        username, name, PASSWORD, role=role, credentials=credentials, actor=admin
    )


@pytest.mark.parametrize(("username", "name", "credentials", "role", "unlocked"), ACCOUNTS)
def test_signing_in_unlocks_a_clinicians_key_and_nobody_elses(
    desk: Desk, admin: Actor, username: str, name: str, credentials: str, role: Role,
    unlocked: bool,
) -> None:  # fmt: skip
    user = desk.users.add_user(
        username, name, PASSWORD, role=role, credentials=credentials, actor=admin
    )
    assert not desk.unlocked_keys.holds(user.id)
    desk.users.authenticate(username, PASSWORD)
    assert desk.unlocked_keys.holds(user.id) is unlocked
    assert not desk.unlocked_keys.holds(admin.user_id)  # the admin's key is kept apart


def test_a_wrong_password_unlocks_nothing(desk: Desk, admin: Actor) -> None:
    user = physician_account(desk, admin)
    with pytest.raises(LoginFailed):
        desk.users.authenticate("ihartley", PASSWORD + " wrong")
    assert not desk.unlocked_keys.holds(user.id)


def test_the_key_unlocked_at_sign_in_signs_and_a_reset_password_brings_the_new_key(
    desk: Desk, admin: Actor
) -> None:
    physician_account(desk, admin)
    physician = desk.users.authenticate("ihartley", PASSWORD)
    patient = desk.patients.create(patient_facts(), actor=physician)

    def sign(password: str) -> None:
        draft = desk.drafts.create(patient.id, physician.user_id, two_site_entry(), actor=physician)
        desk.signing.sign(
            draft.id, draft.version, physician.user_id, actor=physician, password=password
        )

    sign(PASSWORD)
    # The cached key never replaces the password check: a wrong one is still refused.
    with pytest.raises(WrongPassword):
        sign(PASSWORD + " wrong")
    # An administrator's reset issues a new key; the next sign-in unlocks that one.
    new_password = "a brand new passphrase 9"
    desk.users.reset_password(admin, "ihartley", new_password)
    physician = desk.users.authenticate("ihartley", new_password)
    sign(new_password)

    report = desk.verification.verify(actor=admin)
    assert report.intact, report.summary()
    assert report.signatures.total == 2


# A key row's derivation settings rewritten outside the app (the app writes t=2, m=19 MiB,
# p=1: signing_keys.kdf_parameters); each must neither stop the sign-in nor hang it.
TAMPERED_SETTINGS = [
    "argon2id:t=2,m=2000000000,p=1",  # about 2 TB of memory
    "argon2id:t=1000000,m=19456,p=1",  # a million passes
    "argon2id:m=19456,p=1",  # no time cost
    "argon2id:t=two,m=19456,p=1",  # not a number
    "argon2id:t=2,m=8,p=4",  # less memory than argon2 allows for four lanes
    "scrypt:n=16384",  # another derivation
]


@pytest.mark.parametrize("settings", TAMPERED_SETTINGS)
def test_a_key_whose_settings_were_rewritten_leaves_sign_in_alone_and_is_refused_at_signing(
    desk: Desk, admin: Actor, database: Database, settings: str
) -> None:
    user = physician_account(desk, admin)
    with database.engine.begin() as connection:
        connection.execute(
            text("UPDATE signing_keys SET kdf = :kdf WHERE user_id = :user_id"),
            {"kdf": settings, "user_id": user.id},
        )
    physician = desk.users.authenticate("ihartley", PASSWORD)
    assert not desk.unlocked_keys.holds(user.id)
    patient = desk.patients.create(patient_facts(), actor=physician)
    draft = desk.drafts.create(patient.id, physician.user_id, two_site_entry(), actor=physician)
    with pytest.raises(UserError, match=re.escape(KEY_LOCKED_MESSAGE)):
        desk.signing.sign(
            draft.id, draft.version, physician.user_id, actor=physician, password=PASSWORD
        )
