"""Addenda on SQLite and PostgreSQL: signed notes only, signed on creation, oldest first."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.services.conftest import (
    CLINIC_TIME,
    PASSWORD,
    Services,
    actor_for,
    add_account,
    fast_hasher,
    two_site_entry,
)
from tpi_desk.clinical.record import ProviderFacts, Role
from tpi_desk.models.database import Database
from tpi_desk.services.dto import PatientRecord, ProviderRecord, SessionRecord
from tpi_desk.services.errors import NotFound, PermissionDenied, ValidationFailed, WrongPassword
from tpi_desk.services.permissions import Actor
from tpi_desk.services.sessions.addenda import AddendumNotAllowed, AddendumService
from tpi_desk.services.sessions.entered_in_error import EnteredInErrorService

FIRST_ADDENDUM_AT = datetime(2026, 11, 21, 8, 15, tzinfo=UTC)


def ticking_clock(start: datetime, step: timedelta) -> Callable[[], datetime]:
    """A clock that moves ``step`` forward each time it is read."""
    times: Iterator[datetime] = (start + step * n for n in range(1_000))
    return lambda: next(times)


@pytest.fixture
def addenda(database: Database) -> AddendumService:
    return AddendumService(
        database.session_factory,
        clock=ticking_clock(FIRST_ADDENDUM_AT, timedelta(minutes=5)),
        hasher=fast_hasher(),
    )


@pytest.fixture
def signed_note(
    services: Services, patient: PatientRecord, physician: ProviderRecord
) -> SessionRecord:
    draft = services.drafts.create(
        patient.id, physician.id, two_site_entry(), actor=actor_for(physician)
    )
    return services.signing.sign(
        draft.id, draft.version, physician.id, actor=actor_for(physician), password=PASSWORD
    )


def test_an_addendum_on_a_signed_note_is_signed_dated_and_authored(
    services: Services,
    addenda: AddendumService,
    signed_note: SessionRecord,
    physician: ProviderRecord,
) -> None:
    added = addenda.add(
        signed_note.id,
        physician.id,
        "  Patient called: soreness settled after 2 days.\n",
        actor=actor_for(physician),
        password=PASSWORD,
    )

    assert added.session_id == signed_note.id
    assert added.text == "Patient called: soreness settled after 2 days."
    assert (added.author_name, added.author_credentials) == ("Dr. Imogen Hartley", "MD")
    assert added.created_at == added.signed_at == FIRST_ADDENDUM_AT
    reloaded = services.queries.load(signed_note.id)
    assert reloaded.addenda == (added,)
    # The signed note itself did not change.
    assert reloaded.version == signed_note.version
    assert reloaded.content_hash == signed_note.content_hash
    assert reloaded.entry == signed_note.entry


def test_a_draft_takes_no_addendum(
    services: Services,
    addenda: AddendumService,
    patient: PatientRecord,
    physician: ProviderRecord,
) -> None:
    draft = services.drafts.create(
        patient.id, physician.id, two_site_entry(), actor=actor_for(physician)
    )

    with pytest.raises(AddendumNotAllowed, match="A draft is edited directly"):
        addenda.add(
            draft.id, physician.id, "Late entry.", actor=actor_for(physician), password=PASSWORD
        )

    assert addenda.list_for(draft.id) == []


def test_a_note_entered_in_error_takes_no_addendum(
    database: Database,
    addenda: AddendumService,
    signed_note: SessionRecord,
    physician: ProviderRecord,
) -> None:
    EnteredInErrorService(database.session_factory, hasher=fast_hasher()).mark_entered_in_error(
        signed_note.id, "Documented on the wrong patient.", actor_for(physician), PASSWORD
    )

    with pytest.raises(AddendumNotAllowed, match="entered in error"):
        addenda.add(
            signed_note.id,
            physician.id,
            "Late entry.",
            actor=actor_for(physician),
            password=PASSWORD,
        )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is required"),
        (" \n\t ", "is required"),
        ("x" * 20_001, "must be at most 20,000 characters (it has 20,001)"),
    ],
    ids=["empty", "blank", "too-long"],
)
def test_empty_or_too_long_text_is_refused_naming_the_field(
    addenda: AddendumService,
    signed_note: SessionRecord,
    physician: ProviderRecord,
    text: str,
    message: str,
) -> None:
    with pytest.raises(ValidationFailed) as refusal:
        addenda.add(
            signed_note.id, physician.id, text, actor=actor_for(physician), password=PASSWORD
        )

    (problem,) = refusal.value.problems
    assert (problem.path, problem.label, problem.message) == ("addendum.text", "Addendum", message)
    assert addenda.list_for(signed_note.id) == []


def test_the_longest_text_allowed_is_kept_whole(
    addenda: AddendumService, signed_note: SessionRecord, physician: ProviderRecord
) -> None:
    text = "Zoë Ñúñez " * 2_000  # 20,000 characters, the trailing space stripped

    added = addenda.add(
        signed_note.id, physician.id, text, actor=actor_for(physician), password=PASSWORD
    )

    assert added.text == text.strip()
    assert addenda.list_for(signed_note.id)[0].text == text.strip()


def test_addenda_come_back_oldest_first_everywhere(
    services: Services,
    database: Database,
    signed_note: SessionRecord,
    physician: ProviderRecord,
) -> None:
    nurse = add_account(
        services, ProviderFacts("rvarga", "Réka Varga", "NP", ""), Role.NURSE_PRACTITIONER
    )
    # The clock runs backwards, then stands still: order is by time, then by id.
    times = iter([FIRST_ADDENDUM_AT + timedelta(hours=2), FIRST_ADDENDUM_AT, FIRST_ADDENDUM_AT])
    addenda = AddendumService(
        database.session_factory, clock=lambda: next(times), hasher=fast_hasher()
    )
    later = addenda.add(
        signed_note.id,
        physician.id,
        "Second thoughts.",
        actor=actor_for(physician),
        password=PASSWORD,
    )
    earlier = addenda.add(
        signed_note.id,
        nurse.id,
        "Phone follow-up by Réka.",
        actor=actor_for(nurse),
        password=PASSWORD,
    )
    same_time = addenda.add(
        signed_note.id,
        physician.id,
        "Łukasz's lot number noted.",
        actor=actor_for(physician),
        password=PASSWORD,
    )

    expected = [earlier, same_time, later]
    assert addenda.list_for(signed_note.id) == expected
    assert list(services.queries.load(signed_note.id).addenda) == expected
    assert earlier.author_name == "Réka Varga"
    assert earlier.author_credentials == "NP"


def test_billing_staff_and_other_users_cannot_write_addenda(
    services: Services,
    addenda: AddendumService,
    signed_note: SessionRecord,
    physician: ProviderRecord,
) -> None:
    billing_user = services.providers.add(
        ProviderFacts("kim.billing", "Kim Nguyễn", "CPC", ""), Role.BILLING
    )
    billing = Actor(user_id=billing_user.id, username="kim.billing", role=Role.BILLING)
    someone_else = Actor(user_id=physician.id + 100, username="other", role=Role.PHYSICIAN)

    with pytest.raises(PermissionDenied, match=r"kim\.billing \(billing\) may not write"):
        addenda.add(
            signed_note.id, billing_user.id, "Coding note.", actor=billing, password=PASSWORD
        )
    with pytest.raises(PermissionDenied, match="signed-in clinician"):
        addenda.add(
            signed_note.id, physician.id, "Coding note.", actor=someone_else, password=PASSWORD
        )
    with pytest.raises(PermissionDenied, match="Sign in first"):
        addenda.add(signed_note.id, physician.id, "Coding note.", actor=None, password=PASSWORD)
    assert addenda.list_for(signed_note.id, actor=billing) == []


def test_unknown_note_is_not_found_and_a_wrong_password_writes_nothing(
    addenda: AddendumService, signed_note: SessionRecord, physician: ProviderRecord
) -> None:
    with pytest.raises(NotFound, match="does not exist"):
        addenda.add(
            signed_note.id + 1_000,
            physician.id,
            "Late entry.",
            actor=actor_for(physician),
            password=PASSWORD,
        )
    with pytest.raises(WrongPassword, match="could not sign the addendum"):
        addenda.add(
            signed_note.id,
            physician.id,
            "Late entry.",
            actor=actor_for(physician),
            password="not the password",
        )
    assert addenda.list_for(signed_note.id) == []


def test_times_from_a_local_clock_come_back_in_utc(
    database: Database, signed_note: SessionRecord, physician: ProviderRecord
) -> None:
    local = datetime(2026, 11, 21, 9, 45, tzinfo=CLINIC_TIME)
    addenda = AddendumService(database.session_factory, clock=lambda: local, hasher=fast_hasher())

    added = addenda.add(
        signed_note.id,
        physician.id,
        "Reviewed with Dr. Ødegård.",
        actor=actor_for(physician),
        password=PASSWORD,
    )

    assert added.created_at == local
    assert added.created_at.tzinfo is UTC
    assert addenda.list_for(signed_note.id) == [added]
