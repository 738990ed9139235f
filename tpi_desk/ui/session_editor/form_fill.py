"""Filling the form from elsewhere: the patient's last session, or a personal site template."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QWidget

from tpi_desk.services.dto import OpenVial
from tpi_desk.services.errors import UserError
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.formatting import format_date_time
from tpi_desk.ui.messages import UserMessages
from tpi_desk.ui.session_editor.banner import Banner, BannerKind
from tpi_desk.ui.session_editor.draft_keeper import DraftKeeper
from tpi_desk.ui.session_editor.form_state import RawSession, read_form
from tpi_desk.ui.session_editor.session_form import SessionForm
from tpi_desk.ui.session_editor.session_transfer import copied_from_last_session, sites_for_kind
from tpi_desk.ui.session_editor.template_actions import TemplateActions
from tpi_desk.ui.session_editor.templates_menu import TemplatesMenu

COPY_TITLE = "Copy forward"


def counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def copy_summary(copied: RawSession, when: str) -> str:
    """What copy-forward brought, and what the clinician confirms today."""
    lines = [m for site in copied.sites for m in site.medications]
    missing_lots = sum(1 for m in lines if not m.lot.strip())
    lots = (
        f" {counted(missing_lots, 'medication needs its lot', 'medications need their lots')}."
        if missing_lots
        else (" Lots are today's open vials." if lines else "")
    )
    return (
        f"Copied {counted(len(copied.sites), 'site', 'sites')} and "
        f"{counted(len(copied.diagnoses), 'diagnosis', 'diagnoses')} from the signed note of "
        f"{when}.{lots} Confirm today: pain before and after, consent obtained (Alt+O), "
        "time-out (Alt+T) and any side effects."
    )


class FormFiller:
    """Copies findings into the form and manages templates; says what it did in the banner."""

    def __init__(
        self,
        context: AppContext,
        form: SessionForm,
        keeper: DraftKeeper,
        messages: UserMessages,
        banner: Banner,
        parent: QWidget,
        changed: Callable[[], None],
    ) -> None:
        self._context = context
        self._form = form
        self._keeper = keeper
        self._messages = messages
        self._banner = banner
        self._parent = parent
        self._changed = changed
        self._templates = TemplateActions(context.templates, messages, parent, actor=keeper.actor)

    def copy_from_last_session(self, vials: Sequence[OpenVial] = ()) -> bool:
        """Replace sites, diagnoses, position, indication, consent type and risks and skin
        prep with the patient's last signed session's (never a draft, whatever its time);
        the lots are today's open ``vials`` of the same drugs. The cursor then waits on what
        must be confirmed again today."""
        patient = self._keeper.patient
        if patient is None:
            return False
        raw = self._form.raw()
        try:
            last = self._context.sessions.latest_for_patient(
                patient.id,
                exclude_session_id=self._keeper.session_id,
                signed_only=True,
                actor=self._keeper.actor,
            )
        except UserError as error:
            self._messages.error(self._parent, COPY_TITLE, error.message)
            return False
        if last is None:
            name = f"{patient.facts.given_name} {patient.facts.family_name}"
            self._messages.info(
                self._parent, COPY_TITLE, f"{name} has no signed session to copy from."
            )
            return False
        when = format_date_time(last.entry.performed_at)
        if (raw.sites or raw.diagnoses) and not self._messages.confirm(
            self._parent,
            COPY_TITLE,
            f"Replace the sites, diagnoses, position, indication and consent entered here with "
            f"those of the signed note of {when}? Pain scores, time-out and consent obtained "
            "are never copied.",
            confirm_text="Replace",
        ):
            return False
        copied = copied_from_last_session(raw, last.entry, self._context.catalog, vials)
        self._form.load(copied)
        self._changed()
        self._form.focus_reconfirmation()
        self._banner.show_message(BannerKind.INFO, copy_summary(copied, when))
        return True

    def refresh_templates_menu(self, menu: TemplatesMenu) -> None:
        """List the provider's templates in ``menu`` (just before it opens)."""
        try:
            templates = self._templates.list_for(self._form.header.provider_id())
        except UserError as error:
            self._banner.show_message(BannerKind.ERROR, error.message)
            templates = []
        menu.show_templates(templates)

    def save_template(self, name: str | None = None) -> bool:
        """Save the form's sites as a template of the provider (asks the name when None)."""
        owner = self._form.header.provider_id()
        if self._keeper.patient is None or owner is None:
            return False
        reading = read_form(self._form.raw(), self._context.catalog)
        template = self._templates.save(
            owner,
            reading.entry.kind,
            reading.entry.sites,
            [p for p in reading.problems if p.path.startswith("sites")],
            name,
        )
        if template is not None:
            self._banner.show_message(BannerKind.SUCCESS, f"Saved the template “{template.name}”.")
        return template is not None

    def apply_template(self, template_id: int, vials: Sequence[OpenVial] = ()) -> bool:
        """Add a template's sites after those already in the form."""
        owner = self._form.header.provider_id()
        if self._keeper.patient is None or owner is None:
            return False
        template = self._templates.find(owner, template_id)
        if template is None:
            return False
        kind = str(self._form.header.kind.currentData())
        added = sites_for_kind(template.sites, kind, self._context.catalog, vials)
        for site in added:
            self._form.sites.add_site(site)
        self._changed()
        lines = [m for site in added for m in site.medications]
        lots = (
            " Add lot numbers and expiry dates."
            if any(not m.lot.strip() for m in lines)
            else (" Lots are today's open vials." if lines else "")
        )
        self._banner.show_message(
            BannerKind.INFO,
            f"Added {counted(len(added), 'site', 'sites')} from the template "
            f"“{template.name}”.{lots}",
        )
        return True

    def delete_template(self, template_id: int) -> bool:
        owner = self._form.header.provider_id()
        return owner is not None and self._templates.delete(owner, template_id)
