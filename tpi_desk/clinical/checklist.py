"""The ready-to-sign checklist: what a note still needs before it can be signed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tpi_desk.clinical.alerts import Alert, blocking
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import PatientFacts, ProcedureKind, SessionEntry
from tpi_desk.clinical.validation import describe_site, validate_entry, validate_patient


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    key: str
    label: str
    done: bool
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Checklist:
    items: tuple[ChecklistItem, ...]

    @property
    def ready(self) -> bool:
        return all(item.done for item in self.items)

    @property
    def missing(self) -> tuple[str, ...]:
        """Labels of the open items, in checklist order."""
        return tuple(item.label for item in self.items if not item.done)

    def item(self, key: str) -> ChecklistItem:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(f"No checklist item {key!r}")


def signing_checklist(
    entry: SessionEntry,
    catalog: Catalog,
    *,
    alerts: Sequence[Alert],
    patient: PatientFacts | None,
    problems: Sequence[FieldProblem] | None = None,
) -> Checklist:
    """Every item that must be done before ``entry`` can be signed; ``.ready`` when all are.

    Items that do not apply (medications for dry needling, the ultrasound device without
    guidance) are left out rather than shown as done. ``problems``: ``validate_entry``'s
    answer for ``entry`` when the caller has it already (worked out here otherwise).
    """
    is_injection = entry.kind is ProcedureKind.TRIGGER_POINT_INJECTION
    items = [
        _patient_item(patient),
        ChecklistItem("diagnosis", "At least one diagnosis", bool(entry.diagnoses)),
        ChecklistItem(
            "sites",
            "At least one injection site" if is_injection else "At least one needling site",
            bool(entry.sites),
        ),
        ChecklistItem("position", "Patient position", entry.position is not None),
        ChecklistItem("consent", "Consent obtained", entry.consent_obtained),
        ChecklistItem("time_out", "Time-out performed", entry.time_out_performed),
        _pain_item(entry),
    ]
    if is_injection:
        items.append(_medication_item(entry, catalog))
    if entry.ultrasound_guided:
        items.append(
            ChecklistItem("ultrasound_device", "Ultrasound device", bool(entry.ultrasound_device))
        )
    if problems is None:
        problems = validate_entry(entry, catalog)
    items.append(
        ChecklistItem(
            "valid",
            "All fields valid",
            not problems,
            "; ".join(f"{p.label}: {p.message}" for p in problems),
        )
    )
    # A hard stop is released by the clinician's reason for signing anyway (issue 12).
    blockers = blocking(alerts)  # an override reason turns hard stops into warnings
    items.append(
        ChecklistItem(
            "no_blocking_alerts",
            "No blocking alerts",
            not blockers,
            "; ".join(alert.message for alert in blockers)
            + ("; to sign anyway, write an override reason" if blockers else ""),
        )
    )
    return Checklist(tuple(items))


def _patient_item(patient: PatientFacts | None) -> ChecklistItem:
    if patient is None:
        return ChecklistItem("patient", "Patient identified", False, "No patient selected")
    problems = validate_patient(patient)
    detail = "; ".join(f"{p.label}: {p.message}" for p in problems)
    return ChecklistItem("patient", "Patient identified", not problems, detail)


def _pain_item(entry: SessionEntry) -> ChecklistItem:
    missing = [
        word
        for word, value in (("before", entry.pain_before), ("after", entry.pain_after))
        if value is None
    ]
    detail = f"Pain {' and '.join(missing)} not recorded" if missing else ""
    return ChecklistItem("pain_scores", "Pain before and after (0-10)", not missing, detail)


def _medication_item(entry: SessionEntry, catalog: Catalog) -> ChecklistItem:
    gaps = []
    for site_index, site in enumerate(entry.sites):
        where = describe_site(site, site_index, catalog)
        if not site.medications:
            gaps.append(f"{where}: no medication")
        for medication_index, medication in enumerate(site.medications):
            lacking = [
                word
                for word, present in (
                    ("lot number", bool(medication.lot.strip())),
                    ("expiry date", medication.expires is not None),
                )
                if not present
            ]
            if lacking:
                gaps.append(f"{where}, medication {medication_index + 1}: {' and '.join(lacking)}")
    return ChecklistItem(
        "medications",
        "Medication with lot and expiry at every injection site",
        not gaps,
        "; ".join(gaps),
    )
