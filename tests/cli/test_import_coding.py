"""`tpi-desk import --json` reports the issue 12 coding: `codes` with units and modifiers,
and the coding warnings. Each case is the shipped example changed as its comment says; the
expected codes are worked out by hand from the cited source."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.cli.conftest import EXAMPLE, Run

TpiDesk = Callable[..., Run]
Codes = set[tuple[str, int, tuple[str, ...]]]


def _example() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return document


def _imported(tpi_desk: TpiDesk, tmp_path: Path, *documents: dict[str, Any]) -> list[Any]:
    paths = []
    for index, document in enumerate(documents):
        path = tmp_path / f"session-{index}.json"
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        paths.append(str(path))
    run = tpi_desk("import", "--json", *paths, database=f"sqlite:///{tmp_path / 'c.sqlite3'}")
    assert run.status == 0, run.stderr
    imported: list[Any] = json.loads(run.stdout)["imported"]
    return imported


def _codes(result: dict[str, Any]) -> Codes:
    return {(c["code"], c["units"], tuple(c["modifiers"])) for c in result["codes"]}


def _warnings(result: dict[str, Any]) -> set[str]:
    return {warning["code"] for warning in result["warnings"]}


def test_a_single_dose_vial_with_waste_gives_a_jw_line(tpi_desk: TpiDesk, tmp_path: Path) -> None:
    # CMS JW/JZ FAQ (DOMAIN.md, CPT): bupivacaine 0.5 % from its usual single-dose vial, 4 mL
    # given (20 mg = 40 units of 0.5 mg), 6 mL discarded (30 mg = 60 units, JW). Lidocaine
    # has no line; Kenalog-40 is multi-dose (no modifier); 3 muscles = 20553.
    document = _example()
    medications = document["sites"][1]["medications"]
    bupivacaine = copy.deepcopy(medications[0])
    bupivacaine.update(
        drug="bupivacaine", concentration_mg_per_ml=5, volume_ml=4, discarded_ml=6, ndc=""
    )
    medications.append(bupivacaine)

    (result,) = _imported(tpi_desk, tmp_path, document)

    assert _codes(result) == {
        ("20553", 1, ()),
        ("J3301", 2, ()),
        ("J0665", 40, ()),
        ("J0665", 60, ("JW",)),
    }


def test_medicare_dry_needling_for_neck_pain_carries_gy(tpi_desk: TpiDesk, tmp_path: Path) -> None:
    # NCD 30.3.3 (DOMAIN.md, HCPCS drugs): dry needling for a Medicare patient without a
    # chronic low back pain diagnosis: GY on 20561 (3 muscles) and the warning.
    document = _example()
    document["kind"] = "dry_needling"
    document["patient"]["coverage"] = "medicare"
    document["diagnoses"] = ["M79.12"]
    for site in document["sites"]:
        site["medications"] = []

    (result,) = _imported(tpi_desk, tmp_path, document)

    assert _codes(result) == {("20561", 1, ("GY",))}
    assert "medicare_dry_needling_not_covered" in _warnings(result)


def test_needling_and_injecting_one_muscle_the_same_day_is_warned(
    tpi_desk: TpiDesk, tmp_path: Path
) -> None:
    # DOMAIN.md, CPT (NCCI): TPI and dry needling of the same muscle the same day not both;
    # a second injection session that day: one 20552/20553 per day.
    injection = _example()
    needling = _example()
    needling["kind"] = "dry_needling"
    needling["performed_at"] = "2026-03-04T11:00:00-05:00"
    for site in needling["sites"]:
        site["medications"] = []
    second_injection = _example()
    second_injection["performed_at"] = "2026-03-04T15:00:00-05:00"

    first, second, third = _imported(tpi_desk, tmp_path, injection, needling, second_injection)

    assert "ncci_same_muscle_tpi_and_dry_needling" in _warnings(second)
    assert {"ncci_same_muscle_tpi_and_dry_needling", "one_tpi_code_per_day"} <= _warnings(third)
    assert "one_tpi_code_per_day" not in _warnings(first)  # imported before the others
