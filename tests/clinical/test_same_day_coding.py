"""Once per day: one procedure line per patient, date and kind over the day's muscles, and the
same-day warnings (DOMAIN.md, CPT: "Once per day ..."; NCCI: TPI and dry needling of the same
muscle the same day not both). Expected codes are worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from itertools import permutations

import pytest

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.coding import CodeLine, derive_codes
from tpi_desk.clinical.coding_alerts import coding_alerts
from tpi_desk.clinical.record import (
    MedicationEntry,
    NoteStatus,
    PriorSession,
    ProcedureKind,
    SessionEntry,
    Side,
    SiteEntry,
)

TPI = ProcedureKind.TRIGGER_POINT_INJECTION
DRY = ProcedureKind.DRY_NEEDLING
ONCE = "DOMAIN.md, CPT (once per day, counted over all muscles of the day)"
NCCI = "DOMAIN.md, CPT (NCCI: TPI and dry needling of the same muscle the same day not both)"
DAY = datetime(2026, 3, 10, 9, 30)


def entry(kind: ProcedureKind = TPI, *sites: tuple[str, Side], at: datetime = DAY) -> SessionEntry:
    chosen = sites or (("upper_trapezius", Side.LEFT), ("upper_trapezius", Side.RIGHT))
    medication = MedicationEntry("triamcinolone_acetonide", Decimal(40), Decimal(1), "L1")
    meds = (medication,) if kind is TPI else ()
    return SessionEntry(
        at, kind, sites=tuple(SiteEntry(m, side, medications=meds) for m, side in chosen)
    )


def prior(
    at: datetime,
    kind: ProcedureKind = TPI,
    *sites: tuple[str, Side],
    status: NoteStatus = NoteStatus.SIGNED,
) -> PriorSession:
    chosen = sites or (("levator_scapulae", Side.LEFT),)
    return PriorSession(at, kind, frozenset(m for m, _ in chosen), status, frozenset(chosen))


def codes(lines: tuple[CodeLine, ...]) -> list[str]:
    return [line.code for line in lines]


LATER = DAY + timedelta(hours=4, minutes=30)
EARLIER = DAY - timedelta(hours=1, minutes=30)

CLAIM_CASES = [
    # (source, history, own procedure codes, claim codes, muscles of the day, warning codes)
    (ONCE, [], ["20552", "J3301"], ["20552", "J3301"], 2, []),
    # Left + right trapezius here, left levator at 14:00: 3 muscles, this (earlier) one carries.
    (ONCE, [prior(LATER)], ["20552", "J3301"], ["20553", "J3301"], 3, ["one_tpi_code_per_day"]),
    # The 08:00 session carries the day's line: here only the drug line.
    (ONCE, [prior(EARLIER)], ["20552", "J3301"], ["J3301"], 3, ["one_tpi_code_per_day"]),
    # A draft is not billed yet, but the clinician is warned that the day has two sessions.
    (
        ONCE,
        [prior(LATER, status=NoteStatus.DRAFT)],
        ["20552", "J3301"],
        ["20552", "J3301"],
        2,
        ["one_tpi_code_per_day"],
    ),
    (
        ONCE,
        [prior(LATER, status=NoteStatus.ENTERED_IN_ERROR)],
        ["20552", "J3301"],
        ["20552", "J3301"],
        2,
        [],
    ),
    (ONCE, [prior(DAY - timedelta(days=1))], ["20552", "J3301"], ["20552", "J3301"], 2, []),
    (ONCE, [prior(DAY + timedelta(days=1))], ["20552", "J3301"], ["20552", "J3301"], 2, []),
    # The same muscles again: the day still counts 2 + 1 distinct muscle-sides.
    (
        ONCE,
        [prior(LATER, TPI, ("upper_trapezius", Side.BILATERAL), ("levator_scapulae", Side.LEFT))],
        ["20552", "J3301"],
        ["20553", "J3301"],
        3,
        ["one_tpi_code_per_day"],
    ),
    # Dry needling the same day counts for its own code, not for 20552/20553.
    (
        NCCI,
        [prior(LATER, DRY, ("upper_trapezius", Side.LEFT))],
        ["20552", "J3301"],
        ["20552", "J3301"],
        2,
        ["ncci_same_muscle_tpi_and_dry_needling"],
    ),
    (
        NCCI,
        [prior(LATER, DRY, ("upper_trapezius", Side.BILATERAL))],
        ["20552", "J3301"],
        ["20552", "J3301"],
        2,
        ["ncci_same_muscle_tpi_and_dry_needling"],
    ),
    (
        NCCI,
        [prior(LATER, DRY, ("gluteus_medius", Side.LEFT))],
        ["20552", "J3301"],
        ["20552", "J3301"],
        2,
        [],
    ),
    (
        NCCI,
        [prior(DAY - timedelta(days=1), DRY, ("upper_trapezius", Side.LEFT))],
        ["20552", "J3301"],
        ["20552", "J3301"],
        2,
        [],
    ),
]


@pytest.mark.parametrize(
    ("source", "history", "own", "claim", "day_count", "warnings"), CLAIM_CASES
)
def test_the_day_claim_and_its_warnings(
    catalog: Catalog,
    source: str,
    history: list[PriorSession],
    own: list[str],
    claim: list[str],
    day_count: int,
    warnings: list[str],
) -> None:
    assert source
    session = entry()
    coding = derive_codes(session, catalog, history=history)
    assert codes(coding.all_lines) == own
    assert codes(coding.claim_lines) == claim
    assert coding.day.muscle_count == day_count
    assert [alert.code for alert in coding_alerts(session, catalog, history=history)] == warnings


def test_dry_needling_is_also_once_per_day(catalog: Catalog) -> None:
    # DOMAIN.md, CPT: "20560/20561 likewise". Bilateral gluteus medius (2) + left piriformis.
    session = entry(DRY, ("gluteus_medius", Side.BILATERAL))
    history = [prior(LATER, DRY, ("piriformis", Side.LEFT))]
    coding = derive_codes(session, catalog, history=history)
    assert codes(coding.all_lines) == ["20560"]
    assert codes(coding.claim_lines) == ["20561"]
    alerts = coding_alerts(session, catalog, history=history)
    assert [a.code for a in alerts] == ["one_dry_needling_code_per_day"]
    assert alerts[0].path == "performed_at"


def test_the_same_muscle_warning_names_the_site_and_side(catalog: Catalog) -> None:
    session = entry(TPI, ("levator_scapulae", Side.LEFT), ("upper_trapezius", Side.BILATERAL))
    history = [prior(LATER, DRY, ("upper_trapezius", Side.RIGHT))]
    (alert,) = coding_alerts(session, catalog, history=history)
    assert alert.code == "ncci_same_muscle_tpi_and_dry_needling"
    assert alert.path == "sites[1].muscle"
    assert "Upper trapezius (right)" in alert.message and "14:00" in alert.message


@pytest.mark.parametrize(
    ("prior_utc", "same_day"),
    [
        # 21:00 at UTC-05:00 on 2026-03-10: the same clinic day as a 21:30 session.
        (datetime(2026, 3, 11, 2, 0, tzinfo=UTC), True),
        # 01:00 on 2026-03-11 on that clock: the next day.
        (datetime(2026, 3, 11, 6, 0, tzinfo=UTC), False),
    ],
)
def test_the_date_of_service_is_the_sessions_own_clock(
    catalog: Catalog, prior_utc: datetime, same_day: bool
) -> None:
    evening = datetime(2026, 3, 10, 21, 30, tzinfo=timezone(timedelta(hours=-5)))
    session = entry(TPI, ("upper_trapezius", Side.LEFT), at=evening)
    alerts = coding_alerts(session, catalog, history=[prior(prior_utc)])
    assert [a.code for a in alerts] == (["one_tpi_code_per_day"] if same_day else [])


def _day_of(sessions: list[SessionEntry], catalog: Catalog) -> list[list[str]]:
    """Each session's claim codes, the others of the day being its signed history."""
    claims = []
    for index, session in enumerate(sessions):
        history = [
            PriorSession(
                other.performed_at,
                other.kind,
                frozenset(site.muscle_id for site in other.sites),
                NoteStatus.SIGNED,
                frozenset((site.muscle_id, site.side) for site in other.sites),
            )
            for other_index, other in enumerate(sessions)
            if other_index != index
        ]
        claims.append(codes(derive_codes(session, catalog, history=history).claim_lines))
    return claims


@pytest.mark.parametrize("order", list(permutations(range(3))))
def test_a_day_of_three_sessions_reports_one_procedure_line(
    catalog: Catalog, order: tuple[int, ...]
) -> None:
    sessions = [
        entry(TPI, ("upper_trapezius", Side.LEFT), at=DAY),
        entry(TPI, ("rhomboid_major", Side.RIGHT), at=DAY + timedelta(hours=3)),
        # Two sessions recorded at the same minute: a fixed order still picks one.
        entry(TPI, ("levator_scapulae", Side.LEFT), at=DAY + timedelta(hours=3)),
    ]
    claims = _day_of([sessions[i] for i in order], catalog)
    procedure_lines = [code for claim in claims for code in claim if code.startswith("2055")]
    assert procedure_lines == ["20553"]
    assert sum(claim.count("J3301") for claim in claims) == 3
