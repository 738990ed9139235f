"""The form-dialog base: OK submits, a refusal keeps the dialog open, ask() gives the answer."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from tpi_desk.ui.form_dialog import FormDialog, StandardButton, ask_once


class MuscleNameDialog(FormDialog):
    """A one-field form: an empty name is refused, "Deltoid" is refused by "the service"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, title="Name a muscle", accept_text="Add muscle", minimum_width=300)
        self.name = QLineEdit()
        self.saved: str | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self.name)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def submit(self) -> bool:
        self.clear_error()
        name = self.name.text().strip()
        if not name:
            return self.refuse("Type the muscle's name.")
        if name == "Deltoid":
            return self.refuse("Deltoid is already in the catalog.")
        self.saved = name
        return True


def _make(qtbot: QtBot) -> MuscleNameDialog:
    dialog = MuscleNameDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_the_accept_button_is_named_and_cancel_is_there(qtbot: QtBot) -> None:
    dialog = _make(qtbot)

    assert dialog.windowTitle() == "Name a muscle"
    assert dialog.minimumWidth() == 300
    assert dialog.accept_button is dialog.buttons.button(StandardButton.Ok)
    assert dialog.accept_button.text() == "Add muscle"
    assert dialog.buttons.button(StandardButton.Cancel) is not None
    assert dialog.error_label.isHidden()


def test_a_refusal_keeps_the_dialog_open_with_the_typing_in_place(qtbot: QtBot) -> None:
    dialog = _make(qtbot)
    dialog.name.setText("Deltoid")

    dialog.accept_button.click()

    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted.value
    assert dialog.error_label.isVisibleTo(dialog)
    assert dialog.error_label.text() == "Deltoid is already in the catalog."
    assert dialog.name.text() == "Deltoid"
    assert dialog.save() is False


def test_save_closes_the_dialog_once_it_worked(qtbot: QtBot) -> None:
    dialog = _make(qtbot)
    dialog.name.setText("Levator scapulae")

    assert dialog.save() is True

    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Accepted.value
    assert dialog.saved == "Levator scapulae"
    assert dialog.error_label.isHidden()


def test_run_gives_the_answer_once_saved_and_none_when_cancelled(qtbot: QtBot) -> None:
    saved = _make(qtbot)
    saved.name.setText("Levator scapulae")
    QTimer.singleShot(0, saved.accept_button.click)
    assert saved.run(lambda: saved.saved) == "Levator scapulae"

    cancelled = _make(qtbot)
    cancelled.name.setText("Infraspinatus")
    QTimer.singleShot(0, cancelled.buttons.button(StandardButton.Cancel).click)
    assert cancelled.run(lambda: "never asked") is None


def test_ask_once_deletes_the_dialog_afterwards(qtbot: QtBot) -> None:
    dialog = MuscleNameDialog()
    dialog.name.setText("Rhomboid major")
    QTimer.singleShot(0, dialog.accept)

    answer = ask_once(dialog, lambda asked: asked.saved)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog))

    assert answer == "Rhomboid major"
