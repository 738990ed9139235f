"""Every setting, declared once: its stored key, type, default, scope, label and bounds.

``ClinicSettings`` holds what the administrator sets for the whole clinic (stored in the
database as key/JSON-value pairs under the keys below); ``WorkstationSettings`` what this
computer's environment sets. Everything else reads their attributes, never a key.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar, get_type_hints

from tpi_desk.clinical.identity_checks import (
    TextCheck,
    ein_problem,
    interchange_id_problem,
    npi_problem,
    zip_problem,
)

# The stored keys (the database keeps these exactly; never rename one without a migration).
CLINIC_NAME = "clinic.name"
CLINIC_ADDRESS_LINES = "clinic.address_lines"
CLINIC_PHONE = "clinic.phone"
CLINIC_LOGO_PATH = "clinic.logo_path"
CLINIC_LOCATION = "clinic.location"
COUNT_SIDES_SEPARATELY = "coding.count_sides_separately"
REQUIRE_PHYSICIAN_COSIGN = "signing.require_physician_cosign"
IDLE_LOCK_MINUTES = "security.idle_lock_minutes"
CLINIC_STATE = "clinic.state"
CLINIC_PLACE_OF_SERVICE = "clinic.place_of_service"
CLINIC_NPI = "clinic.npi"
# The billing identity a claim names (issue 15): street, city and ZIP (with clinic.state).
CLINIC_TAX_ID = "clinic.tax_id"
CLINIC_STREET = "clinic.street"
CLINIC_CITY = "clinic.city"
CLINIC_ZIP = "clinic.zip"
# Who receives the claim files (the clearinghouse): X12 ISA08, GS03 and loop 1000B.
CLAIMS_RECEIVER_NAME = "claims.receiver_name"
CLAIMS_RECEIVER_ID = "claims.receiver_id"
BILL_LOCAL_ANESTHETIC_DRUGS = "coding.bill_local_anesthetic_drugs"
STEROID_LIMIT_90_DAYS_MG = "safety.steroid_limit_90_days_triamcinolone_mg"
EXPORT_FILE_NAMES_WITH_PATIENT = "export.file_names_with_patient"
FHIR_MRN_SYSTEM = "fhir.mrn_system"
# The environment variables a workstation is configured by.
DATA_DIR_ENV = "TPI_DESK_DATA_DIR"
DATABASE_URL_ENV = "TPI_DESK_DATABASE_URL"

LINES_PROBLEM = "must be a list of lines, or text with line breaks"
SETTING = "setting"  # the field metadata entry that holds a setting's declaration
_T = TypeVar("_T")


class SettingScope(StrEnum):
    """Who a setting applies to, and so where it is kept."""

    CLINIC = "clinic"  # the whole clinic: the database
    WORKSTATION = "workstation"  # this computer: its environment
    USER = "user"  # one signed-in user (none yet)


@dataclass(frozen=True, slots=True)
class SettingRule:
    """What the field metadata says about one setting."""

    key: str
    label: str
    scope: SettingScope
    minimum: int | None = None
    maximum: int | None = None
    # For text: why a typed, non-empty value cannot be stored (None when it can).
    check: TextCheck | None = None


def setting(
    default: _T,
    *,
    key: str,
    label: str,
    scope: SettingScope = SettingScope.CLINIC,
    minimum: int | None = None,
    maximum: int | None = None,
    check: TextCheck | None = None,
) -> _T:
    """A settings dataclass field with its declaration in the field's metadata."""
    rule = SettingRule(key, label, scope, minimum, maximum, check)
    return field(default=default, metadata={SETTING: rule})


@dataclass(frozen=True, slots=True)
class CodingSettings:
    """How a clinic reads the CPT muscle-count rules.

    ``count_sides_separately``: left and right of a paired muscle count as two muscles (a
    bilateral site counts as two), as AAPC's coding guidance says (DOMAIN.md, CPT); a clinic
    whose payer reads it otherwise turns it off.
    ``bill_local_anesthetic_drugs``: local anaesthetics with a J-code of their own (bupivacaine
    J0665) get a drug line; off where the payer bundles them into the procedure.
    """

    count_sides_separately: bool = True
    bill_local_anesthetic_drugs: bool = True


@dataclass(frozen=True, slots=True)
class SafetySettings:
    """What the safety and scope checks read from the clinic's settings: the clinic's state
    (when a session records none) and the cumulative steroid limit over 90 days, in mg of
    triamcinolone equivalent."""

    clinic_state: str = ""
    steroid_limit_90_days_mg: int = 240


