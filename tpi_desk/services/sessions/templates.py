"""Personal site templates: save, list and delete a clinician's named sets of sites.

A template keeps each site in the session document's site format (``muscle``, ``side``,
``points``, ``needle_gauge``, ``needle_length_mm``, ``twitch_response``, ``medications``)
but its medications keep only ``drug``, ``concentration_mg_per_ml`` and ``volume_ml``:
lots and expiry dates change from box to box, so they are never stored in a template
(``in_template=False`` in their definitions in ``clinical/record.py``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import ProcedureKind, SessionEntry, SiteEntry
from tpi_desk.clinical.session_shape import plain_record, record_from_plain
from tpi_desk.clinical.text_folding import fold
from tpi_desk.clinical.validation import validate_entry
from tpi_desk.models.people import User
from tpi_desk.models.templates import TEMPLATE_NAME_LENGTH, PersonalTemplate
from tpi_desk.services.audit.events import AuditAction, record_event, refusals_audited
from tpi_desk.services.dto import SiteTemplate
from tpi_desk.services.errors import (
    ConflictError,
    DatabaseUnavailable,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from tpi_desk.services.permissions import (
    CLINICAL_ROLES,
    Action,
    Actor,
    authorize,
    require_actor_kind,
)
from tpi_desk.services.storage.database_errors import database_errors_as_user_errors
from tpi_desk.services.storage.unit_of_work import run_unit_of_work

TEMPLATE_NAME_PATH = "template.name"
TEMPLATE_NAME_LABEL = "Template name"


class TemplateService:
    def __init__(self, session_factory: sessionmaker[Session], catalog: Catalog) -> None:
        self._session_factory = session_factory
        self._catalog = catalog

    def save(
        self,
        owner_id: int,
        name: str,
        kind: ProcedureKind,
        sites: Sequence[SiteEntry],
        *,
        actor: Actor | None,
    ) -> SiteTemplate:
        """Save ``sites`` as ``name`` (replacing the owner's template of that name)."""
        with refusals_audited(self._session_factory, actor, "save a template", "template"):
            _authorize_owner(actor, owner_id)
            require_actor_kind(actor, kind, doing="document")
            name = name.strip()
            kept = tuple(_without_lots(site) for site in sites)
            self._raise_if_invalid(name, kind, kept)
            payload = _sites_to_json(kept)

            def work(db: Session) -> SiteTemplate:
                _check_owner(db, owner_id)
                row = db.scalar(
                    select(PersonalTemplate).where(
                        PersonalTemplate.owner_id == owner_id, PersonalTemplate.name == name
                    )
                )
                action = AuditAction.UPDATE
                if row is None:
                    row = PersonalTemplate(owner_id=owner_id, name=name)
                    db.add(row)
                    action = AuditAction.CREATE
                row.kind = kind
                row.payload = payload
                db.flush()
                record_event(db, actor, action, "template", row.id, name)
                return _template(row)

            try:
                return run_unit_of_work(self._session_factory, "save the template", work)
            except DatabaseUnavailable as error:
                if isinstance(error.__cause__, IntegrityError):  # saved elsewhere just now
                    raise ConflictError(
                        f"A template named “{name}” was saved elsewhere at the same moment. "
                        "Save again to replace it."
                    ) from error
                raise

    def list_for(self, owner_id: int, *, actor: Actor | None) -> list[SiteTemplate]:
        """The owner's templates by name (case and accents ignored)."""
        with refusals_audited(self._session_factory, actor, "list templates", "template"):
            _authorize_owner(actor, owner_id)
        query = select(PersonalTemplate).where(PersonalTemplate.owner_id == owner_id)
        with database_errors_as_user_errors("list the templates"), self._session_factory() as db:
            templates = [_template(row) for row in db.scalars(query)]
        return sorted(templates, key=lambda template: (fold(template.name), template.name))

    def delete(self, template_id: int, owner_id: int, *, actor: Actor | None) -> None:
        """Remove one of the owner's templates (NotFound if it is gone or not theirs)."""
        with refusals_audited(
            self._session_factory, actor, "delete a template", "template", template_id
        ):
            _authorize_owner(actor, owner_id)

        def work(db: Session) -> None:
            row = db.get(PersonalTemplate, template_id)
            if row is None or row.owner_id != owner_id:
                raise NotFound("The template no longer exists.")
            record_event(db, actor, AuditAction.DELETE, "template", row.id, row.name)
            db.delete(row)

        run_unit_of_work(self._session_factory, "delete the template", work)

    def _raise_if_invalid(
        self, name: str, kind: ProcedureKind, sites: tuple[SiteEntry, ...]
    ) -> None:
        problems: list[FieldProblem] = []
        if not name:
            problems.append(FieldProblem(TEMPLATE_NAME_PATH, TEMPLATE_NAME_LABEL, "is required"))
        elif len(name) > TEMPLATE_NAME_LENGTH:
            problems.append(
                FieldProblem(
                    TEMPLATE_NAME_PATH,
                    TEMPLATE_NAME_LABEL,
                    f"must be at most {TEMPLATE_NAME_LENGTH} characters (it has {len(name)})",
                )
            )
        if not sites:
            problems.append(FieldProblem("sites", "Sites", "must list at least one site"))
        # The same rules as a session's sites; the date plays no part in them.
        entry = SessionEntry(performed_at=datetime.now(UTC), kind=kind, sites=sites)
        problems += validate_entry(entry, self._catalog)
        if problems:
            raise ValidationFailed(problems)


def _authorize_owner(actor: Actor | None, owner_id: int) -> None:
    """Templates are personal: a signed-in clinician manages only their own."""
    authorize(actor, Action.AUTHOR_SESSION)
    if actor is None or actor.user_id != owner_id:
        raise PermissionDenied("Templates are personal: each clinician manages only their own.")


def _check_owner(db: Session, owner_id: int) -> None:
    owner = db.get(User, owner_id)
    if owner is None or not owner.active:
        raise NotFound("The template owner's account does not exist or is disabled.")
    if owner.role not in CLINICAL_ROLES:
        raise PermissionDenied("Only physicians and nurse practitioners keep site templates.")


def _without_lots(site: SiteEntry) -> SiteEntry:
    """``site`` as a template keeps it: without the fields that change from box to box."""
    return record_from_plain(SiteEntry, plain_record(site, template=True))


def _template(row: PersonalTemplate) -> SiteTemplate:
    return SiteTemplate(
        id=row.id,
        owner_id=row.owner_id,
        name=row.name,
        kind=row.kind,
        sites=_sites_from_json(row.payload),
        created_at=row.created_at,
    )


def _sites_to_json(sites: Sequence[SiteEntry]) -> str:
    return _json_text([plain_record(site, template=True) for site in sites])


def _json_text(value: object) -> str:
    """Compact JSON in which a Decimal is written as the exact number it holds."""
    if isinstance(value, dict):
        members = (f"{json.dumps(key)}:{_json_text(item)}" for key, item in value.items())
        return "{" + ",".join(members) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_json_text(item) for item in value) + "]"
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} cannot be written as a JSON number")
        return format(value, "f")
    return json.dumps(value, ensure_ascii=False)


def _sites_from_json(text: str) -> tuple[SiteEntry, ...]:
    return tuple(
        record_from_plain(SiteEntry, item) for item in json.loads(text, parse_float=Decimal)
    )
