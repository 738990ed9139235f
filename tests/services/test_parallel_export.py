"""The merged-PDF export laid out in worker processes: the serial export's output, in order,
with progress note by note, a prompt cancel that leaves nothing, and the same audit entries."""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import Destination
from sqlalchemy import select

from tests.services.test_exporting import NOW, WHOLE_DEMO, demo, service  # noqa: F401 (fixture)
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.models.audit import AuditEvent
from tpi_desk.models.database import Database
from tpi_desk.services.export import exporting, parallel_export
from tpi_desk.services.export.exporting import ExportService


@pytest.fixture(autouse=True)
def small_batches_go_parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo clinic's few dozen notes in parts of three, so that many parts are joined."""
    monkeypatch.setattr(exporting, "MIN_PARALLEL_NOTES", 2)
    monkeypatch.setattr(parallel_export, "CHUNK_NOTES", 3)
    monkeypatch.setattr(parallel_export, "PARTS_PER_WORKER", 8)


def exporter(database: Database, catalog: Catalog, workers: int) -> ExportService:
    return ExportService(database.session_factory, catalog, clock=lambda: NOW, workers=workers)


def export_events(database: Database) -> list[tuple[int | None, str | None]]:
    with database.session_factory() as db:
        events = db.scalars(select(AuditEvent).where(AuditEvent.action == "export"))
        return sorted((event.record_id, event.detail) for event in events)


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def outline_titles(path: Path) -> list[str]:
    """The titles of the outline's entries (one level: an entry per note)."""
    titles = []
    for item in PdfReader(path).outline:
        assert isinstance(item, Destination), f"a nested outline: {item!r}"
        titles.append(str(item.title))
    return titles


def test_parallel_output_is_the_serial_output_in_order(
    demo: Database,  # noqa: F811 (the fixture)
    catalog: Catalog,
    tmp_path: Path,
) -> None:
    serial_dir, parallel_dir = tmp_path / "serial", tmp_path / "parallel"
    serial_dir.mkdir()
    parallel_dir.mkdir()

    serial = exporter(demo, catalog, 1).export(
        WHOLE_DEMO, merged_pdf=serial_dir / "notes.pdf", csv_path=serial_dir / "claims.csv"
    )
    serial_events = export_events(demo)
    parallel = exporter(demo, catalog, 2).export(
        WHOLE_DEMO, merged_pdf=parallel_dir / "notes.pdf", csv_path=parallel_dir / "claims.csv"
    )

    assert parallel.session_ids == serial.session_ids
    assert (parallel.notes, parallel.claim_lines) == (serial.notes, serial.claim_lines)
    assert serial.notes > 10
    merged = parallel_dir / "notes.pdf"
    assert outline_titles(merged) == outline_titles(serial_dir / "notes.pdf")
    assert len(outline_titles(merged)) == serial.notes
    assert page_texts(merged) == page_texts(serial_dir / "notes.pdf")
    assert PdfReader(merged).page_mode == "/UseOutlines"
    csv_text = (parallel_dir / "claims.csv").read_bytes()
    assert csv_text == (serial_dir / "claims.csv").read_bytes()
    # The same audit entries again: one per note, naming the same outputs.
    assert export_events(demo) == sorted(serial_events * 2)
    # The same files (the manifest too), and no parts folder left behind.
    names = sorted(path.name for path in parallel_dir.iterdir())
    assert names == sorted(path.name for path in serial_dir.iterdir())


def test_progress_moves_note_by_note_to_the_whole_batch(
    demo: Database,  # noqa: F811 (the fixture)
    catalog: Catalog,
    tmp_path: Path,
) -> None:
    seen: list[tuple[int, int | None]] = []

    summary = exporter(demo, catalog, 2).export(
        WHOLE_DEMO,
        merged_pdf=tmp_path / "notes.pdf",
        progress=lambda done, total: seen.append((done, total)),
    )

    assert [done for done, _total in seen] == list(range(1, summary.notes + 1))
    assert {total for _done, total in seen} == {summary.notes}


def test_a_cancel_midway_stops_the_workers_and_leaves_nothing(
    demo: Database,  # noqa: F811 (the fixture)
    catalog: Catalog,
    tmp_path: Path,
) -> None:
    done: list[int] = []
    out = tmp_path / "out"
    out.mkdir()

    summary = exporter(demo, catalog, 2).export(
        WHOLE_DEMO,
        merged_pdf=out / "notes.pdf",
        csv_path=out / "claims.csv",
        progress=lambda number, _total: done.append(number),
        cancelled=lambda: len(done) >= 4,
    )

    assert summary.cancelled
    assert 4 <= len(done) < len(service(demo, catalog).select(WHOLE_DEMO))
    assert list(out.iterdir()) == []  # no target, no temporary file, no parts folder
    assert export_events(demo) == []


def test_workers_start_from_a_fork_server_except_where_there_is_none_or_frozen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    available = multiprocessing.get_all_start_methods()
    expected = "forkserver" if "forkserver" in available else "spawn"
    assert parallel_export.worker_context().get_start_method() == expected
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert parallel_export.worker_context().get_start_method() == "spawn"


def test_the_part_laid_out_while_the_workers_start_is_the_one_a_worker_lays_out(
    demo: Database,  # noqa: F811 (the fixture)
    catalog: Catalog,
    tmp_path: Path,
) -> None:
    ids = service(demo, catalog).select(WHOLE_DEMO).session_ids
    texts: dict[str, list[list[str]]] = {}
    for who, factory in (("here", demo.session_factory), ("workers", None)):
        render = parallel_export.ParallelRender(
            database_url=demo.engine.url.render_as_string(hide_password=False),
            catalog=catalog,
            workers=2,
            generated_at=NOW,
            with_json=True,
            progress=None,
            cancelled=lambda: False,
            session_factory=factory,
        )
        scratch = tmp_path / who
        scratch.mkdir()
        parts = list(render.parts(ids, scratch))
        texts[who] = [page_texts(part.pdf) for part in parts if part.pdf is not None]
        texts[who + " notes"] = [[note.session_id for note in part.notes] for part in parts]
    assert texts["here"] == texts["workers"]
    assert texts["here notes"] == texts["workers notes"]
    assert sum(len(part) for part in texts["here notes"]) == len(ids)
