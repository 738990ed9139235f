"""Reports > Lot recall… (issue 15 item 6): type a lot with the type-ahead, see its lines, page
down the list, save it as CSV and PDF (read back), and bad input named in plain words."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from tests.gui.window_support import RecordingMessages, show_window, when_modal_opens
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.desk import Desk
from tpi_desk.services.demo_data import generate_demo_data
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.lot_recall_dialog import LotRecallDialog

# The type-ahead's completer pops up; offscreen Qt cannot raise it or grab the keyboard.
OFFSCREEN_POPUP = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")


@pytest.fixture
def lot(desk: Desk, catalog: Catalog) -> tuple[str, int]:
    """The demo clinic's busiest lot and how many lines were given from it."""
    generate_demo_data(desk.database.engine, catalog, patients=8, sessions=40, seed=3)
    with desk.database.engine.connect() as connection:
        found, count = connection.execute(
            text(
                "SELECT lot, count(*) FROM medication_lines WHERE lot <> '' "
                "GROUP BY lot ORDER BY count(*) DESC, lot LIMIT 1"
            )
        ).one()
    return str(found), int(count)


@pytest.fixture
def dialog(qtbot: QtBot, context: AppContext) -> LotRecallDialog:
    shown = LotRecallDialog(context.lot_recall, RecordingMessages(), None)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


@OFFSCREEN_POPUP
def test_typing_offers_known_lots_and_enter_lists_the_lines(
    qtbot: QtBot, dialog: LotRecallDialog, lot: tuple[str, int]
) -> None:
    name, count = lot
    dialog.lot_edit.setFocus()
    qtbot.keyClicks(dialog.lot_edit, name[:2].lower())

    qtbot.waitUntil(lambda: name in dialog.suggestions.stringList(), timeout=3000)
    qtbot.keyClicks(dialog.lot_edit, name[2:])
    qtbot.keyClick(dialog.lot_edit, Qt.Key.Key_Return)

    assert dialog.recall is not None and dialog.recall.line_count == count
    assert dialog.model.rowCount() == count
    assert dialog.summary_label.text().startswith(f"Lot {name}: ")
    assert dialog.model.index(0, 7).data().startswith(name)
    assert dialog.save_csv_button.isEnabled() and dialog.save_pdf_button.isEnabled()


def test_the_list_pages_in_as_the_table_is_scrolled(
    qtbot: QtBot, dialog: LotRecallDialog, lot: tuple[str, int]
) -> None:
    name, count = lot
    dialog.page_size = 2
    dialog.lot_edit.setText(name)

    dialog.search()
    assert dialog.model.rowCount() == 2  # the screen's first page
    assert dialog.summary_label.text().endswith(f"{count} medication lines.")

    while dialog.model.rowCount() < count:
        shown = dialog.model.rowCount()
        scroll = dialog.table.verticalScrollBar()
        dialog.fetch_more() if scroll.maximum() == 0 else scroll.setValue(scroll.maximum())
        assert dialog.model.rowCount() == min(count, shown + 2)
    lines = [dialog.model.row_at(row) for row in range(count)]
    assert lines == sorted(lines, key=lambda line: line.performed_at, reverse=True)


def test_the_list_is_saved_whole_as_csv_and_pdf(
    dialog: LotRecallDialog, lot: tuple[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name, count = lot
    dialog.lot_edit.setText(name.lower())
    dialog.search()
    monkeypatch.setattr(dialog, "ask_save_path", lambda kind: tmp_path / f"recall.{kind}")

    dialog.save_csv_button.click()
    dialog.save_pdf_button.click()

    with (tmp_path / "recall.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == count and {row["lot"] for row in rows} == {name}
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(tmp_path / "recall.pdf").pages)
    assert f"Lot recall: Lot {name}" in pdf_text
    assert all(f"MRN {row['patient_mrn']}" in pdf_text for row in rows)
    assert dialog.summary_label.text().endswith(f"Saved to {tmp_path / 'recall.pdf'}.")


def test_a_bad_ndc_or_a_blank_lot_is_named_in_plain_words(dialog: LotRecallDialog) -> None:
    dialog.search()
    assert dialog.summary_label.text() == "Lot: type the lot number printed on the vial"

    dialog.lot_edit.setText("AB12345")
    dialog.ndc_edit.setText("12-34")
    dialog.search()
    assert dialog.summary_label.text().startswith("NDC: must be a 10- or 11-digit NDC")
    assert not dialog.save_csv_button.isEnabled()


def test_reports_menu_opens_the_lot_recall(qtbot: QtBot, context: AppContext) -> None:
    window = show_window(qtbot, context, RecordingMessages())
    action = window.recall_import.lot_recall_action
    assert action.isVisible() and action.text() == "&Lot recall…"

    opened: list[LotRecallDialog] = []

    def note_and_close(shown: LotRecallDialog) -> None:
        opened.append(shown)
        shown.accept()

    failures = when_modal_opens(LotRecallDialog, note_and_close)
    action.trigger()

    assert not failures and len(opened) == 1
