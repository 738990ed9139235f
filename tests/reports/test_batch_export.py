"""The billing batch: merged PDF with bookmarks, a PDF per note, CSV, JSON; all or nothing."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import Destination

from tests.reports.pdf_reading import PAGE_FOOTER
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.session_document import from_json
from tpi_desk.reports import sample_notes
from tpi_desk.reports.batch_export import (
    ExportError,
    bookmark_title,
    export_batch,
    note_file_name,
)
from tpi_desk.reports.note_data import NoteData
from tpi_desk.reports.note_header import DRAFT_MARK
from tpi_desk.reports.note_pdf import render_note_bytes


@pytest.fixture(scope="module")
def batch() -> list[NoteData]:
    """Four notes of different lengths and states (ids made unique)."""
    notes = [
        sample_notes.single_site_note(),
        sample_notes.many_sites_note(30),
        sample_notes.draft_note(),
        sample_notes.signed_note_with_addenda(),
    ]
    return [replace(note, session_id=str(101 + index)) for index, note in enumerate(notes)]


def footers(reader: PdfReader) -> list[tuple[str, int, int]]:
    """(footer text before "Page", X, Y) of every page."""
    found = []
    for page in reader.pages:
        text = page.extract_text().replace("\u00a0", " ")
        (line,) = [line for line in text.splitlines() if PAGE_FOOTER.search(line)]
        match = PAGE_FOOTER.search(line)
        assert match is not None
        found.append((line[: match.start()], int(match.group(1)), int(match.group(2))))
    return found


def outline(reader: PdfReader) -> list[tuple[str, int]]:
    entries = []
    for item in reader.outline:
        assert isinstance(item, Destination), "the outline is flat: one entry per note"
        page = reader.get_destination_page_number(item)
        assert page is not None
        entries.append((str(item.title), page))
    return entries


def listing(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_merged_pdf_has_one_bookmark_per_note_at_its_first_page(
    batch: list[NoteData], tmp_path: Path
) -> None:
    target = tmp_path / "batch.pdf"

    summary = export_batch(batch, merged_pdf=target)

    reader = PdfReader(target)
    pages = footers(reader)
    first_pages = [index for index, (_text, number, _total) in enumerate(pages) if number == 1]
    assert outline(reader) == [
        (bookmark_title(note), first) for note, first in zip(batch, first_pages, strict=True)
    ]
    assert outline(reader)[0][0] == "2026-03-04 — Ñúñez, Zoë — D-104233"
    assert summary.notes == 4
    assert summary.files == (target,)
    assert summary.session_ids == ("101", "102", "103", "104")
    assert not summary.cancelled


def test_merged_pdf_starts_each_note_on_a_new_page_numbered_from_one(
    batch: list[NoteData], tmp_path: Path
) -> None:
    target = tmp_path / "batch.pdf"

    export_batch(batch, merged_pdf=target)

    pages = footers(PdfReader(target))
    alone = [len(PdfReader(io.BytesIO(render_note_bytes(note))).pages) for note in batch]
    assert len(pages) == sum(alone), "notes share no page"
    start = 0
    for note, count in zip(batch, alone, strict=True):
        own = pages[start : start + count]
        assert [(number, total) for _text, number, total in own] == [
            (x, count) for x in range(1, count + 1)
        ]
        assert {text.split(" · ")[1] for text, _number, _total in own} == {
            f"MRN {note.patient.mrn}"
        }
        start += count
    assert alone[1] > 1, "the 30-site note runs over several pages"


def test_only_the_draft_note_of_a_merged_batch_is_marked_draft(
    batch: list[NoteData], tmp_path: Path
) -> None:
    target = tmp_path / "batch.pdf"

    export_batch(batch, merged_pdf=target)

    reader = PdfReader(target)
    marked = {
        footer[0].split(" · ")[1]
        for page, footer in zip(reader.pages, footers(reader), strict=True)
        if DRAFT_MARK in page.extract_text()
    }
    assert marked == {f"MRN {sample_notes.AN.mrn}"}


def test_one_pdf_per_note_named_by_date_mrn_and_family_name(
    batch: list[NoteData], tmp_path: Path
) -> None:
    folder = tmp_path / "notes"

    # Names with the patient only when the clinic asks (issue 13); see tests/security.
    summary = export_batch(batch, pdf_dir=folder, file_names_with_patient=True)

    assert listing(folder) == sorted(
        [
            "2026-03-04_D-104233_Nunez.pdf",
            "2026-03-04_D-200871_Wisniewski.pdf",
            "2026-03-04_D-518002_Nguyen.pdf",
            "2026-03-04_D-402119_Odegard.pdf",
        ]
    )
    assert sorted(summary.files) == sorted(folder.iterdir())
    text = PdfReader(folder / "2026-03-04_D-402119_Odegard.pdf").pages[0].extract_text()
    assert "Ødegård, Ingrid" in text


def test_same_day_notes_of_one_patient_get_numbered_names(tmp_path: Path) -> None:
    note = sample_notes.single_site_note()
    notes = [replace(note, session_id=str(n)) for n in range(3)]
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "unrelated.txt").write_text("kept", encoding="utf-8")

    export_batch(notes, pdf_dir=folder, file_names_with_patient=True)

    assert listing(folder) == [
        "2026-03-04_D-104233_Nunez.pdf",
        "2026-03-04_D-104233_Nunez_2.pdf",
        "2026-03-04_D-104233_Nunez_3.pdf",
        "unrelated.txt",
    ]


@pytest.mark.parametrize(
    ("family", "mrn", "expected"),
    [
        ("Ó Briain", "SYN-7", "2026-03-04_SYN-7_O-Briain.pdf"),
        ("Łukasiewicz-Ødegård", "A1", "2026-03-04_A1_Lukasiewicz-Odegard.pdf"),
        ("O'Neill / Smith", "77/12", "2026-03-04_77-12_ONeill-Smith.pdf"),
        ("李", "../etc", "2026-03-04_etc_patient.pdf"),
    ],
)
def test_file_names_are_plain_and_safe_but_readable(family: str, mrn: str, expected: str) -> None:
    note = sample_notes.single_site_note()
    note = replace(note, patient=replace(note.patient, family_name=family, mrn=mrn))

    assert note_file_name(note, with_patient=True) == expected


def test_csv_and_json_are_written_with_the_pdf(
    batch: list[NoteData], tmp_path: Path, catalog: Catalog
) -> None:
    csv_path, json_path = tmp_path / "claims.csv", tmp_path / "notes.json"

    summary = export_batch(
        batch, merged_pdf=tmp_path / "b.pdf", csv_path=csv_path, json_path=json_path
    )

    with csv_path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert (
        len(rows) == summary.claim_lines == sum(len(n.analysis.coding.claim_lines) for n in batch)
    )
    assert rows[0]["session_id"] == "101"
    documents = json.loads(json_path.read_text(encoding="utf-8"))
    assert isinstance(documents, list)
    assert len(documents) == len(batch)
    for document, note in zip(documents, batch, strict=True):
        parsed = from_json(json.dumps(document, ensure_ascii=False), catalog)
        assert parsed.patient == note.patient
        assert parsed.provider == note.provider
        assert parsed.session == note.entry


def test_progress_reports_each_note_with_the_total_when_it_is_known(
    batch: list[NoteData], tmp_path: Path
) -> None:
    sized: list[tuple[int, int | None]] = []
    streamed: list[tuple[int, int | None]] = []

    export_batch(batch, merged_pdf=tmp_path / "a.pdf", progress=lambda *p: sized.append(p))
    export_batch(iter(batch), csv_path=tmp_path / "b.csv", progress=lambda *p: streamed.append(p))

    assert sized == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert streamed == [(1, None), (2, None), (3, None), (4, None)]


@pytest.mark.parametrize("per_note", [False, True])
def test_cancel_mid_way_leaves_no_output_and_keeps_old_files(
    batch: list[NoteData], tmp_path: Path, per_note: bool
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    old_csv = out / "claims.csv"
    old_csv.write_text("yesterday's export\n", encoding="utf-8")
    done: list[int] = []
    summary = export_batch(
        batch,
        merged_pdf=None if per_note else out / "batch.pdf",
        pdf_dir=out / "notes" if per_note else None,
        csv_path=old_csv,
        json_path=out / "notes.json",
        progress=lambda number, _total: done.append(number),
        cancelled=lambda: len(done) >= 2,
    )

    assert summary.cancelled
    assert summary.files == ()
    assert summary.notes == 0
    assert done == [1, 2]
    assert listing(out) == ["claims.csv"]
    assert old_csv.read_text(encoding="utf-8") == "yesterday's export\n"


def test_an_error_mid_way_leaves_no_output(batch: list[NoteData], tmp_path: Path) -> None:
    def failing() -> Iterator[NoteData]:
        yield batch[0]
        yield batch[1]
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError, match="went away"):
        export_batch(failing(), merged_pdf=tmp_path / "b.pdf", csv_path=tmp_path / "c.csv")

    assert listing(tmp_path) == []


def test_a_refusal_before_commit_writes_nothing(batch: list[NoteData], tmp_path: Path) -> None:
    seen: list[tuple[str, ...]] = []

    def refuse(session_ids: tuple[str, ...]) -> None:
        seen.append(session_ids)
        raise PermissionError("not allowed")

    with pytest.raises(PermissionError):
        export_batch(batch, csv_path=tmp_path / "c.csv", before_commit=refuse)

    assert seen == [("101", "102", "103", "104")]
    assert listing(tmp_path) == []


def test_an_existing_target_is_replaced_only_when_the_export_succeeds(
    batch: list[NoteData], tmp_path: Path
) -> None:
    target = tmp_path / "claims.csv"
    target.write_text("old\n", encoding="utf-8")

    export_batch(batch[:1], csv_path=target)

    assert target.read_text(encoding="utf-8").startswith("date_of_service,")
    assert listing(tmp_path) == ["claims.csv"]


def test_an_unwritable_path_is_reported_plainly_before_any_work(
    batch: list[NoteData], tmp_path: Path
) -> None:
    missing = tmp_path / "no such folder" / "batch.pdf"
    pulled: list[NoteData] = []

    def notes() -> Iterator[NoteData]:
        for note in batch:
            pulled.append(note)
            yield note

    with pytest.raises(ExportError) as error:
        export_batch(notes(), csv_path=tmp_path / "c.csv", merged_pdf=missing)

    assert error.value.message == (
        f"Cannot write {missing}: the folder {missing.parent} does not exist."
    )
    assert pulled == []
    assert listing(tmp_path) == []


def test_a_folder_or_a_file_in_the_wrong_place_is_reported(
    batch: list[NoteData], tmp_path: Path
) -> None:
    (tmp_path / "taken").write_text("a file", encoding="utf-8")

    with pytest.raises(ExportError, match=r"it is a folder; give a file name\.$"):
        export_batch(batch, csv_path=tmp_path)
    with pytest.raises(ExportError, match=r"it is a file, not a folder\.$"):
        export_batch(batch, pdf_dir=tmp_path / "taken")
    with pytest.raises(ExportError, match=r"^Cannot write .*taken.*notes\.json: .*\.$"):
        export_batch(batch, json_path=tmp_path / "taken" / "notes.json")
    assert listing(tmp_path) == ["taken"]


def test_asking_for_nothing_or_one_file_twice_is_refused(
    batch: list[NoteData], tmp_path: Path
) -> None:
    with pytest.raises(ExportError, match="Nothing to write"):
        export_batch(batch)
    with pytest.raises(ExportError, match="given for two outputs"):
        export_batch(batch, csv_path=tmp_path / "x", json_path=tmp_path / "x")


def test_no_notes_writes_nothing(tmp_path: Path) -> None:
    summary = export_batch([], merged_pdf=tmp_path / "b.pdf", csv_path=tmp_path / "c.csv")

    assert (summary.notes, summary.files, summary.cancelled) == (0, (), False)
    assert listing(tmp_path) == []
