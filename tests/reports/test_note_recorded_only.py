"""The note prints what the clinician recorded, and leaves out what was not (issue 12, note
truthfulness; DOMAIN.md, Note contents)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from tests.reports.pdf_reading import RenderedNote, render
from tpi_desk.clinical.coding import CodeLine
from tpi_desk.reports import sample_notes


@pytest.fixture(scope="module")
def documented() -> RenderedNote:
    return render(sample_notes.documented_note())


@pytest.fixture(scope="module")
def needling() -> RenderedNote:
    return render(sample_notes.dry_needling_note())


def test_consent_prints_type_chosen_risks_in_catalog_words_and_witness(
    documented: RenderedNote,
) -> None:
    catalog = sample_notes.sample_catalog()
    risks = catalog.documentation.consent_risks
    texts = [risks[risk].text for risk in sample_notes.TPI_RISKS]
    words = documented.words
    assert "Informed consent Written consent obtained after discussing risks" in words
    expected = ", ".join(texts)
    assert f"Risks discussed {expected[:1].upper()}{expected[1:]}" in words
    assert "Witness Maribel Ortiz, MA" in words


def test_only_the_chosen_risks_print(needling: RenderedNote) -> None:
    risks = sample_notes.sample_catalog().documentation.consent_risks
    words = needling.words
    assert "Informed consent Verbal consent obtained" in words
    consent = words.lower().split("risks discussed")[1].split("time-out")[0]
    for chosen in ("bleeding_bruising", "infection", "soreness", "pneumothorax"):
        assert risks[chosen].text in consent
    for left_out in ("nerve_injury", "vasovagal", "allergic_reaction", "steroid_effects"):
        assert risks[left_out].text not in consent
    assert "Witness" not in words


def test_exam_technique_and_outcome_print_as_recorded(documented: RenderedNote) -> None:
    words = documented.words
    assert "Exam findings Taut band, Hypersensitive spot, Local twitch response" in words
    assert "Function score Neck Disability Index (%): 38" in words
    assert "Prior relief 60 % after the previous session, lasting 8 weeks" in words
    assert "Skin preparation Chlorhexidine" in words
    assert "Aspiration Negative before injecting" in words
    assert "Tolerance Tolerated well" in words
    assert "Observation 15 minutes after the procedure" in words


def test_location_and_place_of_service_print(documented: RenderedNote) -> None:
    words = documented.words
    assert "Location Riverside Pain & Spine, Falmouth office, ME" in words
    assert "Setting Office (place of service 11)" in words


def test_items_not_recorded_are_left_out(single_site: RenderedNote) -> None:
    words = single_site.words
    for label in (
        "Exam findings",
        "Function score",
        "Prior relief",
        "Skin preparation",
        "Aspiration",
        "Tolerance",
        "Observation",
        "Witness",
        "place of service",
        "Ultrasound findings",
        "Hard stop overridden",
        "NDC",
    ):
        assert label not in words, label


def test_ndc_and_discarded_amount_print_per_drug_with_jw_jz_from_the_coding_lines() -> None:
    note = sample_notes.documented_note()
    hcpcs = (
        CodeLine("HCPCS", "J3301", "Triamcinolone", 2, drug_id="triamcinolone_acetonide"),
        CodeLine("HCPCS", "J3301", "Triamcinolone", 2, ("JW",), "triamcinolone_acetonide"),
        CodeLine("HCPCS", "J2001", "Lidocaine", 2, ("JZ",), "lidocaine"),
    )
    coding = replace(note.analysis.coding, hcpcs=hcpcs)
    words = render(replace(note, analysis=replace(note.analysis, coding=coding))).words
    assert "Drugs: NDC and waste" in words
    assert "1 Lidocaine 00409-4276-01" in words
    assert "00003-0293-05 Single-dose 0.5 0.5 JW 2 u" in words
    assert " JZ" in words.split("Drugs: NDC and waste")[1]


def test_dry_needling_prints_dry_needling_aftercare(needling: RenderedNote) -> None:
    catalog = sample_notes.sample_catalog()
    words = needling.words
    assert catalog.documentation.dry_needling_aftercare[:60] in words
    assert catalog.default_instructions[:40] not in words
    assert "Drugs: NDC and waste" not in words
    # The chest-wall line speaks of injections: not on a dry-needling note.
    assert catalog.chest_wall_instructions not in words


def test_typed_instructions_win_over_the_dry_needling_aftercare(long_text: RenderedNote) -> None:
    catalog = sample_notes.sample_catalog()
    assert "Heat and gentle stretching tonight." in long_text.words
    assert catalog.documentation.dry_needling_aftercare[:60] not in long_text.words


def test_an_override_reason_is_printed_and_marked() -> None:
    note = sample_notes.documented_note()
    reason = "Patient weighs 52 kg; total lidocaine discussed with pharmacy before injecting."
    words = render(replace(note, entry=replace(note.entry, override_reason=reason))).words
    marked = "OVERRIDE — the clinician signed despite a hard stop."
    assert f"Hard stop overridden {marked} Reason: {reason}" in words


def test_ultrasound_findings_print_when_interpreted(with_addenda: RenderedNote) -> None:
    note = with_addenda.data  # a guided session
    uninterpreted = replace(note.entry, ultrasound_interpretation="")
    assert "Ultrasound findings" not in render(replace(note, entry=uninterpreted)).words
    entry = replace(note.entry, ultrasound_interpretation="Needle tip seen in the muscle belly.")
    words = render(replace(note, entry=entry)).words
    assert "Ultrasound findings Needle tip seen in the muscle belly." in words


def test_the_note_prints_the_patient_it_was_given(single_site: RenderedNote) -> None:
    # The export passes the patient as signed (see tests/services/test_note_as_signed.py).
    note = single_site.data
    older = replace(note.patient, weight_kg=Decimal("70"), date_of_birth=date(1984, 2, 29))
    words = render(replace(note, patient=older)).words
    assert "Weight 70 kg" in words
    assert "1984-02-29" in words
