"""PDF note benchmark: one procedure note against bare ReportLab on the same content.

Usage: python bench/note_pdf_bench.py [--runs 60]

"Ours" is ``render_note_bytes`` on the synthetic single-site signed note (embedded DejaVu
Sans, body-map figure, coding summary, page furniture). "Bare" is a plain platypus
document with the same paragraphs and tables (their texts taken once, before timing, from
the note's own story) re-made as plain flowables: the sample stylesheet's Normal style in
the same embedded font (the names need it), tables of plain strings with no table style,
no page callbacks, no figure.
Runs alternate between the two so that machine load hits both alike; medians are printed.
Bare is measured twice: with ReportLab's default ASCII85 streams, and with the binary
streams the note writes (see ``note_pages.binary_streams``); the ratio uses the latter.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable

from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Table

from tpi_desk.reports.fonts import REGULAR, register_fonts
from tpi_desk.reports.note_data import NoteData
from tpi_desk.reports.note_format import markup
from tpi_desk.reports.note_pages import binary_streams
from tpi_desk.reports.note_pdf import build_note_story, render_note_bytes
from tpi_desk.reports.sample_notes import single_site_note

TARGET_MS = 25.0
TARGET_RATIO = 2.0


# The note's words, extracted once: a paragraph's text, or a table's rows of cell texts.
BareContent = list[str | list[list[str]]]


def bare_content(data: NoteData) -> BareContent:
    """Every paragraph and table of the note's story, as plain text (extracted once).

    Nested layout tables are unpacked; the figure, spacers, rules and page markers are
    left out.
    """
    content: BareContent = []
    for flowable in build_note_story(data):
        content += _texts(flowable)
    return content


def _texts(flowable: object) -> BareContent:
    if isinstance(flowable, Paragraph):
        return [flowable.getPlainText()]
    if isinstance(flowable, KeepTogether):
        return [text for part in flowable._content for text in _texts(part)]
    if isinstance(flowable, Table):
        values = [value for row in flowable._cellvalues for value in row]
        if any(isinstance(value, Table | list) for value in values):
            return [text for value in values for text in _texts(value)]
        return [[[_cell_text(value) for value in row] for row in flowable._cellvalues]]
    if isinstance(flowable, list):
        return [text for item in flowable for text in _texts(item)]
    if isinstance(flowable, str) and flowable:
        return [flowable]
    return []


def _cell_text(value: object) -> str:
    if isinstance(value, Paragraph):
        return str(value.getPlainText())
    return value if isinstance(value, str) else ""


def render_bare(content: BareContent) -> bytes:
    """Plain paragraphs (Normal style, same embedded font) and unstyled tables, built."""
    normal = getSampleStyleSheet()["Normal"]
    normal.fontName = REGULAR
    story: list[Flowable] = [
        Paragraph(markup(item), normal) if isinstance(item, str) else Table(item, repeatRows=1)
        for item in content
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=letter).build(story)
    return buffer.getvalue()


def render_bare_binary(content: BareContent) -> bytes:
    with binary_streams():
        return render_bare(content)


OURS = "ours"
BARE_DEFAULT = "bare (ASCII85, ReportLab default)"
BARE_BINARY = "bare (binary streams, as ours)"


def measure(cases: dict[str, Callable[[], bytes]], runs: int) -> dict[str, tuple[float, float]]:
    """Median wall-clock and CPU milliseconds per case, runs alternating between the cases."""
    wall: dict[str, list[float]] = {name: [] for name in cases}
    cpu: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, action in cases.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            action()
            wall[name].append((time.perf_counter() - started) * 1000)
            cpu[name].append((time.process_time() - started_cpu) * 1000)
    return {name: (statistics.median(wall[name]), statistics.median(cpu[name])) for name in cases}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    runs = parser.parse_args().runs
    register_fonts()
    data = single_site_note()
    content = bare_content(data)
    cases: dict[str, Callable[[], bytes]] = {
        OURS: lambda: render_note_bytes(data),
        BARE_DEFAULT: lambda: render_bare(content),
        BARE_BINARY: lambda: render_bare_binary(content),
    }
    sizes = {name: len(action()) for name, action in cases.items()}  # warm-up
    pages = render_note_bytes(data).count(b"/Type /Page\n")
    medians = measure(cases, runs)
    print(f"One procedure note (single site, signed, {pages} pages), medians of {runs} runs:")
    print(f"  {'':36} {'wall':>8} {'CPU':>8}")
    for name, (wall, cpu) in medians.items():
        print(f"  {name:36} {wall:5.1f} ms {cpu:5.1f} ms  ({sizes[name] / 1024:.0f} KiB)")
    ours_wall, ours_cpu = medians[OURS]
    for bare, label in ((BARE_BINARY, "binary"), (BARE_DEFAULT, "default")):
        wall_ratio, cpu_ratio = ours_wall / medians[bare][0], ours_cpu / medians[bare][1]
        print(f"  {'ratio ours / bare (' + label + ')':36} {wall_ratio:5.2f}x   {cpu_ratio:5.2f}x")
    ratio = ours_wall / medians[BARE_BINARY][0]
    verdict = "meets" if ours_wall < TARGET_MS and ratio <= TARGET_RATIO else "MISSES"
    print(
        f"  {verdict} the targets (< {TARGET_MS:g} ms and <= {TARGET_RATIO:g}x bare with the "
        "same stream encoding, wall clock)"
    )


if __name__ == "__main__":
    main()
