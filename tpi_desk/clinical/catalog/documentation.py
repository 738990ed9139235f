"""The note's closed vocabularies: exam findings, skin preparation, functional scales, consent
risks, tolerance, aftercare, places of service and states (``documentation.toml``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tpi_desk.clinical.catalog.toml_tables import TomlTable, entry_tables, unique
from tpi_desk.clinical.record import Tolerance

DOCUMENTATION_FILE = "documentation.toml"


class RiskPreselect(StrEnum):
    """When the app ticks a consent risk for the clinician to confirm."""

    ALWAYS = "always"
    PNEUMOTHORAX_RISK_SITE = "pneumothorax_risk_site"
    CORTICOSTEROID = "corticosteroid"
    LOCAL_ANAESTHETIC = "local_anaesthetic"
    NEVER = "never"


@dataclass(frozen=True, slots=True)
class FunctionScale:
    id: str
    label: str
    minimum: int
    maximum: int


@dataclass(frozen=True, slots=True)
class ConsentRisk:
    id: str
    label: str  # in the editor's list
    text: str  # in the note's consent sentence ("... discussed: bleeding or bruising, ...")
    preselect: RiskPreselect


@dataclass(frozen=True, slots=True)
class DocumentationVocabulary:
    """Every closed list of ``documentation.toml``, by id, in the file's order."""

    exam_findings: Mapping[str, str] = field(default_factory=dict)
    skin_preps: Mapping[str, str] = field(default_factory=dict)
    function_scales: Mapping[str, FunctionScale] = field(default_factory=dict)
    consent_risks: Mapping[str, ConsentRisk] = field(default_factory=dict)
    tolerance_labels: Mapping[Tolerance, str] = field(default_factory=dict)
    dry_needling_aftercare: str = ""
    places_of_service: Mapping[str, str] = field(default_factory=dict)
    states: Mapping[str, str] = field(default_factory=dict)


def load_documentation(data: dict[str, Any]) -> DocumentationVocabulary:
    """The vocabularies of ``documentation.toml`` (raises CatalogError naming a bad entry)."""
    file = DOCUMENTATION_FILE
    tolerance = TomlTable(file, "[tolerance]", data.get("tolerance"))
    aftercare = TomlTable(file, "[aftercare]", data.get("aftercare"))
    states = TomlTable(file, "[states]", data.get("states"))
    return DocumentationVocabulary(
        exam_findings=_labels(data, "exam_finding"),
        skin_preps=_labels(data, "skin_prep"),
        function_scales=unique(
            file,
            (
                (scale.id, scale)
                for scale in map(_scale, entry_tables(data, file, "function_scale"))
            ),
        ),
        consent_risks=unique(
            file, ((risk.id, risk) for risk in map(_risk, entry_tables(data, file, "consent_risk")))
        ),
        tolerance_labels={level: tolerance.text(level.value) for level in Tolerance},
        dry_needling_aftercare=aftercare.text("dry_needling"),
        places_of_service=_labels(data, "place_of_service"),
        states={code: states.text(code) for code in sorted(states.data)},
    )


def _labels(data: dict[str, Any], key: str) -> dict[str, str]:
    tables = entry_tables(data, DOCUMENTATION_FILE, key)
    return unique(DOCUMENTATION_FILE, ((t.text("id"), t.text("label")) for t in tables))


def _scale(table: TomlTable) -> FunctionScale:
    minimum = table.integer("minimum")
    maximum = table.integer("maximum", minimum=minimum + 1)
    return FunctionScale(table.text("id"), table.text("label"), minimum, maximum)


def _risk(table: TomlTable) -> ConsentRisk:
    raw = table.text("preselect")
    try:
        preselect = RiskPreselect(raw)
    except ValueError:
        choices = ", ".join(p.value for p in RiskPreselect)
        raise table.fail(f"preselect must be one of {choices}, not {raw!r}") from None
    return ConsentRisk(table.text("id"), table.text("label"), table.text("text"), preselect)
