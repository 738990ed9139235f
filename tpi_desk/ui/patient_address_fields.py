"""The insurance group's fields for the patient's own address, asked for whoever the insured
is: a claim carries it in the subscriber loop for a patient who is the insured (X12 837P
2010BA N3/N4, "Required when the patient is the subscriber") and in the patient loop for a
spouse, child or other dependent (2010CA)."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from tpi_desk.clinical.insured_person import PostalAddress
from tpi_desk.ui.form_rows import lay_out_rows

# The fields by their path inside ``patient.insurance``.
ADDRESS_FIELDS = (
    "patient_address.street", "patient_address.city", "patient_address.state",
    "patient_address.zip_code",
)  # fmt: skip
# The form's rows (label, fields side by side): four fields in two rows, so that the dialog
# of a dependent still fits a 1366x768 laptop screen.
ADDRESS_ROWS = (
    ("Patient's street", ("patient_address.street",)),
    ("City, state, ZIP", ("patient_address.city", "patient_address.state",
                          "patient_address.zip_code")),
)  # fmt: skip
# The state's box keeps its two letters' width; the ZIP code's box is wide enough for its
# error to read on one line.
STRETCH = {"patient_address.state": 0, "patient_address.zip_code": 1, "patient_address.city": 1}


class PatientAddressFields(QWidget):
    """Street, city, state and ZIP code, laid out as rows of a form.

    Left all blank, the address reads as "not on file" (a claim then names it as missing)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.street = QLineEdit()
        self.street.setPlaceholderText("The patient's own address, e.g. 14 Alder Lane")
        self.city = QLineEdit()
        self.city.setPlaceholderText("The patient's city")
        self.state = QLineEdit()
        self.state.setMaxLength(2)
        self.state.setPlaceholderText("ME")
        self.state.setToolTip("The state's two letters")
        self.state.setFixedWidth(self.fontMetrics().horizontalAdvance("MMMM") + 12)
        self.zip_code = QLineEdit()
        self.zip_code.setPlaceholderText("04101")
        self.zip_code.setToolTip("5 or 9 digits, e.g. 04101 or 04101-2201")
        self.widgets: dict[str, QWidget] = dict(
            zip(ADDRESS_FIELDS, (self.street, self.city, self.state, self.zip_code), strict=True)
        )
        self.setToolTip("The patient's own address, which every claim carries")

    def lay_out(self, boxes: dict[str, QWidget]) -> None:
        """Place each field's box (the field with its error label) in the form's rows."""
        lay_out_rows(self, ADDRESS_ROWS, boxes, STRETCH)

    def patient_address(self) -> PostalAddress | None:
        """The address typed (None when every line of it is blank)."""
        parts = [field.text().strip() for field in (self.street, self.city, self.state,
                                                     self.zip_code)]  # fmt: skip
        if not any(parts):
            return None
        street, city, state, zip_code = parts
        return PostalAddress(street, city, state.upper(), zip_code)

    def show_on_file(self, address: PostalAddress | None) -> None:
        """Show the address on file (blank fields when none is)."""
        self.street.setText(address.street if address else "")
        self.city.setText(address.city if address else "")
        self.state.setText(address.state if address else "")
        self.zip_code.setText(address.zip_code if address else "")
