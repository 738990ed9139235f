"""Every field of the session shape prints on the note (or is listed here as not printed)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from tests.reports.pdf_reading import render
from tests.shape_support import Change, base_entry, variant_params
from tpi_desk.clinical.record import SessionEntry
from tpi_desk.reports import sample_notes

# Fields a note does not print on their own: the device prints in the ultrasound line,
# which a note shows only for a guided session (see the test below).
NOT_PRINTED = {"session.ultrasound_device"}
# Fields that qualify another one print with it (a consent's type, witness and risks once
# consent was obtained; a scale with its score; weeks of relief with the percent): the note
# is compared with and without the field on a session that records the other one.
PRINTED_WITH: dict[str, dict[str, Any]] = {
    "session.consent_type": {"consent_obtained": True},
    "session.consent_risks": {"consent_obtained": True},
    "session.consent_witness": {"consent_obtained": True},
    "session.function_scale": {"function_score": Decimal(34)},
    "session.prior_relief_weeks": {"prior_relief_percent": 60},
}


def _text(entry: SessionEntry) -> str:
    return render(sample_notes.make_note(entry, sample_notes.ZOE)).text


@pytest.mark.parametrize(("path", "change"), variant_params())
def test_each_field_changes_the_printed_note(path: str, change: Change) -> None:
    base = replace(base_entry(), **PRINTED_WITH.get(path, {}))
    assert (_text(change(base)) != _text(base)) is (path not in NOT_PRINTED)


def test_the_ultrasound_device_prints_for_a_guided_session() -> None:
    guided = replace(base_entry(), ultrasound_guided=True)
    with_device = replace(guided, ultrasound_device="Linear probe, 12 MHz")

    text = render(sample_notes.make_note(with_device, sample_notes.ZOE)).text

    assert "Linear probe, 12 MHz" in text
