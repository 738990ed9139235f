"""Today's open vials: the lots recorded on today's medication lines (drafts and signed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tpi_desk.clinical.record import NoteStatus
from tpi_desk.models.procedures import InjectionSite, MedicationLine, ProcedureSession
from tpi_desk.services.dto import OpenVial


def open_vials_between(db: Session, start: datetime, end: datetime) -> list[OpenVial]:
    """One entry per drug, strength and lot given between ``start`` and ``end`` (newest use
    first), with the expiry, NDC and container of its latest line; lines without a lot, and
    notes entered in error, are left out."""
    query = (
        select(MedicationLine)
        .join(InjectionSite, InjectionSite.id == MedicationLine.site_id)
        .join(ProcedureSession, ProcedureSession.id == InjectionSite.session_id)
        .where(
            ProcedureSession.performed_at >= start,
            ProcedureSession.performed_at < end,
            ProcedureSession.status != NoteStatus.ENTERED_IN_ERROR,
            MedicationLine.lot != "",
        )
        .order_by(
            ProcedureSession.performed_at.desc(),
            ProcedureSession.id.desc(),
            InjectionSite.position.desc(),
            MedicationLine.position.desc(),
        )
    )
    vials: dict[tuple[str, object, str], OpenVial] = {}
    for line in db.scalars(query):
        key = (line.drug_id, line.concentration_mg_per_ml.normalize(), line.lot.strip())
        if key not in vials:
            vials[key] = OpenVial(
                drug_id=line.drug_id,
                concentration_mg_per_ml=line.concentration_mg_per_ml,
                lot=line.lot.strip(),
                expires=line.expires,
                ndc=line.ndc,
                container=line.container,
            )
    return list(vials.values())
