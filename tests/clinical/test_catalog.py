"""The shipped catalog holds every muscle, drug and code, and bad data fails by file and entry."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tpi_desk.clinical.catalog import (
    CATALOG_FILES,
    REGIONS,
    Catalog,
    CatalogError,
    DrugClass,
    load_catalog,
)
from tpi_desk.clinical.record import Position, ProcedureKind
from tpi_desk.paths import resource_path

MUSCLES_BY_GROUP = {
    # DOMAIN.md, Muscles: "Jaw (mastication, M79.11)".
    "Jaw": "masseter, temporalis, lateral pterygoid, medial pterygoid",
    "Neck": (
        "upper trapezius, levator scapulae, sternocleidomastoid, anterior scalene, middle "
        "scalene, posterior scalene, splenius capitis, splenius cervicis, semispinalis capitis, "
        "suboccipitals"
    ),
    "Shoulder and upper back": (
        "middle trapezius, lower trapezius, rhomboid major, rhomboid minor, supraspinatus, "
        "infraspinatus, teres major, teres minor, deltoid, latissimus dorsi, pectoralis major, "
        "pectoralis minor, serratus anterior, subscapularis"
    ),
    "Lower back and hip": (
        "quadratus lumborum, iliocostalis lumborum, longissimus thoracis, multifidus, gluteus "
        "maximus, gluteus medius, gluteus minimus, piriformis, iliopsoas, tensor fasciae latae"
    ),
    "Arm": (
        "biceps brachii, triceps brachii, brachialis, brachioradialis, coracobrachialis, anconeus"
    ),
    "Wrist and forearm": (
        "extensor carpi radialis longus, extensor carpi radialis brevis, extensor carpi ulnaris, "
        "extensor digitorum, flexor carpi radialis, flexor carpi ulnaris, flexor digitorum "
        "superficialis, pronator teres, palmaris longus"
    ),
    "Leg": (
        "gastrocnemius, soleus, tibialis anterior, fibularis longus, vastus lateralis, vastus "
        "medialis, rectus femoris, biceps femoris, semitendinosus, semimembranosus, adductor "
        "longus, adductor magnus"
    ),
}
ALL_MUSCLES = [
    (group, name.strip()) for group, names in MUSCLES_BY_GROUP.items() for name in names.split(",")
]
COVERED_CODES = {
    "M79.10",
    "M79.11",
    "M79.12",
    "M79.18",
    "G44.201",
    "G44.209",
    "G44.211",
    "G44.219",
    "G44.221",
    "G44.229",
}
UNCOVERED_CODES = {
    "M79.1",
    "M79.7",
    "M54.2",
    "M54.5",
    "M54.50",
    "M54.51",
    "M54.59",
    "M62.830",
    "M62.838",
    "U09.9",
}


@pytest.mark.parametrize(("group", "name"), ALL_MUSCLES)
def test_every_reference_muscle_is_present_with_its_snake_case_id(
    catalog: Catalog, group: str, name: str
) -> None:
    muscle = catalog.muscle(name.replace(" ", "_"))
    assert muscle.name.lower() == name
    assert muscle.group == group
    assert muscle.region in REGIONS
    assert muscle.views and set(muscle.views) <= {"front", "back"}


def test_catalog_has_exactly_the_reference_muscles_in_order(catalog: Catalog) -> None:
    assert list(catalog.muscles) == [name.replace(" ", "_") for _, name in ALL_MUSCLES]
    assert "paraspinals" not in catalog.muscles


@pytest.mark.parametrize(
    ("muscle_id", "region", "pneumothorax_risk"),
    [
        ("masseter", "jaw", False),
        ("temporalis", "jaw", False),
        ("lateral_pterygoid", "jaw", False),
        ("medial_pterygoid", "jaw", False),
        ("upper_trapezius", "cervical", True),
        ("anterior_scalene", "cervical", True),
        ("sternocleidomastoid", "cervical", False),
        ("middle_trapezius", "scapular", True),
        ("lower_trapezius", "thoracic", True),
        ("rhomboid_major", "scapular", True),
        ("infraspinatus", "scapular", False),
        ("pectoralis_major", "thoracic", True),
        ("pectoralis_minor", "thoracic", True),
        ("serratus_anterior", "thoracic", True),
        ("quadratus_lumborum", "lumbar", False),
        ("multifidus", "lumbar", False),
        ("gluteus_medius", "gluteal", False),
        ("piriformis", "gluteal", False),
        ("extensor_carpi_radialis_longus", "upper_limb", False),
        ("fibularis_longus", "lower_limb", False),
        ("adductor_magnus", "lower_limb", False),
    ],
)
def test_muscle_regions_and_pneumothorax_risk(
    catalog: Catalog, muscle_id: str, region: str, pneumothorax_risk: bool
) -> None:
    muscle = catalog.muscle(muscle_id)
    assert (muscle.region, muscle.pneumothorax_risk) == (region, pneumothorax_risk)


def test_every_reference_icd10_code_is_present_with_its_coverage(catalog: Catalog) -> None:
    assert set(catalog.icd10) == COVERED_CODES | UNCOVERED_CODES
    assert {c.code for c in catalog.icd10.values() if c.tpi_lcd_covered} == COVERED_CODES
    assert catalog.payer_rules.covered_diagnoses == COVERED_CODES


def test_category_headings_are_not_billable(catalog: Catalog) -> None:
    not_billable = {code for code, c in catalog.icd10.items() if not c.billable}
    assert not_billable == {"M54.5", "M79.1"}
    assert catalog.icd10_code("M62.830").descriptor == "Muscle spasm of back"


def test_drug_limits_and_billing_units(catalog: Catalog) -> None:
    lidocaine = catalog.drug("lidocaine")
    assert lidocaine.drug_class is DrugClass.LOCAL_ANAESTHETIC and lidocaine.is_local_anaesthetic
    # DOMAIN.md, Safety: marketed lidocaine strengths 5, 10, 15, 20 mg/mL.
    assert lidocaine.concentrations_mg_per_ml == (Decimal(5), Decimal(10), Decimal(15), Decimal(20))
    assert (lidocaine.max_mg_per_kg, lidocaine.max_total_mg) == (Decimal("4.5"), Decimal(300))
    assert lidocaine.hcpcs_code is None and lidocaine.allergy_class == "amide"
    with_epi = catalog.drug("lidocaine_with_epinephrine")
    assert (with_epi.max_mg_per_kg, with_epi.max_total_mg) == (Decimal(7), Decimal(500))
    bupivacaine = catalog.drug("bupivacaine")
    assert bupivacaine.max_total_mg == Decimal(175)
    assert (bupivacaine.hcpcs_code, bupivacaine.hcpcs_unit_mg) == ("J0665", Decimal("0.5"))
    assert catalog.drug("bupivacaine_with_epinephrine").max_total_mg == Decimal(225)
    triamcinolone = catalog.drug("triamcinolone_acetonide")
    assert triamcinolone.is_corticosteroid and not triamcinolone.is_local_anaesthetic
    assert (triamcinolone.max_total_mg, triamcinolone.max_mg_per_site) == (Decimal(80), Decimal(40))
    assert (triamcinolone.hcpcs_code, triamcinolone.hcpcs_unit_mg) == ("J3301", Decimal(10))
    assert catalog.drug("methylprednisolone_acetate").hcpcs_code == "J1010"
    assert catalog.drug("dexamethasone_sodium_phosphate").hcpcs_unit_mg == Decimal(1)
    assert catalog.drug("betamethasone").hcpcs_unit_mg == Decimal(6)
    saline = catalog.drug("sodium_chloride_0_9")
    assert saline.drug_class is DrugClass.OTHER and saline.max_total_mg is None


def test_all_drug_numbers_are_exact_decimals(catalog: Catalog) -> None:
    for drug in catalog.drugs.values():
        numbers = [*drug.concentrations_mg_per_ml, drug.max_mg_per_kg, drug.max_total_mg]
        numbers += [drug.max_mg_per_site, drug.hcpcs_unit_mg]
        assert all(n is None or isinstance(n, Decimal) for n in numbers), drug.id


def test_cpt_codes_choose_by_kind_and_muscle_count(catalog: Catalog) -> None:
    assert list(catalog.cpt) == ["20552", "20553", "20560", "20561", "76942"]
    tpi = ProcedureKind.TRIGGER_POINT_INJECTION
    assert catalog.cpt_code("20552").covers(tpi, 2)
    assert not catalog.cpt_code("20552").covers(tpi, 3)
    assert catalog.cpt_code("20553").covers(tpi, 40)
    assert not catalog.cpt_code("20560").covers(tpi, 1)
    guidance = catalog.cpt_code("76942")
    assert guidance.ultrasound_guidance and guidance.reportable_with == ("20552", "20553")
    assert "not covered" in guidance.note


def test_pick_lists_positions_and_instructions(catalog: Catalog) -> None:
    assert set(catalog.position_labels) == set(Position)
    assert catalog.position_labels[Position.SIDE_LYING_LEFT].startswith("Side-lying")
    assert "pneumothorax" in catalog.complications
    assert "hematoma" in catalog.complications
    assert "vasovagal_reaction" in catalog.side_effects
    assert list(catalog.conservative_care_options.values()) == [
        "Pain medication",
        "Physical therapy",
        "Chiropractic care",
        "Acupuncture",
        "Home exercise program",
    ]
    text = catalog.default_instructions.lower()
    assert "numbness or soreness" in text and "infection" in text and "72 hours" in text
    assert "shortness of breath" in catalog.chest_wall_instructions


def test_payer_rules(catalog: Catalog) -> None:
    rules = catalog.payer_rules
    assert rules.max_sessions_rolling_12_months == 3
    assert rules.min_days_between_same_muscle == 42
    assert rules.max_regions_per_session == 1
    assert "L34211" in rules.lcd_ids
    assert rules.applies_to == {ProcedureKind.TRIGGER_POINT_INJECTION}
    assert rules.ultrasound_guidance_covered is False
    assert rules.effective_date == date(2024, 4, 1)


def test_every_file_records_its_source_and_as_of_date(catalog: Catalog) -> None:
    assert [s.file for s in catalog.sources] == list(CATALOG_FILES)
    for source in catalog.sources:
        assert source.source and source.description
        assert date(2024, 1, 1) <= source.as_of <= date.today()


def test_unknown_ids_raise_a_clear_key_error(catalog: Catalog) -> None:
    with pytest.raises(KeyError, match="Unknown muscle 'paraspinals'"):
        catalog.muscle("paraspinals")
    with pytest.raises(KeyError, match="Unknown drug 'lidocain'"):
        catalog.drug("lidocain")
    with pytest.raises(KeyError, match="Unknown ICD-10-CM code"):
        catalog.icd10_code("Z99.99")


@pytest.mark.parametrize(
    ("query", "first_codes"),
    [
        ("M79.1", ["M79.1", "M79.10", "M79.11", "M79.12", "M79.18"]),
        ("m7918", ["M79.18"]),
        ("g44.22", ["G44.221", "G44.229"]),
        ("MYOFASCIAL", ["M79.1", "M79.10", "M79.11", "M79.12", "M79.18"]),
        ("chronic TÉNSION", ["G44.221", "G44.229"]),
        ("back spasm", ["M62.830"]),
        ("nothing like this", []),
    ],
)
def test_search_icd10(catalog: Catalog, query: str, first_codes: list[str]) -> None:
    assert [c.code for c in catalog.search_icd10(query)] == first_codes


def test_search_icd10_with_an_empty_query_lists_everything(catalog: Catalog) -> None:
    assert len(catalog.search_icd10("  ")) == len(catalog.icd10)


def test_search_muscles_is_accent_and_case_insensitive(catalog: Catalog) -> None:
    assert [m.id for m in catalog.search_muscles("SCALÈNE")] == [
        "anterior_scalene",
        "middle_scalene",
        "posterior_scalene",
    ]
    assert [m.id for m in catalog.search_muscles("carpi radialis")] == [
        "extensor_carpi_radialis_longus",
        "extensor_carpi_radialis_brevis",
        "flexor_carpi_radialis",
    ]


def test_search_muscles_puts_names_starting_with_the_query_first(catalog: Catalog) -> None:
    found = [m.id for m in catalog.search_muscles("trap")]
    assert found == ["upper_trapezius", "middle_trapezius", "lower_trapezius"]
    assert catalog.search_muscles("teres")[0].id == "teres_major"
    assert [m.id for m in catalog.search_muscles("Teres")][:2] == ["teres_major", "teres_minor"]


# --- malformed data ------------------------------------------------------------------------


@pytest.fixture
def catalog_copy(tmp_path: Path) -> Path:
    target = tmp_path / "catalog"
    shutil.copytree(resource_path("catalog"), target)
    return target


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_copy_of_the_catalog_loads(catalog_copy: Path, catalog: Catalog) -> None:
    assert list(load_catalog(catalog_copy).muscles) == list(catalog.muscles)


def test_invalid_toml_names_the_file(catalog_copy: Path) -> None:
    (catalog_copy / "muscles.toml").write_text('[meta\nsource = "x"\n', encoding="utf-8")
    with pytest.raises(CatalogError, match=r"muscles\.toml: not valid TOML") as caught:
        load_catalog(catalog_copy)
    assert caught.value.file == "muscles.toml"


def test_a_missing_file_is_named(catalog_copy: Path) -> None:
    (catalog_copy / "cpt.toml").unlink()
    with pytest.raises(CatalogError, match=r"cpt\.toml: the file is missing"):
        load_catalog(catalog_copy)


def test_a_float_dose_names_the_file_and_the_drug(catalog_copy: Path) -> None:
    _replace(catalog_copy / "drugs.toml", 'max_mg_per_kg = "4.5"', "max_mg_per_kg = 4.5")
    with pytest.raises(CatalogError) as caught:
        load_catalog(catalog_copy)
    assert caught.value.file == "drugs.toml"
    assert caught.value.entry == "[[drug]] #1 (lidocaine)"
    assert "max_mg_per_kg must be written as a string" in str(caught.value)


def test_an_unknown_region_names_the_muscle(catalog_copy: Path) -> None:
    _replace(catalog_copy / "muscles.toml", 'region = "cervical"', 'region = "neck"')
    with pytest.raises(CatalogError, match=r"upper_trapezius.*region must be one of"):
        load_catalog(catalog_copy)


def test_a_duplicated_id_is_refused(catalog_copy: Path) -> None:
    _replace(catalog_copy / "muscles.toml", 'id = "levator_scapulae"', 'id = "upper_trapezius"')
    with pytest.raises(CatalogError, match=r"muscles\.toml, upper_trapezius: appears twice"):
        load_catalog(catalog_copy)


def test_a_missing_position_label_is_refused(catalog_copy: Path) -> None:
    _replace(catalog_copy / "findings.toml", 'prone = "Prone"\n', "")
    with pytest.raises(CatalogError, match=r"findings\.toml, \[positions\]: prone is missing"):
        load_catalog(catalog_copy)


def test_a_malformed_as_of_date_is_refused(catalog_copy: Path) -> None:
    _replace(catalog_copy / "icd10.toml", 'as_of = "2026-01-01"', 'as_of = "soon"')
    with pytest.raises(CatalogError, match=r"icd10\.toml, \[meta\]: as_of must be"):
        load_catalog(catalog_copy)


@pytest.mark.parametrize("file", CATALOG_FILES)
def test_a_file_without_source_or_as_of_is_refused(catalog_copy: Path, file: str) -> None:
    path = catalog_copy / file
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nas_of = ", "\nchecked = ", 1), encoding="utf-8")
    with pytest.raises(CatalogError, match=rf"{file}, \[meta\]: as_of is missing"):
        load_catalog(catalog_copy)


def test_a_billing_code_without_its_unit_is_refused(catalog_copy: Path) -> None:
    _replace(catalog_copy / "drugs.toml", 'hcpcs_unit_mg = "10"\n', "")
    with pytest.raises(CatalogError, match=r"triamcinolone_acetonide.*go together"):
        load_catalog(catalog_copy)
