"""Allergy alerts: the drug itself, its class, its ingredients and the vial's excipients."""

from __future__ import annotations

import pytest

from tests.clinical.alert_support import SEVENTY, TODAY, alerts_for, codes, med, only, with_sites
from tpi_desk.clinical.alerts import Alert, AlertCode, AlertSeverity, session_alerts
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import (
    SessionEntry,
    Side,
    SiteEntry,
)


def allergy_alerts(
    entry: SessionEntry, catalog: Catalog, *allergies: str
) -> list[tuple[str, str | None]]:
    found = session_alerts(entry, catalog, weight_kg=SEVENTY, today=TODAY, allergies=allergies)
    return [(a.message, a.path) for a in found if a.code == AlertCode.ALLERGY_CONFLICT]


def test_an_allergy_to_the_drug_itself_warns(
    complete_entry: SessionEntry, catalog: Catalog
) -> None:
    alerts = session_alerts(
        complete_entry,
        catalog,
        weight_kg=SEVENTY,
        today=TODAY,
        allergies=("Penicillin", "LIDOCAÏNE"),
    )
    # Issue 12: an allergy conflict is a hard stop (blocking until overridden).
    assert only(alerts, AlertCode.ALLERGY_CONFLICT) == Alert(
        "allergy_conflict",
        AlertSeverity.BLOCKING,
        'Lidocaine conflicts with the recorded allergy "LIDOCAÏNE": it contains lidocaine',
        "sites[0].medications[0].drug",
    )


def test_an_allergy_class_matches_every_drug_of_that_class(
    complete_entry: SessionEntry, catalog: Catalog
) -> None:
    entry = with_sites(
        complete_entry,
        SiteEntry(
            "upper_trapezius", Side.LEFT, medications=(med("triamcinolone_acetonide", "40", "0.5"),)
        ),
        SiteEntry(
            "levator_scapulae",
            Side.LEFT,
            medications=(med("lidocaine", "10", "2"), med("bupivacaine", "2.5", "2")),
        ),
    )
    assert allergy_alerts(entry, catalog, "Amide-type local anaesthetics") == [
        (
            'Lidocaine conflicts with the recorded allergy "Amide-type local anaesthetics": '
            "it is in the amide class",
            "sites[1].medications[0].drug",
        ),
        (
            'Bupivacaine conflicts with the recorded allergy "Amide-type local anaesthetics": '
            "it is in the amide class",
            "sites[1].medications[1].drug",
        ),
    ]
    assert allergy_alerts(entry, catalog, "amides") == [
        (
            'Lidocaine conflicts with the recorded allergy "amides": it is in the amide class',
            "sites[1].medications[0].drug",
        ),
        (
            'Bupivacaine conflicts with the recorded allergy "amides": it is in the amide class',
            "sites[1].medications[1].drug",
        ),
    ]


def test_one_warning_per_drug_at_its_first_line(
    complete_entry: SessionEntry, catalog: Catalog
) -> None:
    # complete_entry gives lidocaine at both sites
    assert allergy_alerts(complete_entry, catalog, "bupivacaine") == []
    assert allergy_alerts(complete_entry, catalog, "lidocaine", "amide local anesthetics") == [
        (
            'Lidocaine conflicts with the recorded allergy "lidocaine": it contains lidocaine',
            "sites[0].medications[0].drug",
        ),
        (
            'Lidocaine conflicts with the recorded allergy "amide local anesthetics": '
            "it is in the amide class",
            "sites[0].medications[0].drug",
        ),
    ]


def test_an_ingredient_of_a_combined_drug_warns(
    complete_entry: SessionEntry, catalog: Catalog
) -> None:
    entry = with_sites(
        complete_entry,
        SiteEntry(
            "levator_scapulae",
            Side.LEFT,
            medications=(med("lidocaine_with_epinephrine", "10", "2"),),
        ),
    )
    assert allergy_alerts(entry, catalog, "Epinephrine") == [
        (
            'Lidocaine with epinephrine conflicts with the recorded allergy "Epinephrine": '
            "it contains epinephrine",
            "sites[0].medications[0].drug",
        )
    ]


