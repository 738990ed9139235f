"""The session document read back as it was written, for any valid document (hypothesis), and
any value anywhere giving a document or problems, never a crash."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.clinical.session_document_support import (
    EXAMPLE,
    Document,
    _set,
    problem_lines,
)
from tpi_desk.clinical.catalog import Catalog, load_catalog
from tpi_desk.clinical.record import (
    ConsentType,
    ContainerKind,
    Coverage,
    Indication,
    MedicationEntry,
    PatientFacts,
    Position,
    ProcedureKind,
    ProviderFacts,
    SessionEntry,
    Sex,
    Side,
    SiteEntry,
    Tolerance,
)
from tpi_desk.clinical.session_document import (
    DocumentInvalid,
    SessionDocument,
    from_json,
    parse_session_document,
    session_document_to_dict,
    to_json,
)
from tpi_desk.paths import resource_path

# --- Round trip (hypothesis) ---------------------------------------------------------------

_CATALOG = load_catalog(resource_path("catalog"))

_plain_text = st.text(
    st.characters(codec="utf-8"),  # no lone surrogates: they cannot be written as UTF-8
    max_size=40,
)
_name = st.sampled_from(["Zoë", "Ñúñez", "Łukasz", "Nguyễn", "Ødegård", "O'Brien-Smith", "李"])
_offsets = st.integers(min_value=-12 * 4, max_value=14 * 4).map(
    lambda quarters: timezone(timedelta(minutes=15 * quarters))
)


def _decimal(low: str, high: str, places: int) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=Decimal(low), max_value=Decimal(high), places=places)


@st.composite
def _medications(draw: st.DrawFn, performed: date) -> MedicationEntry:
    drug = draw(st.sampled_from(sorted(_CATALOG.drugs.values(), key=lambda d: d.id)))
    return MedicationEntry(
        drug_id=drug.id,
        concentration_mg_per_ml=draw(st.sampled_from(drug.concentrations_mg_per_ml)),
        volume_ml=draw(_decimal("0.1", "2", 2)),
        lot=draw(st.from_regex(r"[A-Z]{2}[0-9]{3,6}[A-Z]?", fullmatch=True)),
        expires=performed + timedelta(days=draw(st.integers(1, 900))),
        container=draw(st.none() | st.just(ContainerKind.SINGLE_DOSE)),
        ndc=draw(st.just("") | st.from_regex(r"[0-9]{5}-[0-9]{4}-[0-9]{2}", fullmatch=True)),
    )


@st.composite
def _sites(draw: st.DrawFn, kind: ProcedureKind, performed: date) -> SiteEntry:
    medications: tuple[MedicationEntry, ...] = ()
    if kind is ProcedureKind.TRIGGER_POINT_INJECTION:
        medications = tuple(draw(st.lists(_medications(performed), min_size=1, max_size=2)))
    muscle = draw(st.sampled_from(sorted(_CATALOG.muscles)))
    # "midline" only for a muscle the catalog marks as midline (issue 12).
    sides = [side for side in Side if side is not Side.MIDLINE or _CATALOG.muscles[muscle].midline]
    return SiteEntry(
        muscle_id=muscle,
        side=draw(st.sampled_from(sides)),
        points=draw(st.integers(1, 6)),
        needle_gauge=draw(st.none() | st.integers(21, 32)),
        needle_length_mm=draw(st.none() | _decimal("13", "90", 1)),
        twitch_response=draw(st.booleans()),
        medications=medications,
    )


@st.composite
def valid_documents(draw: st.DrawFn) -> SessionDocument:
    """Documents that pass every check: catalog ids, in-range numbers, offsets on times."""
    kind = draw(st.sampled_from(ProcedureKind))
    performed_at = draw(
        st.datetimes(datetime(2024, 1, 1), datetime(2027, 12, 31), timezones=_offsets)
    )
    performed = performed_at.date()
    pain = st.none() | st.integers(0, 10)
    care = st.lists(st.sampled_from(sorted(_CATALOG.conservative_care_options)), unique=True)
    patient = PatientFacts(
        mrn=draw(st.from_regex(r"SYN-[0-9]{4,8}", fullmatch=True)),
        family_name=draw(_name),
        given_name=draw(_name),
        date_of_birth=draw(st.dates(date(1920, 1, 1), date(2015, 12, 31))),
        sex=draw(st.sampled_from(Sex)),
        weight_kg=draw(st.none() | _decimal("40", "150", 1)),
        allergies=tuple(draw(st.lists(_plain_text.filter(str.strip), max_size=2))),
        coverage=draw(st.sampled_from(Coverage)),
    )
    provider = ProviderFacts(
        username=draw(st.from_regex(r"[a-z][a-z0-9_]{2,15}", fullmatch=True)),
        display_name=draw(_name),
        credentials=draw(st.sampled_from(["MD", "DO"])),
        npi=draw(st.sampled_from(["", "1234567893"])),
        acupuncture_certified=draw(st.booleans()),
    )
    vocabulary = _CATALOG.documentation
    guided = draw(st.booleans())
    session = SessionEntry(
        performed_at=performed_at,
        kind=kind,
        position=draw(st.none() | st.sampled_from(Position)),
        ultrasound_guided=guided,
        ultrasound_image_retained=guided and draw(st.booleans()),
        ultrasound_device=draw(st.sampled_from(["", "Butterfly iQ3"])) if guided else "",
        ultrasound_interpretation=draw(st.sampled_from(["", "Needle in muscle"])) if guided else "",
        location_state=draw(st.sampled_from(["", *vocabulary.states])),
        place_of_service=draw(st.sampled_from(["", *vocabulary.places_of_service])),
        consent_obtained=draw(st.booleans()),
        consent_type=draw(st.none() | st.sampled_from(ConsentType)),
        consent_risks=tuple(
            draw(st.lists(st.sampled_from(list(vocabulary.consent_risks)), unique=True))
        ),
        time_out_performed=draw(st.booleans()),
        exam_findings=tuple(
            draw(st.lists(st.sampled_from(list(vocabulary.exam_findings)), unique=True))
        ),
        prior_relief_percent=draw(st.none() | st.integers(0, 100)),
        skin_prep=draw(st.sampled_from(["", *vocabulary.skin_preps])),
        aspiration_negative=draw(st.none() | st.booleans()),
        tolerance=draw(st.none() | st.sampled_from(Tolerance)),
        observation_minutes=draw(st.none() | st.integers(0, 240)),
        pain_before=draw(pain),
        pain_after=draw(pain),
        diagnoses=tuple(
            draw(
                st.lists(
                    st.sampled_from(sorted(c.code for c in _CATALOG.icd10.values() if c.billable)),
                    min_size=1,
                    max_size=3,
                    unique=True,
                )
            )
        ),
        sites=tuple(draw(st.lists(_sites(kind, performed), min_size=1, max_size=3))),
        indication=Indication(tuple(draw(care)), tuple(draw(care))),
        side_effects=tuple(
            draw(st.lists(st.sampled_from(sorted(_CATALOG.side_effects)), unique=True))
        ),
        complications=tuple(
            draw(st.lists(st.sampled_from(sorted(_CATALOG.complications)), unique=True))
        ),
        notes=draw(_plain_text),
        instructions=draw(st.just(_CATALOG.default_instructions) | _plain_text),
        follow_up=draw(_plain_text),
    )
    return SessionDocument(patient, provider, session)


_round_trip_settings = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@_round_trip_settings
@given(valid_documents())
def test_round_trip_through_the_canonical_dict(doc: SessionDocument) -> None:
    data = session_document_to_dict(doc)

    assert parse_session_document(data, _CATALOG) == doc


@_round_trip_settings
@given(valid_documents())
def test_round_trip_through_json_text(doc: SessionDocument) -> None:
    text = to_json(doc)

    assert from_json(text, _CATALOG) == doc
    assert to_json(from_json(text, _CATALOG)) == text


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.decimals()
    | st.text(max_size=12)
    | st.sampled_from(["2026-13-01", "1e999999999", "-0", "10", "left", "2026-03-04T09:30Z"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)


def _paths(data: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Every key and index of a decoded document, as paths for ``_set``."""
    children: list[tuple[str | int, ...]] = []
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        children.append((*prefix, key))
        if isinstance(value, dict | list):
            children += _paths(value, (*prefix, key))
    return children