@dataclass(frozen=True, slots=True)
class ClinicSettings:
    """The clinic's settings; an unset or unusable stored value reads as the default."""

    clinic_name: str = setting("", key=CLINIC_NAME, label="Clinic name")
    clinic_address_lines: tuple[str, ...] = setting((), key=CLINIC_ADDRESS_LINES, label="Address")
    clinic_phone: str = setting("", key=CLINIC_PHONE, label="Phone")
    # The clinic's own (type 2, organisation) NPI, printed under its name on every note.
    clinic_npi: str = setting("", key=CLINIC_NPI, label="Clinic NPI", check=npi_problem)
    # The billing provider of claims (X12 837P loop 2010AA): tax id and street address.
    clinic_tax_id: str = setting(
        "", key=CLINIC_TAX_ID, label="Tax ID (EIN, 9 digits)", check=ein_problem
    )
    clinic_street: str = setting("", key=CLINIC_STREET, label="Street address (for claims)")
    clinic_city: str = setting("", key=CLINIC_CITY, label="City (for claims)")
    clinic_zip: str = setting("", key=CLINIC_ZIP, label="ZIP code (for claims)", check=zip_problem)
    claims_receiver_name: str = setting(
        "", key=CLAIMS_RECEIVER_NAME, label="Claims receiver (clearinghouse) name"
    )
    claims_receiver_id: str = setting(
        "", key=CLAIMS_RECEIVER_ID, label="Claims receiver ID", check=interchange_id_problem
    )
    clinic_logo_path: str = setting("", key=CLINIC_LOGO_PATH, label="Logo file")
    clinic_location: str = setting("", key=CLINIC_LOCATION, label="Location")
    # Where the clinic is: the scope-of-practice table and the claim's place of service.
    clinic_state: str = setting("", key=CLINIC_STATE, label="State (two letters)")
    clinic_place_of_service: str = setting(
        "11", key=CLINIC_PLACE_OF_SERVICE, label="Place of service (CMS code)"
    )
    count_sides_separately: bool = setting(
        True,
        key=COUNT_SIDES_SEPARATELY,
        label="Count left and right of one muscle as two muscles for CPT",
    )
    bill_local_anesthetic_drugs: bool = setting(
        True,
        key=BILL_LOCAL_ANESTHETIC_DRUGS,
        label="Bill local anaesthetics that have a J-code (bupivacaine J0665)",
    )
    steroid_limit_90_days_mg: int = setting(
        240,
        key=STEROID_LIMIT_90_DAYS_MG,
        label="Steroid limit over 90 days (mg triamcinolone equivalent)",
        minimum=1,
        maximum=2000,
    )
    require_physician_cosign: bool = setting(
        False,
        key=REQUIRE_PHYSICIAN_COSIGN,
        label="Notes signed by nurse practitioners and PAs need a physician's co-signature",
    )
    idle_lock_minutes: int = setting(
        10, key=IDLE_LOCK_MINUTES, label="Lock the screen after", minimum=1, maximum=120
    )
    # Off: exported PDFs are named by date and session id, as a file name is seen by anyone
    # who can list the folder (issue 13); on: date, MRN and family name.
    file_names_with_patient: bool = setting(
        False,
        key=EXPORT_FILE_NAMES_WITH_PATIENT,
        label="Exported PDF file names include the patient's MRN and family name",
    )
    # The URI that says whose MRNs these are in FHIR exports (Patient.identifier.system);
    # empty: ``urn:tpi-desk:clinic:<clinic NPI>:mrn`` (see ``mrn_system``).
    fhir_mrn_system: str = setting(
        "", key=FHIR_MRN_SYSTEM, label="MRN system (URI) of FHIR exports"
    )

    @property
    def location_for_notes(self) -> str:
        """Where procedures take place when a session names no location: the clinic's
        location, else its name ("" when neither is set)."""
        return self.clinic_location or self.clinic_name

    @property
    def mrn_system(self) -> str:
        """The system URI of the clinic's MRNs in FHIR exports: the setting, else one made
        from the clinic's NPI ("local" when none is set), stable as long as the NPI is."""
        if self.fhir_mrn_system:
            return self.fhir_mrn_system
        return f"urn:tpi-desk:clinic:{self.clinic_npi or 'local'}:mrn"

    @property
    def coding(self) -> CodingSettings:
        return CodingSettings(
            count_sides_separately=self.count_sides_separately,
            bill_local_anesthetic_drugs=self.bill_local_anesthetic_drugs,
        )

    @property
    def safety(self) -> SafetySettings:
        return SafetySettings(
            clinic_state=self.clinic_state,
            steroid_limit_90_days_mg=self.steroid_limit_90_days_mg,
        )

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any]) -> ClinicSettings:
        """The settings from the stored key/JSON values (other keys are ignored)."""
        return cls(
            **{
                declared.name: declared.decoded(stored[declared.key])
                for declared in CLINIC_SETTINGS
                if declared.key in stored
            }
        )


