"""A signed note's canonical text written straight from its database rows (verify's fast path).

``verify`` re-serialises every note; building the content dictionary and walking it with
``canonical_json`` costs most of a million-note run. Here each format's text is a template
made once from a skeleton by ``canonical_json`` itself (so key order and nesting cannot drift
from the signed formats), filled with each value's canonical text. The facts about people
(patient, provider, signer) are copied from the stored content, as the full check does.
Equal text means the note is as signed; any difference goes to the full check, which names
the fields (tests/security/test_note_text.py pins the text to ``note_content``'s).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from tpi_desk.services.integrity.canonical import (
    canonical_decimal,
    canonical_instant,
    canonical_json,
)
from tpi_desk.services.integrity.integrity import (
    NOTE_FORMAT,
    NOTE_FORMAT_V1,
    NOTE_FORMAT_V2,
    NOTE_FORMAT_V4,
)

_quoted: Callable[[str], str] = json.encoder.encode_basestring_ascii
_scan = json.JSONDecoder().raw_decode

# The note's columns the signed text holds, in the order verify selects them.
NOTE_COLUMNS = (
    "performed_at", "performed_at_offset_minutes", "kind", "position",
    "ultrasound_guided", "ultrasound_image_retained", "ultrasound_device",
    "ultrasound_interpretation", "consent_obtained", "time_out_performed",
    "pain_before", "pain_after", "conservative_care_tried", "ongoing_care",
    "notes", "instructions", "follow_up", "location_name", "location_state",
    "place_of_service", "consent_type", "consent_risks", "consent_witness",
    "exam_findings", "function_scale", "function_score", "prior_relief_percent",
    "prior_relief_weeks", "skin_prep", "aspiration_negative", "tolerance",
    "observation_minutes", "override_reason", "procedure_started", "procedure_ended",
    "chaperone",
)  # fmt: skip
SITE_COLUMNS = (
    "muscle_id", "side", "points", "needle_gauge", "needle_length_mm", "twitch_response",
)  # fmt: skip
MEDICATION_COLUMNS = (
    "drug_id", "concentration_mg_per_ml", "volume_ml", "lot", "expires",
    "container", "discarded_ml", "ndc",
)  # fmt: skip
_PEOPLE = ("patient", "provider", "signer")
# Every value of a note's text but its sites and the people, by name.
_NOTE_FIELDS = (
    *NOTE_COLUMNS, "session_id", "patient_id", "provider_id", "signer_id", "signed_at",
    "cosign_required", "diagnoses", "side_effects", "complications",
)  # fmt: skip


def value_text(value: object) -> str:
    """``canonical_json(value)``, with the common scalars written without its dispatch."""
    if isinstance(value, str):
        return _quoted(value)
    if value is None:
        return "null"
    kind = type(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is Decimal:
        return canonical_decimal(value)  # type: ignore[arg-type]  # a Decimal
    if kind is list:
        return "[" + ",".join(map(value_text, value)) + "]"  # type: ignore[call-overload]
    if kind is date:
        return '"' + value.isoformat() + '"'  # type: ignore[attr-defined]  # a date
    if kind is datetime:
        return '"' + canonical_instant(value) + '"'  # type: ignore[arg-type]  # a datetime
    return canonical_json(value)


def slot(name: str) -> str:
    return f"@@{name}@@"


def text_template(skeleton: Mapping[str, object]) -> str:
    """The skeleton's canonical text as a ``%`` template (``%(name)s`` per slot), filled with
    ``template % texts``: about twice as fast as ``str.format_map`` on a note's 60 slots."""
    text = canonical_json(skeleton).replace("%", "%%")
    return re.sub(r'"@@(\w+)@@"', r"%(\1)s", text)


def _v1_session() -> dict[str, object]:
    return {
        "performed_at": slot("performed_at"),
        "performed_at_offset_minutes": slot("performed_at_offset_minutes"),
        "kind": slot("kind"),
        "position": slot("position"),
        "ultrasound": {
            "guided": slot("ultrasound_guided"),
            "image_retained": slot("ultrasound_image_retained"),
            "device": slot("ultrasound_device"),
        },
        "consent_obtained": slot("consent_obtained"),
        "time_out_performed": slot("time_out_performed"),
        "pain_before": slot("pain_before"),
        "pain_after": slot("pain_after"),
        "diagnoses": slot("diagnoses"),
        "indication": {
            "conservative_care_tried": slot("conservative_care_tried"),
            "ongoing_care": slot("ongoing_care"),
        },
        "sites": slot("sites"),
        "side_effects": slot("side_effects"),
        "complications": slot("complications"),
        "notes": slot("notes"),
        "instructions": slot("instructions"),
        "follow_up": slot("follow_up"),
    }


