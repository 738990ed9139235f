"""The muscles' SNOMED CT concepts (issue 15): each verified in a named source, none guessed.

Each row is the concept the catalog must hold for the muscle and the source it was checked
in: ``dicom`` is DICOM PS3.16 (the SNOMED CT codes of DICOM's anatomic code lists, as
pydicom 3.0 ships them in ``pydicom.sr.codedict``), ``fhir`` the HL7 FHIR R4 value set
"SNOMED CT Anatomical Structure for Administration Site Codes", ``mcode`` HL7 mCODE's
"Radiotherapy Treatment Location" value set, ``ehdsi`` the eHDSI "Body Site" value set,
``silph`` the Philippine SILPH "List of Body Sites" (expanded against SNOMED CT International
2024-10-01), ``nz`` Health New Zealand's Care in the Community IG and ``totalseg``
TotalSegmentator's SNOMED CT mapping. The comment of a row names the other sources that agree;
"one source" marks a concept seen in that source only. Trapezius parts, iliocostalis lumborum
and longissimus thoracis carry the whole muscle's concept.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tpi_desk.clinical.catalog import Catalog, CatalogError, load_catalog
from tpi_desk.clinical.catalog.snomed import concept_id_problem, verhoeff_valid
from tpi_desk.paths import resource_path

SOURCE_KEY = {
    "dicom": "dicom_ps3_16",
    "fhir": "fhir_r4_approach_site_codes",
    "mcode": "hl7_mcode_radiotherapy",
    "ehdsi": "ehdsi_body_site",
    "silph": "ph_silph_body_sites",
    "nz": "nz_cinc_rheumatic_fever",
    "totalseg": "totalsegmentator",
}
EXPECTED = [
    # (muscle id, SNOMED CT concept, source)
    ("masseter", "79368004", "mcode"),  # also eHDSI, TotalSegmentator
    ("temporalis", "52927003", "mcode"),  # also eHDSI, TotalSegmentator
    ("lateral_pterygoid", "88938001", "mcode"),  # also eHDSI, TotalSegmentator
    ("medial_pterygoid", "85002005", "mcode"),  # also eHDSI, TotalSegmentator
    ("levator_scapulae", "11327007", "silph"),  # also TotalSegmentator
    ("suboccipitals", "244847002", "silph"),  # one source: the suboccipital muscle group
    ("upper_trapezius", "31764008", "dicom"),  # Structure of trapezius muscle
    ("middle_trapezius", "31764008", "dicom"),
    ("lower_trapezius", "31764008", "dicom"),
    ("sternocleidomastoid", "22823000", "dicom"),
    ("anterior_scalene", "50755001", "dicom"),  # Structure of scalenus anterior muscle
    ("splenius_capitis", "1600003", "fhir"),
    ("semispinalis_capitis", "2666009", "fhir"),
    ("supraspinatus", "6423006", "dicom"),
    ("infraspinatus", "72573008", "dicom"),
    ("teres_major", "1193009", "dicom"),
    ("teres_minor", "51159009", "dicom"),
    ("deltoid", "35259002", "dicom"),
    ("latissimus_dorsi", "15665001", "dicom"),
    ("pectoralis_major", "60005003", "dicom"),
    ("pectoralis_minor", "18686000", "dicom"),
    ("serratus_anterior", "18346003", "dicom"),
    ("subscapularis", "90588001", "dicom"),
    ("quadratus_lumborum", "6001004", "fhir"),
    ("iliocostalis_lumborum", "57651003", "dicom"),  # Structure of iliocostalis muscle
    ("longissimus_thoracis", "88340001", "dicom"),  # Structure of longissimus muscle
    ("multifidus", "5709001", "fhir"),
    ("gluteus_maximus", "206007", "fhir"),
    ("gluteus_medius", "78333006", "nz"),  # also TotalSegmentator, MOOSE
    ("gluteus_minimus", "75297007", "totalseg"),  # also MOOSE
    ("piriformis", "75699001", "silph"),  # one source
    ("iliopsoas", "68455001", "ehdsi"),  # also TotalSegmentator, MOOSE
    ("rectus_femoris", "72226001", "silph"),  # one source
    ("vastus_lateralis", "1403006", "fhir"),
    ("vastus_medialis", "3478008", "fhir"),
]


@pytest.mark.parametrize(("muscle_id", "code", "source"), EXPECTED)
def test_each_coded_muscle_has_its_concept_from_its_source(
    catalog: Catalog, muscle_id: str, code: str, source: str
) -> None:
    muscle = catalog.muscle(muscle_id)
    assert (muscle.snomed, muscle.snomed_source) == (code, SOURCE_KEY[source])
    assert muscle.snomed_term


def test_no_other_muscle_has_a_concept(catalog: Catalog) -> None:
    """A muscle not in the table has no code: its sites go out by name (nothing guessed)."""
    coded = {muscle.id for muscle in catalog.muscles.values() if muscle.snomed}
    assert coded == {row[0] for row in EXPECTED}


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("31764008", None),
        ("24028007", None),  # Right
        ("7771000", None),  # Left
        ("51440002", None),  # Right and left
        ("78421000", None),  # Intramuscular route
        ("31764009", "fails the SNOMED CT check digit"),
        ("3176400", "partition 40"),
        ("12345", "6 to 18 digits"),
        ("0206007", "no leading zero"),
        ("trapezius", "6 to 18 digits"),
        ("31764028", "partition 02"),
    ],
)
def test_concept_ids_are_checked_by_partition_and_check_digit(
    code: str, problem: str | None
) -> None:
    found = concept_id_problem(code)
    assert (found is None) if problem is None else (problem in str(found))


def test_the_verhoeff_check_digit_catches_a_swap() -> None:
    assert verhoeff_valid("22823000")
    assert not verhoeff_valid("28223000")


@pytest.fixture
def catalog_files(tmp_path: Path) -> Path:
    target = tmp_path / "catalog"
    shutil.copytree(resource_path("catalog"), target)
    return target


def _edited(folder: Path, old: str, new: str) -> None:
    path = folder / "muscles.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_mistyped_concept_names_the_muscle(catalog_files: Path) -> None:
    _edited(catalog_files, 'snomed = "22823000"', 'snomed = "22823001"')
    with pytest.raises(CatalogError, match=r"sternocleidomastoid.*check digit"):
        load_catalog(catalog_files)


def test_a_concept_needs_a_listed_source(catalog_files: Path) -> None:
    _edited(catalog_files, 'snomed_source = "fhir_r4_approach_site_codes"', 'snomed_source = "x"')
    with pytest.raises(CatalogError, match=r"splenius_capitis: snomed_source 'x'"):
        load_catalog(catalog_files)
