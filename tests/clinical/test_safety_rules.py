"""Issue 12 safety rules, table-driven, each row citing its source: marketed concentrations,
allergies by generic, brand, class and excipient, steroids in triamcinolone equivalents (per
session and over 90 days), history by muscle and side, hard stops and their override."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from tpi_desk.clinical.alerts import (
    AlertCode,
    AlertSeverity,
    is_no_known_allergy,
    session_alerts,
)
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import (
    MedicationEntry,
    NoteStatus,
    PriorSession,
    ProcedureKind,
    SessionEntry,
    Side,
    SiteEntry,
)
from tpi_desk.clinical.settings import SafetySettings

TODAY = date(2026, 3, 12)
WHEN = datetime(2026, 3, 10, 9, 30)
GOOD_LOT = date(2027, 6, 30)
SAFETY = "DOMAIN.md, Safety"


def med(drug_id: str, mg_per_ml: str, ml: str, expires: date = GOOD_LOT) -> MedicationEntry:
    return MedicationEntry(drug_id, Decimal(mg_per_ml), Decimal(ml), "LX-1", expires)


def session(*meds: MedicationEntry) -> SessionEntry:
    """A TPI with one site (muscles m0, m1...) per medication line."""
    sites = tuple(SiteEntry(f"m{i}", Side.LEFT, medications=(m,)) for i, m in enumerate(meds))
    return SessionEntry(performed_at=WHEN, kind=ProcedureKind.TRIGGER_POINT_INJECTION, sites=sites)


def alerts(
    entry: SessionEntry,
    catalog: Catalog,
    *,
    allergies: tuple[str, ...] = (),
    history: tuple[PriorSession, ...] = (),
    limit: int = 240,
) -> list[tuple[str, AlertSeverity, str]]:
    found = session_alerts(
        entry,
        catalog,
        weight_kg=Decimal(70),
        history=history,
        today=TODAY,
        allergies=allergies,
        safety=SafetySettings(steroid_limit_90_days_mg=limit),
    )
    return [(a.code, a.severity, a.message) for a in found]


def codes(found: list[tuple[str, AlertSeverity, str]]) -> set[str]:
    return {code for code, _, _ in found}


@pytest.mark.parametrize(
    ("drug", "strength", "warned", "source"),
    [
        ("dexamethasone_sodium_phosphate", "100", True, f"{SAFETY}: dexamethasone 4, 10 mg/mL"),
        ("dexamethasone_sodium_phosphate", "4", False, f"{SAFETY}: dexamethasone 4, 10 mg/mL"),
        ("dexamethasone_sodium_phosphate", "10", False, f"{SAFETY}: dexamethasone 4, 10 mg/mL"),
        ("lidocaine", "15", False, f"{SAFETY}: lidocaine 5, 10, 15, 20"),
        ("lidocaine", "100", True, f"{SAFETY}: lidocaine 5, 10, 15, 20 (10 % is a typo)"),
        ("bupivacaine", "2.5", False, f"{SAFETY}: bupivacaine 2.5, 5, 7.5"),
        ("bupivacaine", "25", True, f"{SAFETY}: bupivacaine 2.5, 5, 7.5"),
        ("triamcinolone_acetonide", "40", False, f"{SAFETY}: triamcinolone 10, 40"),
        ("triamcinolone_acetonide", "4", True, f"{SAFETY}: triamcinolone 10, 40"),
        ("methylprednisolone_acetate", "20", False, f"{SAFETY}: methylprednisolone 20, 40, 80"),
        ("betamethasone", "6", False, f"{SAFETY}: betamethasone 6"),
        ("betamethasone", "60", True, f"{SAFETY}: betamethasone 6"),
    ],
)
def test_concentration_not_marketed(
    catalog: Catalog, drug: str, strength: str, warned: bool, source: str
) -> None:
    found = alerts(session(med(drug, strength, "0.1")), catalog)
    assert (AlertCode.CONCENTRATION_NOT_MARKETED in codes(found)) is warned, source


def test_the_concentration_warning_names_the_marketed_strengths(catalog: Catalog) -> None:
    entry = session(med("dexamethasone_sodium_phosphate", "100", "1"))
    found = session_alerts(entry, catalog, weight_kg=None, today=TODAY)
    (alert,) = [a for a in found if a.code == AlertCode.CONCENTRATION_NOT_MARKETED]
    assert alert.severity is AlertSeverity.WARNING
    assert alert.message == (
        "Dexamethasone sodium phosphate 100 mg/mL is not a marketed strength (4 mg/mL, "
        "10 mg/mL): check the concentration for a typo"
    )
    assert alert.path == "sites[0].medications[0].concentration_mg_per_ml"


@pytest.mark.parametrize(
    ("allergy", "drug", "conflict", "source"),
    [
        ("Xylocaine", "lidocaine", True, f"{SAFETY}: Xylocaine = lidocaine"),
        ("XYLOCAÏNE", "lidocaine_with_epinephrine", True, f"{SAFETY}: case/accent-insensitive"),
        ("Marcaine", "bupivacaine", True, f"{SAFETY}: Marcaine = bupivacaine"),
        ("sensorcaine", "bupivacaine_with_epinephrine", True, f"{SAFETY}: Sensorcaine"),
        ("Kenalog-40", "triamcinolone_acetonide", True, f"{SAFETY}: Kenalog = triamcinolone"),
        ("Depo-Medrol", "methylprednisolone_acetate", True, f"{SAFETY}: Depo-Medrol"),
        ("Décadron", "dexamethasone_sodium_phosphate", True, f"{SAFETY}: Decadron"),
        ("Celestone", "betamethasone", True, f"{SAFETY}: Celestone Soluspan = betamethasone"),
        ("Celestone Soluspan", "betamethasone", True, f"{SAFETY}: Celestone Soluspan"),
        ("amide anesthetics", "lidocaine", True, f"{SAFETY}: amide class"),
        ("Amide local anaesthetics", "bupivacaine", True, f"{SAFETY}: amide class"),
        ("ester anesthetics", "lidocaine", False, f"{SAFETY}: lidocaine is an amide, not ester"),
        ("steroids", "triamcinolone_acetonide", True, f"{SAFETY}: corticosteroid class"),
        ("Corticosteroids", "dexamethasone_sodium_phosphate", True, f"{SAFETY}: class"),
        ("sulfites", "dexamethasone_sodium_phosphate", True, f"{SAFETY}: sulfites excipient"),
        ("sulfites", "lidocaine_with_epinephrine", True, f"{SAFETY}: epinephrine mixtures"),
        ("parabens", "lidocaine", True, f"{SAFETY}: methylparaben (multi-dose vials)"),
        ("benzyl alcohol", "triamcinolone_acetonide", True, f"{SAFETY}: Kenalog multi-dose"),
        ("Marcaine", "lidocaine", False, f"{SAFETY}: Marcaine is bupivacaine"),
        ("NKDA", "lidocaine", False, f"{SAFETY}: NKDA is a recorded answer, not an allergy"),
        ("No known drug allergies", "lidocaine", False, f"{SAFETY}: NKDA"),
    ],
)
def test_allergy_conflict(
    catalog: Catalog, allergy: str, drug: str, conflict: bool, source: str
) -> None:
    strength = str(catalog.drug(drug).concentrations_mg_per_ml[0])
    found = alerts(session(med(drug, strength, "0.5")), catalog, allergies=(allergy,))
    assert (AlertCode.ALLERGY_CONFLICT in codes(found)) is conflict, source


@pytest.mark.parametrize(
    "text", ["NKDA", "nkda.", "No known drug allergies", "NO KNOWN ALLERGIES", "None"]
)
def test_no_known_allergy_answers(text: str) -> None:
    assert is_no_known_allergy(text)  # DOMAIN.md, Safety: "NKDA" is a recorded answer


@pytest.mark.parametrize("text", ["lidocaine", "no lidocaine", "sulfa", "known sulfite allergy"])
def test_allergies_are_not_mistaken_for_no_known_allergy(text: str) -> None:
    assert not is_no_known_allergy(text)


@pytest.mark.parametrize(
    ("meds", "warned", "source"),
    [
        (  # 40 + 80 triamcinolone equivalent = 120 > 80 (issue 12's own example)
            (
                med("triamcinolone_acetonide", "40", "1"),
                med("methylprednisolone_acetate", "80", "1"),
            ),
            True,
            f"{SAFETY}: methylprednisolone 4 mg = triamcinolone 4 mg; Kenalog-40 80 mg total",
        ),
        (  # 16 mg dexamethasone = 85.33 mg triamcinolone: no limit of its own, still counted
            (med("dexamethasone_sodium_phosphate", "4", "4"),),
            True,
            f"{SAFETY}: dexamethasone 0.75 mg = triamcinolone 4 mg",
        ),
        (  # 12 mg betamethasone = 80 mg triamcinolone: at the maximum, not over
            (med("betamethasone", "6", "2"),),
            False,
            f"{SAFETY}: betamethasone 0.6 mg = triamcinolone 4 mg",
        ),
        (  # 40 + 4 mg dexamethasone (21.33) = 61.33
            (
                med("triamcinolone_acetonide", "40", "1"),
                med("dexamethasone_sodium_phosphate", "4", "1"),
            ),
            False,
            f"{SAFETY}: combined steroids",
        ),
    ],
)
def test_steroids_in_triamcinolone_equivalents(
    catalog: Catalog, meds: tuple[MedicationEntry, ...], warned: bool, source: str
) -> None:
    found = alerts(session(*meds), catalog)
    steroid = [f for f in found if f[0] == AlertCode.STEROID_OVER_MAXIMUM]
    assert bool(steroid) is warned, source


def test_the_combined_steroid_message_shows_each_conversion(catalog: Catalog) -> None:
    entry = session(
        med("triamcinolone_acetonide", "40", "1"), med("dexamethasone_sodium_phosphate", "4", "3")
    )
    (message,) = [m for c, _, m in alerts(entry, catalog) if c == AlertCode.STEROID_OVER_MAXIMUM]
    assert message == (
        "Corticosteroids together: 104 mg triamcinolone acetonide equivalent (triamcinolone "
        "acetonide 40 mg, dexamethasone sodium phosphate 12 mg = 64) exceeds the session "
        "maximum of 80 mg triamcinolone acetonide equivalent"
    )


def _prior(
    days: int, doses: dict[str, str], status: NoteStatus = NoteStatus.SIGNED
) -> PriorSession:
    return PriorSession(
        WHEN - timedelta(days=days),
        ProcedureKind.TRIGGER_POINT_INJECTION,
        frozenset({"upper_trapezius"}),
        status,
        drug_doses_mg=tuple((d, Decimal(mg)) for d, mg in doses.items()),
    )


@pytest.mark.parametrize(
    ("history", "warned", "why"),
    [
        ((_prior(30, {"triamcinolone_acetonide": "200"}),), True, "40 + 200 = 240 + lidocaine"),
        ((_prior(30, {"methylprednisolone_acetate": "160"}),), False, "40 + 160 = 200 <= 240"),
        ((_prior(30, {"dexamethasone_sodium_phosphate": "36"}),), True, "40 + 192 = 232... + 40"),
        ((_prior(91, {"triamcinolone_acetonide": "400"}),), False, "outside the 90 days"),
        ((_prior(89, {"triamcinolone_acetonide": "400"}),), True, "inside the 90 days"),
        (
            (_prior(30, {"triamcinolone_acetonide": "400"}, NoteStatus.ENTERED_IN_ERROR),),
            False,
            "entered in error never counts",
        ),
        (
            (_prior(30, {"triamcinolone_acetonide": "400"}, NoteStatus.DRAFT),),
            True,
            "a draft is a session performed (issue 12)",
        ),
    ],
)
def test_steroid_over_the_90_day_limit(
    catalog: Catalog, history: tuple[PriorSession, ...], warned: bool, why: str
) -> None:
    entry = session(med("triamcinolone_acetonide", "40", "1"), med("lidocaine", "10", "1"))
    # The clinic's limit (ClinicSettings.steroid_limit_90_days_mg) is 210 mg here.
    found = alerts(entry, catalog, history=history, limit=210)
    assert (AlertCode.STEROID_OVER_90_DAY_LIMIT in codes(found)) is warned, why


def _treated(days: int, side: Side, status: NoteStatus = NoteStatus.SIGNED) -> PriorSession:
    return PriorSession(
        WHEN - timedelta(days=days),
        ProcedureKind.TRIGGER_POINT_INJECTION,
        frozenset({"upper_trapezius"}),
        status,
        sites=frozenset({("upper_trapezius", side)}),
    )


@pytest.mark.parametrize(
    ("now", "before", "status", "warned"),
    [
        (Side.LEFT, Side.LEFT, NoteStatus.SIGNED, True),
        (Side.LEFT, Side.RIGHT, NoteStatus.SIGNED, False),
        (Side.LEFT, Side.BILATERAL, NoteStatus.SIGNED, True),
        (Side.BILATERAL, Side.RIGHT, NoteStatus.SIGNED, True),
        (Side.LEFT, Side.LEFT, NoteStatus.DRAFT, True),
        (Side.LEFT, Side.LEFT, NoteStatus.ENTERED_IN_ERROR, False),
    ],
)
def test_six_week_rule_compares_muscle_and_side(
    catalog: Catalog, now: Side, before: Side, status: NoteStatus, warned: bool
) -> None:
    # DOMAIN.md, 2024 Medicare TPI LCD: >= 6 weeks between sessions at the same location;
    # issue 12: compare muscle and side, count drafts and signed sessions.
    entry = SessionEntry(
        performed_at=WHEN,
        kind=ProcedureKind.TRIGGER_POINT_INJECTION,
        diagnoses=("M79.18",),
        sites=(SiteEntry("upper_trapezius", now),),
    )
    found = alerts(entry, catalog, history=(_treated(20, before, status),))
    assert (AlertCode.SAME_MUSCLE_WITHIN_6_WEEKS in codes(found)) is warned


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        (session(med("lidocaine", "10", "40")), AlertCode.DOSE_OVER_MAXIMUM),
        (
            session(med("lidocaine", "10", "20"), med("bupivacaine", "5", "20")),
            AlertCode.COMBINED_ANAESTHETIC_OVER_MAXIMUM,
        ),
        (session(med("lidocaine", "10", "1", expires=date(2026, 1, 31))), AlertCode.LOT_EXPIRED),
    ],
    ids=["over_maximum", "combined", "expired_lot"],
)
def test_hard_stops_block_until_an_override_reason(
    catalog: Catalog, entry: SessionEntry, code: str
) -> None:
    # Issue 12, Safety: hard stops block signing until the clinician types an override reason.
    blocked = [f for f in alerts(entry, catalog) if f[0] == code]
    assert [severity for _, severity, _ in blocked] == [AlertSeverity.BLOCKING]
    overridden = replace(entry, override_reason="  Discussed with   pharmacy; benefit outweighs ")
    kept = [f for f in alerts(overridden, catalog) if f[0] == code]
    assert [severity for _, severity, _ in kept] == [AlertSeverity.WARNING]
    assert kept[0][2].endswith("(overridden: Discussed with pharmacy; benefit outweighs)")
    blank = replace(entry, override_reason="   ")
    assert [f[1] for f in alerts(blank, catalog) if f[0] == code] == [AlertSeverity.BLOCKING]


def test_an_allergy_conflict_is_a_hard_stop(catalog: Catalog) -> None:
    entry = session(med("bupivacaine", "5", "1"))
    found = alerts(entry, catalog, allergies=("Marcaine",))
    assert [(c, s) for c, s, _ in found if c == AlertCode.ALLERGY_CONFLICT] == [
        (AlertCode.ALLERGY_CONFLICT, AlertSeverity.BLOCKING)
    ]
