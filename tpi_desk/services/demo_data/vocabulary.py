"""What demo sessions are made of: invented people, regions, drugs, needles, clinic hours."""

from __future__ import annotations

from decimal import Decimal

from tpi_desk.clinical.record import Coverage, Position, ProcedureKind, Role, Sex, Side

GIVEN_NAMES = (
    "Zoë", "Łukasz", "Ingrid", "Amara", "Mateo", "Siobhán", "Kenji", "Aurélie", "Thandiwe",
    "Björn", "Priya", "Tomás", "Noor", "Emeka", "Ólafur", "Chloé", "Dmitri", "Mei", "Rafael",
    "Ayşe", "Jonas", "Leilani", "Søren", "Valentina", "Hamid", "Élodie", "Kwame", "Ana",
    "Matthias", "Yuki", "Inés", "Oskar", "Fatima", "Giulia", "Darius", "Hana", "Ciarán",
    "Renée", "Wiktor", "Esperanza",
)  # fmt: skip
FAMILY_NAMES = (
    "Ñúñez", "Nguyễn", "Ødegård", "Kowalczyk", "Okafor", "Brennan", "Yamamoto", "Lefèvre",
    "Dlamini", "Sørensen", "Raghunathan", "Castañeda", "Haddad", "Eze", "Jónsson", "Moreau",
    "Volkov", "Zhang", "Pereira", "Yılmaz", "Becker", "Kahananui", "Müller", "Rossi",
    "Tehrani", "Dubois", "Mensah", "Gonçalves", "Schäfer", "Tanaka", "Ibáñez", "Lindqvist",
    "Al-Sayed", "Ferrari", "Karimi", "Novák", "Ó Briain", "Côté", "Wiśniewski", "Cárdenas",
    "Abernathy", "Fairweather", "Holloway", "Pemberton", "Whitcombe", "Ashdown",
)  # fmt: skip
# Most patients report no allergy; the empty list appears three times on purpose.
ALLERGY_LISTS = (
    (), (), (), ("penicillin",), ("sulfa drugs",), ("latex",), ("codeine",),
    ("adhesive tape",), ("iodine",), ("penicillin", "latex"), ("codeine", "sulfa drugs"),
)  # fmt: skip
SEXES = (Sex.FEMALE, Sex.MALE, Sex.FEMALE, Sex.MALE, Sex.OTHER)

# Invented clinicians; the NPIs pass the NPI check-digit rule but belong to nobody.
DEMO_CLINICIANS = (
    ("demo.hartley", "Dr. Imogen Hartley", "MD", Role.PHYSICIAN),
    ("demo.okonkwo", "Dr. Chidi Okonkwo", "DO", Role.PHYSICIAN),
    ("demo.varga", "Réka Varga", "NP", Role.NURSE_PRACTITIONER),
    ("demo.lindgren", "Per Lindgren", "PA", Role.NURSE_PRACTITIONER),
)
USUAL_CLINICIAN_SHARE = 0.85  # how often a patient sees their own clinician

# Per anatomical region of the catalog's muscles: how often it is treated, the diagnoses
# that go with it and the positions it is treated in. Muscles come from the catalog.
REGIONS: dict[str, tuple[int, tuple[str, ...], tuple[Position, ...]]] = {
    "cervical": (
        30,
        ("M79.12", "M54.2", "G44.229", "G44.209"),
        (Position.SEATED, Position.SEATED, Position.PRONE, Position.SUPINE),
    ),
    "scapular": (16, ("M79.18", "M62.838"), (Position.PRONE, Position.SEATED)),
    "thoracic": (
        8,
        ("M79.18", "M62.838"),
        (Position.PRONE, Position.SIDE_LYING_LEFT, Position.SIDE_LYING_RIGHT),
    ),
    "lumbar": (
        22,
        ("M79.18", "M54.50", "M54.59", "M62.830"),
        (Position.PRONE, Position.PRONE, Position.SIDE_LYING_LEFT, Position.SIDE_LYING_RIGHT),
    ),
    "gluteal": (
        12,
        ("M79.18", "M62.830"),
        (Position.PRONE, Position.SIDE_LYING_LEFT, Position.SIDE_LYING_RIGHT),
    ),
    "upper_limb": (6, ("M79.18",), (Position.SEATED, Position.SUPINE)),
    "lower_limb": (6, ("M79.18",), (Position.SUPINE, Position.PRONE)),
}
# The muscles treated most often get extra weight within their region.
COMMON_MUSCLES = {
    "upper_trapezius": 8,
    "levator_scapulae": 5,
    "quadratus_lumborum": 5,
    "gluteus_medius": 3,
    "rhomboid_major": 3,
    "infraspinatus": 3,
    "piriformis": 3,
    "splenius_capitis": 2,
}
MUSCLES_PER_SESSION = (1, 1, 1, 2, 2, 2, 3, 4)  # CPT 20552 (1-2 muscles) is the usual
SIDES = (Side.LEFT, Side.RIGHT, Side.BILATERAL, Side.BILATERAL, Side.LEFT, Side.RIGHT)

