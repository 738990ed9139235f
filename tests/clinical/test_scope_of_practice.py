"""Scope of practice (issue 12): credentials parsed, never refused; the state's row of
scope.toml decides the warnings. Each row cites its source."""

from __future__ import annotations

from datetime import datetime

import pytest

from tpi_desk.clinical.alerts import AlertCode, AlertSeverity, session_alerts
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.credentials import Profession, parse_credentials
from tpi_desk.clinical.record import ProcedureKind, ProviderFacts, SessionEntry, Side, SiteEntry
from tpi_desk.clinical.settings import SafetySettings

WHEN = datetime(2026, 3, 10, 9, 30)
SCOPE = "DOMAIN.md, Scope of practice (dry needling)"
NY = "scope.toml NY dry_needling (NYSED, Education Law art. 160)"
DEFAULT = "scope.toml default row (verify)"

DN = ProcedureKind.DRY_NEEDLING
TPI = ProcedureKind.TRIGGER_POINT_INJECTION


@pytest.mark.parametrize(
    ("text", "known", "professions", "unknown"),
    [
        ("MD", ("MD",), {Profession.MD}, ()),
        ("M.D., L.Ac.", ("MD", "LAc"), {Profession.MD, Profession.LAC}, ()),
        ("NP-C", ("NP-C",), {Profession.NP}, ()),
        ("FNP-BC", ("FNP-BC",), {Profession.NP}, ()),
        ("AGPCNP-BC, DNP", ("AGPCNP-BC", "DNP"), {Profession.NP}, ()),
        ("pa-c", ("PA-C",), {Profession.PA}, ()),
        ("PT, DPT", ("PT", "DPT"), {Profession.PT}, ()),
        ("D.C.", ("DC",), {Profession.DC}, ()),
        ("DDS", ("DDS",), {Profession.DENTIST}, ()),
        ("RN, BSN", ("RN", "BSN"), {Profession.RN}, ()),
        ("DO / PhD", ("DO", "PhD"), {Profession.DO}, ()),
        ("MD, XYZ-Q", ("MD",), {Profession.MD}, ("XYZ-Q",)),
        ("", (), set(), ()),
    ],
)
def test_credentials_are_parsed_and_unknown_ones_kept(
    text: str, known: tuple[str, ...], professions: set[Profession], unknown: tuple[str, ...]
) -> None:
    # Issue 12, section 1: provider.credentials parsed into known credentials; unknown kept.
    parsed = parse_credentials(text)
    assert (parsed.known, parsed.professions, parsed.unknown) == (
        known,
        frozenset(professions),
        unknown,
    )


def _scope_alerts(
    catalog: Catalog,
    kind: ProcedureKind,
    credentials: str,
    *,
    location_state: str = "",
    clinic_state: str = "",
    certified: bool = False,
) -> list[tuple[str, AlertSeverity]]:
    entry = SessionEntry(
        performed_at=WHEN,
        kind=kind,
        location_state=location_state,
        sites=(SiteEntry("upper_trapezius", Side.LEFT),),
    )
    provider = ProviderFacts("prov", "Pat Provider", credentials, acupuncture_certified=certified)
    found = session_alerts(
        entry,
        catalog,
        weight_kg=None,
        today=WHEN.date(),
        provider=provider,
        safety=SafetySettings(clinic_state=clinic_state),
    )
    scope_codes = {
        AlertCode.DRY_NEEDLING_SCOPE,
        AlertCode.INJECTION_SCOPE,
        AlertCode.CREDENTIALS_UNKNOWN,
    }
    return [(a.code, a.severity) for a in found if a.code in scope_codes]


W = AlertSeverity.WARNING
I = AlertSeverity.INFO  # noqa: E741


