"""Every field of the session shape prints on the note (or is listed here as not printed)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.reports.pdf_reading import render
from tests.shape_support import Change, base_entry, variant_params
from tpi_desk.reports import sample_notes

# Fields a note does not print on their own: the device prints in the ultrasound line,
# which a note shows only for a guided session (see the test below).
NOT_PRINTED = {"session.ultrasound_device"}


@pytest.fixture(scope="module")
def base_text() -> str:
    return render(sample_notes.make_note(base_entry(), sample_notes.ZOE)).text


@pytest.mark.parametrize(("path", "change"), variant_params())
def test_each_field_changes_the_printed_note(path: str, change: Change, base_text: str) -> None:
    text = render(sample_notes.make_note(change(base_entry()), sample_notes.ZOE)).text
    assert (text != base_text) is (path not in NOT_PRINTED)


def test_the_ultrasound_device_prints_for_a_guided_session() -> None:
    guided = replace(base_entry(), ultrasound_guided=True)
    with_device = replace(guided, ultrasound_device="Linear probe, 12 MHz")

    text = render(sample_notes.make_note(with_device, sample_notes.ZOE)).text

    assert "Linear probe, 12 MHz" in text
