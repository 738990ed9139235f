"""Who may do what: checked in the services, whatever the UI shows."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tpi_desk.clinical.record import Role
from tpi_desk.services.errors import PermissionDenied


class Action(StrEnum):
    VIEW_CLINICAL = "view clinical records"
    EDIT_PATIENT = "create or change patients"
    AUTHOR_SESSION = "write session notes"
    SIGN_SESSION = "sign session notes"
    EXPORT_NOTES = "export notes"
    MANAGE_SETTINGS = "change clinic settings"


_ALLOWED: dict[Role, frozenset[Action]] = {
    Role.PHYSICIAN: frozenset(Action) - {Action.MANAGE_SETTINGS},
    Role.NURSE_PRACTITIONER: frozenset(Action) - {Action.MANAGE_SETTINGS},
    Role.BILLING: frozenset({Action.VIEW_CLINICAL, Action.EXPORT_NOTES}),
    Role.ADMIN: frozenset({Action.VIEW_CLINICAL, Action.EDIT_PATIENT, Action.MANAGE_SETTINGS}),
}


@dataclass(frozen=True, slots=True)
class Actor:
    """The signed-in user on whose behalf a service acts."""

    user_id: int
    username: str
    role: Role


def authorize(actor: Actor | None, action: Action) -> None:
    """Raise PermissionDenied unless ``actor`` may perform ``action``.

    ``None`` is a trusted local command run by the workstation's own operator (the CLI
    import and demo data); the login issue replaces it with a real user.
    """
    if actor is None or action in _ALLOWED[actor.role]:
        return
    raise PermissionDenied(
        f"{actor.username} ({actor.role.value.replace('_', ' ')}) may not {action.value}."
    )
