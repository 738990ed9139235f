"""The session document's values: exact numbers, optional fields and their defaults, the JSON
text (line and column of an error, repeated keys, exact decimals), and lists of documents."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from tests.clinical.session_document_support import (
    EXAMPLE,
    Document,
    problem_lines,
)
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import (
    PatientFacts,
    ProcedureKind,
    ProviderFacts,
    SessionEntry,
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
