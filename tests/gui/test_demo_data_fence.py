"""Issue 13: the File menu's demo data is fenced as `tpi-desk demo-data` is (one code path).

A database holding real data is refused with a plain message and left as it was; a new
database becomes a demo database (DEMO in the title, and on the note PDFs' watermark, which
reads the same mark) with its administrator, whose password is shown once.
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tests.gui.window_support import RecordingMessages, add_patient, show_window
from tpi_desk.desk import Desk
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.first_run import DEMO_PATIENTS, DEMO_SESSIONS
from tpi_desk.ui.main_window import DEMO_TITLE


def test_a_database_with_real_data_is_refused_and_left_alone(
    qtbot: QtBot, desk: Desk, context: AppContext
) -> None:
    messages = RecordingMessages(answer=True)
    window = show_window(qtbot, context, messages)  # Dr. Hartley: an account demo data did not add
    add_patient(context)
    before = context.overview.counts()

    window.demo_action.trigger()

    assert messages.kinds() == ["confirm", "error"]
    _, title, text = messages.shown[-1]
    assert title == "Demo data could not be loaded"
    assert "demo data did not create" in text and "Nothing was written" in text
    after = context.overview.counts()
    assert (after.patients, after.sessions) == (before.patients, before.sessions)
    assert not desk.demo_database.is_demo()
    assert window.windowTitle() == "TPI Desk"


def test_a_new_database_becomes_a_demo_database_with_its_administrator(
    qtbot: QtBot, desk: Desk, context: AppContext
) -> None:
    messages = RecordingMessages(answer=True)
    window = show_window(qtbot, context, messages, signed_in=False)
    assert window.windowTitle() == "TPI Desk"

    window.demo_action.trigger()

    assert messages.kinds() == ["confirm", "info"]
    _, _, text = messages.shown[-1]
    password = text.split("with the password ", 1)[1].split()[0]
    assert desk.users.authenticate("admin", password).username == "admin"
    counts = context.overview.counts()
    assert (counts.patients, counts.sessions) == (DEMO_PATIENTS, DEMO_SESSIONS)
    assert desk.demo_database.is_demo()
    assert window.windowTitle() == DEMO_TITLE
