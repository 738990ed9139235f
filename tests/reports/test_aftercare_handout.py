"""The patient's aftercare handout (issue 14): read back with pypdf, in English and Spanish,
with the pneumothorax warning only when a chest-wall site was treated."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from pypdf import PdfReader

from tpi_desk.clinical.record import NoteStatus, Side, SiteEntry
from tpi_desk.reports.aftercare_handout import (
    HandoutNotAvailable,
    handout_languages,
    render_aftercare_handout,
)
from tpi_desk.reports.note_data import NoteData
from tpi_desk.reports.sample_notes import documented_note


def _note_with(*sites: SiteEntry) -> NoteData:
    note = documented_note()
    return replace(note, entry=replace(note.entry, sites=sites))


def _text(note: NoteData, language: str) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(render_aftercare_handout(note, language)))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), len(reader.pages)  # lines joined where the layout wrapped


CHEST_WALL = SiteEntry("pectoralis_minor", Side.BILATERAL)
LIMB = SiteEntry("gluteus_medius", Side.LEFT)
OTHER = SiteEntry("deltoid", Side.RIGHT)


def test_the_sample_sites_are_what_the_test_assumes() -> None:
    catalog = documented_note().catalog
    assert catalog.muscles["pectoralis_minor"].pneumothorax_risk
    assert not catalog.muscles["gluteus_medius"].pneumothorax_risk
    assert not catalog.muscles["deltoid"].pneumothorax_risk


def test_the_english_handout_names_the_patient_the_day_and_each_site() -> None:
    note = _note_with(LIMB, OTHER)

    text, pages = _text(note, "en")

    assert pages == 1
    assert "After your injection: care at home" in text
    assert "Zoë Ñúñez" in text
    assert "March 4, 2026" in text
    assert "Gluteus medius, left side" in text
    assert "Deltoid, right side" in text
    assert "24 to 48 hours" in text
    assert "Fever of 100.4" in text
    assert note.clinic.name in text and note.clinic.phone in text
    assert "pneumothorax" not in text.lower()


def test_a_chest_wall_site_brings_the_pneumothorax_warning() -> None:
    text, pages = _text(_note_with(LIMB, CHEST_WALL, OTHER), "en")

    assert pages == 1
    assert "Pectoralis minor, both sides" in text
    assert "pneumothorax" in text
    assert "shortness of breath" in text and "chest pain" in text
    assert "emergency department" in text


def test_the_spanish_handout_keeps_its_accents() -> None:
    text, pages = _text(_note_with(CHEST_WALL, LIMB), "es")

    assert pages == 1
    assert "Después de su inyección: cuidados en casa" in text
    assert "Zoë Ñúñez" in text
    assert "4 de marzo de 2026" in text
    assert "Pectoral menor, ambos lados" in text
    assert "Glúteo medio, lado izquierdo" in text
    assert "neumotórax" in text
    assert "falta de aire" in text and "dolor en el pecho" in text
    assert "¿Preguntas?" in text


def test_the_spanish_handout_without_a_chest_wall_site_has_no_warning() -> None:
    text, _pages = _text(_note_with(LIMB), "es")

    assert "neumotórax" not in text


def test_a_site_treated_twice_is_listed_once() -> None:
    text, _pages = _text(_note_with(LIMB, LIMB), "en")

    assert text.count("Gluteus medius, left side") == 1


def test_only_a_signed_note_has_a_handout() -> None:
    draft = replace(documented_note(), status=NoteStatus.DRAFT)

    with pytest.raises(HandoutNotAvailable):
        render_aftercare_handout(draft, "en")


def test_the_languages_offered() -> None:
    assert handout_languages() == {"en": "English", "es": "Español"}
