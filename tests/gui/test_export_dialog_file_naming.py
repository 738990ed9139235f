"""The export dialog says how the per-note PDFs are named as the clinic's setting names them
(found in the X11 walkthrough: it promised MRN and family name while the default, since
issue 13, names them by date and session number)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.gui.export_dialog_support import make_clinic, open_dialog, run_export
from tests.services.conftest import PASSWORD
from tpi_desk.clinical.record import Role
from tpi_desk.clinical.settings import EXPORT_FILE_NAMES_WITH_PATIENT
from tpi_desk.services.permissions import Actor
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.export_file_naming import PER_NOTE_BY_PATIENT, PER_NOTE_BY_SESSION
from tpi_desk.ui.export_worker import ExportReport


def test_by_default_the_choice_says_date_and_session_number_as_the_files_are_named(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    clinic = make_clinic(context)
    dialog = open_dialog(qtbot, clinic, tmp_path)

    assert dialog.per_note_radio.text() == PER_NOTE_BY_SESSION
    dialog.per_note_radio.setChecked(True)
    assert isinstance(run_export(qtbot, dialog), ExportReport)
    folder = next(path for path in tmp_path.glob("notes_*") if path.is_dir())
    names = [path.name for path in folder.iterdir()]
    assert names and all("_session-" in name for name in names)


def test_with_the_clinic_setting_on_the_choice_says_mrn_and_family_name(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    clinic = make_clinic(context)
    admin = context.users.add_user("aadmin", "Ada Admin", PASSWORD, role=Role.ADMIN, actor=None)
    as_admin = Actor(admin.id, admin.username, Role.ADMIN)
    context.settings.set_value(EXPORT_FILE_NAMES_WITH_PATIENT, True, actor=as_admin)

    dialog = open_dialog(qtbot, clinic, tmp_path)

    assert dialog.per_note_radio.text() == PER_NOTE_BY_PATIENT
