"""Issue 13 item 2: a demo database says so in the main window's title."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tests.gui.window_support import RecordingMessages, show_window
from tpi_desk.clinical.record import Role
from tpi_desk.desk import Desk
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.main_window import DEMO_TITLE


def test_a_demo_database_shows_demo_in_the_title(
    qtbot: QtBot, desk: Desk, context: AppContext
) -> None:
    desk.demo_database.claim(None, admin_password="demo admin pass 1")
    admin = desk.users.authenticate("admin", "demo admin pass 1")

    window = show_window(qtbot, context, RecordingMessages(), actor=admin)

    assert window.windowTitle() == DEMO_TITLE
    assert "DEMO" in DEMO_TITLE


def test_a_clinic_database_does_not(qtbot: QtBot, desk: Desk, context: AppContext) -> None:
    desk.users.add_user("ada.admin", "Ada Admin", "admin pass 12", role=Role.ADMIN, actor=None)
    admin = desk.users.authenticate("ada.admin", "admin pass 12")

    window = show_window(qtbot, context, RecordingMessages(), actor=admin)

    assert window.windowTitle() == "TPI Desk"