def _v2_session() -> dict[str, object]:
    session = _v1_session()
    del session["consent_obtained"]
    ultrasound = session["ultrasound"]
    assert isinstance(ultrasound, dict)
    ultrasound["interpretation"] = slot("ultrasound_interpretation")
    return session | {
        "location": {
            "name": slot("location_name"),
            "state": slot("location_state"),
            "place_of_service": slot("place_of_service"),
        },
        "consent": {
            "obtained": slot("consent_obtained"),
            "type": slot("consent_type"),
            "risks_discussed": slot("consent_risks"),
            "witness": slot("consent_witness"),
        },
        "exam_findings": slot("exam_findings"),
        "function_score": {"scale": slot("function_scale"), "value": slot("function_score")},
        "prior_relief": {
            "percent": slot("prior_relief_percent"),
            "weeks": slot("prior_relief_weeks"),
        },
        "skin_prep": slot("skin_prep"),
        "aspiration_negative": slot("aspiration_negative"),
        "tolerance": slot("tolerance"),
        "observation_minutes": slot("observation_minutes"),
        "override_reason": slot("override_reason"),
    }


def _v3_session() -> dict[str, object]:
    return _v2_session() | {
        "procedure_time": {
            "started": slot("procedure_started"),
            "ended": slot("procedure_ended"),
        },
        "chaperone": slot("chaperone"),
    }


def _v4_session() -> dict[str, object]:
    """@3's session with the images in ``ultrasound`` (written by SQLite only: the slot
    holds an ``IMAGES`` mark, which verify fills from the images' bytes)."""
    session = _v3_session()
    ultrasound = session["ultrasound"]
    assert isinstance(ultrasound, dict)
    ultrasound["images"] = slot("images")
    return session


def _note(note_format: str, session: dict[str, object]) -> str:
    names = ("patient_id", "provider_id", "session_id", "signer_id", "signed_at")
    return text_template(
        {
            "format": note_format,
            "cosign_required": slot("cosign_required"),
            "session": session,
            **{name: slot(name) for name in (*names, *_PEOPLE)},
        }
    )


def _site(with_documentation: bool) -> tuple[str, str]:
    medication: dict[str, object] = {
        "drug": slot("drug_id"),
        **{name: slot(name) for name in MEDICATION_COLUMNS[1:5]},
    }
    if with_documentation:
        medication |= {name: slot(name) for name in MEDICATION_COLUMNS[5:]}
    site = {
        "muscle": slot("muscle_id"),
        **{name: slot(name) for name in SITE_COLUMNS[1:]},
        "medications": slot("medications"),
    }
    return text_template(site).replace("%(medications)s", "[%(medications)s]"), text_template(
        medication
    )


_NOTE_TEMPLATES = {
    NOTE_FORMAT: _note(NOTE_FORMAT, _v3_session()),
    NOTE_FORMAT_V2: _note(NOTE_FORMAT_V2, _v2_session()),
    NOTE_FORMAT_V1: _note(NOTE_FORMAT_V1, _v1_session()),
}
# Written by SQLite only (the Python rebuild has no images to fill ``images`` with).
_SQL_NOTE_TEMPLATES = _NOTE_TEMPLATES | {NOTE_FORMAT_V4: _note(NOTE_FORMAT_V4, _v4_session())}
_SITE_TEMPLATES = {
    NOTE_FORMAT_V4: _site(True),
    NOTE_FORMAT: _site(True),
    NOTE_FORMAT_V2: _site(True),
    NOTE_FORMAT_V1: _site(False),
}
_FORMAT_MARK = {fmt: f'"format":{_quoted(fmt)},' for fmt in _SQL_NOTE_TEMPLATES}


def fast_formats() -> tuple[str, ...]:
    """The note formats written here, in the order ``note_format_of`` tries them."""
    return tuple(_NOTE_TEMPLATES)


def sql_formats() -> tuple[str, ...]:
    """The note formats SQLite writes: ``fast_formats`` and signed-note@4."""
    return tuple(_SQL_NOTE_TEMPLATES)


def format_mark(note_format: str) -> str:
    """The text by which a signed note's content names ``note_format``."""
    return _FORMAT_MARK[note_format]


