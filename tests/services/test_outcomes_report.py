"""The outcomes report sums signed notes in the database: numbers checked by hand.

The clinic's sessions (clock UTC-5) from 1 September to 31 October 2026:

| note | local date, time | provider | before | after | sites (region)             | drugs  | %   |
| S1   | Tue 8 Sep 09:30  | Hartley  | 8      | 2     | UT, LS (cervical)          | L      | 75  |
| S2   | Mon 21 Sep 10:00 | Okonkwo  | 6      | 3     | UT (cervical), RM (scap.)  | L, T   | 50  |
| S3   | Mon 5 Oct 14:00  | Hartley  | 5      | 5     | QL (lumbar)                | L      | 0   |
| S4   | Sat 31 Oct 21:30 | Hartley  | 4      | 0     | UT (cervical)              | L      | 100 |
| S5   | Sun 11 Oct 18:00 | Hartley  | 0      | 0     | QL (lumbar)                | L      | -   |

UT upper trapezius, LS levator scapulae, RM rhomboid major, QL quadratus lumborum;
L lidocaine, T triamcinolone acetonide; % relief = (before - after) / before x 100.
S4 is 1 November 02:30 in UTC: it counts in October, the month of the clinic's clock.
Left out: a draft (9 -> 1, 20 Oct), a signed note of 31 August, and one of 1 November
00:30 local (05:30 UTC, still 1 November). (A note is signed only with both pain scores.)
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.services.conftest import (
    CLINIC_TIME,
    NOW,
    PASSWORD,
    Services,
    actor_for,
    add_account,
    lidocaine,
    two_site_entry,
)
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import MedicationEntry, ProviderFacts, Role, Side, SiteEntry
from tpi_desk.models.audit import AuditEvent
from tpi_desk.models.database import Database
from tpi_desk.services.dto import PatientRecord, ProviderRecord
from tpi_desk.services.errors import ValidationFailed
from tpi_desk.services.outcomes.figures import (
    OutcomeGrouping,
    OutcomeMeasure,
    OutcomePeriod,
    OutcomeQuery,
    OutcomeReport,
)
from tpi_desk.services.outcomes.outcomes import OutcomesService
from tpi_desk.services.permissions import CLINICAL_ROLES

SEPTEMBER, OCTOBER = date(2026, 9, 1), date(2026, 10, 1)
TRIAMCINOLONE = MedicationEntry(
    "triamcinolone_acetonide", Decimal(40), Decimal("0.5"), "TK-88", date(2027, 1, 31)
)


def site(muscle: str, *drugs: MedicationEntry) -> SiteEntry:
    return SiteEntry(muscle, Side.LEFT, points=1, medications=drugs or (lidocaine("1"),))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CLINIC_TIME)


@pytest.fixture
def report_of(
    services: Services, database: Database, catalog: Catalog, patient: PatientRecord,
    physician: ProviderRecord,
) -> OutcomesService:  # fmt: skip
    okonkwo = add_account(
        services, ProviderFacts("cokonkwo", "Dr. Chidi Okonkwo", "DO"), Role.PHYSICIAN
    )

    def note(
        who: ProviderRecord, when: datetime, before: int | None, after: int | None,
        *sites: SiteEntry, sign: bool = True,
    ) -> None:  # fmt: skip
        entry = two_site_entry(when, pain_before=before, pain_after=after, sites=sites)
        actor = actor_for(who)
        draft = services.drafts.create(patient.id, who.id, entry, actor=actor)
        if sign:
            services.signing.sign(draft.id, draft.version, who.id, actor=actor, password=PASSWORD)

    uppert, levator = site("upper_trapezius"), site("levator_scapulae")
    ql = site("quadratus_lumborum")
    note(physician, at(date(2026, 9, 8), 9, 30), 8, 2, uppert, levator)
    ut_with_steroid = site("upper_trapezius", lidocaine("2"), TRIAMCINOLONE)
    note(okonkwo, at(date(2026, 9, 21), 10), 6, 3, ut_with_steroid, site("rhomboid_major"))
    note(physician, at(date(2026, 10, 5), 14), 5, 5, ql)
    note(physician, at(date(2026, 10, 31), 21, 30), 4, 0, uppert)
    note(physician, at(date(2026, 10, 11), 18), 0, 0, ql)
    note(physician, at(date(2026, 10, 20), 9), 9, 1, uppert, sign=False)
    note(physician, at(date(2026, 8, 31), 9), 7, 1, uppert)
    note(physician, at(date(2026, 11, 1), 0, 30), 7, 1, uppert)
    return OutcomesService(database.session_factory, catalog, clock=lambda: NOW)


def rows(report: OutcomeReport) -> list[tuple[object, ...]]:
    """(period, group, sessions, mean before, mean after, mean relief, mean % relief)."""
    return [
        (
            cell.period_start,
            report.label(cell.group_key),
            cell.sessions,
            *(
                None if (value := cell.mean(measure)) is None else round(value, 3)
                for measure in OutcomeMeasure
            ),
        )
        for cell in sorted(report.cells, key=lambda c: (c.period_start, report.label(c.group_key)))
    ]


# Worked out by hand from the table in the module docstring.
EXPECTED = {
    (OutcomeGrouping.ALL, OutcomePeriod.MONTH): [
        (SEPTEMBER, "All sessions", 2, 7.0, 2.5, 4.5, 62.5),  # (8+6)/2, (2+3)/2, (75+50)/2
        (OCTOBER, "All sessions", 3, 3.0, 1.667, 1.333, 50.0),  # 9/3, 5/3, 4/3, (0+100)/2
    ],
    (OutcomeGrouping.REGION, OutcomePeriod.MONTH): [
        (SEPTEMBER, "Cervical", 2, 7.0, 2.5, 4.5, 62.5),  # S1 counted once for 2 neck sites
        (SEPTEMBER, "Scapular", 1, 6.0, 3.0, 3.0, 50.0),
        (OCTOBER, "Cervical", 1, 4.0, 0.0, 4.0, 100.0),
        (OCTOBER, "Lumbar", 2, 2.5, 2.5, 0.0, 0.0),  # S5 (before 0) has no % relief
    ],
    (OutcomeGrouping.MUSCLE, OutcomePeriod.MONTH): [
        (SEPTEMBER, "Levator scapulae", 1, 8.0, 2.0, 6.0, 75.0),
        (SEPTEMBER, "Rhomboid major", 1, 6.0, 3.0, 3.0, 50.0),
        (SEPTEMBER, "Upper trapezius", 2, 7.0, 2.5, 4.5, 62.5),
        (OCTOBER, "Quadratus lumborum", 2, 2.5, 2.5, 0.0, 0.0),
        (OCTOBER, "Upper trapezius", 1, 4.0, 0.0, 4.0, 100.0),
    ],
    (OutcomeGrouping.DRUG, OutcomePeriod.MONTH): [
        (SEPTEMBER, "Lidocaine", 2, 7.0, 2.5, 4.5, 62.5),  # S2 counted once for 2 lines
        (SEPTEMBER, "Triamcinolone acetonide", 1, 6.0, 3.0, 3.0, 50.0),
        (OCTOBER, "Lidocaine", 3, 3.0, 1.667, 1.333, 50.0),
    ],
    (OutcomeGrouping.PROVIDER, OutcomePeriod.MONTH): [
        (SEPTEMBER, "Dr. Chidi Okonkwo", 1, 6.0, 3.0, 3.0, 50.0),
        (SEPTEMBER, "Dr. Imogen Hartley", 1, 8.0, 2.0, 6.0, 75.0),
        (OCTOBER, "Dr. Imogen Hartley", 3, 3.0, 1.667, 1.333, 50.0),
    ],
    # Weeks start on Monday: Sunday 11 October (S5) belongs to the week of Monday 5 October.
    (OutcomeGrouping.ALL, OutcomePeriod.WEEK): [
        (date(2026, 9, 7), "All sessions", 1, 8.0, 2.0, 6.0, 75.0),
        (date(2026, 9, 21), "All sessions", 1, 6.0, 3.0, 3.0, 50.0),
        (date(2026, 10, 5), "All sessions", 2, 2.5, 2.5, 0.0, 0.0),
        (date(2026, 10, 26), "All sessions", 1, 4.0, 0.0, 4.0, 100.0),
    ],
}


@pytest.mark.parametrize(("grouping", "period"), list(EXPECTED))
def test_the_report_matches_the_hand_worked_numbers(
    report_of: OutcomesService, grouping: OutcomeGrouping, period: OutcomePeriod
) -> None:
    query = OutcomeQuery(date(2026, 9, 1), date(2026, 10, 31), grouping, period)

    report = report_of.report(query, actor=None)

    assert rows(report) == EXPECTED[grouping, period]


def test_groups_add_up_over_the_periods_and_reading_is_audited(
    report_of: OutcomesService, database: Database, physician: ProviderRecord
) -> None:
    query = OutcomeQuery(date(2026, 9, 1), date(2026, 10, 31), OutcomeGrouping.REGION)

    report = report_of.report(query, actor=actor_for(physician))

    cervical = report.groups[0]
    assert (cervical.label, cervical.total.sessions) == ("Cervical", 3)
    assert cervical.total.mean(OutcomeMeasure.RELIEF_PERCENT) == 75.0  # (75 + 50 + 100) / 3
    assert report.series("cervical", OutcomeMeasure.PAIN_BEFORE) == [
        (SEPTEMBER, 7.0),
        (OCTOBER, 4.0),
    ]
    with database.session_factory() as db:
        event = db.scalars(select(AuditEvent).order_by(AuditEvent.sequence.desc())).first()
    assert event is not None
    assert (event.action, event.record_type, event.actor_name) == ("view", "outcomes", "ihartley")
    assert event.detail == "outcomes by region per month, 2026-09-01 to 2026-10-31"


def test_the_csv_export_holds_one_row_per_group_and_period(
    report_of: OutcomesService, tmp_path: Path, physician: ProviderRecord
) -> None:
    query = OutcomeQuery(date(2026, 9, 1), date(2026, 10, 31), OutcomeGrouping.DRUG)
    report = report_of.report(query, actor=None)
    path = tmp_path / "outcomes.csv"

    written = report_of.export_csv(report, path, actor=actor_for(physician))

    assert written == 3
    assert path.read_text(encoding="utf-8").splitlines() == [
        "period_start,grouped_by,group,sessions,mean_pain_before,mean_pain_after,mean_relief,"
        "mean_relief_percent,sessions_with_percent",
        "2026-09-01,drug,Lidocaine,2,7.00,2.50,4.50,62.50,2",
        "2026-09-01,drug,Triamcinolone acetonide,1,6.00,3.00,3.00,50.00,1",
        "2026-10-01,drug,Lidocaine,3,3.00,1.67,1.33,50.00,2",
    ]


def test_an_empty_range_and_a_reversed_one(report_of: OutcomesService) -> None:
    empty = report_of.report(OutcomeQuery(date(2025, 1, 1), date(2025, 3, 31)), actor=None)
    assert empty.cells == () and empty.groups == () and empty.sessions == 0

    with pytest.raises(ValidationFailed, match="To: the end date is before the start"):
        report_of.report(OutcomeQuery(date(2026, 10, 1), date(2026, 9, 1)), actor=None)


@pytest.mark.parametrize("role", list(Role))
def test_every_role_may_read_it(
    services: Services, database: Database, catalog: Catalog, role: Role
) -> None:
    """Sums over signed notes name no patient: the roles that read signed notes (billing
    staff and admins too) may read them."""
    outcomes = OutcomesService(database.session_factory, catalog, clock=lambda: NOW)
    query = OutcomeQuery(date(2026, 9, 1), date(2026, 10, 31))

    someone = actor_for(
        add_account(
            services,
            ProviderFacts("someone", "Sam Someone", "MD" if role in CLINICAL_ROLES else ""),
            role,
        )
    )

    assert outcomes.report(query, actor=someone).cells == ()


def test_a_clinic_clock_east_of_utc_moves_a_late_utc_session_into_the_next_month(
    services: Services, patient: PatientRecord, physician: ProviderRecord,
    database: Database, catalog: Catalog,
) -> None:  # fmt: skip
    """30 September 22:30 UTC is 1 October 00:30 in UTC+2: October, on the clinic's clock."""
    when = datetime(2026, 10, 1, 0, 30, tzinfo=timezone(timedelta(hours=2)))
    entry = replace(two_site_entry(when), pain_before=6, pain_after=3)
    doctor = actor_for(physician)
    draft = services.drafts.create(patient.id, physician.id, entry, actor=doctor)
    services.signing.sign(draft.id, draft.version, physician.id, actor=doctor, password=PASSWORD)
    outcomes = OutcomesService(database.session_factory, catalog, clock=lambda: NOW)

    report = outcomes.report(OutcomeQuery(date(2026, 10, 1), date(2026, 10, 1)), actor=None)
    before = outcomes.report(OutcomeQuery(date(2026, 9, 30), date(2026, 9, 30)), actor=None)

    assert [(c.period_start, c.sessions) for c in report.cells] == [(OCTOBER, 1)]
    assert before.cells == ()
