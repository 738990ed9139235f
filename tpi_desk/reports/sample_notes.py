"""Synthetic notes (invented patients and clinicians) for tests, benchmarks and sample pages."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from functools import cache

from tpi_desk.clinical.analysis import analyse_session
from tpi_desk.clinical.catalog import Catalog, load_catalog
from tpi_desk.clinical.record import (
    ConsentType,
    ContainerKind,
    Indication,
    MedicationEntry,
    NoteStatus,
    PatientFacts,
    Position,
    ProcedureKind,
    ProviderFacts,
    SessionEntry,
    Sex,
    Side,
    SiteEntry,
    Tolerance,
)
from tpi_desk.paths import resource_path
from tpi_desk.reports.note_data import (
    ClinicHeader,
    NoteAddendum,
    NoteData,
    NoteErrorMark,
    NoteSignature,
)
from tpi_desk.reports.sample_images import sample_scan

EASTERN = timezone(timedelta(hours=-5), "EST")
SESSION_TIME = datetime(2026, 3, 4, 14, 30, tzinfo=EASTERN)
CONTENT_HASH = "9f2c4e7a1b3d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8"

CLINIC = ClinicHeader(
    name="Riverside Pain & Spine Clinic",
    address_lines=("1200 Harbor Avenue, Suite 310", "Portland, ME 04101"),
    phone="(207) 555-0142",
)
PHYSICIAN = ProviderFacts("aokafor", "Amara Okafor", "MD", "1234567893")
NURSE_PRACTITIONER = ProviderFacts("sobriain", "Siobhán Ó Briain", "FNP-C", "1987654328")
SUPERVISOR = ProviderFacts("ribanez", "Rafael Ibáñez", "DO", "1573928466")

ZOE = PatientFacts(
    mrn="D-104233",
    family_name="Ñúñez",
    given_name="Zoë",
    date_of_birth=date(1984, 7, 19),
    sex=Sex.FEMALE,
    weight_kg=Decimal("68"),
    allergies=("Sulfa drugs", "Latex"),
)
LUKASZ = PatientFacts(
    mrn="D-200871",
    family_name="Wiśniewski",
    given_name="Łukasz",
    date_of_birth=date(1971, 2, 3),
    sex=Sex.MALE,
    weight_kg=Decimal("86.5"),
)
HOA = PatientFacts(
    mrn="D-310554",
    family_name="Nguyễn",
    given_name="Thị Hoa",
    date_of_birth=date(1990, 11, 27),
    sex=Sex.FEMALE,
    weight_kg=Decimal("54"),
    allergies=("Penicillin",),
)
INGRID = PatientFacts(
    mrn="D-402119",
    family_name="Ødegård",
    given_name="Ingrid",
    date_of_birth=date(1962, 5, 8),
    sex=Sex.FEMALE,
    weight_kg=Decimal("72"),
    allergies=("Codeine",),
)
AN = PatientFacts(
    mrn="D-518002",
    family_name="Nguyễn",
    given_name="Văn An",
    date_of_birth=date(1978, 9, 14),
    sex=Sex.MALE,
)

CARE_TRIED = ("pain_medication", "physical_therapy")
CARE_ONGOING = ("home_exercise_program",)
EXAM_TEXT = (
    "Taut band with a hypersensitive spot palpated in each treated muscle; local twitch "
    "response elicited where noted; the patient's usual referred pain pattern reproduced on "
    "palpation. Skin prepared with chlorhexidine. Needle fanned through the trigger points "
    "after negative aspiration. Needle intact on withdrawal; estimated blood loss minimal. "
    "Observed for 15 minutes and left the clinic walking, in stable condition."
)
LONG_TEXT_PARAGRAPH = (
    "Chronic right-sided neck and shoulder-girdle pain for 14 months after a lifting injury at "
    "work, worse with computer use and overhead reaching, with referred pain to the right "
    "occiput and temple. Eight weeks of physical therapy (manual therapy, postural training) "
    "and NSAIDs gave partial relief only; the home exercise program continues daily. "
    "Examination found taut bands with exquisitely tender spots in the right upper trapezius, "
    "levator scapulae and infraspinatus, local twitch responses on snapping palpation and "
    "reproduction of the familiar headache. Neck Disability Index 38 % at baseline. "
)


@cache
def sample_catalog() -> Catalog:
    """The shipped catalog, loaded once."""
    return load_catalog(resource_path("catalog"))


def lidocaine(ml: str, lot: str = "LD-24117") -> MedicationEntry:
    return MedicationEntry("lidocaine", Decimal("10"), Decimal(ml), lot, date(2027, 5, 31))


def triamcinolone(ml: str, lot: str = "TK-88310") -> MedicationEntry:
    return MedicationEntry(
        "triamcinolone_acetonide", Decimal("40"), Decimal(ml), lot, date(2026, 11, 30)
    )


def make_note(
    entry: SessionEntry,
    patient: PatientFacts,
    *,
    status: NoteStatus = NoteStatus.SIGNED,
    provider: ProviderFacts = PHYSICIAN,
    supervising: ProviderFacts | None = None,
    addenda: tuple[NoteAddendum, ...] = (),
    session_id: str = "S-2026-000417",
) -> NoteData:
    """A note for ``entry``, analysed with the shipped catalog; signed unless a draft."""
    catalog = sample_catalog()
    signature = None
    if status is not NoteStatus.DRAFT:
        signer = supervising or provider
        signature = NoteSignature(
            signer.display_name, signer.credentials, entry.performed_at + timedelta(minutes=32)
        )
    return NoteData(
        clinic=CLINIC,
        patient=patient,
        provider=provider,
        supervising_provider=supervising,
        location="Procedure room 2",
        session_id=session_id,
        status=status,
        entry=entry,
        analysis=analyse_session(entry, catalog, patient=patient, today=entry.performed_at.date()),
        catalog=catalog,
        signature=signature,
        content_hash=CONTENT_HASH if signature is not None else None,
        addenda=addenda,
        generated_at=SESSION_TIME + timedelta(days=3, hours=2),
    )


def single_site_entry() -> SessionEntry:
    return SessionEntry(
        performed_at=SESSION_TIME,
        kind=ProcedureKind.TRIGGER_POINT_INJECTION,
        position=Position.SEATED,
        consent_obtained=True,
        time_out_performed=True,
        pain_before=7,
        pain_after=2,
        diagnoses=("M79.12", "G44.229"),
        sites=(
            SiteEntry(
                "upper_trapezius",
                Side.LEFT,
                points=3,
                needle_gauge=25,
                needle_length_mm=Decimal("38"),
                twitch_response=True,
                medications=(lidocaine("2"), triamcinolone("0.5")),
            ),
        ),
        indication=Indication(CARE_TRIED, CARE_ONGOING),
        side_effects=("transient_numbness",),
        notes=EXAM_TEXT,
        follow_up="Review in 6 weeks; continue the home exercise program.",
    )


# The risks the clinician kept for a trapezius injection of lidocaine and triamcinolone.
TPI_RISKS = (
    "bleeding_bruising",
    "infection",
    "soreness",
    "nerve_injury",
    "vasovagal",
    "allergic_reaction",
    "steroid_effects",
    "pneumothorax",
)


def documented_entry() -> SessionEntry:
    """The single-site injection with everything session document @2 can record."""
    site = single_site_entry().sites[0]
    lidocaine_given, triamcinolone_given = site.medications
    medications = (
        replace(lidocaine_given, ndc="00409-4276-01"),
        replace(
            triamcinolone_given,
            container=ContainerKind.SINGLE_DOSE,
            ndc="00003-0293-05",
            discarded_ml=Decimal("0.5"),
        ),
    )
    return replace(
        single_site_entry(),
        location_name="Riverside Pain & Spine, Falmouth office",
        location_state="ME",
        place_of_service="11",
        consent_type=ConsentType.WRITTEN,
        consent_risks=TPI_RISKS,
        consent_witness="Maribel Ortiz, MA",
        exam_findings=("taut_band", "hypersensitive_spot", "local_twitch_response"),
        function_scale="ndi",
        function_score=Decimal("38"),
        prior_relief_percent=60,
        prior_relief_weeks=8,
        skin_prep="chlorhexidine",
        aspiration_negative=True,
        tolerance=Tolerance.WELL,
        observation_minutes=15,
        sites=(replace(site, medications=medications),),
    )


def documented_note(status: NoteStatus = NoteStatus.SIGNED) -> NoteData:
    """Zoë Ñúñez's injection with consent, exam, technique, NDCs and waste recorded."""
    return make_note(documented_entry(), ZOE, status=status)


