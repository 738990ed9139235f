"""`tpi-desk settings list|set` (issue 15): the clinic's billing identity from a terminal,
for administrators only, each value checked as typed and each change audited."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.security.test_cli_operator import (
    ADMIN_PASSWORD,
    BILLING_PASSWORD,
    audit_rows,
    database,
    password_file,
)
from tpi_desk.cli import main
from tpi_desk.desk import Desk

__all__ = ["database"]


def as_user(tmp_path: Path, user: str, password: str) -> list[str]:
    return ["--user", user, "--password-file", password_file(tmp_path, password)]


def run(database: str, operator: list[str], *command: str) -> int:
    return main(["--database", database, *operator, "settings", *command])


def test_an_administrator_sets_the_billing_identity_and_lists_it(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    admin = as_user(tmp_path, "ada.admin", ADMIN_PASSWORD)
    changes = [
        ("clinic.name", "Harbor Pain Clinic"),
        ("clinic.npi", "1245319599"),
        ("clinic.tax_id", "12-3456789"),
        ("clinic.street", "12 Harbor Street"),
        ("clinic.city", "Portland"),
        ("clinic.state", "ME"),
        ("clinic.zip", "04101"),
        ("clinic.address_lines", "12 Harbor Street | Portland, ME 04101"),
        ("coding.count_sides_separately", "false"),
    ]
    for key, value in changes:
        assert run(database, admin, "set", key, value) == 0
    out = capsys.readouterr().out
    assert "clinic.npi (Clinic NPI) is now 1245319599." in out

    assert run(database, admin, "list") == 0

    listed = capsys.readouterr().out
    assert "clinic.tax_id" in listed and "12-3456789" in listed
    assert "Tax ID (EIN, 9 digits)" in listed
    assert "12 Harbor Street | Portland, ME 04101" in listed
    with Desk.open(database) as desk:
        settings = desk.settings.load()
    assert (settings.clinic_npi, settings.clinic_zip, settings.clinic_state) == (
        "1245319599",
        "04101",
        "ME",
    )
    assert settings.clinic_address_lines == ("12 Harbor Street", "Portland, ME 04101")
    assert settings.count_sides_separately is False
    rows = audit_rows(database)
    assert ("ada.admin", "setting_change", 'clinic.npi: null -> "1245319599"') in rows
    assert ("ada.admin", "command", "settings list: clinic settings listed") in rows


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("clinic.npi", "1245319598", "Setting clinic.npi: has an invalid check digit"),
        ("clinic.tax_id", "12-34567", "Setting clinic.tax_id: must be the 9-digit EIN"),
        ("clinic.zip", "ABCDE", "Setting clinic.zip: must be a ZIP code of 5 or 9 digits"),
        ("clinic.fax", "555", "Setting clinic.fax: is not a clinic setting; the settings are:"),
        ("security.idle_lock_minutes", "ten", "must be a whole number (not 'ten')"),
        ("signing.require_physician_cosign", "maybe", "must be true or false"),
    ],
)
def test_a_bad_value_is_named_and_nothing_changes(
    database: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    key: str,
    value: str,
    message: str,
) -> None:
    status = run(database, as_user(tmp_path, "ada.admin", ADMIN_PASSWORD), "set", key, value)

    err = capsys.readouterr().err
    assert status == 1
    assert message in err
    assert "Traceback" not in err
    with Desk.open(database) as desk:
        assert desk.settings.load().clinic_npi == ""


def test_only_an_administrator_may_change_settings(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    billing = as_user(tmp_path, "bo.billing", BILLING_PASSWORD)

    status = run(database, billing, "set", "clinic.npi", "1245319599")

    err = capsys.readouterr().err
    assert status == 1
    assert "may not run `tpi-desk settings set`; it needs an administrator" in err
    assert run(database, [], "list") == 1
    assert "needs a signed-in operator" in capsys.readouterr().err
