"""The body map: regions under the mouse, clicks that add sites, highlights of recorded sites."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from tests.gui.test_session_editor_support import (
    DialogAnswerer,
    ScriptedMessages,
    add_patient,
    add_physician,
    clock_fixture,  # noqa: F401 - the editor tests' "now" for the "context" fixture
    make_editor,
    record_two_site_session,
    sign_with_password,
)
from tpi_desk.clinical.body_map import BODY_MAP_RESOURCE, BodyMap, BodyMapRegion, load_body_map
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import Side
from tpi_desk.paths import resource_path
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.body_map_widget import RECORDED_FILL, BodyMapWidget
from tpi_desk.ui.session_editor.sign_dialog import SignDialog


@pytest.fixture(scope="module")
def body_map() -> BodyMap:
    return load_body_map(resource_path(*BODY_MAP_RESOURCE))


def _region(body_map: BodyMap, view: str, muscle_id: str, side: Side) -> BodyMapRegion:
    return next(
        region
        for region in body_map.view(view).regions
        if region.muscle_id == muscle_id and region.side is side
    )


def _show(qtbot: QtBot, widget: BodyMapWidget) -> None:
    qtbot.addWidget(widget)
    widget.resize(460, 460)
    widget.show()
    qtbot.waitExposed(widget)


def _click(widget: BodyMapWidget, region: BodyMapRegion) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.anchor_of(region).toPoint())


def test_a_click_on_a_muscle_names_it_and_its_side(
    qtbot: QtBot, body_map: BodyMap, catalog: Catalog
) -> None:
    widget = BodyMapWidget(body_map, catalog)
    _show(qtbot, widget)
    levator = _region(body_map, "back", "levator_scapulae", Side.LEFT)
    deltoid = _region(body_map, "front", "deltoid", Side.RIGHT)

    with qtbot.waitSignal(widget.region_clicked) as clicked:
        _click(widget, levator)
    assert clicked.args == ["levator_scapulae", "left"]
    with qtbot.waitSignal(widget.region_clicked) as clicked:
        _click(widget, deltoid)
    assert clicked.args == ["deltoid", "right"]

    assert widget.region_at(widget.anchor_of(levator)) == levator
    assert widget.region_at(QPointF(2, 2)) is None  # the margin is no muscle
    assert widget.describe(levator) == "Levator scapulae, left"
    with qtbot.assertNotEmitted(widget.region_clicked):
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(2, 2))


def test_every_region_can_be_picked_at_its_label_anchor(
    qtbot: QtBot, body_map: BodyMap, catalog: Catalog
) -> None:
    widget = BodyMapWidget(body_map, catalog)
    _show(qtbot, widget)

    for view in body_map.views.values():
        for region in view.regions:
            found = widget.region_at(widget.anchor_of(region))
            assert found is not None
            assert (found.muscle_id, found.side) == (region.muscle_id, region.side)
            assert region.muscle_id in catalog.muscles


def test_recorded_sites_are_highlighted_on_both_sides_when_bilateral(
    qtbot: QtBot, body_map: BodyMap, catalog: Catalog
) -> None:
    widget = BodyMapWidget(body_map, catalog)
    _show(qtbot, widget)
    trapezius_left = _region(body_map, "back", "upper_trapezius", Side.LEFT)
    before = widget.grab().toImage().pixelColor(widget.anchor_of(trapezius_left).toPoint())

    widget.set_recorded_sites([("upper_trapezius", Side.BILATERAL), ("deltoid", Side.LEFT)])

    assert widget.recorded() == {
        ("upper_trapezius", Side.LEFT),
        ("upper_trapezius", Side.RIGHT),
        ("deltoid", Side.LEFT),
    }
    image: QImage = widget.grab().toImage()
    after = image.pixelColor(widget.anchor_of(trapezius_left).toPoint())
    assert after != before
    assert after.blue() > after.red() + 40  # tinted with the highlight blue
    assert RECORDED_FILL.blue() > RECORDED_FILL.red()


def test_clicking_the_body_map_adds_a_site_to_the_session(
    qtbot: QtBot,
    context: AppContext,
    body_map: BodyMap,
) -> None:
    patient = add_patient(context)
    add_physician(context)
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(patient.id)
    assert editor.body_map is not None
    rhomboid = _region(body_map, "back", "rhomboid_major", Side.RIGHT)

    _click(editor.body_map, rhomboid)

    [site] = editor.form.sites.site_editors
    assert (site.muscle.muscle_id(), site.side.currentData()) == ("rhomboid_major", "right")
    editor.refresh_analysis()
    assert ("rhomboid_major", Side.RIGHT) in editor.body_map.recorded()
    assert [line.code for line in editor.live_panel.codes_model.lines()] == ["20552"]


def test_a_signed_note_s_body_map_shows_sites_but_adds_none(
    qtbot: QtBot,
    context: AppContext,
    body_map: BodyMap,
) -> None:
    patient = add_patient(context)
    add_physician(context)
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(patient.id)
    record_two_site_session(editor)
    signer = DialogAnswerer(SignDialog, sign_with_password)
    assert editor.sign()
    assert signer.handled
    assert editor.body_map is not None

    with qtbot.assertNotEmitted(editor.body_map.region_clicked):
        _click(editor.body_map, _region(body_map, "back", "rhomboid_major", Side.RIGHT))

    assert len(editor.form.sites.site_editors) == 2
    assert ("levator_scapulae", Side.LEFT) in editor.body_map.recorded()