def test_local_anaesthetics_in_general_and_corticosteroids(
    complete_entry: SessionEntry, catalog: Catalog
) -> None:
    entry = with_sites(
        complete_entry,
        SiteEntry(
            "levator_scapulae",
            Side.LEFT,
            medications=(
                med("bupivacaine", "5", "2"),
                med("methylprednisolone_acetate", "40", "1"),
            ),
        ),
    )
    assert allergy_alerts(entry, catalog, "local anesthetics", "Corticosteroids") == [
        (
            'Bupivacaine conflicts with the recorded allergy "local anesthetics": '
            "it is a local anaesthetic",
            "sites[0].medications[0].drug",
        ),
        (
            'Methylprednisolone acetate conflicts with the recorded allergy "Corticosteroids": '
            "it is a corticosteroid",
            "sites[0].medications[1].drug",
        ),
    ]


def test_an_allergy_to_an_excipient_of_the_usual_vial_warns(
    complete_entry: SessionEntry, catalog: Catalog
) -> None:
    meds = (
        med("lidocaine_with_epinephrine", "10", "2"),
        med("dexamethasone_sodium_phosphate", "4", "1"),
        med("bupivacaine", "5", "1"),  # preservative-free single-dose vials: nothing to warn
    )
    entry = with_sites(complete_entry, SiteEntry("levator_scapulae", Side.LEFT, medications=meds))

    found = allergy_alerts(entry, catalog, "Sulphites (wheeze)", "Benzyl alcohol", "parabens")

    assert found == [
        (
            'Lidocaine with epinephrine conflicts with the recorded allergy "Sulphites (wheeze)": '
            "its usual vial contains sodium metabisulfite; check the label of the vial used",
            "sites[0].medications[0].drug",
        ),
        (
            'Lidocaine with epinephrine conflicts with the recorded allergy "parabens": '
            "its usual vial contains methylparaben; check the label of the vial used",
            "sites[0].medications[0].drug",
        ),
        (
            'Dexamethasone sodium phosphate conflicts with the recorded allergy "Sulphites '
            '(wheeze)": its usual vial contains sodium sulfite; check the label of the vial used',
            "sites[0].medications[1].drug",
        ),
        (
            'Dexamethasone sodium phosphate conflicts with the recorded allergy "Benzyl '
            'alcohol": its usual vial contains benzyl alcohol; check the label of the vial used',
            "sites[0].medications[1].drug",
        ),
    ]


def test_every_excipient_a_drug_names_is_in_the_catalog_with_its_allergy_words(
    catalog: Catalog,
) -> None:
    named = {name for drug in catalog.drugs.values() for name in drug.excipients}
    assert named == set(catalog.excipients)
    assert all(excipient.allergy_terms for excipient in catalog.excipients.values())


@pytest.mark.parametrize(
    "allergy",
    [
        "latex",
        "penicillin",
        "Penicillins and cephalosporins",
        "ester local anaesthetics",  # lidocaine and bupivacaine are amides
        "sodium lauryl sulfate",  # "sodium" of a salt name is not an allergen
        "Sulfa drugs (sulfonamides)",  # not sulfites
        "alcohol wipes",  # not benzyl alcohol
        "general anaesthetic",
        "",
        "  ",
    ],
)
def test_unrelated_allergies_do_not_warn(
    complete_entry: SessionEntry, catalog: Catalog, allergy: str
) -> None:
    meds = (
        med("lidocaine", "10", "1"),
        med("bupivacaine", "5", "1"),
        med("dexamethasone_sodium_phosphate", "4", "1"),
        med("sodium_chloride_0_9", "9", "1"),
    )
    entry = with_sites(complete_entry, SiteEntry("levator_scapulae", Side.LEFT, medications=meds))
    assert allergy_alerts(entry, catalog, allergy) == []


def test_no_allergies_no_allergy_warnings(complete_entry: SessionEntry, catalog: Catalog) -> None:
    assert AlertCode.ALLERGY_CONFLICT not in codes(alerts_for(complete_entry, catalog))


def test_a_drug_outside_the_catalog_is_matched_by_its_id(
    complete_entry: SessionEntry, catalog: Catalog
) -> None:
    entry = with_sites(
        complete_entry,
        SiteEntry("levator_scapulae", Side.LEFT, medications=(med("procaine", "10", "1"),)),
    )
    assert allergy_alerts(entry, catalog, "Procaine (Novocain)") == [
        (
            'procaine conflicts with the recorded allergy "Procaine (Novocain)": '
            "it contains procaine",
            "sites[0].medications[0].drug",
        )
    ]
    assert allergy_alerts(entry, catalog, "latex") == []
