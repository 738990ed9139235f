"""A demo note's signed content as canonical text, made once per clinical body and filled in
for each note: the same text as ``canonical_json(note_content(...))``, in microseconds.

Canonical JSON is built part by part (an object is its members' texts joined in key order),
so a value can be written elsewhere and put in the place of a placeholder: the template is
the canonical text of ``note_content`` with placeholder strings (``"\\u0000name\\u0000"``)
where each note differs (its ids, people, times and lots), cut at the placeholders.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import tzinfo

from tpi_desk.services.demo_data.bodies import Body
from tpi_desk.services.demo_data.canonical_text import canonical_text
from tpi_desk.services.integrity.integrity import note_content

# The parts of a note that differ from note to note: the content's own ...
NOTE_SLOTS = (
    "session_id", "patient_id", "patient", "provider_id", "provider", "signer_id", "signer",
    "signed_at", "cosign_required",
)  # fmt: skip
# ... the session's time, and each medication line's lot (named after the line's drug).
PERFORMED_AT = "performed_at"
_LINE_SLOTS = ("lot", "expires")
_PLACEHOLDER = re.compile(r'"\\u0000([^"\\]+)\\u0000"')


def lot_slot(field: str, drug: str) -> str:
    """The name of the placeholder of a line's ``field`` (lot or expires) for ``drug``."""
    return f"{field}:{drug}"


def _placeholder(name: str) -> str:
    return f"\x00{name}\x00"


class NoteTemplate:
    """``body``'s signed-note content with placeholders; ``fill`` writes one note's text."""

    def __init__(self, body: Body, clock: tzinfo) -> None:
        """``clock``: the time zone of the clinic's clock (the notes' ``performed_at``)."""
        entry = replace(body.entry, performed_at=body.entry.performed_at.astimezone(clock))
        content = note_content(
            session_id=0,
            patient_id=0,
            patient={},
            provider_id=0,
            provider={},
            entry=entry,
            signer_id=0,
            signer={},
            signed_at=entry.performed_at,
            cosign_required=False,
        )
        missing = set(NOTE_SLOTS) - content.keys()
        session = content.get("session")
        if missing or not isinstance(session, dict) or PERFORMED_AT not in session:
            raise RuntimeError(f"the signed note's content changed ({missing}): update demo data")
        for name in NOTE_SLOTS:
            content[name] = _placeholder(name)
        session[PERFORMED_AT] = _placeholder(PERFORMED_AT)
        for site in session["sites"]:
            for line in site["medications"]:
                for field in _LINE_SLOTS:
                    if field not in line:
                        raise RuntimeError("the signed note's medication lines changed")
                    line[field] = _placeholder(lot_slot(field, line["drug"]))
        parts = _PLACEHOLDER.split(canonical_text(content))
        self._pieces: list[str] = parts
        self._slots = [(index, parts[index]) for index in range(1, len(parts), 2)]

    def fill(self, values: Mapping[str, str]) -> str:
        """The note's canonical text; ``values`` gives each placeholder's canonical text."""
        pieces = self._pieces.copy()
        for index, name in self._slots:
            pieces[index] = values[name]
        return "".join(pieces)
