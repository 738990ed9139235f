"""Who may do what: checked in the services, whatever the UI shows.

Roles decide the actions (``authorize``); credentials decide which procedure kinds a
clinician may document and sign (``allowed_kinds``): injections by physicians, physician
assistants and nurse practitioners, dry needling also by licensed acupuncturists.
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


_CLINICIAN = frozenset(
    {
        Action.VIEW_CLINICAL,
        Action.VIEW_DRAFTS,
        Action.EDIT_PATIENT,
        Action.AUTHOR_SESSION,
        Action.SIGN_SESSION,
        Action.EXPORT_NOTES,
    }
)
_ALLOWED: dict[Role, frozenset[Action]] = {
    Role.PHYSICIAN: _CLINICIAN | {Action.COSIGN_SESSION},
    Role.NURSE_PRACTITIONER: _CLINICIAN,
    # Billing staff read and export signed notes (never drafts) and change nothing clinical.
    Role.BILLING: frozenset({Action.VIEW_CLINICAL, Action.EXPORT_NOTES}),
    # Admins register patients, manage users and settings and read the audit log; they
    # see signed notes, not drafts, and write no clinical content.
    Role.ADMIN: frozenset(
        {
            Action.VIEW_CLINICAL,
            Action.EDIT_PATIENT,
            Action.MANAGE_SETTINGS,
            Action.MANAGE_USERS,
            Action.VIEW_AUDIT,
        }
    ),
}

CLINICAL_ROLES = frozenset({Role.PHYSICIAN, Role.NURSE_PRACTITIONER})

# Credentials as written after a name ("MD", "PA-C", "L.Ac."), upper-cased without dots.
INJECTION_CREDENTIALS = frozenset(
    {"MD", "DO", "NP", "APRN", "CRNP", "ARNP", "FNP", "FNP-C", "FNP-BC", "ANP", "AGNP", "PA",
     "PA-C"}
)  # fmt: skip
ACUPUNCTURE_CREDENTIALS = frozenset({"LAC"})
KIND_LABELS = {
    ProcedureKind.TRIGGER_POINT_INJECTION: "trigger point injections",
    ProcedureKind.DRY_NEEDLING: "dry needling",
}
KIND_PERFORMERS = {
    ProcedureKind.TRIGGER_POINT_INJECTION: (
        "physicians, physician assistants and nurse practitioners"
    ),
    ProcedureKind.DRY_NEEDLING: (
        "physicians, physician assistants, nurse practitioners and licensed acupuncturists"
    ),
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


def allowed_kinds(role: Role, credentials: str) -> frozenset[ProcedureKind]:
    """The procedure kinds someone with ``role`` and ``credentials`` may document and sign."""
    if role not in CLINICAL_ROLES:
        return frozenset()
    words = credential_words(credentials)
    if role is Role.PHYSICIAN or words & INJECTION_CREDENTIALS:
        return frozenset(ProcedureKind)
    if words & ACUPUNCTURE_CREDENTIALS:
        return frozenset({ProcedureKind.DRY_NEEDLING})
    if not words:  # a nurse practitioner account without credentials written down
        return frozenset(ProcedureKind)
    return frozenset()


def require_kind(
    role: Role, credentials: str, name: str, kind: ProcedureKind, *, doing: str = "document"
) -> None:
    """PermissionDenied unless ``name`` (``role``, ``credentials``) may ``doing`` ``kind``."""
    if kind in allowed_kinds(role, credentials):
        return
    who = f"{name} ({credentials})" if credentials else name
    raise PermissionDenied(
        f"{who} may not {doing} {KIND_LABELS[kind]}: they are performed by {KIND_PERFORMERS[kind]}."
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
