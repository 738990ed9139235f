"""Choosing a drug and its strength from the catalog: "Lidocaine 1 % (10 mg/mL)"."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QElapsedTimer, Qt
from PySide6.QtGui import QKeyEvent, QPaintEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QWidget,
)

from tpi_desk.clinical.catalog import Catalog, Drug, DrugClass
from tpi_desk.clinical.dosing import format_number, format_strength
from tpi_desk.clinical.text_folding import fold
from tpi_desk.ui.session_editor.form_state import decimal_text, parse_decimal

DRUG_ROLE = Qt.ItemDataRole.UserRole
CONCENTRATION_ROLE = Qt.ItemDataRole.UserRole + 1
PLACEHOLDER = "Choose drug and strength"
MINIMUM_CHARACTERS = 15
WHOLE_NAME_ROOM = 48  # the frame and the arrow beside the name
TYPE_AHEAD_HINT = "Type the drug and strength (lido 1, bupi 0.25); Alt+Down lists them all"


def matches_typed(label: str, typed: str) -> bool:
    """Whether each typed word begins the label's word in the same place, ignoring case,
    accents and "%": "lido 1" matches "Lidocaine 1 % (10 mg/mL)", "lido 0.5" does not."""
    words = fold(label.replace("%", " ")).split()
    wanted = fold(typed.replace("%", " ")).split()
    if not wanted or len(wanted) > len(words):
        return False
    return all(word.startswith(part) for word, part in zip(words, wanted, strict=False))


def choice_label(drug: Drug, concentration_mg_per_ml: Decimal) -> str:
    """Local anaesthetics in % with mg/mL; other drugs in mg/mL (a name with its own % stays)."""
    mg_per_ml = f"{format_number(concentration_mg_per_ml)} mg/mL"
    if drug.drug_class is DrugClass.LOCAL_ANAESTHETIC:
        return f"{drug.name} {format_strength(drug, concentration_mg_per_ml)} ({mg_per_ml})"
    if "%" in drug.name:
        return f"{drug.name} ({mg_per_ml})"
    return f"{drug.name} {mg_per_ml}"


class DrugPicker(QComboBox):
    """Every catalog drug at every strength it comes in, grouped by class."""

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self.setMinimumContentsLength(MINIMUM_CHARACTERS)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.addItem(PLACEHOLDER)
        previous_class: DrugClass | None = None
        for drug in catalog.drugs.values():
            if previous_class is not None and drug.drug_class is not previous_class:
                self.insertSeparator(self.count())
            previous_class = drug.drug_class
            for concentration in drug.concentrations_mg_per_ml:
                self._add_choice(drug, concentration)
        self.currentIndexChanged.connect(self._on_current_changed)
        self.setToolTip(TYPE_AHEAD_HINT)
        self.typed = ""
        self._typed_clock = QElapsedTimer()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Type-ahead over whole labels, spaces and digits included: "lidocaine 1" picks
        "Lidocaine 1 % (10 mg/mL)". A space opens the list only before anything is typed;
        Backspace takes back the last character typed."""
        text = event.text()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        expired = (
            not self._typed_clock.isValid()
            or self._typed_clock.elapsed() > QApplication.keyboardInputInterval()
        )
        if expired:
            self.typed = ""
        if event.key() == Qt.Key.Key_Backspace and self.typed:
            self._type_ahead(self.typed[:-1])
            return
        printable = (
            bool(text)
            and text.isprintable()
            and modifiers
            in (
                Qt.KeyboardModifier.NoModifier,
                Qt.KeyboardModifier.ShiftModifier,
            )
        )
        if printable and (self.typed or not text.isspace()):
            self._type_ahead(self.typed + text)
            return
        super().keyPressEvent(event)

    def _type_ahead(self, typed: str) -> None:
        self.typed = typed
        self._typed_clock.start()
        if not typed.strip():
            return
        for row in range(1, self.count()):
            if self.itemData(row, DRUG_ROLE) and matches_typed(self.itemText(row), typed):
                self.setCurrentIndex(row)
                return

    def paintEvent(self, event: QPaintEvent) -> None:
        """Like a combo box, but a name too long for the field ends in "…" instead of clipping."""
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        field = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, self
        )
        option.currentText = self.fontMetrics().elidedText(
            option.currentText, Qt.TextElideMode.ElideRight, field.width() - 4
        )
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)
        painter.end()

    def _add_choice(self, drug: Drug, concentration: Decimal, at: int | None = None) -> int:
        row = self.count() if at is None else at
        self.insertItem(row, choice_label(drug, concentration))
        self.setItemData(row, drug.id, DRUG_ROLE)
        self.setItemData(row, decimal_text(concentration), CONCENTRATION_ROLE)
        return row

    def show_whole_name(self, whole: bool) -> None:
        """On a signed note the field is as wide as the name chosen (never cut off); while
        editing it keeps its usual width and long names end in "…"."""
        text = self.fontMetrics().horizontalAdvance(self.currentText())
        self.setMinimumWidth(text + WHOLE_NAME_ROOM if whole else 0)

    def _on_current_changed(self) -> None:
        chosen = self.currentIndex() > 0
        self.setToolTip(f"{self.currentText()}\n{TYPE_AHEAD_HINT}" if chosen else TYPE_AHEAD_HINT)

    def drug_id(self) -> str:
        value = self.currentData(DRUG_ROLE)
        return value if isinstance(value, str) else ""

    def concentration(self) -> str:
        value = self.currentData(CONCENTRATION_ROLE)
        return value if isinstance(value, str) else ""

    def set_choice(self, drug_id: str, concentration: str) -> None:
        """Select ``drug_id`` at ``concentration`` (mg/mL text), adding a strength not listed."""
        if not drug_id:
            self.setCurrentIndex(0)
            return
        wanted = parse_decimal(concentration)
        for row in range(self.count()):
            if self.itemData(row, DRUG_ROLE) != drug_id:
                continue
            listed = parse_decimal(str(self.itemData(row, CONCENTRATION_ROLE)))
            if listed is not None and listed == wanted:
                self.setCurrentIndex(row)
                return
        drug = self._catalog.drugs.get(drug_id)
        if drug is None or wanted is None or wanted <= 0:
            self.setCurrentIndex(0)
            return
        self.setCurrentIndex(self._add_choice(drug, wanted, at=self._after_last_of(drug_id)))

    def _after_last_of(self, drug_id: str) -> int:
        rows = [row for row in range(self.count()) if self.itemData(row, DRUG_ROLE) == drug_id]
        return rows[-1] + 1 if rows else self.count()
