"""Scope of practice: the provider's credentials against the state's table (scope.toml).
Never a refusal: a warning when the credentials are outside the state's list, a reminder
where the state asks for a certification, and unknown credentials reported as written."""

from __future__ import annotations

from collections.abc import Iterator

from tpi_desk.clinical.alerts.kinds import Alert, AlertCode, AlertSeverity, join_names
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.credentials import Credentials, parse_credentials
from tpi_desk.clinical.record import ProcedureKind, ProviderFacts, SessionEntry

_SCOPE_CODE = {
    ProcedureKind.DRY_NEEDLING: AlertCode.DRY_NEEDLING_SCOPE,
    ProcedureKind.TRIGGER_POINT_INJECTION: AlertCode.INJECTION_SCOPE,
}
_PROCEDURE = {
    ProcedureKind.DRY_NEEDLING: "dry needling",
    ProcedureKind.TRIGGER_POINT_INJECTION: "trigger point injections",
}


def session_state(entry: SessionEntry, clinic_state: str) -> str:
    """The two-letter state of the session: its location's, else the clinic's ("" unknown)."""
    return (entry.location_state.strip() or clinic_state.strip()).upper()


def scope_alerts(
    entry: SessionEntry, catalog: Catalog, provider: ProviderFacts | None, *, clinic_state: str
) -> Iterator[Alert]:
    if provider is None:
        return
    credentials = parse_credentials(provider.credentials)
    if credentials.unknown:
        words = join_names([f'"{word}"' for word in credentials.unknown])
        verb = (
            "is not a known credential"
            if len(credentials.unknown) == 1
            else ("are not known credentials")
        )
        yield Alert(
            AlertCode.CREDENTIALS_UNKNOWN,
            AlertSeverity.WARNING,
            f"{_who(provider)}: {words} {verb}; kept as written, check the spelling",
            "provider.credentials",
        )
    state = session_state(entry, clinic_state)
    rule = catalog.scope.rule_for(state, entry.kind)
    if rule is None:
        return
    code = _SCOPE_CODE[entry.kind]
    allowed = credentials.professions & rule.allowed
    if not allowed:
        unknown_state = "" if state else " (the session's state is not recorded)"
        yield Alert(
            code,
            AlertSeverity.WARNING,
            f"{_who(provider)}, {_credentials(credentials)}: {rule.message}{unknown_state}",
            "provider.credentials",
        )
        return
    if not state and catalog.scope.has_state_rules(entry.kind):
        yield Alert(
            code,
            AlertSeverity.INFO,
            "The state of the session is not recorded (location or clinic settings): verify "
            f"that {_PROCEDURE[entry.kind]} by {_credentials(credentials)} is within the scope "
            "of practice there",
            "location.state",
        )
        return
    needs_certificate = allowed <= rule.remind_unless_acupuncture_certified
    if needs_certificate and rule.reminder and not provider.acupuncture_certified:
        yield Alert(code, AlertSeverity.INFO, rule.reminder, "provider.acupuncture_certified")


def _who(provider: ProviderFacts) -> str:
    return provider.display_name or provider.username or "The provider"


def _credentials(credentials: Credentials) -> str:
    if credentials.known:
        return join_names(list(credentials.known))
    return "no recognised credentials"
