"""Alerts: one test per alert code, with its severity, message and field path (allergies in
test_allergy_alerts.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from tests.clinical.alert_support import alerts_for, codes, med, only, with_sites
from tpi_desk.clinical.alerts import Alert, AlertCode, AlertSeverity, blocking
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import (
    NoteStatus,
    PriorSession,
    ProcedureKind,
    SessionEntry,
    Side,
    SiteEntry,
)


def test_a_complete_session_has_only_the_pneumothorax_reminder(
    complete_entry: SessionEntry, catalog: Catalog
) -> None:
    assert codes(alerts_for(complete_entry, catalog)) == [AlertCode.PNEUMOTHORAX_RISK_SITE]


def test_an_expired_lot_blocks(complete_entry: SessionEntry, catalog: Catalog) -> None:
    expired = med("lidocaine", "10", "2", lot="OLD-7", expires=date(2026, 3, 9))
    entry = with_sites(
        complete_entry,
        SiteEntry("upper_trapezius", Side.LEFT),
        SiteEntry(
            "levator_scapulae", Side.RIGHT, medications=(med("lidocaine", "10", "1"), expired)
        ),
    )
    alert = only(alerts_for(entry, catalog), AlertCode.LOT_EXPIRED)
    assert alert == Alert(
        "lot_expired",
        AlertSeverity.BLOCKING,
        "Site 2 (Levator scapulae, right), medication 2: Lidocaine lot OLD-7 expired on "
        "2026-03-09, before the session date 2026-03-10",
        "sites[1].medications[1].expires",
    )


def test_a_lot_expiring_on_the_session_day_is_still_good(
    complete_entry: SessionEntry, catalog: Catalog
) -> None:
    lot = med("lidocaine", "10", "2", expires=date(2026, 3, 10))
    entry = with_sites(complete_entry, SiteEntry("levator_scapulae", Side.LEFT, medications=(lot,)))
    assert AlertCode.LOT_EXPIRED not in codes(alerts_for(entry, catalog))


def test_blocking_alerts_come_first(complete_entry: SessionEntry, catalog: Catalog) -> None:
    expired = med("lidocaine", "10", "2", expires=date(2020, 1, 1))
    entry = with_sites(
        complete_entry, SiteEntry("upper_trapezius", Side.LEFT, medications=(expired,))
    )
    alerts = alerts_for(entry, catalog)
    assert [a.severity for a in alerts] == [AlertSeverity.BLOCKING, AlertSeverity.INFO]
    assert blocking(alerts) == alerts[:1]


def test_a_session_after_today_warns(complete_entry: SessionEntry, catalog: Catalog) -> None:
    entry = replace(complete_entry, performed_at=datetime(2026, 3, 13, 8, 0))
    assert only(alerts_for(entry, catalog), AlertCode.PERFORMED_IN_FUTURE) == Alert(
        "performed_in_future",
        AlertSeverity.WARNING,
        "The session date 2026-03-13 is after today (2026-03-12)",
        "performed_at",
    )


def test_dose_over_the_absolute_maximum(complete_entry: SessionEntry, catalog: Catalog) -> None:
    entry = with_sites(
        complete_entry,
        SiteEntry("levator_scapulae", Side.LEFT, medications=(med("lidocaine", "10", "20"),)),
        SiteEntry("splenius_capitis", Side.LEFT, medications=(med("lidocaine", "10", "15"),)),
    )
    alert = only(alerts_for(entry, catalog), AlertCode.DOSE_OVER_MAXIMUM)
    # Issue 12: an over-maximum local anaesthetic is a hard stop (blocking until overridden).
    assert alert.severity is AlertSeverity.BLOCKING
    assert alert.message == (
        "Lidocaine 1 %: 350 mg exceeds the maximum of 300 mg (4.5 mg/kg x 70 kg = 315 mg)"
    )


def test_dose_over_the_per_kg_maximum(complete_entry: SessionEntry, catalog: Catalog) -> None:
    entry = with_sites(
        complete_entry,
        SiteEntry("levator_scapulae", Side.LEFT, medications=(med("lidocaine", "20", "12.5"),)),
    )
    alert = only(alerts_for(entry, catalog, Decimal(50)), AlertCode.DOSE_OVER_MAXIMUM)
    assert alert.message == (
        "Lidocaine 2 %: 250 mg exceeds the maximum of 225 mg "
        "(4.5 mg/kg x 50 kg = 225 mg; absolute maximum 300 mg)"
    )


def test_a_dose_at_the_maximum_does_not_warn(
    complete_entry: SessionEntry, catalog: Catalog
) -> None:
    entry = with_sites(
        complete_entry,
        SiteEntry("levator_scapulae", Side.LEFT, medications=(med("lidocaine", "10", "30"),)),
    )
    assert AlertCode.DOSE_OVER_MAXIMUM not in codes(alerts_for(entry, catalog))


def test_mixed_strengths_name_the_drug_alone(
    complete_entry: SessionEntry, catalog: Catalog
) -> None:
    meds = (med("bupivacaine", "5", "20"), med("bupivacaine", "2.5", "40"))
    entry = with_sites(complete_entry, SiteEntry("levator_scapulae", Side.LEFT, medications=meds))
    alert = only(alerts_for(entry, catalog, weight_kg=None), AlertCode.DOSE_OVER_MAXIMUM)
    assert alert.message == "Bupivacaine: 200 mg exceeds the maximum of 175 mg"


def test_steroid_over_the_session_maximum(complete_entry: SessionEntry, catalog: Catalog) -> None:
    steroid = med("triamcinolone_acetonide", "40", "1")
    entry = with_sites(
        complete_entry,
        *(
            SiteEntry(m, Side.LEFT, medications=(steroid,))
            for m in ("levator_scapulae", "splenius_capitis", "suboccipitals")
        ),
    )
    alerts = alerts_for(entry, catalog)
    assert only(alerts, AlertCode.STEROID_OVER_MAXIMUM) == Alert(
        "steroid_over_maximum",
        AlertSeverity.WARNING,
        "Triamcinolone acetonide 40 mg/mL: 120 mg exceeds the session maximum of 80 mg",
    )
    assert AlertCode.DOSE_OVER_MAXIMUM not in codes(alerts)


def test_steroid_over_the_site_maximum(complete_entry: SessionEntry, catalog: Catalog) -> None:
    meds = (med("triamcinolone_acetonide", "40", "1"), med("triamcinolone_acetonide", "40", "0.5"))
    entry = with_sites(
        complete_entry,
        SiteEntry("levator_scapulae", Side.LEFT, medications=(med("lidocaine", "10", "1"),)),
        SiteEntry("splenius_capitis", Side.BILATERAL, medications=meds),
    )
    alerts = alerts_for(entry, catalog)
    assert only(alerts, AlertCode.STEROID_OVER_SITE_MAXIMUM) == Alert(
        "steroid_over_site_maximum",
        AlertSeverity.WARNING,
        "Site 2 (Splenius capitis, bilateral): Triamcinolone acetonide 60 mg exceeds the "
        "maximum of 40 mg per site",
        "sites[1].medications",
    )
    assert AlertCode.STEROID_OVER_MAXIMUM not in codes(alerts)


def test_combined_local_anaesthetics_over_the_maximum(
    complete_entry: SessionEntry, catalog: Catalog
) -> None:
    meds = (med("lidocaine", "10", "20"), med("bupivacaine", "5", "20"))
    entry = with_sites(complete_entry, SiteEntry("levator_scapulae", Side.LEFT, medications=meds))
    alerts = alerts_for(entry, catalog)
    # 200 / 300 + 100 / 175 = 123.81 %, each drug below its own maximum
    # Issue 12: the combined local anaesthetic maximum is a hard stop too.
    assert only(alerts, AlertCode.COMBINED_ANAESTHETIC_OVER_MAXIMUM) == Alert(
        "combined_anaesthetic_over_maximum",
        AlertSeverity.BLOCKING,
        "Local anaesthetics together reach 123.81 % of the combined maximum "
        "(lidocaine 66.67 %, bupivacaine 57.14 %)",
    )
    assert AlertCode.DOSE_OVER_MAXIMUM not in codes(alerts)


def test_combined_alert_needs_two_local_anaesthetics(
    complete_entry: SessionEntry, catalog: Catalog
) -> None:
    entry = with_sites(
        complete_entry,
        SiteEntry("levator_scapulae", Side.LEFT, medications=(med("lidocaine", "10", "40"),)),
    )
    assert AlertCode.COMBINED_ANAESTHETIC_OVER_MAXIMUM not in codes(alerts_for(entry, catalog))


def test_missing_weight_warns_when_a_drug_has_a_per_kg_maximum(
    complete_entry: SessionEntry, catalog: Catalog
) -> None:
    meds = (med("lidocaine", "10", "1"), med("bupivacaine", "5", "1"))
    entry = with_sites(complete_entry, SiteEntry("levator_scapulae", Side.LEFT, medications=meds))
    assert only(alerts_for(entry, catalog, weight_kg=None), AlertCode.WEIGHT_MISSING) == Alert(
        "weight_missing",
        AlertSeverity.WARNING,
        "Patient weight not recorded: Lidocaine and Bupivacaine checked against the absolute "
        "maximum only, not the per-kg maximum",
        "patient.weight_kg",
    )
    steroid_only = with_sites(
        complete_entry,
        SiteEntry("levator_scapulae", Side.LEFT, medications=(med("betamethasone", "6", "1"),)),
    )
    assert AlertCode.WEIGHT_MISSING not in codes(alerts_for(steroid_only, catalog, None))


def test_ultrasound_guidance_is_not_covered(complete_entry: SessionEntry, catalog: Catalog) -> None:
    entry = replace(
        complete_entry,
        ultrasound_guided=True,
        ultrasound_image_retained=True,
        ultrasound_device="Sonara L12",
    )
    alerts = alerts_for(entry, catalog)
    assert only(alerts, AlertCode.ULTRASOUND_NOT_COVERED) == Alert(
        "ultrasound_not_covered",
        AlertSeverity.WARNING,
        "Ultrasound guidance (76942) is not covered for trigger point injections under the "
        "Medicare LCDs (L34211, L36859, L39656)",
        "ultrasound.guided",
    )
    assert AlertCode.ULTRASOUND_IMAGE_NOT_RETAINED not in codes(alerts)


def test_ultrasound_without_a_retained_image(
    complete_entry: SessionEntry, catalog: Catalog
) -> None:
    entry = replace(complete_entry, ultrasound_guided=True)
    assert only(alerts_for(entry, catalog), AlertCode.ULTRASOUND_IMAGE_NOT_RETAINED) == Alert(
        "ultrasound_image_not_retained",
        AlertSeverity.WARNING,
        "Ultrasound guidance (76942) needs a permanent recorded image to be billed; "
        "no image is retained",
        "ultrasound.image_retained",
    )


def test_pneumothorax_reminder_once_per_muscle(
    complete_entry: SessionEntry, catalog: Catalog
) -> None:
    entry = with_sites(
        complete_entry,
        SiteEntry("levator_scapulae", Side.LEFT),
        SiteEntry("anterior_scalene", Side.LEFT),
        SiteEntry("anterior_scalene", Side.RIGHT),
    )
    (alert,) = [a for a in alerts_for(entry, catalog) if a.code == "pneumothorax_risk_site"]
    assert alert == Alert(
        "pneumothorax_risk_site",
        AlertSeverity.INFO,
        "Anterior scalene is a pneumothorax-risk site: include pneumothorax in the consent "
        "and tell the patient to seek care for shortness of breath or chest pain",
        "sites[1].muscle",
    )


def _prior(days_ago: int, *muscles: str, status: NoteStatus = NoteStatus.SIGNED) -> PriorSession:
    when = datetime(2026, 3, 10, 9, 30) - timedelta(days=days_ago)
    return PriorSession(when, ProcedureKind.TRIGGER_POINT_INJECTION, frozenset(muscles), status)


def test_a_fourth_session_in_twelve_months(complete_entry: SessionEntry, catalog: Catalog) -> None:
    history = (_prior(300, "soleus"), _prior(200, "soleus"), _prior(100, "soleus"))
    assert only(alerts_for(complete_entry, catalog, history=history), "sessions_in_12_months") == (
        Alert(
            "sessions_in_12_months",
            AlertSeverity.WARNING,
            "This is session 4 in the last 12 months; payers cover at most 3 "
            "(L34211, L36859, L39656)",
        )
    )


def test_drafts_count_towards_the_yearly_limit_sessions_entered_in_error_do_not(
    complete_entry: SessionEntry, catalog: Catalog
) -> None:
    # Issue 12: the history checks count every session performed, draft or signed.
    history = (
        _prior(300, "soleus"),
        _prior(200, "soleus"),
        _prior(100, "soleus", status=NoteStatus.DRAFT),
    )
    assert "sessions_in_12_months" in codes(alerts_for(complete_entry, catalog, history=history))
    in_error = (*history[:2], _prior(100, "soleus", status=NoteStatus.ENTERED_IN_ERROR))
    assert "sessions_in_12_months" not in codes(
        alerts_for(complete_entry, catalog, history=in_error)
    )


def test_same_muscle_within_six_weeks(complete_entry: SessionEntry, catalog: Catalog) -> None:
    history = (_prior(41, "levator_scapulae"), _prior(42, "upper_trapezius"))
    alert = only(alerts_for(complete_entry, catalog, history=history), "same_muscle_within_6_weeks")
    assert alert == Alert(
        "same_muscle_within_6_weeks",
        AlertSeverity.WARNING,
        "Levator scapulae (right) was treated 41 days earlier (2026-01-28); payers expect at least "
        "42 days between sessions at the same muscle",
        "sites[1].muscle",
    )


def test_more_than_one_region(complete_entry: SessionEntry, catalog: Catalog) -> None:
    entry = with_sites(
        complete_entry,
        SiteEntry("levator_scapulae", Side.LEFT),
        SiteEntry("quadratus_lumborum", Side.LEFT),
        SiteEntry("gluteus_medius", Side.RIGHT),
    )
    assert only(alerts_for(entry, catalog), "multiple_regions") == Alert(
        "multiple_regions",
        AlertSeverity.WARNING,
        "The sites span 3 anatomical regions (cervical, lumbar, gluteal); payers cover "
        "1 region per session",
        "sites",
    )


def test_diagnosis_outside_the_covered_list(complete_entry: SessionEntry, catalog: Catalog) -> None:
    entry = replace(complete_entry, diagnoses=("M79.18", "M54.2"))
    assert only(alerts_for(entry, catalog), "diagnosis_not_covered") == Alert(
        "diagnosis_not_covered",
        AlertSeverity.WARNING,
        "M54.2 (Cervicalgia) is not on the covered diagnosis list for trigger point injections "
        "(L34211, L36859, L39656)",
        "diagnoses[1]",
    )


def test_payer_and_ultrasound_checks_skip_dry_needling(
    complete_entry: SessionEntry, catalog: Catalog
) -> None:
    entry = replace(
        complete_entry,
        kind=ProcedureKind.DRY_NEEDLING,
        ultrasound_guided=True,
        diagnoses=("M54.50",),
        sites=(SiteEntry("upper_trapezius", Side.LEFT), SiteEntry("gluteus_medius", Side.LEFT)),
    )
    history = tuple(_prior(days, "upper_trapezius") for days in (10, 20, 30))
    assert codes(alerts_for(entry, catalog, history=history)) == ["pneumothorax_risk_site"]


@pytest.mark.parametrize("code", list(AlertCode))
def test_alert_codes_are_stable_snake_case(code: AlertCode) -> None:
    assert code.value == code.name.lower()