def dry_needling_note() -> NoteData:
    """Nguyễn Thị Hoa: dry needling with no instructions typed (the catalog's aftercare)."""
    note = long_text_note(600)
    entry = replace(
        note.entry,
        instructions="",
        consent_type=ConsentType.VERBAL,
        consent_risks=("bleeding_bruising", "infection", "soreness", "pneumothorax"),
        exam_findings=("taut_band", "referred_pain"),
        skin_prep="alcohol",
        tolerance=Tolerance.FAIR,
        observation_minutes=10,
    )
    return make_note(
        entry, HOA, provider=NURSE_PRACTITIONER, supervising=SUPERVISOR, session_id="S-2026-000422"
    )


def single_site_note(status: NoteStatus = NoteStatus.SIGNED) -> NoteData:
    """Zoë Ñúñez: one trapezius site, lidocaine and triamcinolone, signed by default."""
    return make_note(single_site_entry(), ZOE, status=status)


def many_sites_note(site_count: int = 30) -> NoteData:
    """Łukasz Wiśniewski: ``site_count`` sites over the back, a long, multi-page sites table."""
    catalog = sample_catalog()
    back_muscles = [m.id for m in catalog.muscles.values() if "back" in m.views]
    sites = []
    for index in range(site_count):
        medications = [lidocaine("1", lot=f"LD-{24100 + index % 3}")]
        if index % 5 == 0:
            medications.append(triamcinolone("0.25"))
        sites.append(
            SiteEntry(
                back_muscles[index % len(back_muscles)],
                (Side.LEFT, Side.RIGHT, Side.BILATERAL)[index % 3],
                points=1 + index % 4,
                needle_gauge=(25, 27, 22)[index % 3],
                needle_length_mm=Decimal(("38", "25", "50")[index % 3]),
                twitch_response=index % 2 == 0,
                medications=tuple(medications),
            )
        )
    entry = replace(
        single_site_entry(),
        position=Position.PRONE,
        sites=tuple(sites),
        diagnoses=("M79.18", "M62.830"),
        pain_before=8,
        pain_after=3,
    )
    return make_note(entry, LUKASZ, session_id="S-2026-000418")


