"""The template actions of the editor: list, save (asking a name), find and delete templates."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QWidget

from tpi_desk.clinical.problems import FieldProblem
from tpi_desk.clinical.record import ProcedureKind, SiteEntry
from tpi_desk.services.dto import SiteTemplate
from tpi_desk.services.errors import UserError
from tpi_desk.services.permissions import Actor
from tpi_desk.services.sessions.templates import TemplateService
from tpi_desk.ui.messages import UserMessages
from tpi_desk.ui.session_editor.templates_menu import ask_template_name

CANNOT_SAVE = "Cannot save the template"


class TemplateActions:
    """Talks to the template service for one editor and tells the user what went wrong."""

    def __init__(
        self,
        service: TemplateService,
        messages: UserMessages,
        parent: QWidget,
        *,
        actor: Actor | None = None,
    ) -> None:
        self._service = service
        self._actor = actor
        self._messages = messages
        self._parent = parent

    def list_for(self, owner_id: int | None) -> list[SiteTemplate]:
        """The owner's templates ([] with no owner); raises UserError."""
        return self._service.list_for(owner_id, actor=self._actor) if owner_id is not None else []

    def save(
        self,
        owner_id: int,
        kind: ProcedureKind,
        sites: Sequence[SiteEntry],
        site_problems: Sequence[FieldProblem],
        name: str | None = None,
    ) -> SiteTemplate | None:
        """Save ``sites`` under ``name`` (asked for when None); None if refused or cancelled."""
        if site_problems or not sites:
            details = "\n".join(f"{p.label}: {p.message}" for p in site_problems)
            self._messages.error(
                self._parent, CANNOT_SAVE, details or "Add at least one site first."
            )
            return None
        if name is None:
            name = ask_template_name(self._parent)
            if name is None:
                return None
        try:
            return self._service.save(owner_id, name, kind, sites, actor=self._actor)
        except UserError as error:
            self._messages.error(self._parent, CANNOT_SAVE, error.message)
            return None

    def find(self, owner_id: int, template_id: int) -> SiteTemplate | None:
        """One of the owner's templates, or None (and a message) when it is gone."""
        try:
            found = next((t for t in self.list_for(owner_id) if t.id == template_id), None)
        except UserError as error:
            self._messages.error(self._parent, "Cannot apply the template", error.message)
            return None
        if found is None:
            self._messages.error(self._parent, "Cannot apply the template", "It no longer exists.")
        return found

    def delete(self, owner_id: int, template_id: int) -> bool:
        """Delete after asking; False when the user declined or it failed (with a message)."""
        if not self._messages.confirm(
            self._parent, "Delete template", "Delete this template?", confirm_text="Delete"
        ):
            return False
        try:
            self._service.delete(template_id, owner_id, actor=self._actor)
        except UserError as error:
            self._messages.error(self._parent, "Cannot delete the template", error.message)
            return False
        return True
