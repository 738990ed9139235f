"""The X12 837P files the tests write, checked with the pyx12 validator (005010X222A1 maps
and code sets): any error it reports fails the test, with the validator's own words."""

from __future__ import annotations

from pathlib import Path

from tpi_desk.services.export.x12_validation import x12_problems


def assert_valid_837p(path: Path) -> list[list[str]]:
    """Fail on any pyx12 error; the file's segments, each split into its elements."""
    errors = x12_problems(path)
    assert errors == [], "\n".join(errors)
    text = path.read_text(encoding="ascii")
    return [segment.strip().split("*") for segment in text.split("~") if segment.strip()]
