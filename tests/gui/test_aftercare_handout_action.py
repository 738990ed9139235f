"""The note preview's "Aftercare handout…" (issue 14): shown for a signed note only; saves the
handout in the language chosen and records it in the audit log as a print of the note."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from tests.gui.test_note_preview import (  # noqa: F401 (fixtures)
    doctor,
    draft,
    preview,
    prints_recorded,
    signed,
)
from tests.gui.window_support import acting_as
from tpi_desk.services.dto import ProviderRecord, SessionRecord
from tpi_desk.ui.app_context import AppContext


def test_a_signed_notes_handout_is_saved_in_spanish_and_audited(
    qtbot: QtBot,
    context: AppContext,
    doctor: ProviderRecord,  # noqa: F811
    signed: SessionRecord,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = preview(qtbot, context, signed.id, acting_as(doctor))
    action = dialog.aftercare
    offered: list[Path] = []

    def ask(suggested: Path) -> Path:
        offered.append(suggested)
        return tmp_path / suggested.name

    monkeypatch.setattr(action, "ask_language", lambda: "es")
    monkeypatch.setattr(action, "_ask_save_path", ask)
    assert action.button.isVisibleTo(dialog)
    assert action.button.text() == "Aftercare handout…"

    saved = action.save()

    assert saved is not None and saved.name.endswith("_aftercare-es.pdf")
    text = " ".join(PdfReader(io.BytesIO(saved.read_bytes())).pages[0].extract_text().split())
    assert "Después de su inyección" in text
    assert signed.id in prints_recorded(context)
    assert dialog.grab().save(str(tmp_path / "preview-with-aftercare.png"))


def test_a_draft_offers_no_handout(
    qtbot: QtBot,
    context: AppContext,
    doctor: ProviderRecord,  # noqa: F811
    draft: SessionRecord,  # noqa: F811
) -> None:
    dialog = preview(qtbot, context, draft.id, acting_as(doctor))

    assert not dialog.aftercare.button.isVisibleTo(dialog)
    assert context.exporting is not None
    with pytest.raises(Exception, match="signed note only"):
        context.exporting.aftercare_handout(draft.id, "en", actor=acting_as(doctor))
