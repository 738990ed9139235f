"""The settings declaration: every setting's key, type, default, scope, bounds and decoding."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest

import tpi_desk
from tpi_desk.clinical.settings import (
    CLINIC_SETTINGS,
    WORKSTATION_SETTINGS,
    ClinicSettings,
    CodingSettings,
    DeclaredSetting,
    SettingScope,
    WorkstationSettings,
    changed_settings,
    clinic_setting,
    clinic_setting_named,
    declared_settings,
    setting,
)

# Every setting as the app has always stored and read it: (attribute, key, type, default).
EXPECTED_CLINIC = [
    ("clinic_name", "clinic.name", str, ""),
    ("clinic_address_lines", "clinic.address_lines", tuple[str, ...], ()),
    ("clinic_phone", "clinic.phone", str, ""),
    ("clinic_npi", "clinic.npi", str, ""),
    # The billing identity of claims (issue 15).
    ("clinic_tax_id", "clinic.tax_id", str, ""),
    ("clinic_street", "clinic.street", str, ""),
    ("clinic_city", "clinic.city", str, ""),
    ("clinic_zip", "clinic.zip", str, ""),
    ("claims_receiver_name", "claims.receiver_name", str, ""),
    ("claims_receiver_id", "claims.receiver_id", str, ""),
    ("clinic_logo_path", "clinic.logo_path", str, ""),
    ("clinic_location", "clinic.location", str, ""),
    ("clinic_state", "clinic.state", str, ""),
    ("clinic_place_of_service", "clinic.place_of_service", str, "11"),
    # Left and right of a paired muscle are two muscles by default (DOMAIN.md, CPT; issue 12).
    ("count_sides_separately", "coding.count_sides_separately", bool, True),
    ("bill_local_anesthetic_drugs", "coding.bill_local_anesthetic_drugs", bool, True),
    (
        "steroid_limit_90_days_mg",
        "safety.steroid_limit_90_days_triamcinolone_mg",
        int,
        240,
    ),
    ("require_physician_cosign", "signing.require_physician_cosign", bool, False),
    ("idle_lock_minutes", "security.idle_lock_minutes", int, 10),
    # Exported PDFs are named by date and session id unless the clinic asks (issue 13).
    ("file_names_with_patient", "export.file_names_with_patient", bool, False),
    # Empty: a URI made from the clinic's NPI (issue 15, FHIR export).
    ("fhir_mrn_system", "fhir.mrn_system", str, ""),
]
EXPECTED_WORKSTATION = [
    ("data_dir", "TPI_DESK_DATA_DIR", str, ""),
    ("database_url", "TPI_DESK_DATABASE_URL", str, ""),
]
# A value of the wrong type for each kind of setting, and the refusal it gets.
WRONG_VALUE = {
    str: (["a list"], "must be text"),
    bool: ("yes", "must be true or false"),
    int: ("10", "must be a whole number from {minimum} to {maximum}"),
    tuple[str, ...]: ({"street": "x"}, "must be a list of lines, or text with line breaks"),
}
# A good value to store for each kind, and how the database keeps it.
GOOD_VALUE = {
    str: ("Room 3", "Room 3"),
    bool: (True, True),
    int: (25, 25),
    tuple[str, ...]: (("12 Fjord Street", "Suite 4"), ["12 Fjord Street", "Suite 4"]),
}
SETTING_KEY = re.compile(r"^(?P<prefix>[a-z]+)\.[a-z0-9_]+$")


@pytest.mark.parametrize(("name", "key", "kind", "default"), EXPECTED_CLINIC)
def test_each_clinic_setting_is_declared_once_with_its_key_type_and_default(
    name: str, key: str, kind: object, default: object
) -> None:
    declared = clinic_setting_named(name)
    assert (declared.key, declared.kind, declared.default) == (key, kind, default)
    assert declared.scope is SettingScope.CLINIC
    assert declared.label
    assert clinic_setting(key) is declared
    assert getattr(ClinicSettings(), name) == default


def test_the_declaration_lists_exactly_the_expected_settings() -> None:
    assert [(d.name, d.key, d.kind, d.default) for d in CLINIC_SETTINGS] == EXPECTED_CLINIC
    assert [(d.name, d.key, d.kind, d.default) for d in WORKSTATION_SETTINGS] == (
        EXPECTED_WORKSTATION
    )
    assert {d.scope for d in WORKSTATION_SETTINGS} == {SettingScope.WORKSTATION}
    keys = [d.key for d in (*CLINIC_SETTINGS, *WORKSTATION_SETTINGS)]
    assert len(keys) == len(set(keys))


def test_an_unknown_key_is_no_setting() -> None:
    assert clinic_setting("clinic.fax") is None
    with pytest.raises(KeyError):
        clinic_setting_named("fax")


@pytest.mark.parametrize("declared", CLINIC_SETTINGS, ids=lambda d: d.key)
def test_each_default_passes_its_own_check(declared: DeclaredSetting) -> None:
    assert declared.problem(declared.stored(declared.default)) is None
    assert declared.decoded(declared.stored(declared.default)) == declared.default


@pytest.mark.parametrize("declared", CLINIC_SETTINGS, ids=lambda d: d.key)
def test_each_setting_refuses_a_value_of_the_wrong_type(declared: DeclaredSetting) -> None:
    wrong, message = WRONG_VALUE[declared.kind]
    if declared.kind is int:
        minimum, maximum = declared.bounds()
        message = message.format(minimum=minimum, maximum=maximum)
    assert declared.problem(wrong) == message
    assert declared.problem(None) == message


# Text settings with a format of their own, and a good value of that format.
GOOD_TEXT = {
    "clinic.npi": "1245319599",
    "clinic.tax_id": "12-3456789",
    "clinic.zip": "10027",
    "claims.receiver_id": "DEMOCH1",
}


@pytest.mark.parametrize("declared", CLINIC_SETTINGS, ids=lambda d: d.key)
def test_each_setting_stores_and_reads_back_a_good_value(declared: DeclaredSetting) -> None:
    value, stored = GOOD_VALUE[declared.kind]
    if declared.key in GOOD_TEXT:
        value = stored = GOOD_TEXT[declared.key]
    assert declared.problem(value) is None
    assert declared.stored(value) == stored
    assert declared.decoded(stored) == value


@pytest.mark.parametrize(
    ("minutes", "problem"),
    [
        (1, None),
        (10, None),
        (120, None),
        (0, "must be a whole number from 1 to 120"),
        (121, "must be a whole number from 1 to 120"),
        (-5, "must be a whole number from 1 to 120"),
        (True, "must be a whole number from 1 to 120"),
        (10.0, "must be a whole number from 1 to 120"),
    ],
)
def test_the_idle_lock_is_1_to_120_minutes(minutes: object, problem: str | None) -> None:
    idle_lock = clinic_setting_named("idle_lock_minutes")
    assert idle_lock.bounds() == (1, 120)
    assert idle_lock.problem(minutes) == problem


@pytest.mark.parametrize(
    ("stored", "read"),
    [
        ({}, ClinicSettings()),
        ({"security.idle_lock_minutes": 25}, ClinicSettings(idle_lock_minutes=25)),
        # Unusable stored values read as the defaults, as they always have.
        ({"security.idle_lock_minutes": 500}, ClinicSettings()),
        ({"security.idle_lock_minutes": 0}, ClinicSettings()),
        ({"security.idle_lock_minutes": True}, ClinicSettings()),
        ({"security.idle_lock_minutes": "15"}, ClinicSettings()),
        ({"clinic.name": 42}, ClinicSettings()),
        ({"clinic.address_lines": {"street": "x"}}, ClinicSettings()),
        # Truthy switches count as on; text is trimmed; address lines drop blanks.
        ({"signing.require_physician_cosign": 1}, ClinicSettings(require_physician_cosign=True)),
        ({"coding.count_sides_separately": 0}, ClinicSettings(count_sides_separately=False)),
        ({"signing.require_physician_cosign": None}, ClinicSettings()),
        ({"clinic.name": "  Ødegård Pain  "}, ClinicSettings(clinic_name="Ødegård Pain")),
        (
            {"clinic.address_lines": ["12 Fjord Street", " ", 7, " Suite 4 "]},
            ClinicSettings(clinic_address_lines=("12 Fjord Street", "Suite 4")),
        ),
        (
            {"clinic.address_lines": "12 Fjord Street\n\nSuite 4"},
            ClinicSettings(clinic_address_lines=("12 Fjord Street", "Suite 4")),
        ),
        # Keys no setting declares (a newer version's, say) are ignored.
        ({"clinic.fax": "555-0100"}, ClinicSettings()),
    ],
)
def test_stored_values_are_read_with_defaults(stored: dict[str, Any], read: ClinicSettings) -> None:
    assert ClinicSettings.from_stored(stored) == read


def test_coding_settings_follow_the_clinic_switch() -> None:
    # Default: sides counted apart (DOMAIN.md, CPT); the payer override turns it off.
    assert ClinicSettings().coding == CodingSettings(count_sides_separately=True)
    off = ClinicSettings(count_sides_separately=False, bill_local_anesthetic_drugs=False)
    assert off.coding == CodingSettings(
        count_sides_separately=False, bill_local_anesthetic_drugs=False
    )


def test_changed_settings_are_listed_in_declared_order() -> None:
    before = ClinicSettings()
    after = dataclasses.replace(before, idle_lock_minutes=30, clinic_name="Riverside")
    assert [d.name for d in changed_settings(before, after)] == [
        "clinic_name",
        "idle_lock_minutes",
    ]
    assert changed_settings(after, after) == []


def test_workstation_settings_come_from_the_environment() -> None:
    environment = {"TPI_DESK_DATA_DIR": " /srv/tpi ", "HOME": "/home/zoe"}
    assert WorkstationSettings.from_environment(environment) == WorkstationSettings(
        data_dir="/srv/tpi"
    )
    assert WorkstationSettings.from_environment({}) == WorkstationSettings()


def test_a_field_without_a_declaration_is_refused() -> None:
    @dataclasses.dataclass(frozen=True)
    class Undeclared:
        colour: str = "blue"

    @dataclasses.dataclass(frozen=True)
    class Unsupported:
        ratio: float = setting(0.5, key="x.ratio", label="Ratio")

    with pytest.raises(TypeError, match="not declared a setting"):
        declared_settings(Undeclared)
    with pytest.raises(TypeError, match="unsupported type"):
        declared_settings(Unsupported)


def test_every_settings_key_in_the_code_is_declared() -> None:
    """A key-shaped string under a settings prefix anywhere in the package is a declared key."""
    declared = {d.key for d in CLINIC_SETTINGS}
    prefixes = {key.split(".")[0] for key in declared}
    package = Path(tpi_desk.__file__).parent
    used: dict[str, str] = {}
    for source in package.rglob("*.py"):
        if "migrations" in source.parts:
            continue
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                match = SETTING_KEY.match(node.value)
                if match and match["prefix"] in prefixes:
                    used[node.value] = str(source.relative_to(package))
    assert used, "the scan found no settings keys at all"
    assert {key: where for key, where in used.items() if key not in declared} == {}
    assert set(used) == declared


def test_address_lines_may_also_be_text_with_line_breaks() -> None:
    address = clinic_setting_named("clinic_address_lines")
    assert address.problem("12 Fjord Street\nSuite 4") is None
    assert address.stored("12 Fjord Street\nSuite 4") == "12 Fjord Street\nSuite 4"
    assert address.decoded("12 Fjord Street\nSuite 4") == ("12 Fjord Street", "Suite 4")


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("clinic.npi", "1245319599", None),
        ("clinic.npi", "", None),  # not set yet
        ("clinic.npi", "1245319598", "has an invalid check digit (the Luhn check with the "
         "prefix 80840 fails)"),
        ("clinic.npi", "124531959", "must be 10 digits"),
        ("clinic.tax_id", "123456789", None),
        ("clinic.tax_id", "12-3456789", None),
        ("clinic.tax_id", "12-345678", "must be the 9-digit EIN, e.g. 12-3456789"),
        ("clinic.tax_id", "123-45-6789", "must be the 9-digit EIN, e.g. 12-3456789"),
        ("clinic.zip", "10027", None),
        ("clinic.zip", "100271234", None),
        ("clinic.zip", "1002", "must be a ZIP code of 5 or 9 digits, e.g. 10027 or 10027-1234"),
        ("claims.receiver_id", "DEMOCH1", None),
        ("claims.receiver_id", "DEMO CH", "must be 2 to 15 letters and digits, as the "
         "clearinghouse gave it"),
    ],
)  # fmt: skip
def test_the_billing_identity_is_checked_as_typed(
    key: str, value: str, problem: str | None
) -> None:
    """Issue 15: the NPI's check digit is the Luhn digit over 80840 + NPI (CMS NPI standard);
    the EIN has 9 digits; a ZIP code 5 or 9."""
    declared = clinic_setting(key)
    assert declared is not None
    assert declared.problem(value) == problem
