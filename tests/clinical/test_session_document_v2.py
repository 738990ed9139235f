"""Session document @2 (issue 12): the documentation fields, their checks, NDC normalisation,
and @1 documents still read (``consent_obtained`` -> ``consent.obtained``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.shape_support import base_entry
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.ndc import normalised_ndc
from tpi_desk.clinical.record import (
    ContainerKind,
    MedicationEntry,
    ProcedureKind,
    SessionEntry,
    Side,
    SiteEntry,
)
from tpi_desk.clinical.session_document import (
    FORMAT,
    DocumentInvalid,
    from_json,
    parse_session_document,
    to_json,
)
from tpi_desk.clinical.validation import validate_entry, validate_patient

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "session.json"
Document = dict[str, Any]


def _example() -> Document:
    data: Document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return data


def _as_version_1(data: Document) -> Document:
    """The example as the first version of the format wrote it."""
    old: Document = {"format": "tpi-desk/session@1"}
    for key, value in data.items():
        if key in {"format", "location", "exam_findings", "function_score", "prior_relief",
                   "skin_prep", "aspiration_negative", "tolerance", "observation_minutes",
                   "override_reason", "procedure_time", "chaperone"}:  # fmt: skip
            continue
        if key == "consent":
            old["consent_obtained"] = value["obtained"]
        else:
            old[key] = value
    old["patient"] = {
        k: v for k, v in data["patient"].items() if k not in {"coverage", "no_known_drug_allergies"}
    }
    old["provider"] = {k: v for k, v in data["provider"].items() if k != "acupuncture_certified"}
    del old["ultrasound"]["interpretation"]
    for site in old["sites"]:
        for line in site["medications"]:
            for key in ("container", "discarded_ml", "ndc"):
                del line[key]
    return old


def _problems(data: object, catalog: Catalog) -> list[str]:
    with pytest.raises(DocumentInvalid) as caught:
        parse_session_document(data, catalog)
    return [str(problem) for problem in caught.value.problems]


# --- Version 1 is still read -------------------------------------------------------------


def test_a_version_1_document_is_read_and_written_back_as_the_current_version(
    catalog: Catalog,
) -> None:
    doc = parse_session_document(_as_version_1(_example()), catalog)

    assert doc.session.consent_obtained is True
    assert doc.session.exam_findings == ()
    assert doc.session.sites[0].medications[0].ndc == ""
    assert json.loads(to_json(doc))["format"] == FORMAT == "tpi-desk/session@3"


def test_a_version_1_document_with_a_version_2_key_names_it(catalog: Catalog) -> None:
    old = _as_version_1(_example())
    old["consent"] = {"obtained": True}
    old["sites"][0]["medications"][0]["ndc"] = "00409-4276-01"

    assert _problems(old, catalog) == [
        "consent: is not a field of this format",
        "sites[0].medications[0].ndc: is not a field of this format",
    ]


def test_a_version_2_document_with_consent_obtained_names_it(catalog: Catalog) -> None:
    data = _example()
    data["consent_obtained"] = True

    assert _problems(data, catalog) == ["consent_obtained: is not a field of this format"]


# --- NDC ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "claim_form"),
    [
        # DOMAIN.md, Billing: 10-digit 4-4-2 / 5-3-2 / 5-4-1, padded to 5-4-2.
        ("0409-4276-01", "00409-4276-01"),  # 4-4-2: pad the labeler
        ("63323-492-27", "63323-0492-27"),  # 5-3-2: pad the product
        ("00003-0293-5", "00003-0293-05"),  # 5-4-1: pad the package
        ("00409-4276-01", "00409-4276-01"),  # already 5-4-2
        ("00409427601", "00409-4276-01"),  # 11 digits without hyphens
        (" 0409-4276-01 ", "00409-4276-01"),
        ("0409427601", None),  # 10 bare digits: which segment is short?
        ("409-4276-01", None),
        ("0409-4276-001", None),
        ("04094-2760-1a", None),
        ("", None),
    ],
)
def test_ndc_forms_normalise_to_5_4_2(written: str, claim_form: str | None) -> None:
    assert normalised_ndc(written) == claim_form


def test_a_document_ndc_is_stored_in_the_claim_form(catalog: Catalog) -> None:
    data = _example()
    data["sites"][0]["medications"][0]["ndc"] = "0409-4276-01"

    doc = parse_session_document(data, catalog)

    assert doc.session.sites[0].medications[0].ndc == "00409-4276-01"


def test_a_document_with_a_bad_ndc_names_the_field(catalog: Catalog) -> None:
    data = _example()
    data["sites"][1]["medications"][0]["ndc"] = "0409427601"

    (line,) = _problems(data, catalog)
    assert line.startswith("sites[1].medications[0].ndc: must be a 10- or 11-digit NDC")


# --- Every new field with a closed set or a range is checked -----------------------------


# The changes name any field of the record, as `object`: mypy cannot match them to
# replace()'s keywords (hence ignore[arg-type]); replace() still refuses a wrong name.
def _session(**changes: object) -> Callable[[SessionEntry], SessionEntry]:
    return lambda entry: replace(entry, **changes)  # type: ignore[arg-type]


def _medication(**changes: object) -> Callable[[SessionEntry], SessionEntry]:
    def change(entry: SessionEntry) -> SessionEntry:
        site = entry.sites[0]
        line = replace(site.medications[0], **changes)  # type: ignore[arg-type]
        return replace(entry, sites=(replace(site, medications=(line,)),))

    return change


INVALID = [
    ("state", _session(location_state="ny"), "location.state"),
    ("state unknown", _session(location_state="XX"), "location.state"),
    ("place of service", _session(place_of_service="99"), "location.place_of_service"),
    ("consent risk", _session(consent_risks=("death",)), "consent.risks_discussed[0]"),
    (
        "consent risk twice",
        _session(consent_risks=("infection", "infection")),
        "consent.risks_discussed[1]",
    ),
    ("exam finding", _session(exam_findings=("tender",)), "exam_findings[0]"),
    ("scale", _session(function_scale="vas"), "function_score.scale"),
    ("score without scale", _session(function_score=Decimal(30)), "function_score.scale"),
    (
        "score outside the scale",  # PDI is 0-70 (documentation.toml)
        _session(function_scale="pdi", function_score=Decimal(71)),
        "function_score.value",
    ),
    (
        "score with two decimals",
        _session(function_scale="promis_pf", function_score=Decimal("42.25")),
        "function_score.value",
    ),
    ("relief percent", _session(prior_relief_percent=101), "prior_relief.percent"),
    ("relief weeks", _session(prior_relief_weeks=105), "prior_relief.weeks"),
    ("skin prep", _session(skin_prep="betadine"), "skin_prep"),
    ("observation", _session(observation_minutes=241), "observation_minutes"),
    (
        "interpretation without guidance",
        _session(ultrasound_interpretation="Needle in muscle"),
        "ultrasound.interpretation",
    ),
    ("override reason too long", _session(override_reason="x" * 2_001), "override_reason"),
    ("witness too long", _session(consent_witness="x" * 101), "consent.witness"),
    ("location too long", _session(location_name="x" * 201), "location.name"),
    (
        "discarded from a multi-dose vial",
        _medication(container=ContainerKind.MULTI_DOSE, discarded_ml=Decimal(1)),
        "sites[0].medications[0].discarded_ml",
    ),
    (
        "discarded from the catalog's multi-dose product",  # lidocaine: multi-dose vials
        _medication(container=None, discarded_ml=Decimal(1)),
        "sites[0].medications[0].discarded_ml",
    ),
    (
        "discarded below zero",
        _medication(discarded_ml=Decimal(-1)),
        "sites[0].medications[0].discarded_ml",
    ),
    (
        "more than one container holds",
        _medication(volume_ml=Decimal(30), discarded_ml=Decimal(25)),
        "sites[0].medications[0].discarded_ml",
    ),
    ("ndc", _medication(ndc="12345"), "sites[0].medications[0].ndc"),
    ("ndc not in 5-4-2", _medication(ndc="0409-4276-01"), "sites[0].medications[0].ndc"),
]


@pytest.mark.parametrize(
    ("change", "path"), [(c, p) for _, c, p in INVALID], ids=[name for name, _, _ in INVALID]
)
def test_each_new_field_refuses_what_it_cannot_hold(
    change: Callable[[SessionEntry], SessionEntry], path: str, catalog: Catalog
) -> None:
    assert [problem.path for problem in validate_entry(change(base_entry()), catalog)] == [path]


def test_discarded_from_a_single_dose_product_is_accepted(catalog: Catalog) -> None:
    # bupivacaine comes in single-dose vials (drugs.toml): nothing or some discarded.
    for discarded in (Decimal(0), Decimal("7.5")):
        line = MedicationEntry(
            "bupivacaine", Decimal("2.5"), Decimal("2.5"), discarded_ml=discarded
        )
        entry = replace(
            base_entry(), sites=(SiteEntry("rhomboid_major", Side.LEFT, medications=(line,)),)
        )
        assert validate_entry(entry, catalog) == ()


def test_midline_only_for_a_muscle_the_catalog_marks_midline(catalog: Catalog) -> None:
    paired = replace(base_entry(), sites=(SiteEntry("upper_trapezius", Side.MIDLINE),))
    (problem,) = validate_entry(paired, catalog)
    assert problem.path == "sites[0].side"
    assert "paired" in problem.message

    midline = [muscle for muscle in catalog.muscles.values() if muscle.midline]
    for muscle in midline:  # none today; the check reads the catalog's flag
        entry = SessionEntry(
            base_entry().performed_at,
            ProcedureKind.DRY_NEEDLING,
            sites=(SiteEntry(muscle.id, Side.MIDLINE),),
        )
        assert validate_entry(entry, catalog) == ()


def test_no_known_drug_allergies_cannot_go_with_listed_allergies(catalog: Catalog) -> None:
    data = _example()
    data["patient"]["no_known_drug_allergies"] = True

    assert _problems(data, catalog) == [
        "patient.no_known_drug_allergies: cannot be true while allergies are listed"
    ]


def test_closed_sets_of_the_patient_and_the_session_name_the_field(catalog: Catalog) -> None:
    data = _example()
    data["patient"]["coverage"] = "medicare_part_b"
    data["consent"]["type"] = "implied"
    data["tolerance"] = "excellent"
    data["sites"][0]["medications"][0]["container"] = "ampoule"

    assert [line.split(":")[0] for line in _problems(data, catalog)] == [
        "patient.coverage",
        "consent.type",
        "sites[0].medications[0].container",
        "tolerance",
    ]


def test_the_example_documents_every_field(catalog: Catalog) -> None:
    doc = from_json(EXAMPLE.read_text(encoding="utf-8"), catalog)

    assert validate_patient(doc.patient) == ()
    assert doc.session.location_state == "NY"
    assert doc.session.exam_findings
    assert doc.session.consent_risks
    assert all(line.ndc for site in doc.session.sites for line in site.medications)
