"""The narrative sections of a note: indication, diagnoses, consent, technique, outcome, care."""

from __future__ import annotations

from reportlab.lib.styles import StyleSheet1
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Spacer

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import SessionEntry
from tpi_desk.reports.note_blocks import (
    Column,
    data_table,
    facts_table,
    heading,
    text,
    text_paragraphs,
)
from tpi_desk.reports.note_data import NoteData
from tpi_desk.reports.note_format import (
    icd10_descriptor,
    joined,
    percent_relief,
    pick_list_label,
)
from tpi_desk.reports.note_pages import CONTENT_WIDTH

# The risks every consent names (DOMAIN.md "Consent"), by what the session involves.
RISKS_ALWAYS = (
    "bleeding or bruising",
    "infection",
    "post-procedure soreness",
    "nerve injury",
    "vasovagal reaction",
)
RISKS_LOCAL_ANAESTHETIC = ("allergic reaction or local anaesthetic systemic toxicity",)
RISKS_CORTICOSTEROID = ("corticosteroid effects (skin changes, flushing, raised blood glucose)",)
RISK_PNEUMOTHORAX = "pneumothorax"
DIAGNOSIS_CODE_WIDTH = 0.9 * inch
TIME_OUT_ELEMENTS = "patient identity, site and side, consent, position and precautions confirmed"


def indication_and_diagnoses(data: NoteData, styles: StyleSheet1) -> list[Flowable]:
    entry, catalog = data.entry, data.catalog
    care = catalog.conservative_care_options
    tried = [pick_list_label(care, item) for item in entry.indication.conservative_care_tried]
    ongoing = [pick_list_label(care, item) for item in entry.indication.ongoing_care]
    story: list[Flowable] = [
        *heading(styles, "Indication"),
        facts_table(
            styles,
            [
                ("Conservative care tried", joined(tried, "None documented")),
                ("Ongoing alongside", joined(ongoing, "None documented")),
            ],
        ),
        *heading(styles, "Diagnoses (ICD-10-CM)"),
    ]
    if not entry.diagnoses:
        story.append(text(styles, "No diagnosis recorded."))
        return story
    columns = (
        Column("Code", DIAGNOSIS_CODE_WIDTH, "table_code"),
        Column("Diagnosis", CONTENT_WIDTH - DIAGNOSIS_CODE_WIDTH),
    )
    rows = [(code, icd10_descriptor(catalog, code)) for code in dict.fromkeys(entry.diagnoses)]
    story.append(data_table(styles, columns, rows))
    return story


def consent_and_technique(data: NoteData, styles: StyleSheet1) -> list[Flowable]:
    entry, catalog = data.entry, data.catalog
    consent = [("Informed consent", "Not documented")]
    if entry.consent_obtained:
        consent = [
            ("Informed consent", "Obtained after discussing risks, benefits and alternatives"),
            ("Risks discussed", _sentence(", ".join(risks_discussed(entry, catalog)))),
        ]
    time_out = f"Performed ({TIME_OUT_ELEMENTS})" if entry.time_out_performed else "Not documented"
    position = catalog.position_labels.get(entry.position) if entry.position else None
    return [
        *heading(styles, "Consent and time-out"),
        facts_table(styles, [*consent, ("Time-out", time_out)]),
        *heading(styles, "Technique"),
        facts_table(
            styles,
            [("Position", position or "Not recorded"), ("Ultrasound guidance", _ultrasound(entry))],
        ),
    ]


def risks_discussed(entry: SessionEntry, catalog: Catalog) -> list[str]:
    """The consent's risks: the standard list, drug risks by drug class, pneumothorax by site."""
    drugs = [
        catalog.drugs[m.drug_id]
        for site in entry.sites
        for m in site.medications
        if m.drug_id in catalog.drugs
    ]
    risks = list(RISKS_ALWAYS)
    if any(drug.is_local_anaesthetic for drug in drugs):
        risks += RISKS_LOCAL_ANAESTHETIC
    if any(drug.is_corticosteroid for drug in drugs):
        risks += RISKS_CORTICOSTEROID
    if has_pneumothorax_risk(entry, catalog):
        risks.append(RISK_PNEUMOTHORAX)
    return risks


def has_pneumothorax_risk(entry: SessionEntry, catalog: Catalog) -> bool:
    return any(
        catalog.muscles[site.muscle_id].pneumothorax_risk
        for site in entry.sites
        if site.muscle_id in catalog.muscles
    )


def outcome(data: NoteData, styles: StyleSheet1) -> list[Flowable]:
    entry, catalog = data.entry, data.catalog
    effects = [pick_list_label(catalog.side_effects, item) for item in entry.side_effects]
    problems = [pick_list_label(catalog.complications, item) for item in entry.complications]
    rows = [
        ("Pain (NRS 0-10)", _pain(entry)),
        ("Side effects", joined(effects, "None reported")),
        ("Complications", joined(problems, "None reported")),
    ]
    return [*heading(styles, "Outcome"), facts_table(styles, rows)]


def procedure_notes(data: NoteData, styles: StyleSheet1) -> list[Flowable]:
    """The clinician's free text (findings, technique, course), when there is any."""
    if not data.entry.notes.strip():
        return []
    return [*heading(styles, "Procedure notes"), *text_paragraphs(styles, data.entry.notes)]


def aftercare(data: NoteData, styles: StyleSheet1) -> list[Flowable]:
    entry, catalog = data.entry, data.catalog
    instructions = entry.instructions.strip() or catalog.default_instructions
    story: list[Flowable] = [*heading(styles, "Instructions and follow-up")]
    story += text_paragraphs(styles, instructions, "body")
    chest_wall = catalog.chest_wall_instructions
    if has_pneumothorax_risk(entry, catalog) and chest_wall not in instructions:
        story.append(text(styles, chest_wall))
    story.append(Spacer(1, 2))
    story.append(facts_table(styles, [("Follow-up", entry.follow_up.strip() or "Not specified")]))
    return story


def _pain(entry: SessionEntry) -> str:
    before = "not recorded" if entry.pain_before is None else str(entry.pain_before)
    after = "not recorded" if entry.pain_after is None else str(entry.pain_after)
    result = f"Before {before}, after {after}"
    relief = percent_relief(entry.pain_before, entry.pain_after)
    if relief is not None and relief >= 0:
        result += f" — {relief} % relief"
    elif relief is not None:
        result += f" — pain {-relief} % worse"
    return result


def _sentence(value: str) -> str:
    return value[:1].upper() + value[1:]


def _ultrasound(entry: SessionEntry) -> str:
    if not entry.ultrasound_guided:
        return "Not used"
    parts = ["Used"]
    device = entry.ultrasound_device
    parts.append(f"device {device}" if device else "device not recorded")
    parts.append("image retained" if entry.ultrasound_image_retained else "no image retained")
    return "; ".join(parts)
