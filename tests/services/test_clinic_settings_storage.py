"""Clinic settings in a real database: read with defaults, changed as declared, audited."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, text

from tests.services.conftest import PASSWORD, fast_hasher
from tpi_desk.clinical.settings import (
    CLINIC_SETTINGS,
    ClinicSettings,
    CodingSettings,
    DeclaredSetting,
)
from tpi_desk.models.audit import AuditEvent
from tpi_desk.models.database import Database
from tpi_desk.models.settings import ClinicSetting
from tpi_desk.services.errors import PermissionDenied, ValidationFailed
from tpi_desk.services.people.users import UserService
from tpi_desk.services.permissions import Actor
from tpi_desk.services.settings.clinic_settings import (
    ClinicSettingsService,
    clinic_settings,
    require_physician_cosign,
)

# A value each setting may take (not its default) and how the database keeps it as JSON text.
NEW_VALUE: dict[str, tuple[Any, str]] = {
    "clinic.name": ("Clínica Ødegård Pain & Spine", '"Clínica Ødegård Pain & Spine"'),
    "clinic.address_lines": (["12 Fjord Street", "Suite 4"], '["12 Fjord Street", "Suite 4"]'),
    "clinic.phone": ("(503) 555-0142", '"(503) 555-0142"'),
    "clinic.npi": ("1234567893", '"1234567893"'),
    "clinic.tax_id": ("12-3456789", '"12-3456789"'),
    "clinic.street": ("12 Fjord Street", '"12 Fjord Street"'),
    "clinic.city": ("Bergen Falls", '"Bergen Falls"'),
    "clinic.zip": ("10027-1234", '"10027-1234"'),
    "claims.receiver_name": ("Fjord Claims Exchange", '"Fjord Claims Exchange"'),
    "claims.receiver_id": ("FJORDCX", '"FJORDCX"'),
    "clinic.logo_path": ("logos/clinic-logo.png", '"logos/clinic-logo.png"'),
    "clinic.location": ("Room 3", '"Room 3"'),
    "clinic.state": ("NY", '"NY"'),
    "clinic.place_of_service": ("22", '"22"'),
    # Sides count apart by default (DOMAIN.md, CPT); a payer reading "turns it off".
    "coding.count_sides_separately": (False, "false"),
    "coding.bill_local_anesthetic_drugs": (False, "false"),
    "signing.require_physician_cosign": (True, "true"),
    "security.idle_lock_minutes": (25, "25"),
    "safety.steroid_limit_90_days_triamcinolone_mg": (160, "160"),
    # Off by default: exported file names carry no patient name or MRN (issue 13).
    "export.file_names_with_patient": (True, "true"),
    "fhir.mrn_system": (
        "urn:oid:2.16.840.1.113883.3.7204.1",
        '"urn:oid:2.16.840.1.113883.3.7204.1"',
    ),
}


@pytest.fixture
def admin(database: Database) -> Actor:
    users = UserService(database.session_factory, hasher=fast_hasher())
    users.create_first_admin("admin.ada", "Ada Ødegård", PASSWORD)
    return users.authenticate("admin.ada", PASSWORD)


@pytest.fixture
def settings(database: Database) -> ClinicSettingsService:
    return ClinicSettingsService(database.session_factory)


def raw_value(database: Database, key: str) -> str | None:
    with database.session_factory() as db:
        found = db.execute(
            text("SELECT value FROM clinic_settings WHERE key = :key"), {"key": key}
        ).scalar()
    return None if found is None else str(found)


def setting_changes(database: Database) -> list[str]:
    with database.session_factory() as db:
        query = select(AuditEvent.detail).where(AuditEvent.action == "setting_change")
        return list(db.scalars(query.order_by(AuditEvent.id)))


def test_a_new_clinic_reads_every_default(settings: ClinicSettingsService) -> None:
    assert settings.load() == ClinicSettings()
    # Left and right of a paired muscle are two muscles unless the clinic says otherwise
    # (DOMAIN.md, CPT; issue 12); local anaesthetic J-codes are billed unless bundled.
    assert settings.coding_settings() == CodingSettings(
        count_sides_separately=True, bill_local_anesthetic_drugs=True
    )
    assert settings.require_physician_cosign() is False


def test_the_table_covers_every_declared_setting() -> None:
    assert set(NEW_VALUE) == {declared.key for declared in CLINIC_SETTINGS}


@pytest.mark.parametrize("declared", CLINIC_SETTINGS, ids=lambda d: d.key)
def test_each_setting_is_stored_as_before_read_back_and_audited(
    declared: DeclaredSetting,
    database: Database,
    settings: ClinicSettingsService,
    admin: Actor,
) -> None:
    value, stored_json = NEW_VALUE[declared.key]
    settings.set_value(declared.key, value, actor=admin)
    assert raw_value(database, declared.key) == stored_json
    loaded = settings.load(actor=admin)
    assert getattr(loaded, declared.name) == declared.decoded(value)
    assert getattr(loaded, declared.name) != declared.default
    assert setting_changes(database) == [f"{declared.key}: null -> {stored_json}"]


def test_a_change_audits_the_old_and_new_values(
    database: Database, settings: ClinicSettingsService, admin: Actor
) -> None:
    settings.set_value("security.idle_lock_minutes", 25, actor=admin)
    settings.set_value("security.idle_lock_minutes", 5, actor=admin)
    settings.set_value("clinic.address_lines", ("Strandgata 12",), actor=admin)
    assert settings.load().idle_lock_minutes == 5
    assert setting_changes(database) == [
        "security.idle_lock_minutes: null -> 25",
        "security.idle_lock_minutes: 25 -> 5",
        'clinic.address_lines: null -> ["Strandgata 12"]',
    ]


def test_rows_an_existing_database_holds_are_read_as_typed_settings(
    database: Database, settings: ClinicSettingsService
) -> None:
    stored = {
        "clinic.name": "  Fjordside Pain Clinic ",
        "clinic.address_lines": "Strandgata 12\n5004 Bergen",
        "coding.count_sides_separately": True,
        "signing.require_physician_cosign": True,
        "security.idle_lock_minutes": 500,  # out of range: the default applies
        "clinic.fax": "+47 55 00 00 01",  # no such setting: ignored
    }
    with database.session_factory.begin() as db:
        db.add_all(ClinicSetting(key=key, value=value) for key, value in stored.items())
    assert settings.load() == ClinicSettings(
        clinic_name="Fjordside Pain Clinic",
        clinic_address_lines=("Strandgata 12", "5004 Bergen"),
        count_sides_separately=True,
        require_physician_cosign=True,
    )
    with database.session_factory() as db:
        assert clinic_settings(db).coding.count_sides_separately is True
        assert require_physician_cosign(db) is True


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("coding.count_sides_separately", "yes", "must be true or false"),
        ("signing.require_physician_cosign", 1, "must be true or false"),
        ("security.idle_lock_minutes", 0, "must be a whole number from 1 to 120"),
        ("security.idle_lock_minutes", 121, "must be a whole number from 1 to 120"),
        ("security.idle_lock_minutes", "10", "must be a whole number from 1 to 120"),
        ("clinic.name", None, "must be text"),
        ("clinic.address_lines", 12, "must be a list of lines, or text with line breaks"),
        ("clinic.fax", "+47 55 00 00 01", "is not a clinic setting"),
        ("", True, "must be 1 to 128 characters"),
        ("x" * 129, True, "must be 1 to 128 characters"),
    ],
)
def test_a_value_the_declaration_refuses_is_not_stored(
    key: str,
    value: object,
    message: str,
    database: Database,
    settings: ClinicSettingsService,
    admin: Actor,
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        settings.set_value(key, value, actor=admin)
    assert [(p.path, p.label, p.message) for p in refused.value.problems] == [
        (f"settings.{key}", f"Setting {key}", message)
    ]
    assert raw_value(database, key) is None
    assert setting_changes(database) == []
    assert settings.load() == ClinicSettings()


def test_only_administrators_change_settings(
    database: Database, settings: ClinicSettingsService
) -> None:
    with pytest.raises(PermissionDenied, match="Sign in first"):
        settings.set_value("signing.require_physician_cosign", True, actor=None)
    assert settings.require_physician_cosign() is False


def test_address_lines_may_be_set_as_text_with_line_breaks(
    database: Database, settings: ClinicSettingsService, admin: Actor
) -> None:
    settings.set_value("clinic.address_lines", "Strandgata 12\n5004 Bergen", actor=admin)
    assert raw_value(database, "clinic.address_lines") == '"Strandgata 12\\n5004 Bergen"'
    assert settings.load().clinic_address_lines == ("Strandgata 12", "5004 Bergen")
