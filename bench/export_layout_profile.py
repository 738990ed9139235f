"""Per-note CPU of the billing batch's layout against bare ReportLab, in one process.

Usage: python bench/export_layout_profile.py [--notes 300] [--rounds 3] [--profile ours|bare]

export_bench.py times the whole export (worker processes, fork server, merge) against bare
ReportLab; on a shared machine its wall figures move with the load. This one asks where a
note's time goes, in CPU milliseconds a note, measured in this process alone: loading and
analysing the notes (``load_notes``), building their stories, laying them out as the
workers do (``render_part``, parts of 50 notes, story included), and bare ReportLab writing
the same text (as export_bench.py's bare run). Rounds alternate between ours and bare so
that machine load hits both alike; the fastest round of each is printed. ``--profile``
prints the top of a cProfile of one round of ours or of bare instead.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bare_platypus import build_bare_pdf
from export_bench import _criteria, _database_with_signed_notes, _service
from note_pdf_bench import BareContent, bare_content

from tpi_desk.clinical.catalog import load_catalog
from tpi_desk.models.database import open_database
from tpi_desk.paths import resource_path
from tpi_desk.reports.batch_export import merged_note_story
from tpi_desk.reports.batch_parts import render_part
from tpi_desk.reports.fonts import register_fonts
from tpi_desk.reports.note_data import NoteData
from tpi_desk.services.export.note_loading import load_notes

PART_NOTES = 50
GENERATED_AT = datetime.now(UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", choices=("ours", "bare"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tpi-layout-profile-") as scratch:
        folder = Path(scratch)
        notes, load_ms = _notes(folder, args.notes)
        contents = [bare_content(note) for note in notes]
        ours = lambda: _ours(notes, folder)  # noqa: E731
        bare = lambda: _bare(contents, folder)  # noqa: E731
        ours()
        bare()  # warm-up: fonts, caches
        if args.profile:
            _profile(ours if args.profile == "ours" else bare)
            return
        story_ms = min(_cpu_ms(lambda: _stories(notes), len(notes)) for _ in range(args.rounds))
        ours_ms, bare_ms = 1e9, 1e9
        for _round in range(args.rounds):
            ours_ms = min(ours_ms, _cpu_ms(ours, len(notes)))
            bare_ms = min(bare_ms, _cpu_ms(bare, len(notes)))
    print(f"{len(notes)} signed demo notes, CPU ms a note (fastest of {args.rounds} rounds):")
    print(f"  load and analyse (load_notes)           {load_ms:6.2f}")
    print(f"  build the stories                       {story_ms:6.2f}")
    print(f"  lay out the parts (stories included)    {ours_ms:6.2f}")
    print(f"  bare ReportLab, same text               {bare_ms:6.2f}")
    total = load_ms + ours_ms
    print(f"  ours (load + layout) / bare             {total / bare_ms:6.2f}x")


def _notes(folder: Path, wanted: int) -> tuple[list[NoteData], float]:
    url = f"sqlite:///{folder / 'profile.sqlite3'}"
    _database_with_signed_notes(url, folder / "profile.sqlite3", wanted)
    catalog = load_catalog(resource_path("catalog"))
    database = open_database(url)
    try:
        ids = _service(database, catalog).select(_criteria()).session_ids
        started = time.process_time()
        notes: list[NoteData] = []
        for start in range(0, len(ids), PART_NOTES):
            chunk = ids[start : start + PART_NOTES]
            notes += load_notes(database.session_factory, catalog, chunk, GENERATED_AT)
        load_ms = (time.process_time() - started) * 1000 / len(notes)
    finally:
        database.dispose()
    return notes, load_ms


def _stories(notes: list[NoteData]) -> None:
    for number, note in enumerate(notes, start=1):
        merged_note_story(note, f"note-{number}")


def _ours(notes: list[NoteData], folder: Path) -> None:
    for start in range(0, len(notes), PART_NOTES):
        render_part(
            notes[start : start + PART_NOTES],
            folder / f"part-{start}.pdf",
            first_number=start + 1,
            with_json=False,
            note_done=lambda: None,
        )


def _bare(contents: list[BareContent], folder: Path) -> None:
    """As export_bench.py's bare run: the notes' text in one plain platypus document."""
    register_fonts()
    build_bare_pdf(contents, folder / "bare.pdf")


def _cpu_ms(action: Callable[[], None], notes: int) -> float:
    started = time.process_time()
    action()
    return (time.process_time() - started) * 1000 / notes


def _profile(action: Callable[[], None]) -> None:
    profile = cProfile.Profile()
    profile.runcall(action)
    pstats.Stats(profile).sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