def templates(note_format: str) -> tuple[str, str, str]:
    """``note_format``'s templates: the note, one site (its ``medications`` slot holds the
    lines' texts joined by commas) and one medication line."""
    site, line = _SITE_TEMPLATES[note_format]
    return _SQL_NOTE_TEMPLATES[note_format], site, line


def note_format_of(content: str) -> str | None:
    """The signed-note format ``content`` claims, if it is one the fast path writes."""
    for note_format in _NOTE_TEMPLATES:
        if _FORMAT_MARK[note_format] in content:
            return note_format
    return None


def people_texts(content: str) -> dict[str, str] | None:
    """The patient, provider and signer objects of the stored ``content``, as stored."""
    found = {}
    start = 0
    for name in _PEOPLE:
        key = f'"{name}":'
        at = content.find(key, start)
        if at < 0:
            return None
        begin = at + len(key)
        try:
            value, end = _scan(content, begin)
        except ValueError:
            return None
        if not isinstance(value, dict):
            return None
        found[name] = content[begin:end]
        start = end
    return found


def note_text(
    note_format: str,
    note: dict[str, Any],
    sites: Sequence[tuple[Sequence[object], Sequence[Sequence[object]]]],
    people: dict[str, str],
) -> str:
    """The canonical text of a signed note in ``note_format``.

    ``note``: the note's columns by name (``NOTE_COLUMNS``, plus ``session_id``,
    ``patient_id``, ``provider_id``, ``signer_id``, ``signed_at``, ``cosign_required``,
    ``diagnoses``, ``side_effects`` and ``complications``); ``sites``: each site's values
    (``SITE_COLUMNS``) with its medication lines' values (``MEDICATION_COLUMNS``), in order.
    """
    site_template, line_template = _SITE_TEMPLATES[note_format]
    site_texts = []
    for site, lines in sites:
        # @1's template has no slot for @2's container, waste and NDC: left out.
        medications = ",".join(
            [_row_text(line_template, MEDICATION_COLUMNS, line) for line in lines]
        )
        site_texts.append(_row_text(site_template, SITE_COLUMNS, site, medications))
    fields = _field_texts(note)
    fields["sites"] = "[" + ",".join(site_texts) + "]"
    return _NOTE_TEMPLATES[note_format] % (fields | people)


# Texts of values met before, by field, and of whole medication lines and sites: a clinic's
# notes repeat the same muscles, drugs, lots, settings and answers, so most values are
# written once per worker instead of once per note. Keys carry each value's type (equal
# values of one type have one canonical text, but 1, 1.0 and True must not share one; a
# string or None is only ever equal to its own kind). Bounded (a few MB at most): a full
# memo starts over; the values unique to each note are written directly.
_MEMO_LIMIT = 2_000
_ROW_MEMO_LIMIT = 5_000
_UNIQUE_FIELDS = frozenset({"session_id", "performed_at", "signed_at", "notes"})
_field_memos = tuple(
    (name, dict[object, str]() if name not in _UNIQUE_FIELDS else None) for name in _NOTE_FIELDS
)
_row_memo: dict[object, str] = {}


def _field_texts(note: dict[str, Any]) -> dict[str, str]:
    texts = {}
    for name, memo in _field_memos:
        value = note[name]
        if memo is None:
            texts[name] = value_text(value)
            continue
        kind = type(value)
        if kind is str or value is None:
            key: object = value
        elif kind is list:
            key = (kind, tuple(value))
        else:
            key = (kind, value)
        try:
            text = memo.get(key)
        except TypeError:  # a value that cannot be a key (no column gives one)
            text = value_text(value)
        else:
            if text is None:
                text = value_text(value)
                if len(memo) >= _MEMO_LIMIT:
                    memo.clear()
                memo[key] = text
        texts[name] = text
    return texts


def _row_text(
    template: str, columns: Sequence[str], values: Sequence[object], medications: str = ""
) -> str:
    key = (template, tuple(values), tuple(map(type, values)), medications)
    try:
        return _row_memo[key]
    except KeyError:
        pass
    except TypeError:
        return _write_row(template, columns, values, medications)
    text = _write_row(template, columns, values, medications)
    if len(_row_memo) >= _ROW_MEMO_LIMIT:
        _row_memo.clear()
    _row_memo[key] = text
    return text


def _write_row(
    template: str, columns: Sequence[str], values: Sequence[object], medications: str
) -> str:
    texts = dict(zip(columns, map(value_text, values), strict=True))
    texts["medications"] = medications
    return template % texts
