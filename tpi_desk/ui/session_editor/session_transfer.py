"""Sites and findings carried into the form from a previous session or a template."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import ProcedureKind, SessionEntry, SiteEntry
from tpi_desk.ui.session_editor.form_state import RawSession, RawSite, raw_site


def sites_for_kind(sites: Sequence[SiteEntry], kind: str, catalog: Catalog) -> list[RawSite]:
    """``sites`` as form rows without lots and expiry dates (they change from box to box);
    without any medication when the session is dry needling."""
    rows = []
    for site in sites:
        row = raw_site(site, catalog)
        if kind == ProcedureKind.DRY_NEEDLING.value:
            row = replace(row, medications=())
        else:
            row = replace(
                row, medications=tuple(replace(m, lot="", expires="") for m in row.medications)
            )
        rows.append(row)
    return rows


def copied_from_last_session(raw: RawSession, last: SessionEntry, catalog: Catalog) -> RawSession:
    """``raw`` with the sites, diagnoses, position and indication of ``last``.

    Pain scores, lots and expiry dates belong to one session and are never copied.
    """
    return replace(
        raw,
        sites=tuple(sites_for_kind(last.sites, raw.kind, catalog)),
        diagnoses=last.diagnoses,
        position=last.position.value if last.position is not None else "",
        conservative_care_tried=last.indication.conservative_care_tried,
        ongoing_care=last.indication.ongoing_care,
    )
