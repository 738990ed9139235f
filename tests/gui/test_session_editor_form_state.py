"""The editor's raw fields: read as a session with plain-word problems, kept as JSON."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.session_document import from_json
from tpi_desk.ui.session_editor.form_state import (
    RawMedication,
    RawSession,
    RawSite,
    parse_expiry,
    raw_from_entry,
    raw_from_payload,
    raw_to_payload,
    read_form,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "session.json"
GOOD_SITE = RawSite(
    muscle_id="upper_trapezius",
    muscle_text="Upper trapezius",
    side="left",
    points="2",
    medications=(RawMedication("lidocaine", "10", "1.5", "LD1", "2027-08-31"),),
)
GOOD = RawSession(
    performed_at="2026-03-04T09:30:00-05:00", provider_id=1, sites=(GOOD_SITE,), pain_before="7"
)


def _messages(raw: RawSession, catalog: Catalog) -> dict[str, str]:
    return {p.path: f"{p.label}: {p.message}" for p in read_form(raw, catalog).problems}


def test_the_example_document_survives_the_form_unchanged(catalog: Catalog) -> None:
    document = from_json(EXAMPLE.read_text(encoding="utf-8"), catalog)

    reading = read_form(raw_from_entry(document.session, 3, catalog), catalog)

    assert reading.is_valid
    assert reading.entry == document.session
    assert reading.provider_id == 3


def test_a_complete_form_reads_without_problems(catalog: Catalog) -> None:
    reading = read_form(GOOD, catalog)

    assert reading.problems == ()
    assert reading.entry.sites[0].medications[0].volume_ml == pytest.approx(1.5)
    assert str(reading.entry.sites[0].medications[0].volume_ml) == "1.5"
    assert reading.entry.pain_before == 7


def test_text_in_number_fields_is_named_in_plain_words(catalog: Catalog) -> None:
    medication = replace(GOOD_SITE.medications[0], volume_ml="1,5", expires="31.08.2027")
    site = replace(
        GOOD_SITE, needle_gauge="25G", needle_length_mm="1.5 in", medications=(medication,)
    )
    raw = replace(GOOD, pain_before="seven", pain_after="3.5", sites=(site,))

    assert _messages(raw, catalog) == {
        "pain_before": "Pain before (0-10): enter a whole number from 0 to 10, or leave it empty",
        "pain_after": "Pain after (0-10): enter a whole number from 0 to 10, or leave it empty",
        "sites[0].needle_gauge": "Site 1: needle gauge: enter a whole number like 25",
        "sites[0].needle_length_mm": (
            "Site 1: needle length (mm): enter a number of millimetres like 38"
        ),
        "sites[0].medications[0].volume_ml": (
            "Site 1, medication 1: volume (mL): enter a number like 1.5"
        ),
        "sites[0].medications[0].expires": (
            "Site 1, medication 1: expiry date: enter a date like 2027-08-31 (or 08/2027)"
        ),
    }


def test_missing_choices_get_one_message_each_not_a_second_one_from_validation(
    catalog: Catalog,
) -> None:
    empty_site = RawSite(medications=(RawMedication(),))
    raw = replace(GOOD, provider_id=None, sites=(GOOD_SITE, empty_site))

    assert _messages(raw, catalog) == {
        "provider": "Provider: choose who performed the session",
        "sites[1].muscle": "Site 2: muscle: choose a muscle from the list",
        "sites[1].side": "Site 2: side: choose left, right, bilateral or midline",
        "sites[1].medications[0].drug": (
            "Site 2, medication 1: drug: choose a drug and strength from the list"
        ),
        "sites[1].medications[0].volume_ml": (
            "Site 2, medication 1: volume (mL): enter the volume given, like 1.5"
        ),
    }
    reading = read_form(raw, catalog)
    assert len(reading.entry.sites) == 2  # positions stay as on screen


def test_values_read_but_out_of_range_get_the_clinical_message(catalog: Catalog) -> None:
    medication = replace(GOOD_SITE.medications[0], volume_ml="0")
    raw = replace(GOOD, pain_after="11", sites=(replace(GOOD_SITE, medications=(medication,)),))

    assert _messages(raw, catalog) == {
        "pain_after": "Pain after (0-10): must be between 0 and 10",
        "sites[0].medications[0].volume_ml": (
            "Site 1, medication 1: volume (mL): must be greater than 0"
        ),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-08-31", date(2027, 8, 31)),
        ("8/31/2027", date(2027, 8, 31)),
        ("2027-02", date(2027, 2, 28)),
        ("02/2028", date(2028, 2, 29)),
        ("  ", None),
    ],
)
def test_expiry_dates_accept_the_forms_printed_on_vials(text: str, expected: date | None) -> None:
    assert parse_expiry(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"), [("2027-02-30", "calendar"), ("13/2027", "calendar"), ("soon", "format")]
)
def test_impossible_expiry_dates_are_refused(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_expiry(text)


def test_free_text_side_effects_are_kept_apart_from_catalog_ones(catalog: Catalog) -> None:
    raw = replace(GOOD, side_effects=("bruising",), side_effects_other="Mild dizziness; itching ")

    entry = read_form(raw, catalog).entry

    assert entry.side_effects == ("bruising", "Mild dizziness", "itching")
    again = raw_from_entry(entry, 1, catalog)
    assert (again.side_effects, again.side_effects_other) == (
        ("bruising",),
        "Mild dizziness; itching",
    )


_text = st.text(max_size=12)
_medications = st.builds(RawMedication, _text, _text, _text, _text, _text)
_sites = st.builds(
    RawSite,
    _text,
    _text,
    _text,
    _text,
    _text,
    _text,
    st.booleans(),
    st.tuples(_medications) | st.just(()),
)


@given(
    st.builds(
        RawSession,
        performed_at=_text,
        provider_id=st.none() | st.integers(1, 10**6),
        pain_before=_text,
        notes=st.text(max_size=40),
        diagnoses=st.lists(_text, max_size=3).map(tuple),
        sites=st.lists(_sites, max_size=3).map(tuple),
        side_effects_other=_text,
        ultrasound_guided=st.booleans(),
    )
)
def test_the_recovery_payload_keeps_every_raw_value(raw: RawSession) -> None:
    payload = json.loads(json.dumps(raw_to_payload(raw)))

    assert raw_from_payload(payload) == raw


def test_a_damaged_payload_falls_back_to_defaults_instead_of_failing() -> None:
    restored = raw_from_payload(
        {"pain_before": 7, "sites": [{"muscle_id": "deltoid", "medications": "x"}, 3]}
    )

    assert restored.pain_before == ""
    assert restored.sites == (RawSite(muscle_id="deltoid"),)
