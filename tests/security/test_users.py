"""User accounts on SQLite and PostgreSQL: first admin, sign-in, lockout, passwords."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.security.conftest import PASSWORD, Desk, SignNote, Staff, audit_actions
from tests.services.conftest import two_site_entry
from tpi_desk.clinical.record import Role
from tpi_desk.models.audit import AuditEvent
from tpi_desk.models.people import User
from tpi_desk.services.dto import PatientRecord
from tpi_desk.services.errors import (
    AccountLocked,
    LoginFailed,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    WrongPassword,
)
from tpi_desk.services.integrity.signed_people import people_as_signed
from tpi_desk.services.people.login import LOCKOUT_PERIOD, MAX_FAILED_LOGINS, SIGN_IN_REFUSED


def test_the_first_start_asks_for_one_administrator(desk: Desk) -> None:
    assert desk.users.needs_first_admin()

    admin = desk.users.create_first_admin("admin.ada", "Ada Ødegård", PASSWORD)

    assert (admin.role, admin.active, admin.has_password) == (Role.ADMIN, True, True)
    assert not desk.users.needs_first_admin()
    with pytest.raises(PermissionDenied, match="already exists"):
        desk.users.create_first_admin("mallory", "Mallory", "another password 9")
    assert [user.username for user in desk.users.list_users(None)] == ["admin.ada"]


def test_passwords_are_stored_as_argon2id_hashes_only(desk: Desk, staff: Staff) -> None:
    with desk.database.session_factory() as db:
        hashes = list(db.scalars(select(User.password_hash)))

    assert len(hashes) == 7
    assert all(h is not None and h.startswith("$argon2id$") for h in hashes)
    assert not any(h is not None and PASSWORD in h for h in hashes)


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("zoe.nunez", "short1", "must be at least 10 characters"),
        ("zoe.nunez", "Zoe.Nunez", "must be at least 10 characters"),
        ("zoe.nunez.md", "ZOE.NUNEZ.MD", "must not be the username"),
        ("zoe.nunez", " " * 12, "must not be only spaces"),
    ],
)
def test_weak_passwords_are_refused_naming_the_field(
    desk: Desk, staff: Staff, username: str, password: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as refusal:
        desk.users.add_user(
            username,
            "Zoë Ñúñez",
            password,
            role=Role.PHYSICIAN,
            credentials="MD",
            actor=staff.admin,
        )

    assert [(p.path, p.message) for p in refusal.value.problems] == [("user.password", message)]
    assert username not in {user.username for user in desk.users.list_users(staff.admin)}


def test_account_fields_are_checked_and_usernames_are_unique(desk: Desk, staff: Staff) -> None:
    with pytest.raises(ValidationFailed) as refusal:
        desk.users.add_user(
            "9lives",
            "",
            PASSWORD,
            role=Role.PHYSICIAN,
            credentials="RN",
            npi="123",
            actor=staff.admin,
        )
    with pytest.raises(ValidationFailed, match="already exists"):
        desk.users.add_user(
            "IHartley",
            "Dr. Imogen Hartley",
            PASSWORD,
            role=Role.PHYSICIAN,
            credentials="MD",
            actor=staff.admin,
        )

    paths = {problem.path for problem in refusal.value.problems}
    assert paths == {"user.username", "user.display_name", "user.credentials", "user.npi"}
    billing = desk.users.add_user(
        "front.desk", "Łukasz Front", PASSWORD, role=Role.BILLING, actor=staff.admin
    )
    assert billing.credentials == ""  # billing and admin accounts need no credentials


def test_sign_in_returns_the_actor_and_failures_never_say_which_part_was_wrong(
    desk: Desk, staff: Staff
) -> None:
    actor = desk.users.authenticate("  rvarga ", PASSWORD)

    assert (actor.username, actor.role, actor.credentials) == (
        "rvarga",
        Role.NURSE_PRACTITIONER,
        "NP",
    )
    with pytest.raises(LoginFailed) as wrong_password:
        desk.users.authenticate("rvarga", "not the password")
    with pytest.raises(LoginFailed) as unknown_user:
        desk.users.authenticate("nobody", PASSWORD)
    assert wrong_password.value.message == unknown_user.value.message
    assert wrong_password.value.message == SIGN_IN_REFUSED
    assert wrong_password.value.message.startswith("The username or password is not correct.")


def test_five_failures_lock_the_account_for_fifteen_minutes(desk: Desk, staff: Staff) -> None:
    # Issue 13: a locked account gets the same answer as a wrong password or an unknown
    # username (the old AccountLocked message named the account: usernames could be probed).
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(LoginFailed) as refused:
            desk.users.authenticate("ihartley", "guess 123456")
        assert refused.value.message == SIGN_IN_REFUSED

    listed = {user.username: user for user in desk.users.list_users(staff.admin)}
    assert listed["ihartley"].locked_until == desk.clock.now + LOCKOUT_PERIOD
    # Even the right password is refused while locked, with the same answer.
    with pytest.raises(LoginFailed) as locked:
        desk.users.authenticate("ihartley", PASSWORD)
    assert locked.value.message == SIGN_IN_REFUSED
    desk.clock.advance(LOCKOUT_PERIOD - timedelta(seconds=1))
    with pytest.raises(LoginFailed):
        desk.users.authenticate("ihartley", PASSWORD)
    desk.clock.advance(timedelta(seconds=1))
    assert desk.users.authenticate("ihartley", PASSWORD).username == "ihartley"
    listed = {user.username: user for user in desk.users.list_users(staff.admin)}
    assert listed["ihartley"].locked_until is None


def test_a_success_resets_the_failure_count(desk: Desk, staff: Staff) -> None:
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(LoginFailed):
            desk.users.authenticate("ihartley", "guess 123456")
    desk.users.authenticate("ihartley", PASSWORD)
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(LoginFailed):
            desk.users.authenticate("ihartley", "guess 123456")

    assert desk.users.authenticate("ihartley", PASSWORD).username == "ihartley"


def test_wrong_passwords_when_signing_count_towards_the_lockout(desk: Desk, staff: Staff) -> None:
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(WrongPassword):
            desk.users.unlock(staff.physician, "guess 123456")
    with pytest.raises(AccountLocked):
        desk.users.unlock(staff.physician, "guess 123456")
    with pytest.raises(LoginFailed, match="not correct"):  # issue 13: the same answer
        desk.users.authenticate("ihartley", PASSWORD)


def test_a_user_changes_their_own_password(desk: Desk, staff: Staff) -> None:
    new = "Zoë's new passphrase"
    with pytest.raises(WrongPassword):
        desk.users.change_password(staff.nurse_practitioner, "not the password", new)
    with pytest.raises(ValidationFailed, match="must be a new password"):
        desk.users.change_password(staff.nurse_practitioner, PASSWORD, PASSWORD)
    with pytest.raises(ValidationFailed, match="at least 10"):
        desk.users.change_password(staff.nurse_practitioner, PASSWORD, "short")

    desk.users.change_password(staff.nurse_practitioner, PASSWORD, new)

    assert desk.users.authenticate("rvarga", new).username == "rvarga"
    with pytest.raises(LoginFailed):
        desk.users.authenticate("rvarga", PASSWORD)


def test_an_admin_resets_a_password_and_lifts_a_lockout(desk: Desk, staff: Staff) -> None:
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises((LoginFailed, AccountLocked)):
            desk.users.authenticate("rvarga", "guess 123456")
    with pytest.raises(PermissionDenied, match="may not manage user accounts"):
        desk.users.reset_password(staff.physician, "rvarga", "a fresh password")

    desk.users.reset_password(staff.admin, "rvarga", "a fresh password")

    assert desk.users.authenticate("rvarga", "a fresh password").username == "rvarga"


def test_disabled_accounts_cannot_sign_in_and_the_last_admin_stays(
    desk: Desk, staff: Staff
) -> None:
    disabled = desk.users.set_active(staff.admin, "kim.billing", False)

    assert not disabled.active
    with pytest.raises(LoginFailed, match="disabled"):
        desk.users.authenticate("kim.billing", PASSWORD)
    with pytest.raises(PermissionDenied, match="your own account"):
        desk.users.set_active(staff.admin, "admin.ada", False)
    with pytest.raises(PermissionDenied, match="only active administrator"):
        desk.users.set_active(None, "admin.ada", False)
    with pytest.raises(PermissionDenied):
        desk.users.set_active(staff.physician, "rvarga", False)
    assert desk.users.set_active(staff.admin, "kim.billing", True).active
    assert desk.users.authenticate("kim.billing", PASSWORD).role is Role.BILLING


def test_only_admins_and_the_local_operator_manage_users(desk: Desk, staff: Staff) -> None:
    for actor in (staff.physician, staff.nurse_practitioner, staff.billing):
        with pytest.raises(PermissionDenied, match="may not manage user accounts"):
            desk.users.list_users(actor)
        with pytest.raises(PermissionDenied):
            desk.users.add_user("eve", "Eve", PASSWORD, role=Role.ADMIN, actor=actor)

    assert len(desk.users.list_users(None)) == len(desk.users.list_users(staff.admin)) == 7


def test_an_admin_changes_a_users_name_role_and_credentials(desk: Desk, staff: Staff) -> None:
    changed = desk.users.update_user(
        staff.admin,
        "rvarga",
        display_name="Réka Varga-Nagy",
        role=Role.PHYSICIAN,
        credentials="DO",
        npi="1234567893",
    )

    assert (changed.display_name, changed.role, changed.credentials, changed.npi) == (
        "Réka Varga-Nagy",
        Role.PHYSICIAN,
        "DO",
        "1234567893",
    )
    assert desk.users.authenticate("rvarga", PASSWORD).role is Role.PHYSICIAN  # password kept
    with desk.database.session_factory() as db:
        detail = db.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "user_update")
        ).one()
    assert detail == (
        "rvarga: name: Réka Varga -> Réka Varga-Nagy; role: nurse_practitioner -> physician; "
        "credentials: NP -> DO; NPI: - -> 1234567893"
    )
    assert desk.verification.verify(record=False).intact


def test_an_unchanged_save_writes_no_audit_entry(desk: Desk, staff: Staff) -> None:
    before = len(audit_actions(desk.database))
    same = desk.users.update_user(
        staff.admin, "ihartley", display_name="Dr. Imogen Hartley", role=Role.PHYSICIAN,
        credentials="MD",
    )  # fmt: skip
    assert same.display_name == "Dr. Imogen Hartley"
    assert len(audit_actions(desk.database)) == before


def test_changes_are_checked_like_a_new_account(desk: Desk, staff: Staff) -> None:
    with pytest.raises(ValidationFailed) as refused:
        desk.users.update_user(
            staff.admin, "rvarga", display_name=" ", role=Role.PHYSICIAN, credentials="NP"
        )
    assert {p.path for p in refused.value.problems} == {"user.display_name", "user.credentials"}
    with pytest.raises(NotFound):
        desk.users.update_user(staff.admin, "nobody", display_name="X", role=Role.BILLING)
    with pytest.raises(PermissionDenied):
        desk.users.update_user(staff.physician, "rvarga", display_name="X", role=Role.BILLING)


def test_the_administrator_role_is_not_lost_by_accident(desk: Desk, staff: Staff) -> None:
    with pytest.raises(PermissionDenied, match="your own administrator role"):
        desk.users.update_user(
            staff.admin, "admin.ada", display_name="Ada Ødegård", role=Role.BILLING
        )
    with pytest.raises(PermissionDenied, match="only active administrator"):
        desk.users.update_user(None, "admin.ada", display_name="Ada Ødegård", role=Role.BILLING)
    desk.users.update_user(staff.admin, "kim.billing", display_name="Kim Łukasz", role=Role.ADMIN)
    demoted = desk.users.update_user(
        None, "admin.ada", display_name="Ada Ødegård", role=Role.BILLING
    )
    assert demoted.role is Role.BILLING


def test_a_signed_note_keeps_the_names_it_was_signed_with_after_a_change(
    desk: Desk, staff: Staff, sign_note: SignNote, patient: PatientRecord
) -> None:
    signed = sign_note(staff.nurse_practitioner)
    desk.users.update_user(
        staff.admin, "rvarga", display_name="Réka Varga-Nagy", role=Role.PHYSICIAN,
        credentials="DO",
    )  # fmt: skip

    loaded = desk.queries.load(signed.id)
    draft = desk.drafts.create(
        patient.id,
        staff.nurse_practitioner.user_id,
        two_site_entry(),
        actor=staff.nurse_practitioner,
    )

    assert (loaded.provider.facts.display_name, loaded.provider.facts.credentials) == (
        "Réka Varga",
        "NP",
    )
    assert (loaded.signed_by, loaded.signed_by_credentials) == ("Réka Varga", "NP")
    assert loaded.provider.facts == signed.provider.facts  # as signing answered
    assert replace(loaded, provider=signed.provider) == signed  # (the role is the account's)
    assert (draft.provider.facts.display_name, draft.provider.facts.credentials) == (
        "Réka Varga-Nagy",
        "DO",
    )
    assert desk.verification.verify(record=False).intact


def test_a_damaged_signature_falls_back_to_the_accounts_as_they_are() -> None:
    assert people_as_signed("not json") is None
    assert people_as_signed('{"provider": {"username": "x"}, "signer": {}}') is None
    part = '{"username": "u", "display_name": "Zoë", "credentials": "MD", "npi": ""}'
    people = people_as_signed(f'{{"provider": {part}, "signer": {part}}}')
    assert people is not None and people.signer.display_name == "Zoë"
