"""Personal site templates on SQLite and PostgreSQL: exact sites, no lots, one per name."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.services.conftest import Services, actor_for, add_account, lidocaine
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import (
    MedicationEntry,
    ProcedureKind,
    ProviderFacts,
    Role,
    Side,
    SiteEntry,
)
from tpi_desk.models.database import Database
from tpi_desk.models.templates import PersonalTemplate
from tpi_desk.services.dto import ProviderRecord
from tpi_desk.services.errors import NotFound, PermissionDenied, ValidationFailed
from tpi_desk.services.sessions.templates import TemplateService

TPI = ProcedureKind.TRIGGER_POINT_INJECTION

BILATERAL_TRAPEZIUS = (
    SiteEntry(
        "upper_trapezius",
        Side.BILATERAL,
        points=2,
        needle_gauge=25,
        needle_length_mm=Decimal("38.1"),
        twitch_response=True,
        medications=(
            lidocaine("1.0"),
            MedicationEntry(
                "triamcinolone_acetonide", Decimal(40), Decimal("0.25"), "TK-88", date(2027, 1, 31)
            ),
        ),
    ),
    SiteEntry("levator_scapulae", Side.LEFT, medications=(lidocaine("0.125"),)),
)


def without_lots(sites: tuple[SiteEntry, ...]) -> tuple[SiteEntry, ...]:
    """The sites as a template keeps them, written out by hand (no lot, no expiry)."""
    return tuple(
        SiteEntry(
            site.muscle_id,
            site.side,
            site.points,
            site.needle_gauge,
            site.needle_length_mm,
            site.twitch_response,
            tuple(
                MedicationEntry(m.drug_id, m.concentration_mg_per_ml, m.volume_ml)
                for m in site.medications
            ),
        )
        for site in sites
    )


@pytest.fixture
def templates(database: Database, catalog: Catalog) -> TemplateService:
    return TemplateService(database.session_factory, catalog)


@pytest.fixture
def nurse(services: Services) -> ProviderRecord:
    return add_account(
        services, ProviderFacts("rvarga", "Réka Varga", "NP", ""), Role.NURSE_PRACTITIONER
    )


def test_sites_round_trip_exactly_without_lots(
    templates: TemplateService, physician: ProviderRecord
) -> None:
    saved = templates.save(
        physician.id, "Zoë's neck", TPI, BILATERAL_TRAPEZIUS, actor=actor_for(physician)
    )

    (listed,) = templates.list_for(physician.id, actor=actor_for(physician))

    assert listed == saved
    assert (listed.owner_id, listed.name, listed.kind) == (physician.id, "Zoë's neck", TPI)
    assert listed.sites == without_lots(BILATERAL_TRAPEZIUS)
    volumes = [str(m.volume_ml) for site in listed.sites for m in site.medications]
    assert volumes == ["1.0", "0.25", "0.125"]
    assert all(isinstance(m.volume_ml, Decimal) for s in listed.sites for m in s.medications)
    assert listed.sites[0].needle_length_mm == Decimal("38.1")
    assert listed.created_at.utcoffset() is not None


def test_lots_and_expiry_dates_are_never_stored(
    database: Database, templates: TemplateService, physician: ProviderRecord
) -> None:
    templates.save(physician.id, "Neck", TPI, BILATERAL_TRAPEZIUS, actor=actor_for(physician))

    with database.session_factory() as db:
        payload = db.scalars(select(PersonalTemplate.payload)).one()
    stored = json.loads(payload)
    medications = [m for site in stored for m in site["medications"]]
    # The container and NDC belong to the product, so a template keeps them (session document
    # @2); the lot, expiry and what was discarded belong to one vial on one day.
    assert [sorted(m) for m in medications] == [
        ["concentration_mg_per_ml", "container", "drug", "ndc", "volume_ml"]
    ] * 3
    assert "LX-2291" not in payload and "TK-88" not in payload and "2027" not in payload
    assert sorted(stored[0]) == sorted(
        [
            "muscle",
            "side",
            "points",
            "needle_gauge",
            "needle_length_mm",
            "twitch_response",
            "medications",
        ]
    )


def test_saving_under_the_same_name_replaces_the_template(
    templates: TemplateService, physician: ProviderRecord
) -> None:
    first = templates.save(
        physician.id, "Neck", TPI, BILATERAL_TRAPEZIUS, actor=actor_for(physician)
    )
    one_site = (SiteEntry("rhomboid_major", Side.RIGHT, medications=(lidocaine("2"),)),)

    second = templates.save(physician.id, "  Neck ", TPI, one_site, actor=actor_for(physician))

    assert second.id == first.id
    assert second.name == "Neck"
    assert templates.list_for(physician.id, actor=actor_for(physician)) == [second]
    assert second.sites == without_lots(one_site)


def test_templates_are_personal(
    templates: TemplateService, physician: ProviderRecord, nurse: ProviderRecord
) -> None:
    mine = templates.save(
        physician.id, "Neck", TPI, BILATERAL_TRAPEZIUS, actor=actor_for(physician)
    )
    needling = (SiteEntry("gluteus_medius", Side.LEFT, points=4),)
    theirs = templates.save(
        nurse.id, "Neck", ProcedureKind.DRY_NEEDLING, needling, actor=actor_for(nurse)
    )

    assert templates.list_for(physician.id, actor=actor_for(physician)) == [mine]
    assert templates.list_for(nurse.id, actor=actor_for(nurse)) == [theirs]
    with pytest.raises(NotFound):
        templates.delete(theirs.id, physician.id, actor=actor_for(physician))
    assert templates.list_for(nurse.id, actor=actor_for(nurse)) == [theirs]
    with pytest.raises(PermissionDenied, match="personal"):
        templates.list_for(nurse.id, actor=actor_for(physician))


def test_templates_are_listed_by_name_ignoring_case_and_accents(
    templates: TemplateService, physician: ProviderRecord
) -> None:
    sites = BILATERAL_TRAPEZIUS[1:]
    for name in ("Ødegård shoulders", "lumbar", "Bilateral trapezius", "Łukasz's protocol"):
        templates.save(physician.id, name, TPI, sites, actor=actor_for(physician))

    names = [
        template.name for template in templates.list_for(physician.id, actor=actor_for(physician))
    ]

    assert names == ["Bilateral trapezius", "Łukasz's protocol", "lumbar", "Ødegård shoulders"]


def test_a_deleted_template_is_gone(templates: TemplateService, physician: ProviderRecord) -> None:
    neck = templates.save(
        physician.id, "Neck", TPI, BILATERAL_TRAPEZIUS, actor=actor_for(physician)
    )
    back = templates.save(
        physician.id, "Back", TPI, BILATERAL_TRAPEZIUS[1:], actor=actor_for(physician)
    )

    templates.delete(neck.id, physician.id, actor=actor_for(physician))

    assert templates.list_for(physician.id, actor=actor_for(physician)) == [back]
    with pytest.raises(NotFound, match="no longer exists"):
        templates.delete(neck.id, physician.id, actor=actor_for(physician))


def test_invalid_sites_are_refused_with_their_field_paths(
    templates: TemplateService, physician: ProviderRecord
) -> None:
    bad = (
        SiteEntry("paraspinals", Side.LEFT),
        SiteEntry("rhomboid_major", Side.RIGHT, medications=(lidocaine("0"),)),
    )

    with pytest.raises(ValidationFailed) as refusal:
        templates.save(physician.id, "Broken", TPI, bad, actor=actor_for(physician))

    problems = {problem.path: problem for problem in refusal.value.problems}
    assert set(problems) == {"sites[0].muscle", "sites[1].medications[0].volume_ml"}
    volume = problems["sites[1].medications[0].volume_ml"]
    assert (volume.label, volume.message) == (
        "Site 2, medication 1: volume (mL)",
        "must be greater than 0",
    )
    assert templates.list_for(physician.id, actor=actor_for(physician)) == []


def test_dry_needling_templates_carry_no_medication(
    templates: TemplateService, physician: ProviderRecord
) -> None:
    with pytest.raises(ValidationFailed) as refusal:
        templates.save(
            physician.id,
            "Needling",
            ProcedureKind.DRY_NEEDLING,
            BILATERAL_TRAPEZIUS,
            actor=actor_for(physician),
        )

    paths = {problem.path for problem in refusal.value.problems}
    assert paths == {"sites[0].medications", "sites[1].medications"}


@pytest.mark.parametrize(
    ("name", "sites", "path", "message"),
    [
        ("   ", BILATERAL_TRAPEZIUS, "template.name", "is required"),
        ("N" * 81, BILATERAL_TRAPEZIUS, "template.name", "must be at most 80 characters"),
        ("Empty", (), "sites", "must list at least one site"),
    ],
    ids=["blank-name", "long-name", "no-sites"],
)
def test_a_template_needs_a_name_and_sites(
    templates: TemplateService,
    physician: ProviderRecord,
    name: str,
    sites: tuple[SiteEntry, ...],
    path: str,
    message: str,
) -> None:
    with pytest.raises(ValidationFailed) as refusal:
        templates.save(physician.id, name, TPI, sites, actor=actor_for(physician))

    (problem,) = refusal.value.problems
    assert problem.path == path
    assert problem.message.startswith(message)
    assert templates.list_for(physician.id, actor=actor_for(physician)) == []


def test_an_eighty_character_name_is_accepted(
    templates: TemplateService, physician: ProviderRecord
) -> None:
    name = "Ñ" * 80

    assert (
        templates.save(
            physician.id, name, TPI, BILATERAL_TRAPEZIUS, actor=actor_for(physician)
        ).name
        == name
    )
    assert templates.list_for(physician.id, actor=actor_for(physician))[0].name == name


def test_billing_staff_keep_no_templates(
    services: Services, templates: TemplateService, physician: ProviderRecord
) -> None:
    billing_user = add_account(
        services, ProviderFacts("kim.billing", "Kim Nguyễn", "CPC", ""), Role.BILLING
    )
    billing = actor_for(billing_user)

    with pytest.raises(PermissionDenied, match="may not write"):
        templates.save(billing_user.id, "Neck", TPI, BILATERAL_TRAPEZIUS, actor=billing)
    with pytest.raises(PermissionDenied, match="personal"):
        templates.save(
            billing_user.id, "Neck", TPI, BILATERAL_TRAPEZIUS, actor=actor_for(physician)
        )
    with pytest.raises(PermissionDenied, match="Sign in first"):
        templates.save(physician.id, "Neck", TPI, BILATERAL_TRAPEZIUS, actor=None)
    assert templates.list_for(physician.id, actor=actor_for(physician)) == []
