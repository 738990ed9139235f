"""Who may do what: checked in the services, whatever the UI shows.

Roles decide the actions (``authorize``): clinicians (physicians and nurse practitioner
accounts, which also serve PAs, acupuncturists and physical therapists) document and sign
every procedure kind. Credentials never refuse (issue 12): the scope-of-practice table of the
clinical core warns when a procedure is outside a credential's scope in the session's state
(``dry_needling_scope``, ``injection_scope``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tpi_desk.clinical.record import ProcedureKind, Role
from tpi_desk.services.errors import PermissionDenied


class Action(StrEnum):
    VIEW_CLINICAL = "view clinical records"
    VIEW_DRAFTS = "view draft notes"
    EDIT_PATIENT = "create or change patients"
    AUTHOR_SESSION = "write session notes"
    SIGN_SESSION = "sign session notes"
    COSIGN_SESSION = "co-sign session notes"
    EXPORT_NOTES = "export notes"
    MANAGE_SETTINGS = "change clinic settings"
    MANAGE_USERS = "manage user accounts"
    VIEW_AUDIT = "read the audit log"
    VIEW_OUTCOMES = "read the outcomes report"


_CLINICIAN = frozenset(
    {
        Action.VIEW_CLINICAL,
        Action.VIEW_DRAFTS,
        Action.EDIT_PATIENT,
        Action.AUTHOR_SESSION,
        Action.SIGN_SESSION,
        Action.EXPORT_NOTES,
        Action.VIEW_OUTCOMES,
    }
)
_ALLOWED: dict[Role, frozenset[Action]] = {
    Role.PHYSICIAN: _CLINICIAN | {Action.COSIGN_SESSION},
    Role.NURSE_PRACTITIONER: _CLINICIAN,
    # Billing staff read and export signed notes (never drafts) and change nothing clinical;
    # the outcomes report (sums over signed notes, no patient named) shows them less.
    Role.BILLING: frozenset({Action.VIEW_CLINICAL, Action.EXPORT_NOTES, Action.VIEW_OUTCOMES}),
    # Admins register patients, manage users and settings and read the audit log; they
    # see signed notes, not drafts, and write no clinical content.
    Role.ADMIN: frozenset(
        {
            Action.VIEW_CLINICAL,
            Action.EDIT_PATIENT,
            Action.MANAGE_SETTINGS,
            Action.MANAGE_USERS,
            Action.VIEW_AUDIT,
            Action.VIEW_OUTCOMES,
        }
    ),
}

CLINICAL_ROLES = frozenset({Role.PHYSICIAN, Role.NURSE_PRACTITIONER})

KIND_LABELS = {
    ProcedureKind.TRIGGER_POINT_INJECTION: "trigger point injections",
    ProcedureKind.DRY_NEEDLING: "dry needling",
}
KIND_PERFORMERS = {
    ProcedureKind.TRIGGER_POINT_INJECTION: "clinicians (physician or nurse practitioner accounts)",
    ProcedureKind.DRY_NEEDLING: "clinicians (physician or nurse practitioner accounts)",
}


@dataclass(frozen=True, slots=True)
class Actor:
    """The signed-in user on whose behalf a service acts."""

    user_id: int
    username: str
    role: Role
    credentials: str = ""
    display_name: str = ""


def may(actor: Actor | None, action: Action) -> bool:
    """Whether a signed-in ``actor`` may perform ``action`` (None, the local operator: yes)."""
    return actor is None or action in _ALLOWED[actor.role]


def authorize(actor: Actor | None, action: Action, *, local_operator: bool = False) -> None:
    """Raise PermissionDenied unless ``actor`` may perform ``action``.

    ``None`` is the operator of a trusted local command (import, users, verify); it is
    accepted only where the caller passes ``local_operator=True``.
    """
    if actor is None:
        if local_operator:
            return
        raise PermissionDenied(f"Sign in first: only a signed-in user may {action.value}.")
    if action not in _ALLOWED[actor.role]:
        raise PermissionDenied(
            f"{actor.username} ({actor.role.value.replace('_', ' ')}) may not {action.value}."
        )


def credential_words(credentials: str) -> frozenset[str]:
    """``"M.D., PA-C / L.Ac."`` -> ``{"MD", "PA-C", "LAC"}``."""
    text = credentials.replace(",", " ").replace("/", " ").replace(";", " ")
    return frozenset(word.replace(".", "").upper() for word in text.split() if word.strip("."))


def allowed_kinds(role: Role, credentials: str = "") -> frozenset[ProcedureKind]:
    """The procedure kinds someone with ``role`` may document and sign: every kind for a
    clinical role, none otherwise. ``credentials`` do not decide (they are warned about by
    the scope-of-practice check, never refused)."""
    del credentials  # kept in the signature: callers pass what they know
    return frozenset(ProcedureKind) if role in CLINICAL_ROLES else frozenset()


def require_kind(
    role: Role, credentials: str, name: str, kind: ProcedureKind, *, doing: str = "document"
) -> None:
    """PermissionDenied unless ``name``'s ``role`` may ``doing`` ``kind`` (credentials never
    refuse)."""
    if kind in allowed_kinds(role, credentials):
        return
    raise PermissionDenied(
        f"{name} ({role.value.replace('_', ' ')}) may not {doing} {KIND_LABELS[kind]}: "
        f"they are documented by {KIND_PERFORMERS[kind]}."
    )


def require_actor_kind(actor: Actor | None, kind: ProcedureKind, *, doing: str) -> None:
    """``require_kind`` for the signed-in user (the local operator is not checked)."""
    if actor is not None:
        require_kind(actor.role, actor.credentials, actor.username, kind, doing=doing)


def signed_in(actor: Actor | None, action: Action) -> Actor:
    """``actor`` after ``authorize`` (the local operator is refused): for actions that need
    a person, such as signing with a password."""
    authorize(actor, action)
    if actor is None:  # authorize refused it already; this tells the type checker
        raise PermissionDenied(f"Sign in first: only a signed-in user may {action.value}.")
    return actor
