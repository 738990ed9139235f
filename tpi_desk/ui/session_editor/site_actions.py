"""Adding and removing sites fast: today's open vials, a new site's first medication line
(from the site before), and Undo for a removed site."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import ProcedureKind
from tpi_desk.services.dto import OpenVial
from tpi_desk.services.errors import UserError
from tpi_desk.services.permissions import Actor
from tpi_desk.services.sessions.session_queries import SessionQueries
from tpi_desk.ui.session_editor.banner import Banner, BannerKind
from tpi_desk.ui.session_editor.form_state import RawSite
from tpi_desk.ui.session_editor.session_form import SessionForm
from tpi_desk.ui.session_editor.session_transfer import next_site_medication
from tpi_desk.ui.session_editor.site_editor import SIDE_LABELS

UNDO_TEXT = "Undo (Ctrl+Z)"


class SiteActions:
    """Keeps today's open vials for the form and brings back the site removed last."""

    def __init__(
        self,
        sessions: SessionQueries,
        catalog: Catalog,
        form: SessionForm,
        banner: Banner,
        *,
        actor: Actor | None,
    ) -> None:
        self._sessions = sessions
        self._catalog = catalog
        self._form = form
        self._banner = banner
        self._actor = actor
        self._vials: list[OpenVial] = []
        self._removed: tuple[int, RawSite] | None = None
        form.sites.vial_source = self.vials
        form.sites.site_removed.connect(self._on_site_removed)

    def vials(self) -> list[OpenVial]:
        return self._vials

    def refresh_vials(self) -> None:
        """Read today's open vials again (a session opened, a draft saved)."""
        try:
            self._vials = self._sessions.open_vials(actor=self._actor)
        except UserError:
            self._vials = []  # a lot is then typed as before; nothing else depends on it

    def forget_removed(self) -> None:
        self._removed = None

    def new_site(self, muscle_id: str = "", side: str = "") -> RawSite:
        """A new site (for ``muscle_id`` and ``side`` when given) with one medication line
        like the previous site's last one, for an injection."""
        muscle = self._catalog.muscles.get(muscle_id)
        raw = RawSite(
            muscle_id=muscle.id if muscle else "",
            muscle_text=muscle.name if muscle else "",
            side=side if muscle else "",
        )
        kind = str(self._form.header.kind.currentData())
        if kind == ProcedureKind.DRY_NEEDLING.value:
            return raw
        sites = self._form.sites.raw_sites()
        previous = sites[-1] if sites else None
        return replace(raw, medications=(next_site_medication(previous),))

    def _on_site_removed(self, index: int, raw: object) -> None:
        if not isinstance(raw, RawSite):
            return
        self._removed = (index, raw)
        muscle = self._catalog.muscles.get(raw.muscle_id)
        name = muscle.name if muscle is not None else (raw.muscle_text or "no muscle")
        sides = {side.value: label.lower() for side, label in SIDE_LABELS.items()}
        side = f", {sides[raw.side]}" if raw.side in sides else ""
        self._banner.show_message(
            BannerKind.INFO,
            f"Removed site {index + 1} ({name}{side}).",
            UNDO_TEXT,
            on_action=self._undo_from_banner,
        )
        self._banner.button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _undo_from_banner(self) -> None:
        self.undo_removal()

    def undo_removal(self) -> bool:
        """Put the site removed last back in its place; False when there is none."""
        if self._removed is None:
            return False
        index, raw = self._removed
        self._removed = None
        if self._banner.text().startswith("Removed site"):
            self._banner.clear()
        editor = self._form.sites.add_site(raw, at=index)
        self._form.update_tab_order()
        editor.remove_button.setFocus(Qt.FocusReason.OtherFocusReason)
        return True