# (drug id, mg/mL, mL per site to choose from); the same injectate at every site.
INJECTATES = (
    ("lidocaine", Decimal(10), (Decimal("0.5"), Decimal(1), Decimal("1.5"), Decimal(2))),
    ("lidocaine", Decimal(5), (Decimal(1), Decimal(2))),
    ("bupivacaine", Decimal("2.5"), (Decimal(1), Decimal(2))),
)
# An optional steroid, added at the first site only.
STEROIDS = (
    ("triamcinolone_acetonide", Decimal(40), (Decimal("0.25"), Decimal("0.5"))),
    ("methylprednisolone_acetate", Decimal(40), (Decimal("0.25"), Decimal("0.5"))),
    ("dexamethasone_sodium_phosphate", Decimal(4), (Decimal("0.5"), Decimal(1))),
)
STEROID_SHARE = 0.3
DRY_NEEDLING_SHARE = 0.15
TWITCH_SHARE = 0.6
ULTRASOUND_SHARE = 0.1
ULTRASOUND_DEVICES = ("Portable linear probe, 12 MHz", "Handheld ultrasound, 10 MHz")
# (gauge, needle lengths in mm) by procedure kind.
NEEDLES = {
    ProcedureKind.TRIGGER_POINT_INJECTION: ((25, 27), (Decimal(25), Decimal(38), Decimal(50))),
    ProcedureKind.DRY_NEEDLING: ((30, 32), (Decimal(25), Decimal(30), Decimal(40), Decimal(50))),
}
CONSERVATIVE_CARE = ("pain_medication", "physical_therapy", "chiropractic_care", "acupuncture")
ONGOING_CARE = (("home_exercise_program",), ("physical_therapy",), ("home_exercise_program",))
FOLLOW_UPS = ("Review in 2 weeks.", "Review in 4 weeks.", "Review in 6 weeks.", "As needed.")
LOT_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"

# Sessions start on the quarter hour, 13:00-22:45 UTC (08:00-17:45 on the clinic's clock,
# UTC-5), are signed 5 to 40 minutes later; only weekdays are clinic days.
CLINIC_OFFSET_MINUTES = -300
SLOT_MINUTES = tuple(range(13 * 60, 23 * 60, 15))
SIGNING_DELAYS = (5, 10, 10, 15, 15, 20, 25, 30, 40)

# Session document @2 (issue 12). Most sessions happen at the clinic's own location (empty:
# clinic settings); some at its satellite office.
SATELLITE_SHARE = 0.2
SATELLITE = ("Riverside Pain Clinic, Lakeside office", "NY", "11")
# Who pays, weighted as in a typical US pain practice.
COVERAGES = (
    Coverage.MEDICARE, Coverage.MEDICARE, Coverage.MEDICARE_ADVANTAGE, Coverage.COMMERCIAL,
    Coverage.COMMERCIAL, Coverage.COMMERCIAL, Coverage.MEDICAID, Coverage.WORKERS_COMPENSATION,
    Coverage.SELF_PAY, Coverage.UNKNOWN,
)  # fmt: skip
# Synthetic payers (issue 15): (name, payer id, member id prefix, group number or ""), by
# who pays; patients paying themselves or of unknown coverage get a commercial plan on file.
# Names and ids are made up; no real payer's id is used.
COMMERCIAL_PAYERS = (
    ("Northwind Health Plan (demo)", "NWHP1", "NWH", "NW-40117"),
    ("Harborview Mutual (demo)", "HBVM1", "HBV", "HB-2208"),
    ("Contoso Care Insurance (demo)", "CCI01", "CCI", "CC-7731"),
)
PAYERS_BY_COVERAGE = {
    Coverage.MEDICARE: (("Demo Medicare Part B", "DMCB1", "1EG4", ""),),
    Coverage.MEDICARE_ADVANTAGE: (("Lakeshore Senior Advantage (demo)", "LSA01", "LSA", "LS-100"),),
    Coverage.MEDICAID: (("Empire Demo Medicaid", "EDMC1", "ED", ""),),
    Coverage.WORKERS_COMPENSATION: (("Fabrikam Workers Comp (demo)", "FWC01", "FWC", ""),),
}
NO_KNOWN_ALLERGIES_SHARE = 0.7  # of the patients without allergies: asked, and none
WITNESSES = ("", "", "", "R. Acheampong, MA", "J. Okafor, MA")
CHAPERONES = ("", "", "M. Lindqvist, RN", "T. Haddad, MA")
EXAM_FINDINGS = (
    ("taut_band", "hypersensitive_spot"),
    ("taut_band", "hypersensitive_spot", "referred_pain"),
    ("taut_band", "hypersensitive_spot", "local_twitch_response", "referred_pain"),
)
# (scale, lowest and highest score drawn) for the functional scale recorded.
FUNCTION_SCORES = {"cervical": ("ndi", 14, 48), "lumbar": ("odi", 16, 52)}
OTHER_FUNCTION_SCORE = ("pdi", 10, 45)
REPEAT_SHARE = 0.4  # sessions that follow an earlier one and record its relief
SKIN_PREPS = ("chlorhexidine", "chlorhexidine", "chlorhexidine", "alcohol", "povidone_iodine")
OBSERVATION_MINUTES = (10, 15, 15, 20)
INTERPRETATIONS = (
    "Needle tip seen within the target muscle; no vessel or pleura in the path.",
    "Injectate spread within the muscle belly under direct vision.",
)
OVERRIDE_SHARE = 0.01
OVERRIDE_REASON = (
    "Listed allergy is to sulfa antibiotics, not to the injected drugs; discussed with the "
    "patient, who has tolerated lidocaine before."
)
# A representative NDC (5-4-2) of each demo drug's usual package, and for drugs that come in
# single-dose vials what is typically discarded from one (mL).
DEMO_NDCS = {
    "lidocaine": "00409-4276-01",
    "bupivacaine": "00409-1159-01",
    "triamcinolone_acetonide": "00003-0293-05",
    "methylprednisolone_acetate": "00009-3073-01",
    "dexamethasone_sodium_phosphate": "63323-0165-01",
}
DISCARDED_ML = (Decimal(0), Decimal(0), Decimal("0.5"), Decimal(1), Decimal(2))