def long_text_note(characters: int = 5_000) -> NoteData:
    """Nguyễn Thị Hoa: dry needling by a nurse practitioner, supervised, with long notes.

    The notes hold whole sentences, at most ``characters`` long and within 200 of it.
    """
    notes = long_notes_text(characters)
    entry = SessionEntry(
        performed_at=SESSION_TIME,
        kind=ProcedureKind.DRY_NEEDLING,
        position=Position.PRONE,
        consent_obtained=True,
        time_out_performed=True,
        pain_before=6,
        pain_after=3,
        diagnoses=("M79.12",),
        sites=(
            SiteEntry("upper_trapezius", Side.RIGHT, 2, 32, Decimal("30"), True),
            SiteEntry("levator_scapulae", Side.RIGHT, 1, 32, Decimal("30"), False),
            SiteEntry("infraspinatus", Side.RIGHT, 2, 30, Decimal("40"), True),
        ),
        indication=Indication(CARE_TRIED, CARE_ONGOING),
        side_effects=("post_injection_soreness", "muscle_twitch_soreness"),
        notes=notes,
        instructions="Heat and gentle stretching tonight. Call the clinic about any bleeding.",
        follow_up="Dry needling again in 1 week, then reassess.",
    )
    return make_note(
        entry, HOA, provider=NURSE_PRACTITIONER, supervising=SUPERVISOR, session_id="S-2026-000419"
    )


def long_notes_text(characters: int) -> str:
    """Numbered paragraphs of whole sentences, at most ``characters`` long."""
    sentences = [f"{sentence.strip()}." for sentence in LONG_TEXT_PARAGRAPH.split(". ") if sentence]
    sentences = [sentence.removesuffix("..") for sentence in sentences]
    paragraphs: list[str] = []
    text = ""
    while True:
        paragraph = f"{len(paragraphs) + 1}."
        for sentence in sentences:
            candidate = "\n\n".join([*paragraphs, f"{paragraph} {sentence}"])
            if len(candidate) > characters:
                return text
            paragraph = f"{paragraph} {sentence}"
            text = candidate
        paragraphs.append(paragraph)


