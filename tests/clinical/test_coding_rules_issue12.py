"""Issue 12 coding rules, case by case: the muscle count per side, 76942 with its record, GY
for Medicare dry needling outside chronic low back pain, U09.9 with its condition. Each row
cites its source; the expected codes and warnings are worked out by hand."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from tpi_desk.clinical.analysis import analyse_session
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.coding_alerts import coding_alerts
from tpi_desk.clinical.record import (
    Coverage,
    PatientFacts,
    ProcedureKind,
    SessionEntry,
    Side,
    SiteEntry,
)
from tpi_desk.clinical.settings import CodingSettings

TPI = ProcedureKind.TRIGGER_POINT_INJECTION
DRY = ProcedureKind.DRY_NEEDLING
L, R, B, M = Side.LEFT, Side.RIGHT, Side.BILATERAL, Side.MIDLINE
AAPC = "DOMAIN.md, CPT (AAPC: left and right of a paired muscle are two muscles)"
NCD = "NCD 30.3.3; DOMAIN.md, HCPCS drugs (dry needling Medicare: GY elsewhere)"
US = "DOMAIN.md, CPT (76942: retained image and written interpretation)"
COVID = "DOMAIN.md, ICD-10-CM (U09.9: code the specific condition first)"
INTERPRETATION = "Needle tip seen within the taut band of the upper trapezius."
TODAY = date(2026, 3, 10)


def session(kind: ProcedureKind, *sites: tuple[str, Side], **extra: Any) -> SessionEntry:
    return SessionEntry(
        datetime(2026, 3, 10, 9, 30),
        kind,
        sites=tuple(SiteEntry(muscle, side) for muscle, side in sites),
        **extra,
    )


def patient(coverage: Coverage) -> PatientFacts:
    return PatientFacts("SYN-1", "Synthetic", "Pat", date(1960, 5, 1), coverage=coverage)


def claim(
    catalog: Catalog,
    entry: SessionEntry,
    coverage: Coverage = Coverage.UNKNOWN,
    settings: CodingSettings | None = None,
) -> tuple[list[str], set[str]]:
    """("20560-GY", ...) lines and the alert codes of the whole analysis."""
    analysis = analyse_session(
        entry, catalog, patient=patient(coverage), settings=settings, today=TODAY
    )
    lines = ["-".join((line.code, *line.modifiers)) for line in analysis.coding.all_lines]
    return lines, {alert.code for alert in analysis.alerts}


MUSCLE_CASES = [
    # (source, kind, sites, code with sides counted, code with the payer override)
    (AAPC, TPI, [("upper_trapezius", B), ("levator_scapulae", L)], "20553", "20552"),
    (AAPC, TPI, [("upper_trapezius", L), ("upper_trapezius", R)], "20552", "20552"),
    (AAPC, TPI, [("upper_trapezius", B), ("levator_scapulae", B)], "20553", "20552"),
    (AAPC, TPI, [("upper_trapezius", B)], "20552", "20552"),
    (AAPC, TPI, [("upper_trapezius", B), ("upper_trapezius", L)], "20552", "20552"),
    # A midline site counts once (DOMAIN.md, CPT: counted by muscles).
    (AAPC, TPI, [("multifidus", M)], "20552", "20552"),
    (AAPC, TPI, [("multifidus", M), ("quadratus_lumborum", B)], "20553", "20552"),
    (AAPC, DRY, [("gluteus_medius", B), ("piriformis", L)], "20561", "20560"),
    (AAPC, DRY, [("gluteus_medius", B)], "20560", "20560"),
]


@pytest.mark.parametrize(("source", "kind", "sites", "sides_apart", "override"), MUSCLE_CASES)
def test_each_side_of_a_paired_muscle_counts_once(
    catalog: Catalog,
    source: str,
    kind: ProcedureKind,
    sites: list[tuple[str, Side]],
    sides_apart: str,
    override: str,
) -> None:
    assert source
    entry = session(kind, *sites)
    assert claim(catalog, entry)[0] == [sides_apart]
    once = CodingSettings(count_sides_separately=False)
    assert claim(catalog, entry, settings=once)[0] == [override]


GUIDANCE_CASES = [
    # (source, kind, image retained, interpretation, lines, warnings expected, not expected)
    (US, TPI, True, INTERPRETATION, ["20552", "76942"], set(), {"ultrasound_image_not_retained"}),
    (
        US,
        TPI,
        False,
        INTERPRETATION,
        ["20552"],
        {"ultrasound_image_not_retained"},
        {"ultrasound_interpretation_missing"},
    ),
    (
        US,
        TPI,
        True,
        "   ",
        ["20552"],
        {"ultrasound_interpretation_missing"},
        {"ultrasound_image_not_retained"},
    ),
    (
        US,
        TPI,
        False,
        "",
        ["20552"],
        {"ultrasound_image_not_retained", "ultrasound_interpretation_missing"},
        set(),
    ),
    # 76942 is reportable with 20552/20553 only: nothing to warn about with dry needling.
    (
        US,
        DRY,
        False,
        "",
        ["20560"],
        set(),
        {"ultrasound_image_not_retained", "ultrasound_interpretation_missing"},
    ),
]


@pytest.mark.parametrize(
    ("source", "kind", "image", "interpretation", "lines", "present", "absent"), GUIDANCE_CASES
)
def test_76942_needs_the_image_and_the_interpretation(
    catalog: Catalog,
    source: str,
    kind: ProcedureKind,
    image: bool,
    interpretation: str,
    lines: list[str],
    present: set[str],
    absent: set[str],
) -> None:
    assert source
    entry = session(
        kind,
        ("upper_trapezius", L),
        ultrasound_guided=True,
        ultrasound_image_retained=image,
        ultrasound_interpretation=interpretation,
    )
    coded, alerts = claim(catalog, entry)
    assert coded == lines
    assert present <= alerts and not absent & alerts
    if kind is TPI:  # the Medicare LCD warning stays as it was
        assert "ultrasound_not_covered" in alerts


GY_CASES = [
    # (source, kind, coverage, diagnoses, sites, lines, warned)
    (NCD, DRY, Coverage.MEDICARE, ("M79.18",), 1, ["20560-GY"], True),
    (NCD, DRY, Coverage.MEDICARE, ("M79.18",), 3, ["20561-GY"], True),
    (NCD, DRY, Coverage.MEDICARE, (), 1, ["20560-GY"], True),
    (NCD, DRY, Coverage.MEDICARE, ("M54.50",), 1, ["20560"], False),
    (NCD, DRY, Coverage.MEDICARE, ("M54.51",), 1, ["20560"], False),
    (NCD, DRY, Coverage.MEDICARE, ("M79.18", "M54.59"), 1, ["20560"], False),
    (NCD, DRY, Coverage.COMMERCIAL, ("M79.18",), 1, ["20560"], False),
    (NCD, DRY, Coverage.UNKNOWN, ("M79.18",), 1, ["20560"], False),
    # The issue names `medicare` coverage; Medicare Advantage plans set their own rules.
    (NCD, DRY, Coverage.MEDICARE_ADVANTAGE, ("M79.18",), 1, ["20560"], False),
    (NCD, TPI, Coverage.MEDICARE, ("M79.18",), 1, ["20552"], False),
]
GY_SITES = [("gluteus_medius", L), ("piriformis", L), ("quadratus_lumborum", L)]


@pytest.mark.parametrize(
    ("source", "kind", "coverage", "diagnoses", "site_count", "lines", "warned"), GY_CASES
)
def test_medicare_dry_needling_outside_chronic_low_back_pain_carries_gy(
    catalog: Catalog,
    source: str,
    kind: ProcedureKind,
    coverage: Coverage,
    diagnoses: tuple[str, ...],
    site_count: int,
    lines: list[str],
    warned: bool,
) -> None:
    assert source
    entry = session(kind, *GY_SITES[:site_count], diagnoses=diagnoses)
    coded, alerts = claim(catalog, entry, coverage)
    assert coded == lines
    assert ("medicare_dry_needling_not_covered" in alerts) is warned


def test_the_medicare_warning_names_the_ncd_and_points_at_the_diagnoses(catalog: Catalog) -> None:
    entry = session(DRY, ("gluteus_medius", L), diagnoses=("M79.18",))
    (alert,) = coding_alerts(entry, catalog, coverage=Coverage.MEDICARE)
    assert alert.path == "diagnoses"
    assert "NCD 30.3.3" in alert.message and "GY" in alert.message


@pytest.mark.parametrize(
    ("source", "diagnoses", "paths"),
    [
        (COVID, ("U09.9",), ["diagnoses[0]"]),
        (COVID, ("U09.9", "U09.9"), ["diagnoses[0]"]),
        (COVID, ("M79.18", "U09.9"), []),
        (COVID, ("U09.9", "G44.229"), []),
        (COVID, (), []),
        (COVID, ("M79.18",), []),
    ],
)
def test_post_covid_needs_another_condition_coded(
    catalog: Catalog, source: str, diagnoses: tuple[str, ...], paths: list[str]
) -> None:
    assert source
    entry = session(TPI, ("upper_trapezius", L), diagnoses=diagnoses)
    alerts = [a for a in coding_alerts(entry, catalog) if a.code == "post_covid_condition_missing"]
    assert [alert.path for alert in alerts] == paths
