"""The narrative sections of a note: indication, diagnoses, consent, technique, outcome, care."""

from __future__ import annotations

from datetime import time

from reportlab.lib.styles import StyleSheet1
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Spacer

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.dosing import format_number
from tpi_desk.clinical.record import ProcedureKind, SessionEntry
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
from tpi_desk.reports.note_images import ultrasound_images_section
from tpi_desk.reports.note_pages import CONTENT_WIDTH

DIAGNOSIS_CODE_WIDTH = 0.9 * inch
ASPIRATION = {True: "Negative before injecting", False: "Positive (blood drawn back)"}
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
                *_examination(entry, catalog),
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
    time_out = f"Performed ({TIME_OUT_ELEMENTS})" if entry.time_out_performed else "Not documented"
    position = catalog.position_labels.get(entry.position) if entry.position else None
    technique = [("Position", position or "Not recorded")]
    technique += procedure_time_rows(entry)
    if entry.skin_prep:
        technique.append(
            ("Skin preparation", pick_list_label(catalog.documentation.skin_preps, entry.skin_prep))
        )
    if entry.aspiration_negative is not None:
        technique.append(("Aspiration", ASPIRATION[entry.aspiration_negative]))
    technique.append(("Ultrasound guidance", _ultrasound(entry)))
    if entry.ultrasound_guided and entry.ultrasound_interpretation.strip():
        technique.append(("Ultrasound findings", entry.ultrasound_interpretation.strip()))
    return [
        *heading(styles, "Consent and time-out"),
        facts_table(styles, [*consent_rows(entry, catalog), ("Time-out", time_out)]),
        *heading(styles, "Technique"),
        facts_table(styles, technique),
        *ultrasound_images_section(entry.ultrasound_images, styles),
    ]


def consent_rows(entry: SessionEntry, catalog: Catalog) -> list[tuple[str, str]]:
    """Consent as recorded: obtained, its type, the risks the clinician chose, the witness."""
    if not entry.consent_obtained:
        return [("Informed consent", "Not documented")]
    kind = f"{entry.consent_type.value} " if entry.consent_type is not None else ""
    rows = [
        (
            "Informed consent",
            _sentence(f"{kind}consent obtained after discussing risks, benefits and alternatives"),
        )
    ]
    risks = risks_discussed(entry, catalog)
    if risks:
        rows.append(("Risks discussed", _sentence(", ".join(risks))))
    if entry.consent_witness.strip():
        rows.append(("Witness", entry.consent_witness.strip()))
    return rows


def procedure_time_rows(entry: SessionEntry) -> list[tuple[str, str]]:
    """The procedure's start and end times and the chaperone, each only when recorded."""
    started, ended = entry.procedure_started, entry.procedure_ended
    rows = []
    if started is not None and ended is not None:
        minutes = (ended.hour * 60 + ended.minute) - (started.hour * 60 + started.minute)
        rows.append(("Procedure time", f"{_clock(started)} to {_clock(ended)} ({minutes} minutes)"))
    elif started is not None:
        rows.append(("Procedure started", _clock(started)))
    elif ended is not None:
        rows.append(("Procedure ended", _clock(ended)))
    if entry.chaperone.strip():
        rows.append(("Chaperone", entry.chaperone.strip()))
    return rows


def _clock(moment: time) -> str:
    return moment.isoformat(timespec="minutes")


def risks_discussed(entry: SessionEntry, catalog: Catalog) -> list[str]:
    """The texts of the risks the clinician chose (``consent.risks_discussed``), in their order;
    never risks inferred from the sites or drugs."""
    known = catalog.documentation.consent_risks
    return [known[risk].text if risk in known else risk for risk in entry.consent_risks]


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
    if entry.tolerance is not None:
        label = catalog.documentation.tolerance_labels.get(entry.tolerance, entry.tolerance.value)
        rows.append(("Tolerance", label))
    if entry.observation_minutes is not None:
        rows.append(("Observation", f"{entry.observation_minutes} minutes after the procedure"))
    return [*heading(styles, "Outcome"), facts_table(styles, rows)]


def procedure_notes(data: NoteData, styles: StyleSheet1) -> list[Flowable]:
    """The clinician's free text (findings, technique, course), when there is any."""
    if not data.entry.notes.strip():
        return []
    return [*heading(styles, "Procedure notes"), *text_paragraphs(styles, data.entry.notes)]


def aftercare(data: NoteData, styles: StyleSheet1) -> list[Flowable]:
    entry, catalog = data.entry, data.catalog
    instructions = entry.instructions.strip() or _usual_aftercare(entry, catalog)
    story: list[Flowable] = [*heading(styles, "Instructions and follow-up")]
    story += text_paragraphs(styles, instructions, "body")
    chest_wall = catalog.chest_wall_instructions
    injected = entry.kind is ProcedureKind.TRIGGER_POINT_INJECTION  # the text says injections
    if injected and has_pneumothorax_risk(entry, catalog) and chest_wall not in instructions:
        story.append(text(styles, chest_wall))
    story.append(Spacer(1, 2))
    story.append(facts_table(styles, [("Follow-up", entry.follow_up.strip() or "Not specified")]))
    return story


def _usual_aftercare(entry: SessionEntry, catalog: Catalog) -> str:
    """The catalog's aftercare for the procedure, when the clinician typed none."""
    if entry.kind is ProcedureKind.DRY_NEEDLING:
        return catalog.documentation.dry_needling_aftercare or catalog.default_instructions
    return catalog.default_instructions


def _examination(entry: SessionEntry, catalog: Catalog) -> list[tuple[str, str]]:
    """Exam findings, function score and prior relief, each only when recorded."""
    vocabulary = catalog.documentation
    rows = []
    if entry.exam_findings:
        findings = [pick_list_label(vocabulary.exam_findings, f) for f in entry.exam_findings]
        rows.append(("Exam findings", ", ".join(findings)))
    if entry.function_score is not None:
        scale = vocabulary.function_scales.get(entry.function_scale)
        name = scale.label if scale is not None else entry.function_scale or "scale not named"
        rows.append(("Function score", f"{name}: {format_number(entry.function_score)}"))
    if entry.prior_relief_percent is not None:
        relief = f"{entry.prior_relief_percent} % after the previous session"
        if entry.prior_relief_weeks is not None:
            relief += f", lasting {entry.prior_relief_weeks} weeks"
        rows.append(("Prior relief", relief))
    return rows


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
    images = len(entry.ultrasound_images)
    kept = f"{images} image{'s' if images > 1 else ''}"
    if not entry.ultrasound_guided:
        # Images attached to an unguided session still print: say what they are doing there.
        return f"Not used ({kept} attached, printed below)" if images else "Not used"
    parts = ["Used"]
    device = entry.ultrasound_device
    parts.append(f"device {device}" if device else "device not recorded")
    if images:
        parts.append(f"{kept} retained, printed below")
    else:
        parts.append("image retained" if entry.ultrasound_image_retained else "no image retained")
    return "; ".join(parts)