def signed_note_with_addenda() -> NoteData:
    """Ingrid Ødegård: ultrasound-guided, chest-wall site, two signed addenda."""
    entry = SessionEntry(
        performed_at=SESSION_TIME,
        kind=ProcedureKind.TRIGGER_POINT_INJECTION,
        position=Position.SUPINE,
        ultrasound_guided=True,
        ultrasound_image_retained=True,
        ultrasound_device="Butterfly iQ3, linear preset",
        ultrasound_interpretation="Needle tip seen entering the serratus anterior; pleura intact.",
        consent_obtained=True,
        time_out_performed=True,
        pain_before=8,
        pain_after=4,
        diagnoses=("M79.18",),
        sites=(
            SiteEntry(
                "pectoralis_minor",
                Side.RIGHT,
                points=2,
                needle_gauge=25,
                needle_length_mm=Decimal("38"),
                twitch_response=True,
                medications=(
                    MedicationEntry(
                        "bupivacaine", Decimal("2.5"), Decimal("3"), "BP-55102", date(2027, 1, 31)
                    ),
                    MedicationEntry(
                        "methylprednisolone_acetate",
                        Decimal("40"),
                        Decimal("0.5"),
                        "MP-30921",
                        date(2026, 9, 30),
                    ),
                ),
            ),
            SiteEntry(
                "serratus_anterior",
                Side.RIGHT,
                points=1,
                needle_gauge=25,
                needle_length_mm=Decimal("38"),
                medications=(
                    MedicationEntry(
                        "bupivacaine", Decimal("2.5"), Decimal("2"), "BP-55102", date(2027, 1, 31)
                    ),
                ),
            ),
        ),
        indication=Indication(("physical_therapy", "acupuncture"), CARE_ONGOING),
        complications=(),
        notes=EXAM_TEXT,
        follow_up="Telephone check in 48 hours; clinic review in 6 weeks.",
    )
    addenda = (
        NoteAddendum(
            "Amara Okafor",
            "MD",
            SESSION_TIME + timedelta(days=1, hours=-5),
            SESSION_TIME + timedelta(days=1, hours=-5, minutes=4),
            "Telephone follow-up: the patient reports no shortness of breath or chest pain; "
            "soreness at the right chest wall is settling.",
        ),
        NoteAddendum(
            "Siobhán Ó Briain",
            "FNP-C",
            SESSION_TIME + timedelta(days=2),
            SESSION_TIME + timedelta(days=2, minutes=2),
            "Late entry: the ultrasound images were archived to the imaging system under the "
            "same session ID.",
        ),
    )
    return make_note(entry, INGRID, addenda=addenda, session_id="S-2026-000420")


def ultrasound_images_note() -> NoteData:
    """Ingrid Ødegård's ultrasound-guided note with its two retained images (synthetic)."""
    note = signed_note_with_addenda()
    images = (
        sample_scan("pectoralis_minor_long_axis.png", seed=3),
        sample_scan("serratus_anterior.jpg", width=800, height=600, seed=5, jpeg=True),
    )
    entry = replace(note.entry, ultrasound_images=images)
    return make_note(entry, INGRID, addenda=note.addenda, session_id="S-2026-000422")


def draft_note() -> NoteData:
    """Nguyễn Văn An: an unfinished draft (no time-out, no pain after, a lot missing)."""
    entry = replace(
        single_site_entry(),
        time_out_performed=False,
        pain_after=None,
        diagnoses=("M54.2",),
        sites=(
            SiteEntry(
                "levator_scapulae",
                Side.RIGHT,
                points=2,
                needle_gauge=25,
                needle_length_mm=Decimal("38"),
                medications=(
                    lidocaine("3"),
                    MedicationEntry("lidocaine", Decimal("10"), Decimal("1")),
                ),
            ),
        ),
    )
    return make_note(entry, AN, status=NoteStatus.DRAFT, session_id="S-2026-000421")


def entered_in_error_note() -> NoteData:
    """The single-site note, marked entered in error the day after it was signed."""
    note = single_site_note(NoteStatus.ENTERED_IN_ERROR)
    assert note.signature is not None
    mark = NoteErrorMark(
        marked_by="Amara Okafor",
        marked_at=note.signature.signed_at + timedelta(days=1, hours=2),
        reason="Documented for the wrong patient (meant Łukasz Ødegård, MRN D-104240).",
    )
    return replace(note, error_mark=mark)
