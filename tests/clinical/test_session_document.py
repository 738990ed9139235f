"""Tests for the tpi-desk/session@3 document (@1 and @2 still read): parsing, structural messages,
exact JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
    DOCUMENT_KEYS,
    FORMAT,
    MEDICATION_KEYS,
    PATIENT_KEYS,
    PROVIDER_KEYS,
    SITE_KEYS,
    DocumentInvalid,
    SessionDocument,
    documents_from_json,
    from_json,
    parse_session_document,
    session_document_to_dict,
    to_json,
)
from tpi_desk.paths import resource_path

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
EXAMPLE = EXAMPLES / "session.json"
DRY_NEEDLING_EXAMPLE = EXAMPLES / "session-dry-needling.json"

Document = dict[str, Any]


@pytest.fixture
def example() -> Document:
    """The example document as decoded JSON, fresh for each test to change."""
    data: Document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return data


def problem_lines(data: object, catalog: Catalog) -> list[str]:
    """The ``path: message`` lines a document is rejected with (fails if it is accepted)."""
    with pytest.raises(DocumentInvalid) as caught:
        parse_session_document(data, catalog)
    return [str(problem) for problem in caught.value.problems]


# --- The examples --------------------------------------------------------------------------


def test_example_parses_with_exact_values(catalog: Catalog) -> None:
    doc = from_json(EXAMPLE.read_text(encoding="utf-8"), catalog)

    assert doc.patient.given_name == "Zoë"
    assert doc.patient.family_name == "Ñúñez"
    assert doc.patient.weight_kg == Decimal("68.5")
    assert doc.provider.npi == "1234567893"
    assert doc.session.kind is ProcedureKind.TRIGGER_POINT_INJECTION
    assert doc.session.performed_at == datetime(
        2026, 3, 4, 9, 30, tzinfo=timezone(timedelta(hours=-5))
    )
    assert doc.session.diagnoses == ("M79.12", "M54.2")
    assert [(s.muscle_id, s.side) for s in doc.session.sites] == [
        ("upper_trapezius", Side.BILATERAL),
        ("levator_scapulae", Side.LEFT),
    ]
    lidocaine, triamcinolone = doc.session.sites[0].medications
    assert lidocaine == MedicationEntry(
        "lidocaine", Decimal("10"), Decimal("4"), "LD4471A", date(2027, 8, 31),
        ndc="00409-4276-01",
    )  # fmt: skip
    assert triamcinolone.drug_id == "triamcinolone_acetonide"
    assert triamcinolone.volume_ml == Decimal("0.5")
    assert doc.session.indication.conservative_care_tried == ("pain_medication", "physical_therapy")


def test_examples_are_written_in_canonical_form(catalog: Catalog) -> None:
    for path in (EXAMPLE, DRY_NEEDLING_EXAMPLE):
        text = path.read_text(encoding="utf-8")
        assert to_json(from_json(text, catalog)) == text, path.name


def test_dry_needling_example_has_sites_without_medications(catalog: Catalog) -> None:
    doc = from_json(DRY_NEEDLING_EXAMPLE.read_text(encoding="utf-8"), catalog)

    assert doc.session.kind is ProcedureKind.DRY_NEEDLING
    assert doc.patient.given_name == "Łukasz"
    assert len(doc.session.sites) == 3
    assert all(site.medications == () for site in doc.session.sites)


def test_documentation_shows_the_example_file() -> None:
    guide = (EXAMPLES.parent / "session-document.md").read_text(encoding="utf-8")
    shown = guide.split("```json\n", 1)[1].split("```", 1)[0]

    assert shown == EXAMPLE.read_text(encoding="utf-8")


# --- One test per kind of structural message -----------------------------------------------


def _set(path: tuple[str | int, ...], value: object) -> Callable[[Document], None]:
    def change(data: Document) -> None:
        target: Any = data
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


def _delete(path: tuple[str | int, ...]) -> Callable[[Document], None]:
    def change(data: Document) -> None:
        target: Any = data
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return change


MED = ("sites", 1, "medications", 0)

STRUCTURAL_CASES = [
    ("format missing", _delete(("format",)), "format: is required"),
    (
        "format wrong",
        _set(("format",), "fhir"),
        'format: must be "tpi-desk/session@3" (or "tpi-desk/session@2", "tpi-desk/session@1")',
    ),
    (
        "format newer",
        _set(("format",), "tpi-desk/session@4"),
        "format: is a version this app cannot read; it reads tpi-desk/session@3, "
        "tpi-desk/session@2 and tpi-desk/session@1",
    ),
    ("object key missing", _delete(("patient",)), "patient: is required"),
    ("nested key missing", _delete(("patient", "mrn")), "patient.mrn: is required"),
    ("required null", _set(("kind",), None), "kind: is required"),
    (
        "required blank",
        _set(("provider", "display_name"), "  "),
        "provider.display_name: is required",
    ),
    (
        "medication drug missing",
        _delete((*MED, "drug")),
        "sites[1].medications[0].drug: is required",
    ),
    ("not an object", _set(("patient",), ["Zoë"]), "patient: must be an object"),
    ("site not an object", _set(("sites", 0), "upper_trapezius"), "sites[0]: must be an object"),
    ("not a list", _set(("diagnoses",), "M79.12"), "diagnoses: must be a list"),
    ("not text", _set(("notes",), 42), "notes: must be text"),
    (
        "list item not text",
        _set(("patient", "allergies"), ["latex", 7]),
        "patient.allergies[1]: must be text",
    ),
    (
        "not a boolean",
        _set(("consent", "obtained"), "yes"),
        "consent.obtained: must be true or false",
    ),
    (
        "boolean as number",
        _set(("patient", "weight_kg"), True),
        "patient.weight_kg: must be a number",
    ),
    (
        "text not a number",
        _set((*MED, "volume_ml"), "1.5 mL"),
        "sites[1].medications[0].volume_ml: must be a number",
    ),
    ("not whole", _set(("pain_before",), 6.5), "pain_before: must be a whole number"),
    (
        "text not whole",
        _set(("sites", 0, "points"), "four"),
        "sites[0].points: must be a whole number",
    ),
    (
        "whole too large",
        _set(("sites", 0, "needle_gauge"), 10**12),
        "sites[0].needle_gauge: is too large",
    ),
    (
        "not a date",
        _set(("patient", "date_of_birth"), "22/07/1984"),
        "patient.date_of_birth: must be a date like 2026-03-14",
    ),
    (
        "date not on calendar",
        _set((*MED, "expires"), "2027-02-30"),
        "sites[1].medications[0].expires: is not a date on the calendar",
    ),
    (
        "not a date and time",
        _set(("performed_at",), "yesterday morning"),
        "performed_at: must be a date and time like 2026-03-14T09:30:00-05:00",
    ),
    (
        "date without time",
        _set(("performed_at",), "2026-03-04"),
        "performed_at: must be a date and time like 2026-03-14T09:30:00-05:00",
    ),
    (
        "no offset",
        _set(("performed_at",), "2026-03-04T09:30:00"),
        "performed_at: must include a UTC offset, e.g. 2026-03-14T09:30:00-05:00",
    ),
    (
        "side not allowed",
        _set(("sites", 0, "side"), "both"),
        "sites[0].side: must be one of: left, right, bilateral, midline",
    ),
    (
        "kind not allowed",
        _set(("kind",), "acupuncture"),
        "kind: must be one of: trigger_point_injection, dry_needling",
    ),
    (
        "position not allowed",
        _set(("position",), "standing"),
        "position: must be one of: seated, prone, supine, side_lying_left, side_lying_right",
    ),
    (
        "sex not allowed",
        _set(("patient", "sex"), "F"),
        "patient.sex: must be one of: female, male, other, unknown",
    ),
    (
        "unknown top-level key",
        _set(("paint_before",), 7),
        "paint_before: is not a field of this format",
    ),
    (
        "unknown nested key",
        _set(("ultrasound", "probe"), "linear"),
        "ultrasound.probe: is not a field of this format",
    ),
    (
        "unknown key with spaces",
        _set((*MED, "lot number"), "X1"),
        'sites[1].medications[0]["lot number"]: is not a field of this format',
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"),
    [(change, expected) for _, change, expected in STRUCTURAL_CASES],
    ids=[name for name, _, _ in STRUCTURAL_CASES],
)
def test_structural_message(
    change: Callable[[Document], None], expected: str, example: Document, catalog: Catalog
) -> None:
    change(example)
    assert problem_lines(example, catalog) == [expected]


def test_document_that_is_not_an_object(catalog: Catalog) -> None:
    assert problem_lines(["tpi-desk/session@1"], catalog) == ["(document): must be an object"]


def test_problems_carry_a_label_and_a_message(example: Document, catalog: Catalog) -> None:
    example["sites"][1]["medications"][0]["volume_ml"] = "lots"
    with pytest.raises(DocumentInvalid) as caught:
        parse_session_document(example, catalog)
    (problem,) = caught.value.problems
    assert problem.path == "sites[1].medications[0].volume_ml"
    assert problem.message == "must be a number"
    assert problem.label and problem.label != problem.path
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == "sites[1].medications[0].volume_ml: must be a number"


# --- Collecting every problem --------------------------------------------------------------


def test_all_problems_are_reported_together(example: Document, catalog: Catalog) -> None:
    example["patient"]["date_of_birth"] = "1984-7-22"
    example["sites"][0]["twitch_response"] = "yes"
    example["follow_up"] = ["6 weeks"]

    with pytest.raises(DocumentInvalid) as caught:
        parse_session_document(example, catalog)
    assert str(caught.value).splitlines() == [
        "patient.date_of_birth: must be a date like 2026-03-14",
        "sites[0].twitch_response: must be true or false",
        "follow_up: must be text",
    ]


def test_validation_problems_use_document_paths(example: Document, catalog: Catalog) -> None:
    example["sites"][1]["medications"][0]["volume_ml"] = 0

    assert problem_lines(example, catalog) == [
        "sites[1].medications[0].volume_ml: must be greater than 0"
    ]


def test_one_pass_names_structural_and_range_problems_in_the_same_part(
    example: Document, catalog: Catalog
) -> None:
    example["sites"][0]["points"] = "four"
    example["sites"][1]["medications"][0]["volume_ml"] = 0  # a range problem in the same part

    assert problem_lines(example, catalog) == [
        "sites[0].points: must be a whole number",
        "sites[1].medications[0].volume_ml: must be greater than 0",
    ]


def test_a_field_with_a_structural_problem_is_not_reported_twice(
    example: Document, catalog: Catalog
) -> None:
    example["sites"][0]["muscle"] = 42
    example["pain_before"] = "severe"

    assert problem_lines(example, catalog) == [
        "pain_before: must be a whole number",
        "sites[0].muscle: must be text",
    ]


def test_a_part_that_lost_a_list_item_is_not_range_checked(
    example: Document, catalog: Catalog
) -> None:
    example["sites"][0] = "upper trapezius"  # later sites would shift their indices
    example["sites"][1]["medications"][0]["volume_ml"] = 0

    assert problem_lines(example, catalog) == ["sites[0]: must be an object"]


def test_other_parts_are_still_validated(example: Document, catalog: Catalog) -> None:
    del example["patient"]["mrn"]
    example["sites"][1]["medications"][0]["volume_ml"] = 0

    assert problem_lines(example, catalog) == [
        "patient.mrn: is required",
        "sites[1].medications[0].volume_ml: must be greater than 0",
    ]


def test_unknown_keys_do_not_hide_range_problems(example: Document, catalog: Catalog) -> None:
    example["sites"][1]["medications"][0]["dose_mg"] = 15
    example["sites"][1]["medications"][0]["volume_ml"] = 0

    assert problem_lines(example, catalog) == [
        "sites[1].medications[0].dose_mg: is not a field of this format",
        "sites[1].medications[0].volume_ml: must be greater than 0",
    ]


def test_misspelt_key_reports_both_the_typo_and_the_missing_field(
    example: Document, catalog: Catalog
) -> None:
    example["sites"][0]["musle"] = example["sites"][0].pop("muscle")

    assert problem_lines(example, catalog) == [
        "sites[0].musle: is not a field of this format",
        "sites[0].muscle: is required",
    ]


def test_validation_problems_are_named_by_document_keys(
    example: Document, catalog: Catalog
) -> None:
    example["sites"][0]["muscle"] = "trapezius"
    example["sites"][1]["medications"][0]["drug"] = "procaine"
    example["ultrasound"] = {"guided": False, "image_retained": True}

    with pytest.raises(DocumentInvalid) as caught:
        parse_session_document(example, catalog)

    paths = [problem.path for problem in caught.value.problems]
    assert paths == [
        "sites[0].muscle",
        "sites[1].medications[0].drug",
        "ultrasound.image_retained",
    ]
    assert "trapezius" in caught.value.problems[0].message


# --- Numbers -------------------------------------------------------------------------------


def test_numeric_strings_are_read_as_exact_decimals(example: Document, catalog: Catalog) -> None:
    medication = example["sites"][1]["medications"][0]
    medication["concentration_mg_per_ml"] = " 10 "
    medication["volume_ml"] = "1.25"
    example["patient"]["weight_kg"] = "7.05e1"
    example["pain_before"] = "7"
    example["sites"][0]["points"] = "4.0"

    doc = parse_session_document(example, catalog)

    parsed = doc.session.sites[1].medications[0]
    assert parsed.concentration_mg_per_ml == Decimal("10")
    assert parsed.volume_ml == Decimal("1.25")
    assert doc.patient.weight_kg == Decimal("70.5")
    assert doc.session.pain_before == 7
    assert doc.session.sites[0].points == 4


def test_python_floats_keep_their_short_decimal_value(example: Document, catalog: Catalog) -> None:
    example["sites"][1]["medications"][0]["volume_ml"] = 0.1

    doc = parse_session_document(example, catalog)

    volume = doc.session.sites[1].medications[0].volume_ml
    assert volume == Decimal("0.1")
    assert str(volume) == "0.1"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "NaN", "Infinity", "-inf", "1_000"])
def test_not_finite_numbers_are_rejected(
    value: object, example: Document, catalog: Catalog
) -> None:
    example["patient"]["weight_kg"] = value

    assert problem_lines(example, catalog) == ["patient.weight_kg: must be a number"]


def test_nan_literal_in_json_text_is_rejected(catalog: Catalog) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace('"volume_ml": 1.5', '"volume_ml": NaN')

    with pytest.raises(DocumentInvalid) as caught:
        from_json(text, catalog)
    assert str(caught.value) == "sites[1].medications[0].volume_ml: must be a number"


# --- Optional fields, null and defaults ----------------------------------------------------


def test_minimal_document_reads_defaults(catalog: Catalog) -> None:
    data = {
        "format": FORMAT,
        "patient": {
            "mrn": "SYN-1",
            "family_name": "Nguyễn",
            "given_name": "Thảo",
            "date_of_birth": "1990-01-31",
        },
        "provider": {"username": "dr_x", "display_name": "Dr X", "credentials": "DO"},
        "performed_at": "2026-03-04T14:00:00Z",
        "kind": "dry_needling",
        "position": None,
        "pain_before": None,
    }

    doc = parse_session_document(data, catalog)

    assert doc.patient == PatientFacts("SYN-1", "Nguyễn", "Thảo", date(1990, 1, 31))
    assert doc.provider == ProviderFacts("dr_x", "Dr X", "DO")
    assert doc.session == SessionEntry(
        performed_at=datetime(2026, 3, 4, 14, 0, tzinfo=UTC),
        kind=ProcedureKind.DRY_NEEDLING,
    )


def test_site_defaults_to_one_point(example: Document, catalog: Catalog) -> None:
    del example["sites"][0]["points"]
    example["sites"][1]["points"] = None

    doc = parse_session_document(example, catalog)

    assert [site.points for site in doc.session.sites] == [1, 1]


# --- JSON text -----------------------------------------------------------------------------


def test_invalid_json_names_line_and_column(catalog: Catalog) -> None:
    with pytest.raises(DocumentInvalid) as caught:
        from_json('{\n  "format": "tpi-desk/session@1",\n  "kind": \n}', catalog)
    assert str(caught.value) == "(document): is not valid JSON: expecting value at line 4, column 1"
    assert caught.value.problems[0].label == "The whole document"


def test_repeated_key_is_reported(catalog: Catalog) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        '"pain_after": 3,', '"pain_after": 3,\n  "pain_after": 2,'
    )

    with pytest.raises(DocumentInvalid) as caught:
        from_json(text, catalog)
    assert str(caught.value) == "pain_after: appears more than once"


def test_byte_order_mark_is_accepted(catalog: Catalog) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")

    assert from_json("\ufeff" + text, catalog) == from_json(text, catalog)


def test_absurdly_deep_nesting_is_a_problem_not_a_crash(catalog: Catalog) -> None:
    with pytest.raises(DocumentInvalid) as caught:
        from_json("[" * 200_000 + "]" * 200_000, catalog)
    assert str(caught.value) == "(document): is nested too deeply to read"


def test_to_json_writes_decimals_exactly(example: Document, catalog: Catalog) -> None:
    example["sites"][1]["medications"][0]["volume_ml"] = "0.1"
    example["sites"][0]["needle_length_mm"] = "38.10"
    doc = parse_session_document(example, catalog)

    text = to_json(doc)

    assert '"volume_ml": 0.1,' in text
    assert '"needle_length_mm": 38.10,' in text
    assert json.loads(text)["sites"][1]["medications"][0]["volume_ml"] == 0.1
    exact = json.loads(text, parse_float=Decimal)
    assert exact["sites"][1]["medications"][0]["volume_ml"] == Decimal("0.1")
    assert from_json(text, catalog) == doc


def test_to_json_keeps_accented_names_readable(catalog: Catalog) -> None:
    doc = from_json(EXAMPLE.read_text(encoding="utf-8"), catalog)

    assert '"family_name": "Ñúñez"' in to_json(doc)


def test_canonical_dict_has_every_key_in_documented_order(catalog: Catalog) -> None:
    doc = from_json(EXAMPLE.read_text(encoding="utf-8"), catalog)

    data: Any = session_document_to_dict(doc)

    assert tuple(data) == DOCUMENT_KEYS
    # The example patient has no insurance on file: the optional key is left out (issue 15).
    assert tuple(data["patient"]) == tuple(key for key in PATIENT_KEYS if key != "insurance")
    assert tuple(data["provider"]) == PROVIDER_KEYS
    site = data["sites"][0]
    assert tuple(site) == SITE_KEYS
    assert tuple(site["medications"][0]) == MEDICATION_KEYS
    assert site["medications"][0]["concentration_mg_per_ml"] == Decimal("10")


def test_writing_a_time_without_offset_is_refused(catalog: Catalog) -> None:
    doc = from_json(EXAMPLE.read_text(encoding="utf-8"), catalog)
    naive = SessionEntry(performed_at=datetime(2026, 3, 4, 9, 30), kind=doc.session.kind)

    with pytest.raises(ValueError, match="UTC offset"):
        session_document_to_dict(SessionDocument(doc.patient, doc.provider, naive))


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


# --- Lists of documents (what `tpi-desk export --json` writes) -------------------------------


def test_a_list_of_documents_reads_in_order(catalog: Catalog, example: Document) -> None:
    second = {**example, "pain_before": 5}
    documents = documents_from_json(json.dumps([example, second]), catalog)
    assert [d.session.pain_before for d in documents] == [7, 5]
    assert documents_from_json(json.dumps(example), catalog) == [documents[0]]


def test_problems_in_a_list_name_the_document_by_index_and_number(
    catalog: Catalog, example: Document
) -> None:
    bad = {**example, "pain_after": -1}
    with pytest.raises(DocumentInvalid) as caught:
        documents_from_json(json.dumps([example, bad, 3]), catalog)
    problems = caught.value.problems
    assert [(p.path, p.label) for p in problems] == [
        ("[1].pain_after", "Document 2: Pain after (0-10)"),
        ("[2]", "Document 3: The whole document"),
    ]