_EXAMPLE_DATA: Document = json.loads(EXAMPLE.read_text(encoding="utf-8"))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_paths(_EXAMPLE_DATA)), _json_values)
def test_any_value_anywhere_gives_a_document_or_problems(
    path: tuple[str | int, ...], value: object
) -> None:
    data = json.loads(json.dumps(_EXAMPLE_DATA))
    _set(path, value)(data)

    try:
        doc = parse_session_document(data, _CATALOG)
    except DocumentInvalid as error:
        assert error.problems
        assert all(str(p).startswith(p.path + ": ") and p.label for p in error.problems)
    else:
        assert parse_session_document(session_document_to_dict(doc), _CATALOG) == doc


@pytest.mark.parametrize("huge", ["10E999999", Decimal("1E+999999"), "-1e400"])
def test_absurd_exponents_are_too_large_not_a_crash(
    example: Document, catalog: Catalog, huge: object
) -> None:
    example["sites"][0]["points"] = huge

    assert problem_lines(example, catalog) == ["sites[0].points: is too large"]


def test_absurd_decimal_exponents_are_too_large_not_a_crash(
    example: Document, catalog: Catalog
) -> None:
    example["sites"][1]["medications"][0]["volume_ml"] = "9E999999"
    example["patient"]["weight_kg"] = Decimal("1E+400")

    assert problem_lines(example, catalog) == [
        "patient.weight_kg: is too large",
        "sites[1].medications[0].volume_ml: is too large",
    ]
