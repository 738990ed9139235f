"""Signed notes as an X12 837P professional claim file (ASC X12 005010X222A1).

One interchange, one functional group, one transaction set: the billing provider (the clinic,
loops 2000A/2010AA), then per note a subscriber (2000B/2010BA: the patient as insured, with
their address, or the insured person of a spouse, child or other dependent, who then gets a
patient level 2000C/2010CA under it), the payer (2010BB), one claim (2300) with its diagnoses
(HI), the rendering provider (2310B, the clinician who performed and signed) and a service
line (2400) for each of the note's claim lines: the codes the app derived
(``analysis.coding.claim_lines``), never re-derived here; drug lines carry their NDC (2410
LIN/CTP, qualifier N4). docs/x12.md describes it.

TPI Desk keeps no fee schedule: every charge is 0 and the practice-management system prices
the claim. Takes plain data only (``NoteData``); ``ClaimProblem`` names what a note lacks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from tpi_desk.clinical.code_lines import CodeLine
from tpi_desk.clinical.insurance import PatientInsurance
from tpi_desk.clinical.ndc import normalised_ndc
from tpi_desk.clinical.record import Coverage, Sex
from tpi_desk.reports.note_data import NoteData
from tpi_desk.reports.note_format import patient_name
from tpi_desk.reports.x12_segments import (
    SegmentWriter,
    amount,
    composite,
    isa_segment,
    quantity,
    x12_text,
)

IMPLEMENTATION = "005010X222A1"
NO_CHARGE = Decimal(0)
MAX_DIAGNOSES = 12  # HI holds 12 diagnosis codes (2300 HI01-HI12)
MAX_POINTERS = 4  # SV107 points at up to 4 of them
# SBR09, claim filing indicator, by who pays (005010X222A1 code list); "ZZ" mutually defined
# where the coverage does not say.
CLAIM_FILING = {
    Coverage.MEDICARE: "MB",
    Coverage.MEDICARE_ADVANTAGE: "16",
    Coverage.MEDICAID: "MC",
    Coverage.COMMERCIAL: "CI",
    Coverage.WORKERS_COMPENSATION: "WC",
    Coverage.SELF_PAY: "ZZ",
    Coverage.UNKNOWN: "ZZ",
}
DMG_SEX = {Sex.FEMALE: "F", Sex.MALE: "M", Sex.OTHER: "U", Sex.UNKNOWN: "U"}
_TITLES = ("dr.", "dr")


@dataclass(frozen=True, slots=True)
class BillingProvider:
    """The clinic as a claim names it (clinic settings); ``zip_code``, ``tax_id`` and
    ``phone`` in digits only."""

    name: str
    npi: str
    tax_id: str
    street: str
    city: str
    state: str
    zip_code: str
    phone: str
    place_of_service: str
    receiver_name: str
    receiver_id: str


@dataclass(frozen=True, slots=True)
class ClaimProblem:
    """Why one note cannot go on a claim, in plain words."""

    session_id: str
    message: str


def claim_problems(note: NoteData) -> list[ClaimProblem]:
    """What keeps ``note`` off a claim file (empty when it can go on one)."""
    who = f"{patient_name(note.patient)} (MRN {note.patient.mrn})"
    found = []
    if not note.is_signed:
        state = note.status.value.replace("_", " ")
        found.append(f"note #{note.session_id} is {state}: claims are made from signed notes")
    insurance = note.patient.insurance
    if insurance is None:
        found.append(f"{who} has no insurance on file: add it in the patient's details")
    elif insurance.is_dependent:
        found += _dependent_problems(who, insurance)
    elif insurance.patient_address is None:
        # 005010X222A1 2010BA N3/N4: "Required when the patient is the subscriber" (pyx12
        # cannot tell: the segments are situational).
        found.append(
            f"{who} is the insured, but the patient's address is not on file: add it in the "
            "patient's insurance details"
        )
    if not note.provider.npi:
        found.append(f"the clinician of note #{note.session_id} has no NPI")
    if not note.analysis.coding.icd10:
        found.append(f"note #{note.session_id} has no diagnosis")
    return [ClaimProblem(note.session_id, message) for message in found]


def _dependent_problems(who: str, insurance: PatientInsurance) -> list[str]:
    """What a claim for a patient insured through someone else lacks: the insured person's
    name and the patient's own address (loops 2010BA and 2010CA). The insured person's birth
    date is kept when known but not required: 2010BA carries no DMG for a dependent."""
    relation = insurance.relationship_words.lower()
    subscriber, missing = insurance.subscriber, []
    if subscriber is None:
        missing.append("the insured person's name")
    else:
        missing += [
            words
            for words, value in (
                ("the insured person's family name", subscriber.family_name),
                ("the insured person's given name", subscriber.given_name),
            )
            if not value
        ]
    if insurance.patient_address is None:
        missing.append("the patient's address")
    if not missing:
        return []
    return [
        f"{who} is insured as {relation}, but {' and '.join(missing)} "
        f"{'is' if len(missing) == 1 else 'are'} not on file: add "
        f"{'it' if len(missing) == 1 else 'them'} in the patient's insurance details"
    ]


def write_837p(
    notes: Sequence[NoteData],
    billing: BillingProvider,
    *,
    control_number: int,
    created_at: datetime,
    test: bool = False,
) -> str:
    """The claim file's text. Every note must be claimable (``claim_problems`` empty) and
    have claim lines (a later session of a day whose procedure line is on an earlier one's
    claim, with no drug or guidance line of its own, has none: leave it out)."""
    problems = [problem for note in notes for problem in claim_problems(note)]
    if problems or not notes or not all(note.analysis.coding.claim_lines for note in notes):
        raise ValueError("; ".join(p.message for p in problems) or "a note without claim lines")
    out = SegmentWriter()
    stamp = (created_at.strftime("%y%m%d"), created_at.strftime("%H%M"))
    out.segments.append(
        isa_segment(billing.npi, billing.receiver_id, stamp, control_number, test=test)
    )
    day, clock = created_at.strftime("%Y%m%d"), stamp[1]
    group = str(control_number)
    out.add("GS", "HC", billing.npi, billing.receiver_id, day, clock, group, "X", IMPLEMENTATION)
    out.start_transaction()
    out.add("ST", "837", "0001", IMPLEMENTATION)
    out.add("BHT", "0019", "00", f"TPI{control_number}", day, clock, "CH")
    _submitter_and_receiver(out, billing)
    _billing_provider(out, billing)
    level = 2
    for note in notes:
        level = _claim(out, note, billing, level)
    out.add("SE", str(out.transaction_count()), "0001")
    out.add("GE", "1", group)
    out.add("IEA", "1", f"{control_number:09d}")
    return out.text()


def _submitter_and_receiver(out: SegmentWriter, billing: BillingProvider) -> None:
    """Loops 1000A (the clinic submits, identified by its NPI) and 1000B (the receiver)."""
    out.add("NM1", "41", "2", x12_text(billing.name, 60), "", "", "", "", "46", billing.npi)
    out.add("PER", "IC", x12_text(billing.name, 60), "TE", billing.phone)
    receiver = x12_text(billing.receiver_name, 60)
    out.add("NM1", "40", "2", receiver, "", "", "", "", "46", billing.receiver_id)


def _billing_provider(out: SegmentWriter, billing: BillingProvider) -> None:
    """Loops 2000A and 2010AA: the clinic, its NPI, address and tax id (EIN)."""
    out.add("HL", "1", "", "20", "1")
    out.add("NM1", "85", "2", x12_text(billing.name, 60), "", "", "", "", "XX", billing.npi)
    out.add("N3", x12_text(billing.street, 55))
    out.add("N4", x12_text(billing.city, 30), billing.state, billing.zip_code)
    out.add("REF", "EI", billing.tax_id)


def _claim(out: SegmentWriter, note: NoteData, billing: BillingProvider, level: int) -> int:
    """One claim under its subscriber (and patient) levels, the first numbered ``level``;
    the next free level number."""
    insurance = note.patient.insurance
    if insurance is None:  # refused by claim_problems
        raise ValueError(f"note #{note.session_id}: no insurance")
    next_level = _subscriber(out, note, insurance, level)
    coding, entry = note.analysis.coding, note.entry
    place = entry.place_of_service or billing.place_of_service
    diagnoses = [code.replace(".", "") for code in coding.icd10[:MAX_DIAGNOSES]]
    out.add(
        "CLM", f"TPI{note.session_id}", amount(NO_CHARGE), "", "", composite(place, "B", "1"),
        "Y", "A", "Y", "Y",
    )  # fmt: skip
    out.add(
        "HI",
        *(composite("ABK" if index == 0 else "ABF", code) for index, code in enumerate(diagnoses)),
    )
    _rendering_provider(out, note)
    pointers = composite(*(str(n) for n in range(1, min(len(diagnoses), MAX_POINTERS) + 1)))
    served = entry.performed_at.strftime("%Y%m%d")
    for number, line in enumerate(coding.claim_lines, start=1):
        _service_line(out, note, line, number, pointers, served)
    return next_level


def _subscriber(out: SegmentWriter, note: NoteData, insurance: PatientInsurance, level: int) -> int:
    """Loops 2000B, 2010BA and 2010BB: the insured and the payer; for a dependent, the
    patient's level 2000C/2010CA follows. The next free level number.

    The patient who is the insured is named with address, birth date and sex in 2010BA
    (SBR02 ``18``; N3/N4 and DMG "Required when the patient is the subscriber"). For a
    dependent, SBR02 stays empty and 2010BA holds the insured person's name and member ID
    only: the guide sends 2010BA's address and DMG only when the patient is the subscriber
    ("If not required by this implementation guide, do not send"); the patient's name,
    address, birth date and sex go in 2010CA, the relationship in PAT01."""
    patient, subscriber = note.patient, insurance.subscriber
    dependent = insurance.is_dependent and subscriber is not None
    out.add("HL", str(level), "1", "22", "1" if dependent else "0")
    filing = CLAIM_FILING[patient.coverage]
    relationship = "" if dependent else insurance.relationship.value
    out.add("SBR", "P", relationship, insurance.group_number, "", "", "", "", "", filing)
    if dependent and subscriber is not None:
        family, given = subscriber.family_name, subscriber.given_name
    else:
        family, given = patient.family_name, patient.given_name
    out.add(
        "NM1", "IL", "1", x12_text(family, 60), x12_text(given, 35), "", "", "", "MI",
        insurance.member_id,
    )  # fmt: skip
    if not dependent:
        _address(out, note, insurance)
        out.add("DMG", "D8", patient.date_of_birth.strftime("%Y%m%d"), DMG_SEX[patient.sex])
    out.add(
        "NM1", "PR", "2", x12_text(insurance.payer_name, 60), "", "", "", "", "PI",
        insurance.payer_id,
    )  # fmt: skip
    if not dependent:
        return level + 1
    _patient(out, note, insurance, level)
    return level + 2


def _patient(out: SegmentWriter, note: NoteData, insurance: PatientInsurance, parent: int) -> None:
    """Loops 2000C and 2010CA: the dependent patient under the subscriber's level: the
    relationship to the insured (PAT01), name, address, birth date and sex."""
    patient = note.patient
    out.add("HL", str(parent + 1), str(parent), "23", "0")
    out.add("PAT", insurance.relationship.value)
    out.add("NM1", "QC", "1", x12_text(patient.family_name, 60), x12_text(patient.given_name, 35))
    _address(out, note, insurance)
    out.add("DMG", "D8", patient.date_of_birth.strftime("%Y%m%d"), DMG_SEX[patient.sex])


def _address(out: SegmentWriter, note: NoteData, insurance: PatientInsurance) -> None:
    """The patient's address as N3 (street) and N4 (city, state, ZIP digits): in 2010BA for
    the patient who is the insured, in 2010CA for a dependent."""
    address = insurance.patient_address
    if address is None:  # refused by claim_problems
        raise ValueError(f"note #{note.session_id}: no patient address")
    out.add("N3", x12_text(address.street, 55))
    out.add("N4", x12_text(address.city, 30), address.state, address.zip_code.replace("-", ""))


def _rendering_provider(out: SegmentWriter, note: NoteData) -> None:
    """Loop 2310B: the clinician who performed and signed the note, by name and NPI."""
    family, given = person_name(note.provider.display_name)
    out.add("NM1", "82", "1", family, given, "", "", "", "XX", note.provider.npi)


def person_name(display_name: str) -> tuple[str, str]:
    """ "Dr. Imogen Hartley" -> ("Hartley", "Imogen"): the last word is the family name."""
    words = x12_text(display_name).split()
    while len(words) > 1 and words[0].lower() in _TITLES:
        words = words[1:]
    if not words:
        return "UNKNOWN", ""
    return words[-1][:60], " ".join(words[:-1])[:35]


def _service_line(
    out: SegmentWriter, note: NoteData, line: CodeLine, number: int, pointers: str, served: str
) -> None:
    """Loop 2400 (SV1 with the code, modifiers, units and diagnosis pointers; the date of
    service), and for a drug its NDC and quantity in mg (2410)."""
    out.add("LX", str(number))
    procedure = composite("HC", line.code, *line.modifiers[:4])
    out.add("SV1", procedure, amount(NO_CHARGE), "UN", str(line.units), "", "", pointers)
    out.add("DTP", "472", "D8", served)
    ndc = _ndc(note, line)
    if ndc and line.dose_mg is not None:
        out.add("LIN", "", "N4", ndc)
        out.add("CTP", "", "", "", quantity(line.dose_mg), "ME")


def _ndc(note: NoteData, line: CodeLine) -> str:
    """The 11-digit NDC recorded for the line's drug in the session ("" when none was)."""
    if line.drug_id is None:
        return ""
    for site in note.entry.sites:
        for medication in site.medications:
            if medication.drug_id == line.drug_id and medication.ndc:
                found = normalised_ndc(medication.ndc)
                if found:
                    return found.replace("-", "")
    return ""
