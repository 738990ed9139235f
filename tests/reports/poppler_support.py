"""PDF pages drawn to PNG files with poppler's pdftoppm, for tests that look at a layout."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def render_pages(pdf: bytes, folder: Path, dpi: int, *, pages: int | None = None) -> list[Path]:
    """The note's pages (the first ``pages`` of them when given) as PNG files in ``folder``,
    in order. Skips the test where poppler is missing, except in CI, where it must be."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftoppm (poppler-utils) is missing; CI must render notes to PNG")
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    source = folder / "note.pdf"
    source.write_bytes(pdf)
    limit = ["-f", "1", "-l", str(pages)] if pages else []
    command = [pdftoppm, "-png", "-r", str(dpi), *limit, str(source), str(folder / "page")]
    subprocess.run(command, check=True)
    return sorted(folder.glob("page-*.png"))
