"""One range of the signature chain as plain rows: its links, and the notes they sign with
their diagnoses, findings, sites and medication lines (SQLAlchemy Core, no ORM objects; the
notes' rows read through raw_rows, which remembers each column's conversions)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import Session

from tpi_desk.models.procedures import (
    CosignRequest,
    FindingKind,
    InjectionSite,
    MedicationLine,
    ProcedureSession,
    SessionDiagnosis,
    SessionFinding,
    SessionImage,
    Signature,
    SignedRecordKind,
)
from tpi_desk.services.integrity.chain_walk import in_range
from tpi_desk.services.integrity.note_text import MEDICATION_COLUMNS, NOTE_COLUMNS, SITE_COLUMNS
from tpi_desk.services.integrity.raw_rows import raw_rows

_LINK = Signature.__table__.c
_NOTE = ProcedureSession.__table__.c
_SITE = InjectionSite.__table__.c
_LINE = MedicationLine.__table__.c
_DIAGNOSIS = SessionDiagnosis.__table__.c
_FINDING = SessionFinding.__table__.c
_COSIGN = CosignRequest.__table__.c
_IMAGE = SessionImage.__table__.c
LINK_COLUMNS = (
    "sequence", "record_type", "record_id", "session_id", "signer_id", "signed_at", "content",
    "content_hash", "previous_hash", "chain_hash", "key_id", "signature",
)  # fmt: skip
_NOTE_EXTRA = ("id", "status", "patient_id", "provider_id", "signed_by_id", "signed_at",
               "content_hash")  # fmt: skip


@dataclass(frozen=True, slots=True)
class LinkRows:
    """A range's links in sequence order, and the notes they sign by id, ready to write."""

    links: Sequence[Row[Any]]
    notes: dict[int, dict[str, Any]]
    sites: dict[int, list[tuple[tuple[object, ...], list[tuple[object, ...]]]]]
    # Notes holding ultrasound images: they take the full check, which reads the images.
    with_images: frozenset[int] = frozenset()


def load_link_rows(db: Session, after: int, upto: int | None) -> LinkRows:
    """The links numbered ``after`` + 1 .. ``upto`` (None: to the end), and their notes."""
    query = select(*(_LINK[name] for name in LINK_COLUMNS)).order_by(_LINK.sequence)
    links = db.execute(in_range(query, _LINK.sequence, after, upto)).all()
    session_ids = sorted({link.session_id for link in links if _is_note(link)})
    notes: dict[int, dict[str, Any]] = {}
    sites: dict[int, list[tuple[tuple[object, ...], list[tuple[object, ...]]]]] = {}
    if session_ids:
        lowest, highest = session_ids[0], session_ids[-1]
        # The notes of a range are close together: one id range, filtered to those wanted.
        wanted = set(session_ids)
        notes = _notes(db, lowest, highest, wanted)
        sites = _sites(db, lowest, highest, wanted)
        with_images = notes_with_images(db, lowest, highest, wanted)
        return LinkRows(links, notes, sites, with_images)
    return LinkRows(links, notes, sites)


def _is_note(link: Row[Any]) -> bool:
    return link.record_type == SignedRecordKind.SESSION


def _between(query: Select[Any], column: Any, lowest: int, highest: int) -> Select[Any]:
    return query.where(column >= lowest, column <= highest)


def _notes(db: Session, lowest: int, highest: int, wanted: set[int]) -> dict[int, dict[str, Any]]:
    names = (*NOTE_COLUMNS, *_NOTE_EXTRA)
    query = _between(select(*(_NOTE[name] for name in names)), _NOTE.id, lowest, highest)
    notes = {}
    for row in raw_rows(db, query):
        values = dict(zip(names, row, strict=True))
        if values["id"] in wanted:
            values.update(diagnoses=[], side_effects=[], complications=[], cosign_required=False)
            notes[values["id"]] = values
    codes = select(_DIAGNOSIS.session_id, _DIAGNOSIS.code).order_by(
        _DIAGNOSIS.session_id, _DIAGNOSIS.position
    )
    for session_id, code in raw_rows(db, _between(codes, _DIAGNOSIS.session_id, lowest, highest)):
        if session_id in notes:
            notes[session_id]["diagnoses"].append(code)
    found = select(_FINDING.session_id, _FINDING.kind, _FINDING.text).order_by(
        _FINDING.session_id, _FINDING.position
    )
    for session_id, kind, text in raw_rows(
        db, _between(found, _FINDING.session_id, lowest, highest)
    ):
        if session_id in notes:
            which = "side_effects" if kind == FindingKind.SIDE_EFFECT else "complications"
            notes[session_id][which].append(text)
    requested = _between(select(_COSIGN.session_id), _COSIGN.session_id, lowest, highest)
    for (session_id,) in db.execute(requested):
        if session_id in notes:
            notes[session_id]["cosign_required"] = True
    return notes


def notes_with_images(db: Session, lowest: int, highest: int, wanted: set[int]) -> frozenset[int]:
    """The notes among ``wanted`` with an image row (the ids only, never the bytes)."""
    query = _between(select(_IMAGE.session_id).distinct(), _IMAGE.session_id, lowest, highest)
    return frozenset(wanted.intersection(db.scalars(query)))


def _sites(
    db: Session, lowest: int, highest: int, wanted: set[int]
) -> dict[int, list[tuple[tuple[object, ...], list[tuple[object, ...]]]]]:
    query = select(_SITE.id, _SITE.session_id, *(_SITE[name] for name in SITE_COLUMNS))
    query = _between(query, _SITE.session_id, lowest, highest).order_by(
        _SITE.session_id, _SITE.position
    )
    by_note: dict[int, list[tuple[tuple[object, ...], list[tuple[object, ...]]]]] = defaultdict(
        list
    )
    lines_of: dict[int, list[tuple[object, ...]]] = {}
    for site_id, session_id, *values in raw_rows(db, query):
        if session_id in wanted:
            lines: list[tuple[object, ...]] = []
            lines_of[site_id] = lines
            by_note[session_id].append((tuple(values), lines))
    if lines_of:
        line_query = select(_LINE.site_id, *(_LINE[name] for name in MEDICATION_COLUMNS))
        line_query = _between(line_query, _LINE.site_id, min(lines_of), max(lines_of))
        for site_id, *values in raw_rows(db, line_query.order_by(_LINE.site_id, _LINE.position)):
            if site_id in lines_of:
                lines_of[site_id].append(tuple(values))
    return by_note
