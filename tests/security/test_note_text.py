"""verify's fast path writes a note's canonical text from its rows: byte for byte the text
``note_content`` gives, in both note formats, for every field of the session shape (issue 13).

A signed note whose rows write its content exactly skips the field-by-field comparison; if
the two texts ever drifted apart, every note would take the slow path (still correct), and
a drift the other way would let a change pass: so both are pinned here.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from tests.security.conftest import SignNote, Staff, dry_needling_entry
from tests.security.test_verify import tamper
from tests.services.conftest import PHYSICIAN, patient_facts, two_site_entry
from tests.shape_support import VARIANTS, base_entry
from tpi_desk.clinical.record import MedicationEntry, SessionEntry, SiteEntry
from tpi_desk.desk import Desk
from tpi_desk.services.integrity import audit_check, chunk_runner, signature_check
from tpi_desk.services.integrity.canonical import canonical_json
from tpi_desk.services.integrity.integrity import (
    NOTE_FORMAT,
    NOTE_FORMAT_V1,
    note_content,
    patient_part,
    provider_part,
)
from tpi_desk.services.integrity.key_check import KeyCheck
from tpi_desk.services.integrity.link_chunks import check_link_chunk
from tpi_desk.services.integrity.link_rows import load_link_rows
from tpi_desk.services.integrity.note_text import (
    MEDICATION_COLUMNS,
    NOTE_COLUMNS,
    SITE_COLUMNS,
    note_format_of,
    note_text,
    people_texts,
    value_text,
)

SIGNED_AT = datetime(2026, 11, 20, 16, 0, 0, 123456, tzinfo=UTC)


def _unusual(entry: SessionEntry) -> SessionEntry:
    """Unicode and quotes in texts, decimals written with trailing zeros, repeated lines."""
    line = MedicationEntry(
        "lidocaine", Decimal("10.000"), Decimal("2.500"), 'lot "7" ✓', date(2027, 1, 31)
    )
    first = SiteEntry(
        "upper_trapezius",
        entry.sites[0].side,
        needle_length_mm=Decimal("38.10"),
        medications=(line,),
    )
    return replace(
        entry,
        notes='Zoë said "better" \\ ☺\n\tnext line',
        instructions="Ïce 20 min — twice daily",
        sites=(first, replace(entry.sites[1], medications=(line, line))),
    )


ENTRIES = {
    "base": base_entry(),
    "two sites": two_site_entry(),
    "unusual": _unusual(two_site_entry()),
    **{name: change(base_entry()) for name, change in VARIANTS.items()},
}


def _columns(entry: SessionEntry) -> dict[str, object]:
    values: dict[str, object] = {
        name: getattr(entry, name)
        for name in NOTE_COLUMNS
        if name not in ("conservative_care_tried", "ongoing_care", "performed_at_offset_minutes")
    }
    offset = entry.performed_at.utcoffset()
    assert offset is not None
    return values | {
        "performed_at": entry.performed_at.astimezone(UTC),
        "performed_at_offset_minutes": int(offset.total_seconds() // 60),
        "conservative_care_tried": list(entry.indication.conservative_care_tried),
        "ongoing_care": list(entry.indication.ongoing_care),
        "consent_risks": list(entry.consent_risks),
        "exam_findings": list(entry.exam_findings),
        "diagnoses": list(entry.diagnoses),
        "side_effects": list(entry.side_effects),
        "complications": list(entry.complications),
        "session_id": 41,
        "patient_id": 7,
        "provider_id": 3,
        "signer_id": 3,
        "signed_at": SIGNED_AT,
    }


def _sites(entry: SessionEntry) -> list[tuple[tuple[object, ...], list[tuple[object, ...]]]]:
    return [
        (
            tuple(getattr(site, name) for name in SITE_COLUMNS),
            [
                tuple(getattr(line, name) for name in MEDICATION_COLUMNS)
                for line in site.medications
            ],
        )
        for site in entry.sites
    ]


@pytest.mark.parametrize("cosign_required", [False, True])
@pytest.mark.parametrize("note_format", [NOTE_FORMAT, NOTE_FORMAT_V1])
@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_the_fast_text_is_the_signed_text(
    name: str, note_format: str, cosign_required: bool
) -> None:
    entry = ENTRIES[name]
    provider = provider_part(replace(PHYSICIAN, display_name="Dr. Ŝtefan “Q” Ørsted"))
    signed = canonical_json(
        note_content(
            session_id=41,
            patient_id=7,
            patient=patient_part(patient_facts()),
            provider_id=3,
            provider=provider,
            entry=entry,
            signer_id=3,
            signer=provider,
            signed_at=SIGNED_AT,
            cosign_required=cosign_required,
            note_format=note_format,
        )
    )
    people = people_texts(signed)

    assert note_format_of(signed) == note_format
    assert people is not None
    values = _columns(entry) | {"cosign_required": cosign_required}
    assert note_text(note_format, values, _sites(entry), people) == signed


def test_notes_signed_through_the_app_take_the_fast_path(
    desk: Desk, staff: Staff, sign_note: SignNote
) -> None:
    for entry in (two_site_entry(), _unusual(two_site_entry()), dry_needling_entry()):
        sign_note(staff.physician, entry)
    with desk.database.session_factory() as db:
        rows = load_link_rows(db, 0, None)
        chunk = check_link_chunk(db, KeyCheck.load(db), 0, None)
        texts = [
            note_text(
                note_format_of(link.content) or "",
                rows.notes[link.session_id]
                | {"session_id": link.session_id, "signer_id": link.signer_id},
                rows.sites.get(link.session_id, []),
                people_texts(link.content) or {},
            )
            for link in rows.links
        ]

    assert texts == [link.content for link in rows.links]
    assert chunk.count == 3 and chunk.findings == []


def test_worker_processes_find_what_one_process_finds(
    desk: Desk, staff: Staff, sign_note: SignNote, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Chunks of two links and three audit entries, checked by two spawned workers.
    notes = [sign_note(staff.physician, two_site_entry()) for _ in range(5)]
    monkeypatch.setattr(signature_check, "BATCH_SIZE", 2)
    monkeypatch.setattr(audit_check, "BATCH_SIZE", 3)
    tamper(
        desk.database,
        [
            f"UPDATE procedure_sessions SET notes = 'edited' WHERE id = {notes[1].id}",
            f"UPDATE signatures SET chain_hash = '{'0' * 64}' WHERE sequence = 3",
            "DELETE FROM signatures WHERE sequence = 4",
            "UPDATE audit_events SET detail = 'edited' WHERE sequence = 5",
            # Checked beside the workers, on a session of its own: a patient changed.
            f"UPDATE patients SET family_name = 'Edited' WHERE id = {notes[0].patient.id}",
        ],
    )
    alone = desk.verification.verify(record=False)
    monkeypatch.setattr(chunk_runner, "PARALLEL_FROM", 0)

    side_by_side = desk.verification.verify(record=False)

    assert side_by_side.findings == alone.findings
    assert len(alone.findings) >= 6
    chains = {finding.chain for finding in alone.findings}
    assert {"signatures", "patients"} <= chains, chains
    assert (side_by_side.signatures, side_by_side.audit_entries) == (
        alone.signatures,
        alone.audit_entries,
    )


@pytest.mark.parametrize("note_format", [NOTE_FORMAT, NOTE_FORMAT_V1])
def test_remembered_texts_tell_equal_values_of_other_types_apart(note_format: str) -> None:
    """The fast path remembers the texts of repeated values; 1, True, 1.0 and "1" are equal
    or alike in Python but each keeps its own canonical text, in a note and in a site."""
    entry = ENTRIES[sorted(ENTRIES)[0]]
    provider = provider_part(PHYSICIAN)
    signed = canonical_json(
        note_content(
            session_id=41, patient_id=7, patient=patient_part(patient_facts()),
            provider_id=3, provider=provider, entry=entry, signer_id=3, signer=provider,
            signed_at=SIGNED_AT, cosign_required=False, note_format=note_format,
        )
    )  # fmt: skip
    people = people_texts(signed)
    assert people is not None
    values = _columns(entry) | {"cosign_required": False}
    (site, lines), *others = _sites(entry)
    for value in (1, True, Decimal(1), Decimal("1.0"), "1", 1, True):
        changed_site = ((*site[:2], value, *site[3:]), lines)  # the site's points
        text = note_text(
            note_format, values | {"pain_before": value}, [changed_site, *others], people
        )
        assert f'"pain_before":{value_text(value)},' in text
        assert f'"points":{value_text(value)},' in text
