"""Note PDF with retained ultrasound images: what twelve images (a session's most) add.

Usage: python bench/note_images_bench.py [--runs 5]

Renders the sample ultrasound-guided note without images, then with twelve synthetic stills
(half PNG, half JPEG, from ``reports.sample_images``) at two device frame sizes: 800 x 600,
drawn as they are, and 1280 x 960, shrunk to print resolution first. CPU time per render
(``time.process_time``, so a busy machine counts less), medians of ``--runs``, and the
PDF's size. The stills are speckle, the worst case for the lossless compression PNGs get.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace

from tpi_desk.clinical.ultrasound_images import MAX_IMAGES_PER_SESSION, UltrasoundImage
from tpi_desk.reports.note_data import NoteData
from tpi_desk.reports.note_pdf import render_note_bytes
from tpi_desk.reports.sample_images import sample_scan
from tpi_desk.reports.sample_notes import signed_note_with_addenda


def stills(width: int, height: int) -> tuple[UltrasoundImage, ...]:
    return tuple(
        sample_scan(
            f"still_{number:02}.{'jpg' if number % 2 else 'png'}",
            width=width,
            height=height,
            seed=number,
            jpeg=bool(number % 2),
        )
        for number in range(MAX_IMAGES_PER_SESSION)
    )


def measure(note: NoteData, runs: int) -> tuple[float, int]:
    """Median CPU milliseconds of ``runs`` renders, and the PDF's size in KB."""
    render_note_bytes(note)  # fonts registered, modules warm
    times = []
    pdf = b""
    for _ in range(runs):
        started = time.process_time()
        pdf = render_note_bytes(note)
        times.append(time.process_time() - started)
    return statistics.median(times) * 1000, len(pdf) // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    note = signed_note_with_addenda()
    plain_ms, plain_kb = measure(note, runs)
    print(f"no images: {plain_ms:.0f} ms CPU, {plain_kb} KB")
    for width, height in ((800, 600), (1280, 960)):
        with_images = replace(
            note, entry=replace(note.entry, ultrasound_images=stills(width, height))
        )
        ms, kb = measure(with_images, runs)
        each = (ms - plain_ms) / MAX_IMAGES_PER_SESSION
        print(
            f"{MAX_IMAGES_PER_SESSION} images of {width} x {height}: {ms:.0f} ms CPU "
            f"(+{ms - plain_ms:.0f} ms, {each:.0f} ms an image), {kb} KB"
        )


if __name__ == "__main__":
    main()
