"""Arbitrary text and decimals saved through the patient and draft services (SQLite)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import DATABASE_PROFILE
from tests.services.conftest import (
    NOW,
    PHYSICIAN,
    Services,
    actor_for,
    add_account,
    fast_hasher,
    patient_facts,
    two_site_entry,
)
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import (
    Indication,
    MedicationEntry,
    PatientFacts,
    Role,
    SessionEntry,
)
from tpi_desk.models.database import Database
from tpi_desk.services.errors import UserError, ValidationFailed
from tpi_desk.services.people.patients import PatientService
from tpi_desk.services.people.providers import ProviderService
from tpi_desk.services.people.users import UserService
from tpi_desk.services.permissions import Actor
from tpi_desk.services.sessions.drafts import DraftService
from tpi_desk.services.sessions.importing import ImportService
from tpi_desk.services.sessions.session_queries import SessionQueries
from tpi_desk.services.sessions.signing import SigningService

SPECIAL_TEXT = (
    "",
    " ",
    "\x00",
    "Zoë\x00Ñúñez",
    "\u200f\u202eשלום\u202c",
    "\U0001f489\U0001f9d1\u200d\u2695\ufe0f",
    "\r\n\t\x0b\x0c\x1b[31m\x7f\x85\u2028\u2029",
    "\ufeffŁukasz",
    "Nguyễn Ødegård",
    "x" * 10_000,
    "\u202e" * 10_000,
)
SPECIAL_DECIMALS = (
    Decimal("1E+999999"),
    Decimal("-1E+999999"),
    Decimal("-1E-999999"),
    Decimal("-0"),
    Decimal("123456789012345678901234567890"),
    Decimal("Infinity"),
    Decimal("-Infinity"),
)
# The decimal places each column keeps (more are rounded away: see the xfailed tests below).
SCALES = {"weight_kg": 2, "needle_length_mm": 1, "concentration_mg_per_ml": 3, "volume_ml": 3}
SPECIAL_INTEGERS = (0, -1, 10**9, 2**63, -(2**63) - 1, 10**30)


def arbitrary_text() -> st.SearchStrategy[str]:
    """Any Unicode (control characters, NUL, RTL marks, emoji) and some 10,000-character texts."""
    return st.one_of(
        st.sampled_from(SPECIAL_TEXT),
        st.text(max_size=40),
        st.text(st.characters(codec="utf-8"), min_size=1, max_size=20).map(lambda t: t * 500),
    )


def arbitrary_decimal(field: str) -> st.SearchStrategy[Decimal]:
    """Huge, negative, infinite and ordinary decimals with no more places than ``field`` keeps."""
    places = SCALES[field]
    return st.one_of(
        st.sampled_from(SPECIAL_DECIMALS),
        st.decimals(places=places, allow_nan=False),
        st.decimals(places=places, min_value=-1000, max_value=1000),
    )


def arbitrary_integer() -> st.SearchStrategy[int]:
    return st.one_of(st.sampled_from(SPECIAL_INTEGERS), st.integers(), st.integers(-5, 200))


@dataclass(frozen=True)
class World:
    services: Services
    actor: Actor
    provider_id: int
    patient_id: int


@pytest.fixture
def world(database: Database, catalog: Catalog) -> World:
    """One database per test function, with a signed-in physician and a patient."""
    factory = database.session_factory
    services = Services(
        patients=PatientService(factory),
        providers=ProviderService(factory),
        drafts=DraftService(factory, catalog),
        queries=SessionQueries(factory, catalog, clock=lambda: NOW),
        signing=SigningService(factory, catalog, clock=lambda: NOW, hasher=fast_hasher()),
        importing=ImportService(factory, catalog, clock=lambda: NOW),
        users=UserService(factory, hasher=fast_hasher(), clock=lambda: NOW),
    )
    physician = add_account(services, PHYSICIAN, Role.PHYSICIAN)
    actor = actor_for(physician)
    patient = services.patients.create(patient_facts(), actor=actor)
    return World(services, actor, physician.id, patient.id)


def assert_field_refusal(error: UserError, prefix: str) -> None:
    """A refusal is a ValidationFailed whose every problem names a field under ``prefix``."""
    assert isinstance(error, ValidationFailed), f"{type(error).__name__}: {error.message}"
    assert error.problems
    for problem in error.problems:
        assert problem.path.startswith(prefix), problem
        assert problem.label and problem.message, problem


# --- patients ---------------------------------------------------------------------------------

_mrn_numbers = itertools.count(1)


def fresh_mrn() -> str:
    return f"FZ-{next(_mrn_numbers)}"


PATIENT_TEXT_FIELDS = ("mrn", "family_name", "given_name", "allergies")


def patient_with(field: str, text: str) -> PatientFacts:
    base = replace(patient_facts(), mrn=fresh_mrn())
    if field == "allergies":
        return replace(base, allergies=("latex", text))
    changes: dict[str, Any] = {field: text}
    return replace(base, **changes)


def save_patient_and_read_back(world: World, facts: PatientFacts) -> None:
    patients = world.services.patients
    try:
        created = patients.create(facts, actor=world.actor)
    except UserError as error:
        assert_field_refusal(error, "patient.")
        return
    assert created.facts == facts
    assert patients.get(created.id, actor=world.actor).facts == facts


@pytest.mark.parametrize("field", PATIENT_TEXT_FIELDS)
@settings(settings.get_profile(DATABASE_PROFILE))
@given(text=arbitrary_text())
def test_any_text_in_a_patient_field_saves_exactly_or_is_refused(
    world: World, field: str, text: str
) -> None:
    save_patient_and_read_back(world, patient_with(field, text))


@settings(settings.get_profile(DATABASE_PROFILE))
@given(weight=arbitrary_decimal("weight_kg"))
def test_any_weight_saves_exactly_or_is_refused(world: World, weight: Decimal) -> None:
    save_patient_and_read_back(world, replace(patient_facts(), mrn=fresh_mrn(), weight_kg=weight))


# --- drafts -----------------------------------------------------------------------------------

ENTRY_TEXT_FIELDS = (
    "ultrasound_device",
    "notes",
    "instructions",
    "follow_up",
    "side_effects",
    "complications",
    "conservative_care_tried",
    "ongoing_care",
    "lot",
)
ENTRY_DECIMAL_FIELDS = ("needle_length_mm", "concentration_mg_per_ml", "volume_ml")
ENTRY_INTEGER_FIELDS = ("pain_before", "pain_after", "points", "needle_gauge")


def entry_with(field: str, value: Any) -> SessionEntry:
    """The two-site session with ``value`` in one field (of the first site or its first drug)."""
    entry = two_site_entry()
    first_site = entry.sites[0]
    as_list: dict[str, Any] = {field: (value,)}
    if field in {"side_effects", "complications"}:
        return replace(entry, **as_list)
    if field in {"conservative_care_tried", "ongoing_care"}:
        return replace(entry, indication=replace(Indication(), **as_list))
    if field in {"lot", "concentration_mg_per_ml", "volume_ml"}:
        medication: MedicationEntry = replace(first_site.medications[0], **{field: value})
        site = replace(first_site, medications=(medication, *first_site.medications[1:]))
        return replace(entry, sites=(site, *entry.sites[1:]))
    if field in {"points", "needle_gauge", "needle_length_mm"}:
        site = replace(first_site, **{field: value})
        return replace(entry, sites=(site, *entry.sites[1:]))
    return replace(entry, **{field: value})


def create_and_save_draft(world: World, entry: SessionEntry) -> None:
    """Create a draft with ``entry`` and save it over a plain draft: exact or a field refusal."""
    drafts, queries = world.services.drafts, world.services.queries
    try:
        created = drafts.create(world.patient_id, world.provider_id, entry, actor=world.actor)
    except UserError as error:
        assert_field_refusal(error, "")
    else:
        assert created.entry == entry
        assert queries.load(created.id, actor=world.actor).entry == entry

    plain = drafts.create(
        world.patient_id,
        world.provider_id,
        replace(two_site_entry(), sites=(replace(two_site_entry().sites[1], medications=()),)),
        actor=world.actor,
    )
    try:
        saved = drafts.save(plain.id, plain.version, entry, actor=world.actor)
    except UserError as error:
        assert_field_refusal(error, "")
    else:
        assert saved.entry == entry
        assert repr(queries.load(saved.id, actor=world.actor)) == repr(saved)


@pytest.mark.parametrize("field", ENTRY_TEXT_FIELDS)
@settings(settings.get_profile(DATABASE_PROFILE))
@given(text=arbitrary_text())
def test_any_text_in_a_session_field_saves_exactly_or_is_refused(
    world: World, field: str, text: str
) -> None:
    create_and_save_draft(world, entry_with(field, text))


@pytest.mark.parametrize("field", ENTRY_DECIMAL_FIELDS)
@settings(settings.get_profile(DATABASE_PROFILE))
@given(data=st.data())
def test_any_decimal_in_a_session_field_saves_exactly_or_is_refused(
    world: World, field: str, data: st.DataObject
) -> None:
    value = data.draw(arbitrary_decimal(field), label=field)
    create_and_save_draft(world, entry_with(field, value))


# --- defects the fuzzing found, now refused with a field message -----------------------------


def test_a_nan_weight_is_a_field_problem(world: World) -> None:
    facts = replace(patient_facts(), mrn=fresh_mrn(), weight_kg=Decimal("NaN"))
    with pytest.raises(ValidationFailed) as refused:
        world.services.patients.create(facts, actor=world.actor)
    assert [str(p) for p in refused.value.problems] == ["patient.weight_kg: must be a number"]


@pytest.mark.parametrize("field", ENTRY_DECIMAL_FIELDS)
def test_a_nan_in_a_session_field_is_a_field_problem(world: World, field: str) -> None:
    entry = entry_with(field, Decimal("NaN"))
    with pytest.raises(ValidationFailed) as refused:
        world.services.drafts.create(world.patient_id, world.provider_id, entry, actor=world.actor)
    assert [problem.path.rsplit(".", 1)[-1] for problem in refused.value.problems] == [field]


def test_a_volume_too_precise_to_store_is_refused_not_rounded_to_zero(world: World) -> None:
    entry = entry_with("volume_ml", Decimal("1E-999999"))
    with pytest.raises(ValidationFailed) as refused:
        world.services.drafts.create(world.patient_id, world.provider_id, entry, actor=world.actor)
    assert [p.message for p in refused.value.problems] == ["can have at most 3 decimal places"]


def test_a_weight_too_precise_to_store_is_refused_not_rounded(world: World) -> None:
    facts = replace(patient_facts(), mrn=fresh_mrn(), weight_kg=Decimal("68.505"))
    with pytest.raises(ValidationFailed) as refused:
        world.services.patients.create(facts, actor=world.actor)
    assert [str(p) for p in refused.value.problems] == [
        "patient.weight_kg: can have at most 2 decimal places"
    ]


@pytest.mark.parametrize("field", ENTRY_INTEGER_FIELDS)
@settings(settings.get_profile(DATABASE_PROFILE))
@given(value=arbitrary_integer())
def test_any_whole_number_in_a_session_field_saves_exactly_or_is_refused(
    world: World, field: str, value: int
) -> None:
    create_and_save_draft(world, entry_with(field, value))


def test_an_accented_patient_round_trips(world: World) -> None:
    facts = PatientFacts("FZ-ACCENT", "Nguyễn", "Łukasz", date(1980, 1, 2), allergies=("Ødegård",))
    created = world.services.patients.create(facts, actor=world.actor)
    assert world.services.patients.get(created.id).facts == facts
