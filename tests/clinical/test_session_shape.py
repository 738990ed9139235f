"""The session shape: one definition in record.py that the document reads, writes and labels."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tests.shape_support import SHAPE_FIELD_PATHS, VARIANTS, Change, base_entry, variant_params
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.decimal_text import decimal_text
from tpi_desk.clinical.record import PatientFacts, ProviderFacts, Sex
from tpi_desk.clinical.session_document import (
    DOCUMENT_KEYS,
    MEDICATION_KEYS,
    SITE_KEYS,
    SessionDocument,
    from_json,
    to_json,
)
from tpi_desk.clinical.session_shape import (
    MEDICATION_FIELDS,
    SESSION_FIELDS,
    SITE_FIELDS,
    document_keys,
)
from tpi_desk.clinical.validation import field_label, validate_entry

DOCUMENTATION = Path(__file__).parents[2] / "docs" / "session-document.md"
PATIENT = PatientFacts("D0000001", "Ñúñez", "Zoë", date(1984, 7, 22), Sex.FEMALE)
PROVIDER = ProviderFacts("ihartley", "Dr. Imogen Hartley", "MD")


def test_every_field_of_the_shape_has_a_variant_in_the_test_support() -> None:
    """Adding a field to record.py: give it a variant in tests/shape_support.py, and every
    test parametrised over the variants checks that its layer keeps the new field."""
    assert sorted(VARIANTS) == sorted(SHAPE_FIELD_PATHS)


@pytest.mark.parametrize(("path", "change"), variant_params())
def test_each_variant_is_a_valid_session(path: str, change: Change, catalog: Catalog) -> None:
    changed = change(base_entry())
    assert changed != base_entry()
    assert validate_entry(changed, catalog) == ()


@pytest.mark.parametrize(("path", "change"), variant_params())
def test_the_document_writes_and_reads_back_each_field(
    path: str, change: Change, catalog: Catalog
) -> None:
    document = SessionDocument(PATIENT, PROVIDER, change(base_entry()))
    text = to_json(document)

    assert from_json(text, catalog) == document
    assert text != to_json(SessionDocument(PATIENT, PROVIDER, base_entry()))


def test_site_and_medication_keys_are_the_shapes_keys_in_order() -> None:
    assert SITE_KEYS == ("muscle", "side", "points", "needle_gauge", "needle_length_mm",
                         "twitch_response", "medications")  # fmt: skip
    assert MEDICATION_KEYS == ("drug", "concentration_mg_per_ml", "volume_ml", "lot", "expires",
                               "container", "discarded_ml", "ndc")  # fmt: skip
    assert document_keys(SITE_FIELDS) == SITE_KEYS
    assert document_keys(MEDICATION_FIELDS) == MEDICATION_KEYS


def test_every_session_field_has_its_place_in_the_document() -> None:
    """The session's own keys are read and written by hand (nested objects); the top-level
    key of every session field must be one the document knows."""
    assert set(document_keys(SESSION_FIELDS)) == set(DOCUMENT_KEYS) - {
        "format",
        "patient",
        "provider",
    }


def test_every_key_is_described_in_the_format_documentation() -> None:
    text = DOCUMENTATION.read_text(encoding="utf-8")
    for field in (*SESSION_FIELDS, *SITE_FIELDS, *MEDICATION_FIELDS):
        assert f"`{field.document_key}`" in text, field.key


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("sites[1].medications[0].volume_ml", "Site 2, medication 1: volume (mL)"),
        ("sites[0].needle_length_mm", "Site 1: needle length (mm)"),
        ("sites[0].muscle", "Site 1: muscle"),
        ("sites[0].medications[0].lot", "Site 1, medication 1: lot number"),
        ("ultrasound.guided", "Ultrasound: guidance"),
        ("pain_before", "Pain before (0-10)"),
        ("follow_up", "Follow-up"),
        ("indication.ongoing_care[0]", "Indication: ongoing care 1"),
    ],
)
def test_labels_come_from_the_definitions(path: str, label: str) -> None:
    assert field_label(path) == label


def test_every_field_has_a_label() -> None:
    for field in (*SESSION_FIELDS, *SITE_FIELDS, *MEDICATION_FIELDS):
        assert field_label(field.document_key).lower() == field.label.lower()


@pytest.mark.parametrize(
    ("text", "shown", "written"),
    [
        ("67.50", "67.5", "67.50"),
        ("70.00", "70", "70.00"),
        ("1E+2", "100", "100"),
        ("0.000", "0", "0.000"),
        ("-0.5", "-0.5", "-0.5"),
        ("1.0000000000000000000000000000001", "1.0000000000000000000000000000001",
         "1.0000000000000000000000000000001"),
        ("1E+40", "10000000000000000000000000000000000000000", "1E+40"),
    ],
)  # fmt: skip
def test_decimal_text_shows_exact_values(text: str, shown: str, written: str) -> None:
    assert decimal_text(Decimal(text)) == shown
    assert decimal_text(Decimal(text), as_written=True) == written


def test_decimal_text_of_nothing_is_empty_and_a_document_refuses_infinity() -> None:
    assert decimal_text(None) == ""
    with pytest.raises(ValueError, match="cannot be written"):
        decimal_text(Decimal("Infinity"), as_written=True)
