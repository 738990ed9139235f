"""The query that reads a range of the signature chain with each signed record's canonical
text written by SQLite (sql_canonical.py), for verify on SQLite: notes here, addenda,
co-signatures and error marks by record_sql.py.

Each note format's text comes from the same templates as the Python rebuild (note_text.py),
so key order and nesting cannot drift; the facts about people are copied from the stored
content, as the Python rebuild does (by ``same_note_text``: reading the content in SQL costs
a few microseconds a time). A note whose link and row disagree (another record,
a draft, other hashes, signer or time), or whose format the query does not write, gets no
text (NULL) and takes the Python path. A format with a slot the query cannot fill (a new
one) is left to Python too. A signed-note@4's images are an ``IMAGES`` mark here, filled
from the images' bytes (note_images.py).
"""

from __future__ import annotations

from functools import cache

from tpi_desk.clinical.record import NoteStatus
from tpi_desk.models.procedures import (
    FindingKind,
    InjectionSite,
    MedicationLine,
    ProcedureSession,
    SignedRecordKind,
)
from tpi_desk.services.integrity.note_text import (
    MEDICATION_COLUMNS,
    NOTE_COLUMNS,
    SITE_COLUMNS,
    format_mark,
    sql_formats,
    templates,
)
from tpi_desk.services.integrity.record_sql import record_kinds, record_text_sql
from tpi_desk.services.integrity.sql_canonical import (
    IMAGES,
    PERSON,
    column_sql,
    instant_sql,
    integer_sql,
    items_sql,
    list_sql,
    sql_string,
    template_sql,
    text_sql,
)

# What the query gives per link, in this order; ``rendered`` is the note's text or NULL.
LINK_FIELDS = (
    "sequence", "record_type", "record_id", "session_id", "signer_id", "content",
    "content_hash", "previous_hash", "chain_hash", "key_id", "signature", "rendered",
)  # fmt: skip
_NOTE = ProcedureSession.__table__.c
_SITE = InjectionSite.__table__.c
_LINE = MedicationLine.__table__.c
_PEOPLE = ("patient", "provider", "signer")


def _note_slots() -> dict[str, str]:
    """Every slot of a note's text but ``sites``: its columns, children and people."""
    slots = {name: column_sql(_NOTE[name].type, f"n.{name}") for name in NOTE_COLUMNS}
    slots |= {
        "session_id": integer_sql("n.id"),
        "patient_id": integer_sql("n.patient_id"),
        "provider_id": integer_sql("n.provider_id"),
        "signer_id": integer_sql("n.signed_by_id"),
        "signed_at": instant_sql("n.signed_at"),
        "cosign_required": "(CASE WHEN EXISTS (SELECT 1 FROM cosign_requests c "
        "WHERE c.session_id = n.id) THEN 'true' ELSE 'false' END)",
        "diagnoses": list_sql(
            text_sql("d.code"),
            "FROM session_diagnoses d WHERE d.session_id = n.id ORDER BY d.position",
        ),
    }
    # As the Python rebuild sorts them: side effects, and every other kind a complication.
    side_effect = sql_string(FindingKind.SIDE_EFFECT.value)
    for name, which in (("side_effects", "IS"), ("complications", "IS NOT")):
        slots[name] = list_sql(
            text_sql("f.text"),
            f"FROM session_findings f WHERE f.session_id = n.id AND f.kind {which} "
            f"{side_effect} ORDER BY f.position",
        )
    for person in _PEOPLE:  # copied from the content in Python (``same_note_text``)
        slots[person] = f"char({ord(PERSON)})"
    slots["images"] = f"char({ord(IMAGES)})"  # signed-note@4's, from the bytes (note_images)
    return slots


def _sites_sql(site_template: str, line_template: str) -> str:
    line_slots = {name: column_sql(_LINE[name].type, f"m.{name}") for name in MEDICATION_COLUMNS}
    lines = items_sql(
        template_sql(line_template, line_slots),
        "FROM medication_lines m WHERE m.site_id = s.id ORDER BY m.position",
    )
    site_slots = {name: column_sql(_SITE[name].type, f"s.{name}") for name in SITE_COLUMNS}
    # The site template wraps its lines in brackets itself: only the items go in.
    site_slots["medications"] = lines
    return list_sql(
        template_sql(site_template, site_slots),
        "FROM injection_sites s WHERE s.session_id = n.id ORDER BY s.position",
    )


def note_text_sql(note_format: str) -> str | None:
    """The SQL text of a note (``n``, signed by link ``l``) in ``note_format``, with a
    ``PERSON`` mark for each person; None for a format with a slot it cannot fill."""
    note_template, site_template, line_template = templates(note_format)
    slots = _note_slots() | {"sites": _sites_sql(site_template, line_template)}
    try:
        return template_sql(note_template, slots)
    except KeyError:  # a slot this query cannot fill: the format stays with Python
        return None


@cache
def link_chunk_sql(bounded_below: bool, bounded_above: bool) -> str:
    """The query for a chunk's links (parameters: the bounds asked for, in order)."""
    branches = [
        f"WHEN instr(l.content, {sql_string(format_mark(note_format))}) > 0 THEN {text}"
        for note_format in sql_formats()
        if (text := note_text_sql(note_format)) is not None
    ]
    signed = ", ".join(sql_string(s.value) for s in NoteStatus if s is not NoteStatus.DRAFT)
    as_signed = (
        f"l.record_type = {sql_string(SignedRecordKind.SESSION.value)} "
        "AND l.record_id = l.session_id AND n.id IS NOT NULL "
        f"AND n.status IN ({signed}) AND n.content_hash = l.content_hash "
        "AND n.signed_by_id = l.signer_id AND n.signed_at = l.signed_at"
    )
    where = [
        *(["l.sequence > ?"] if bounded_below else []),
        *(["l.sequence <= ?"] if bounded_above else []),
    ]
    columns = ", ".join(f"l.{name}" for name in LINK_FIELDS[:-1])
    rendered = f"CASE {' '.join(branches)} END" if branches else "NULL"
    others = " ".join(
        f"WHEN {sql_string(kind.value)} THEN {record_text_sql(kind)}" for kind in record_kinds()
    )
    return (
        f"SELECT {columns}, CASE WHEN {as_signed} THEN {rendered} "
        f"ELSE CASE l.record_type {others} END END "
        "FROM signatures l LEFT JOIN procedure_sessions n ON n.id = l.session_id "
        + (f"WHERE {' AND '.join(where)} " if where else "")
        + "ORDER BY l.sequence"
    )
