"""How values read on a printed note: names, dates with their offset, doses, relief, labels."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

from tpi_desk.clinical.catalog import Catalog, Drug
from tpi_desk.clinical.dosing import format_number, mg_per_ml_to_percent
from tpi_desk.clinical.record import PatientFacts, ProviderFacts, Sex, Side
from tpi_desk.clinical.text_folding import fold

DASH = "—"
NBSP = "\u00a0"  # keeps a number with its unit on one line
SEPARATOR = " · "
SIDE_LABELS = {
    Side.LEFT: "Left",
    Side.RIGHT: "Right",
    Side.BILATERAL: "Bilateral",
    Side.MIDLINE: "Midline",
}
SEX_LABELS = {Sex.FEMALE: "Female", Sex.MALE: "Male", Sex.OTHER: "Other", Sex.UNKNOWN: "Unknown"}


def markup(text: str) -> str:
    """Plain text made safe for a Paragraph (``<``, ``>`` and ``&`` escaped)."""
    return escape(text)


def patient_name(patient: PatientFacts) -> str:
    """ "Family, Given" as charts list patients ("Ñúñez, Zoë")."""
    return f"{patient.family_name}, {patient.given_name}"


def provider_name(provider: ProviderFacts) -> str:
    """ "Display name, credentials" ("Amara Okafor, MD")."""
    if provider.credentials:
        return f"{provider.display_name}, {provider.credentials}"
    return provider.display_name


def utc_offset(moment: datetime) -> str:
    """The moment's own offset as "UTC-05:00" (empty for a naive datetime)."""
    offset = moment.utcoffset()
    if offset is None:
        return ""
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def date_time(moment: datetime) -> str:
    """ "2026-03-04 14:30 (UTC-05:00)": the clinician's local time with its offset."""
    offset = utc_offset(moment)
    text = moment.strftime("%Y-%m-%d %H:%M")
    return f"{text} ({offset})" if offset else text


def iso_date(day: date | None) -> str:
    return day.isoformat() if day is not None else DASH


def age_on(date_of_birth: date, day: date) -> int:
    """Whole years of age on ``day``."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - int(before_birthday)


def mg(value: Decimal) -> str:
    return f"{format_number(value)} mg"


def concentration(drug: Drug | None, mg_per_ml: Decimal) -> str:
    """Local anaesthetics as "1 % (10 mg/mL)", everything else as "40 mg/mL"."""
    per_ml = f"{format_number(mg_per_ml)}{NBSP}mg/mL"
    if drug is not None and drug.is_local_anaesthetic:
        return f"{format_number(mg_per_ml_to_percent(mg_per_ml))}{NBSP}% ({per_ml})"
    return per_ml


def needle(gauge: int | None, length_mm: Decimal | None, separator: str = " / ") -> str:
    """ "25 G / 38 mm", either half alone, or a dash."""
    parts = []
    if gauge is not None:
        parts.append(f"{gauge}{NBSP}G")
    if length_mm is not None:
        parts.append(f"{format_number(length_mm)}{NBSP}mm")
    return separator.join(parts) if parts else DASH


def percent_relief(before: int | None, after: int | None) -> Decimal | None:
    """(before - after) / before as a whole percent; None without both scores or from 0."""
    if before is None or after is None or before == 0:
        return None
    share = Decimal(before - after) * 100 / Decimal(before)
    return share.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def muscle_name(catalog: Catalog, muscle_id: str) -> str:
    muscle = catalog.muscles.get(muscle_id)
    return muscle.name if muscle is not None else muscle_id


def drug_name(catalog: Catalog, drug_id: str) -> str:
    drug = catalog.drugs.get(drug_id)
    return drug.name if drug is not None else drug_id


def icd10_descriptor(catalog: Catalog, code: str) -> str:
    known = catalog.diagnosis(code)
    return known.descriptor if known is not None else "Not an ICD-10-CM code"


def pick_list_label(labels: Mapping[str, str], value: str) -> str:
    """A catalog label for an id ("physical_therapy"), a label typed as text, or the text."""
    if value in labels:
        return labels[value]
    folded = fold(value).replace("_", " ")
    for key, label in labels.items():
        if folded in (fold(label), fold(key).replace("_", " ")):
            return label
    return value


def joined(items: list[str] | tuple[str, ...], empty: str = DASH) -> str:
    return ", ".join(items) if items else empty
