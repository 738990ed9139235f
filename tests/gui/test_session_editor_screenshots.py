"""Renders the session editor (with warnings) and the body map offscreen, as in docs/screenshots/.

Set TPI_DESK_SCREENSHOTS=DIR to write session-editor.png and body-map.png there; otherwise they
go to the test's temporary folder and are only checked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage, QMouseEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.test_session_editor_support import (
    ScriptedMessages,
    add_patient,
    add_physician,
    clock_fixture,  # noqa: F401 - the editor tests' "now" for the "context" fixture
    make_editor,
    record_two_site_session,
)
from tpi_desk.clinical.body_map import BODY_MAP_RESOURCE, load_body_map
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import Side
from tpi_desk.paths import resource_path
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.body_map_widget import BodyMapWidget
from tpi_desk.ui.session_editor import SessionEditor
from tpi_desk.ui.session_editor.sign_dialog import SignDialog
from tpi_desk.ui.theme import apply_theme

SCREENSHOTS_ENV = "TPI_DESK_SCREENSHOTS"
EDITOR_SIZE = (1440, 900)
BODY_MAP_SIZE = (560, 560)
MAX_BYTES = 300_000


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get(SCREENSHOTS_ENV) or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[None]:
    """The app's real look for the picture; the test run's look is restored afterwards."""
    style, palette, font = qapp.style().name(), qapp.palette(), qapp.font()
    apply_theme(qapp)
    yield
    qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setFont(font)


def _saved(image: QImage, path: Path) -> QImage:
    assert image.save(str(path))
    assert 0 < path.stat().st_size < MAX_BYTES
    return QImage(str(path))


def test_session_editor_screenshot_shows_a_two_site_session_with_warnings(
    qtbot: QtBot,
    context: AppContext,
    screenshots: Path,
    themed: None,
) -> None:
    patient = add_patient(context)
    add_physician(context)
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.resize(*EDITOR_SIZE)
    editor.new_session(patient.id)
    record_two_site_session(editor, lidocaine_ml="30")
    assert editor.save()
    editor.refresh_analysis()
    editor.form.header.pain_after.setFocus()
    qtbot.wait(400)
    editor.form_scroll.verticalScrollBar().setValue(0)  # the form from its first field

    image = _saved(editor.grab().toImage(), screenshots / "session-editor.png")

    assert (image.width(), image.height()) == EDITOR_SIZE
    # Over-maximum lidocaine is a hard stop until an override reason (issue 12).
    stops = [text for text in editor.live_panel.alert_texts() if "Blocks signing" in text]
    assert any("exceeds the maximum of 300 mg" in text for text in stops)
    # The hard stop is the one item left before signing (an override reason releases it).
    assert editor.live_panel.ready_heading.text() == "Before signing: 1 item open"


def test_body_map_screenshot_highlights_recorded_sites(
    qtbot: QtBot, catalog: Catalog, screenshots: Path, themed: None
) -> None:
    body_map = load_body_map(resource_path(*BODY_MAP_RESOURCE))
    widget = BodyMapWidget(body_map, catalog)
    qtbot.addWidget(widget)
    widget.resize(*BODY_MAP_SIZE)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_recorded_sites(
        [
            ("upper_trapezius", Side.BILATERAL),
            ("levator_scapulae", Side.LEFT),
            ("gluteus_medius", Side.RIGHT),
        ]
    )
    hovered = next(r for r in body_map.view("back").regions if r.muscle_id == "infraspinatus")
    anchor = widget.anchor_of(hovered)
    move = QMouseEvent(
        QMouseEvent.Type.MouseMove,
        anchor,
        widget.mapToGlobal(anchor),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    widget.mouseMoveEvent(move)

    image = _saved(widget.grab().toImage(), screenshots / "body-map.png")

    assert (image.width(), image.height()) == BODY_MAP_SIZE
    assert widget.region_at(QPointF(anchor)) == hovered
    assert len(widget.recorded()) == 4


def test_screenshots_of_the_sites_part_dry_needling_and_a_hard_stop_at_signing(
    qtbot: QtBot,
    context: AppContext,
    screenshots: Path,
    themed: None,
) -> None:
    patient = add_patient(context)
    add_physician(context)
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.resize(*EDITOR_SIZE)
    editor.new_session(patient.id)
    record_two_site_session(editor)
    medication = editor.form.sites.site_editors[1].medication_rows[0]
    medication.expires.setText("2026-01-31")  # expired before the session: a hard stop
    editor.refresh_analysis()
    editor.form_scroll.ensureWidgetVisible(editor.form.sites.site_editors[1])
    qtbot.wait(400)
    _wait_for_alerts_shown(qtbot, editor)
    _saved(editor.grab().toImage(), screenshots / "session-editor-sites.png")
    assert editor.analysis is not None
    dialog = SignDialog(
        editor.analysis,
        editor.reading.problems if editor.reading else (),
        signer_name="Astrid Ødegård, MD",
        summary="Zoë Ñúñez (MRN SYN-004127)\nTrigger point injection · Mar 4, 2026 9:30 AM",
        attempt=lambda _password: None,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    image = _saved(dialog.grab().toImage(), screenshots / "sign-dialog-hard-stop.png")
    assert image.width() >= 560 and dialog.hard_stop_labels

    other = make_editor(qtbot, context, ScriptedMessages(answer=True))
    other.resize(*EDITOR_SIZE)
    other.new_session(patient.id)
    record_two_site_session(other)
    other.form.header.kind.setCurrentIndex(other.form.header.kind.findData("dry_needling"))
    other.refresh_analysis()
    other.form_scroll.ensureWidgetVisible(other.form.sites)
    qtbot.wait(400)
    _wait_for_alerts_shown(qtbot, other)
    image = _saved(other.grab().toImage(), screenshots / "session-editor-dry-needling.png")
    assert (image.width(), image.height()) == EDITOR_SIZE
    assert other.form.exam.aspiration.isHidden()


def _wait_for_alerts_shown(qtbot: QtBot, editor: SessionEditor) -> None:
    """Until the alerts of the latest analysis are on screen at their full height (an
    autosave may just have re-analysed the note: its new alert labels show and take their
    wrapped height on the next passes of the event loop)."""
    panel = editor.live_panel
    qtbot.waitUntil(
        lambda: all(
            label.isVisible()
            and label.width() < panel.width()
            and label.height() >= label.heightForWidth(label.width())
            for label in panel.alert_labels
        )
    )
    qtbot.wait(100)  # and the column below them laid out again