@dataclass(frozen=True, slots=True)
class WorkstationSettings:
    """This computer's settings, from its environment (empty: the app's own choice)."""

    data_dir: str = setting(
        "", key=DATA_DIR_ENV, label="Data folder", scope=SettingScope.WORKSTATION
    )
    database_url: str = setting(
        "", key=DATABASE_URL_ENV, label="Database URL", scope=SettingScope.WORKSTATION
    )

    @classmethod
    def from_environment(cls, environment: Mapping[str, str]) -> WorkstationSettings:
        return cls(
            **{
                declared.name: declared.decoded(environment[declared.key])
                for declared in WORKSTATION_SETTINGS
                if declared.key in environment
            }
        )


@dataclass(frozen=True, slots=True)
class DeclaredSetting:
    """One setting as declared: attribute name, stored key, Python type, default and rules."""

    name: str
    key: str
    kind: Any  # bool, int, str or tuple[str, ...]
    default: Any
    scope: SettingScope
    label: str
    minimum: int | None
    maximum: int | None
    check: TextCheck | None = None

    def problem(self, value: object) -> str | None:
        """Why ``value`` cannot be stored under this setting (None when it can)."""
        if self.kind is bool:
            return None if isinstance(value, bool) else "must be true or false"
        if self.kind is int:
            in_bounds = (
                isinstance(value, int)
                and not isinstance(value, bool)
                and (self.minimum is None or value >= self.minimum)
                and (self.maximum is None or value <= self.maximum)
            )
            return None if in_bounds else f"must be a whole number {self._bounds()}"
        if self.kind is str:
            if not isinstance(value, str):
                return "must be text"
            typed = value.strip()
            return self.check(typed) if self.check is not None and typed else None
        lines = isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
        return None if lines or isinstance(value, str) else LINES_PROBLEM

    def decoded(self, stored: object) -> Any:
        """The typed value of a stored one; the default when it cannot be used."""
        if self.kind is bool:
            return bool(stored)
        if self.kind is str:
            return stored.strip() if isinstance(stored, str) else self.default
        if self.kind is int:
            return stored if self.problem(stored) is None else self.default
        if isinstance(stored, str):
            stored = stored.splitlines()
        if not isinstance(stored, list | tuple):
            return self.default
        lines = (line.strip() if isinstance(line, str) else "" for line in stored)
        return tuple(line for line in lines if line)

    def stored(self, value: object) -> Any:
        """``value`` as the JSON value the database keeps (a list for lines of text)."""
        return list(value) if isinstance(value, tuple) else value

    def bounds(self) -> tuple[int, int]:
        """The smallest and largest value of a bounded whole-number setting."""
        if self.minimum is None or self.maximum is None:
            raise ValueError(f"{self.name} has no bounds")
        return self.minimum, self.maximum

    def _bounds(self) -> str:
        if self.minimum is not None and self.maximum is not None:
            return f"from {self.minimum} to {self.maximum}"
        if self.minimum is not None:
            return f"of at least {self.minimum}"
        return f"of at most {self.maximum}" if self.maximum is not None else ""


def declared_settings(settings_class: type) -> tuple[DeclaredSetting, ...]:
    """Every setting a settings dataclass declares, in declaration order."""
    hints = get_type_hints(settings_class)
    found = []
    for item in dataclasses.fields(settings_class):
        rule = item.metadata.get(SETTING)
        if not isinstance(rule, SettingRule):
            raise TypeError(f"{settings_class.__name__}.{item.name} is not declared a setting")
        kind = hints[item.name]
        if kind not in (bool, int, str, tuple[str, ...]):
            raise TypeError(f"{settings_class.__name__}.{item.name}: unsupported type {kind}")
        found.append(
            DeclaredSetting(
                item.name,
                rule.key,
                kind,
                item.default,
                rule.scope,
                rule.label,
                rule.minimum,
                rule.maximum,
                rule.check,
            )
        )
    return tuple(found)


CLINIC_SETTINGS = declared_settings(ClinicSettings)
WORKSTATION_SETTINGS = declared_settings(WorkstationSettings)
_CLINIC_SETTING_OF_KEY = {declared.key: declared for declared in CLINIC_SETTINGS}
_CLINIC_SETTING_NAMED = {declared.name: declared for declared in CLINIC_SETTINGS}


def clinic_setting(key: str) -> DeclaredSetting | None:
    """The clinic setting stored under ``key`` (None for a key no setting declares)."""
    return _CLINIC_SETTING_OF_KEY.get(key)


def clinic_setting_named(name: str) -> DeclaredSetting:
    """The clinic setting held in the ``ClinicSettings`` attribute ``name``."""
    return _CLINIC_SETTING_NAMED[name]


def changed_settings(before: ClinicSettings, after: ClinicSettings) -> list[DeclaredSetting]:
    """The settings whose value differs between ``before`` and ``after``, in declared order."""
    return [
        declared
        for declared in CLINIC_SETTINGS
        if getattr(before, declared.name) != getattr(after, declared.name)
    ]
