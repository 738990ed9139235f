"""The effort benchmark's setup, driven like the tasks: a new database's first start creates
the administrator, the clinic's name and a physician and a billing account in the
first-start wizard, which signs the administrator in.

Counted as ``setup_actions`` (issue 14's target: <= 30).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from effort_driver import Driver, Step, need, shown_window, top_dialog
from effort_tasks import Account, focus_field, tab_to
from PySide6.QtWidgets import QWidget

from tpi_desk.ui.first_start_wizard import FirstStartWizard
from tpi_desk.ui.main_window import MainWindow

PASSWORD = "a long passphrase 1"
CLINIC_NAME = "Harbor Pain Clinic"


@dataclass(frozen=True)
class NewAccount:
    account: Account
    name: str
    role: str  # as the role list shows it
    credentials: str = ""
    npi: str = ""


ADMIN = NewAccount(Account("admin", PASSWORD), "Clinic Administrator", "Administrator")
PHYSICIAN = NewAccount(
    Account("dr.lind", PASSWORD), "Dr. Maren Lind", "Physician", "MD", "1234567893"
)
BILLING = NewAccount(Account("billing", PASSWORD), "Billing Office", "Billing")


def first_start(d: Driver) -> Iterator[Step]:
    """The first-start wizard: the administrator, the clinic's name, the physician and the
    billing account in one flow; the wizard signs the administrator in."""
    yield d.until(lambda: top_dialog(FirstStartWizard) is not None, "the first-start wizard")
    wizard = need(top_dialog(FirstStartWizard), "the first-start wizard")
    yield from focus_field(d, wizard.username)
    yield d.type_value(ADMIN.account.username)
    yield from _fill(
        d,
        (
            (wizard.display_name, ADMIN.name),
            (wizard.password, ADMIN.account.password),
            (wizard.password_again, ADMIN.account.password),
        ),
    )
    yield d.key("Enter")
    yield d.until(lambda: wizard.clinic_page is not None, "the clinic page")
    clinic = need(wizard.clinic_page, "the clinic page")
    yield d.until(clinic.name.hasFocus, "the cursor in the clinic's name")
    yield d.type_value(CLINIC_NAME)
    yield d.key("Enter")
    accounts = wizard.accounts_page
    yield d.until(accounts.clinician.display_name.hasFocus, "the accounts page")
    yield d.type_value(PHYSICIAN.name)
    clinician, billing = accounts.clinician, accounts.billing
    assert clinician.credentials is not None and clinician.npi is not None
    yield from _fill(
        d,
        (
            (clinician.username, PHYSICIAN.account.username),
            (clinician.credentials, PHYSICIAN.credentials),
            (clinician.npi, PHYSICIAN.npi),
            (clinician.password, PHYSICIAN.account.password),
            (billing.display_name, BILLING.name),
            (billing.username, BILLING.account.username),
            (billing.password, BILLING.account.password),
        ),
    )
    yield d.key("Enter")
    yield d.until(
        lambda: top_dialog(FirstStartWizard) is None and shown_window(MainWindow) is not None,
        "the administrator signed in",
    )


def _fill(d: Driver, values: tuple[tuple[QWidget, str], ...]) -> Iterator[Step]:
    for field, value in values:
        yield from tab_to(d, field)
        yield d.type_value(value)
