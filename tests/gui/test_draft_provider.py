"""A draft's provider stays editable (issue 14): a clinician documents for a colleague; the
saved draft names the colleague, and signing still checks who signs."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tests.gui.test_session_editor_support import (
    ScriptedMessages,
    add_patient,
    add_physician,
    clock_fixture,  # noqa: F401 - the editor tests' "now" for the "context" fixture
    make_editor,
    record_two_site_session,
)
from tpi_desk.ui.app_context import AppContext


def test_the_provider_of_a_saved_draft_can_be_changed_and_is_saved(
    qtbot: QtBot, context: AppContext
) -> None:
    """Failed before: the provider was disabled once the draft was saved."""
    colleague = add_physician(context, "lnguyen")
    editor = make_editor(qtbot, context, ScriptedMessages())
    editor.new_session(add_patient(context).id)
    record_two_site_session(editor)
    assert editor.save() and editor.session_id is not None
    provider = editor.form.header.provider
    assert provider.isEnabled()

    provider.setCurrentIndex(provider.findData(colleague.id))
    assert editor.save()

    assert context.sessions.load(editor.session_id).provider.id == colleague.id
    editor.open_session(editor.session_id)
    assert provider.isEnabled() and provider.currentData() == colleague.id
