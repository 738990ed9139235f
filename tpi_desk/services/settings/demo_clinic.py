"""The synthetic clinic identity of a demo database (issue 15): name, address, an NPI with a
valid check digit and a tax ID, so that a fresh demo database exports claims that validate.

Only settings the database does not hold yet are written (a clinic's own values are never
replaced); each is audited as a setting change, as the settings service audits one.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from tpi_desk.clinical.settings import (
    CLAIMS_RECEIVER_ID,
    CLAIMS_RECEIVER_NAME,
    CLINIC_CITY,
    CLINIC_NAME,
    CLINIC_NPI,
    CLINIC_PHONE,
    CLINIC_STATE,
    CLINIC_STREET,
    CLINIC_TAX_ID,
    CLINIC_ZIP,
)
from tpi_desk.models.settings import ClinicSetting
from tpi_desk.services.audit.events import AuditAction, record_event
from tpi_desk.services.permissions import Actor

# Made up: the phone is a 555-01xx fiction number; the NPI passes the Luhn check (prefix
# 80840) but belongs to nobody known; the EIN prefix 00 is one the IRS never assigns.
DEMO_CLINIC_IDENTITY = {
    CLINIC_NAME: "Riverside Pain Clinic (demo)",
    CLINIC_STREET: "100 Demo Plaza Suite 4",
    CLINIC_CITY: "Riverside",
    CLINIC_STATE: "NY",
    CLINIC_ZIP: "10027-4127",
    CLINIC_PHONE: "(212) 555-0142",
    CLINIC_NPI: "1240000004",
    CLINIC_TAX_ID: "00-4127315",
    CLAIMS_RECEIVER_NAME: "Demo Clearinghouse",
    CLAIMS_RECEIVER_ID: "DEMOCH1",
}


def add_demo_clinic_identity(db: Session, operator: Actor | None) -> list[str]:
    """Store the demo identity's settings the database lacks; returns their keys."""
    stored = set(
        db.scalars(select(ClinicSetting.key).where(ClinicSetting.key.in_(DEMO_CLINIC_IDENTITY)))
    )
    added = [key for key in DEMO_CLINIC_IDENTITY if key not in stored]
    for key in added:
        value = DEMO_CLINIC_IDENTITY[key]
        db.add(ClinicSetting(key=key, value=value))
        record_event(
            db,
            operator,
            AuditAction.SETTING_CHANGE,
            "setting",
            None,
            f"{key}: null -> {json.dumps(value)} (demo clinic)",
        )
    return added
