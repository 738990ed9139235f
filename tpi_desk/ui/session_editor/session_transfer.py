"""Sites and findings carried into the form from a previous session, a template, the site
before, or today's open vials."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import ProcedureKind, SessionEntry, SiteEntry
from tpi_desk.services.dto import OpenVial
from tpi_desk.ui.session_editor.form_state import (
    RawMedication,
    RawSession,
    RawSite,
    parse_decimal,
    raw_from_entry,
    raw_site,
)


def vial_for(drug_id: str, concentration: str, vials: Sequence[OpenVial]) -> OpenVial | None:
    """The latest-used open vial of ``drug_id`` at ``concentration`` (mg/mL text), if any."""
    wanted = parse_decimal(concentration)
    return next(
        (
            vial
            for vial in vials
            if vial.drug_id == drug_id
            and wanted is not None
            and vial.concentration_mg_per_ml == wanted
        ),
        None,
    )


def with_vial(medication: RawMedication, vial: OpenVial | None) -> RawMedication:
    """``medication`` with the lot, expiry, NDC and container of ``vial`` (none: all blank)."""
    if vial is None:
        return replace(medication, lot="", expires="", ndc="", discarded_ml="")
    return replace(
        medication,
        lot=vial.lot,
        expires=vial.expires.isoformat() if vial.expires is not None else "",
        ndc=vial.ndc,
        container=vial.container.value if vial.container is not None else "",
        discarded_ml="",
    )


def sites_for_kind(
    sites: Sequence[SiteEntry],
    kind: str,
    catalog: Catalog,
    vials: Sequence[OpenVial] = (),
) -> list[RawSite]:
    """``sites`` as form rows whose lots are today's open vials of the same drug and strength
    (blank when none is open: a lot changes from box to box); without any medication when
    the session is dry needling."""
    rows = []
    for site in sites:
        row = raw_site(site, catalog)
        if kind == ProcedureKind.DRY_NEEDLING.value:
            row = replace(row, medications=())
        else:
            row = replace(
                row,
                medications=tuple(
                    with_vial(m, vial_for(m.drug_id, m.concentration, vials))
                    for m in row.medications
                ),
            )
        rows.append(row)
    return rows


def copied_from_last_session(
    raw: RawSession, last: SessionEntry, catalog: Catalog, vials: Sequence[OpenVial] = ()
) -> RawSession:
    """``raw`` with what stays from one visit to the next: sites with their drugs, volumes
    and needles (and today's open lots), diagnoses, position, indication, consent type and
    risks, skin prep.

    What must be confirmed today is never copied: pain scores, time-out, consent obtained,
    side effects and complications.
    """
    before = raw_from_entry(last, raw.provider_id, catalog)
    return replace(
        raw,
        sites=tuple(sites_for_kind(last.sites, raw.kind, catalog, vials)),
        diagnoses=last.diagnoses,
        position=before.position,
        conservative_care_tried=before.conservative_care_tried,
        ongoing_care=before.ongoing_care,
        consent_type=before.consent_type,
        consent_risks=before.consent_risks,
        consent_risks_chosen=before.consent_risks_chosen or bool(before.consent_risks),
        skin_prep=before.skin_prep,
    )


def next_site_medication(previous: RawSite | None) -> RawMedication:
    """The first medication line of a new site: the previous site's last line (drug,
    strength, volume, lot, expiry, NDC, container; never what was discarded), else an empty
    line (choosing its drug then offers today's open vial of it)."""
    if previous is not None and previous.medications:
        return replace(previous.medications[-1], discarded_ml="")
    return RawMedication()