@pytest.mark.parametrize(
    ("kind", "credentials", "where", "certified", "expected", "source"),
    [
        (DN, "PT, DPT", {"location_state": "NY"}, False, [("dry_needling_scope", W)], NY),
        (DN, "L.Ac.", {"location_state": "NY"}, False, [], NY),
        (DN, "MD", {"location_state": "NY"}, False, [("dry_needling_scope", I)], NY),
        (DN, "MD", {"location_state": "NY"}, True, [], NY),
        (DN, "DO", {"clinic_state": "NY"}, False, [("dry_needling_scope", I)], NY),
        (DN, "MD, L.Ac.", {"location_state": "NY"}, False, [], NY),
        (DN, "NP-C", {"location_state": "NY"}, False, [], f"{NY}; {SCOPE} (clinic page)"),
        (DN, "PA-C", {"location_state": "NY"}, False, [], f"{NY}; {SCOPE} (clinic page)"),
        (DN, "DC", {"location_state": "NY"}, False, [("dry_needling_scope", W)], NY),
        (DN, "PT, DPT", {"location_state": "TX"}, False, [], DEFAULT),
        (DN, "DPT", {"clinic_state": "CO"}, False, [], DEFAULT),
        (DN, "RN", {"clinic_state": "CO"}, False, [("dry_needling_scope", W)], DEFAULT),
        # The session's own location wins over the clinic's state.
        (DN, "PT", {"location_state": "NJ", "clinic_state": "NY"}, False, [], DEFAULT),
        (DN, "PT", {"location_state": "NY", "clinic_state": "NJ"}, False,
         [("dry_needling_scope", W)], NY),
        # No state at all: verify (a state-specific row exists for dry needling).
        (DN, "PT", {}, False, [("dry_needling_scope", I)], f"{SCOPE}: default verify"),
        (TPI, "MD", {}, False, [], DEFAULT),
        (TPI, "AGPCNP-BC", {"clinic_state": "NY"}, False, [], DEFAULT),
        (TPI, "PT", {"clinic_state": "NY"}, False, [("injection_scope", W)], DEFAULT),
        (TPI, "L.Ac.", {"clinic_state": "TX"}, False, [("injection_scope", W)], DEFAULT),
        (TPI, "MD, FOO", {"clinic_state": "TX"}, False, [("credentials_unknown", W)],
         "issue 12: unknown credentials kept and warned, never refused"),
    ],
)  # fmt: skip
def test_scope_of_practice_warns_never_refuses(
    catalog: Catalog,
    kind: ProcedureKind,
    credentials: str,
    where: dict[str, str],
    certified: bool,
    expected: list[tuple[str, AlertSeverity]],
    source: str,
) -> None:
    found = _scope_alerts(catalog, kind, credentials, certified=certified, **where)
    assert found == expected, source


def test_the_new_york_warning_says_why(catalog: Catalog) -> None:
    entry = SessionEntry(
        performed_at=WHEN,
        kind=DN,
        location_state="NY",
        sites=(SiteEntry("upper_trapezius", Side.LEFT),),
    )
    provider = ProviderFacts("pt", "Sam Therapist", "PT, DPT")
    (alert,) = [
        a
        for a in session_alerts(
            entry, catalog, weight_kg=None, today=WHEN.date(), provider=provider
        )
        if a.code == AlertCode.DRY_NEEDLING_SCOPE
    ]
    assert alert.message == (
        "Sam Therapist, PT and DPT: New York treats dry needling as acupuncture (Education Law "
        "article 160): licensed acupuncturists and medical practitioners (MD, DO, PA, NP) may "
        "perform it; physical therapists may not"
    )
    assert alert.path == "provider.credentials"


def test_every_scope_row_keeps_its_source_and_date(catalog: Catalog) -> None:
    rules = list(catalog.scope.rules.values())
    assert rules and all(rule.source and rule.as_of for rule in rules)
    assert catalog.scope.rule_for("ny", DN) is catalog.scope.rules[("NY", DN)]
    assert catalog.scope.rule_for("TX", TPI) is catalog.scope.rules[("*", TPI)]
