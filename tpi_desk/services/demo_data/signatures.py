"""Signs the demo data's past notes as a clinician's signature does: content hash and a link
in the signature chain, so `tpi-desk verify` finds a demo database intact.

Fast (issue 13: at least 3,000 signed sessions a second), and with the same result as the
app's signing: each note's content is built by the same functions (``note_content``,
``patient_part``, ``provider_part``) from the values being inserted instead of reloading
them, patients and clinicians are read once per run, the canonical text comes from
``canonical_text`` (the same text as ``canonical_json``), and the chain links are computed
in memory and inserted many rows per statement, in the chain's order (signing time, then
session id). Everything runs in the caller's transaction on its connection.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.orm import Session

from tpi_desk.clinical.record import NoteStatus, Role
from tpi_desk.models.audit import ChainHead
from tpi_desk.models.people import Patient, User
from tpi_desk.models.procedures import (
    CosignRequest,
    ProcedureSession,
    Signature,
    SignedRecordKind,
)
from tpi_desk.services.demo_data.bodies import Body
from tpi_desk.services.demo_data.canonical_text import canonical_text
from tpi_desk.services.demo_data.vocabulary import CLINIC_OFFSET_MINUTES
from tpi_desk.services.integrity.canonical import GENESIS_HASH, link_hash, sha256_hex
from tpi_desk.services.integrity.chains import SIGNATURE_CHAIN
from tpi_desk.services.integrity.integrity import note_content, patient_part, provider_part
from tpi_desk.services.sessions.record_mapping import patient_facts, provider_record
from tpi_desk.services.settings.clinic_settings import require_physician_cosign

CLINIC_CLOCK = timezone(timedelta(minutes=CLINIC_OFFSET_MINUTES))
# Signature rows per INSERT call.
INSERT_BATCH = 2_000


@dataclass(frozen=True, slots=True)
class _Signed:
    signed_at: datetime
    session_id: int
    signer_id: int
    text: str
    content_hash: str
    cosign_required: bool


class NoteSigner:
    """Signs notes as they are built; ``link_before`` appends them to the chain in order."""

    def __init__(self, connection: Connection, patient_ids: range, provider_ids: Iterable[int]):
        self._connection = connection
        with Session(bind=connection) as db:  # joins the caller's transaction
            clinic_requires_cosign = require_physician_cosign(db)
            self._patients = {
                row.id: patient_part(patient_facts(row))
                for row in db.scalars(
                    select(Patient).where(Patient.id.between(patient_ids.start, patient_ids.stop))
                )
            }
            providers = [provider_record(row) for row in db.scalars(select(User))]
        wanted = set(provider_ids)
        self._providers = {p.id: provider_part(p.facts) for p in providers if p.id in wanted}
        self._cosign = {
            p.id: clinic_requires_cosign and p.role is not Role.PHYSICIAN for p in providers
        }
        self._templates: dict[int, dict[str, object]] = {}
        self._pending: list[_Signed] = []

    def sign(
        self,
        *,
        session_id: int,
        patient_id: int,
        provider_id: int,
        body: Body,
        lots: dict[str, tuple[str, Any]],
        performed_at: datetime,
        signed_at: datetime,
    ) -> None:
        """Sign the note by its provider at ``signed_at`` (its draft is being inserted; the
        row becomes signed in ``link_before``).

        The content is ``note_content``'s, made once per body (``_template``) and stamped
        here with the note's ids, people, times and lots: a dict copy instead of the record
        and the content built anew for every note.
        """
        template = self._templates.get(id(body))
        if template is None:
            template = self._templates[id(body)] = _template(body)
        session = dict(template["session"])  # type: ignore[call-overload]
        session["performed_at"] = performed_at.astimezone(CLINIC_CLOCK)
        session["sites"] = [
            {**site, "medications": [_with_lot(line, lots) for line in site["medications"]]}
            for site in session["sites"]
        ]
        provider = self._providers[provider_id]
        cosign_required = self._cosign[provider_id]
        content = {
            **template,
            "session_id": session_id,
            "patient_id": patient_id,
            "patient": self._patients[patient_id],
            "provider_id": provider_id,
            "provider": provider,
            "session": session,
            "signer_id": provider_id,
            "signer": provider,
            "signed_at": signed_at,
            "cosign_required": cosign_required,
        }
        text = canonical_text(content)
        self._pending.append(
            _Signed(signed_at, session_id, provider_id, text, sha256_hex(text), cosign_required)
        )

    def link_before(self, instant: datetime | None) -> None:
        """Append the notes signed before ``instant`` (None: all) to the signature chain.

        Call it after their sessions are inserted; every note signed later must have a
        later ``signed_at`` than ``instant`` (the generator calls it with the midnight of
        the last day it inserted, as no session of a later day is signed before it).
        """
        if instant is None:
            ready, self._pending = self._pending, []
        else:
            ready = [s for s in self._pending if s.signed_at < instant]
            self._pending = [s for s in self._pending if s.signed_at >= instant]
        if not ready:
            return
        ready.sort(key=lambda s: (s.signed_at, s.session_id))
        self._append_links(ready)

    def _append_links(self, notes: list[_Signed]) -> None:
        connection = self._connection
        head = connection.execute(
            select(ChainHead.sequence, ChainHead.hash).where(ChainHead.name == SIGNATURE_CHAIN)
        ).first()
        if head is None:
            sequence, previous = 0, GENESIS_HASH
            connection.execute(
                insert(ChainHead).values(name=SIGNATURE_CHAIN, sequence=0, hash=GENESIS_HASH)
            )
        else:
            sequence, previous = head.sequence, head.hash
        connection.execute(
            update(ProcedureSession)
            .where(ProcedureSession.id == bindparam("note_id"))
            .values(
                status=NoteStatus.SIGNED,
                signed_at=bindparam("note_signed_at"),
                signed_by_id=bindparam("note_signer_id"),
                content_hash=bindparam("note_hash"),
                updated_at=bindparam("note_signed_at"),
                version=ProcedureSession.version + 1,
            ),
            [
                {
                    "note_id": n.session_id,
                    "note_signed_at": n.signed_at,
                    "note_signer_id": n.signer_id,
                    "note_hash": n.content_hash,
                }
                for n in notes
            ],
        )
        rows: list[dict[str, object]] = []
        for note in notes:
            sequence += 1
            chain_hash = link_hash(previous, note.content_hash)
            rows.append(
                {
                    "sequence": sequence,
                    "record_type": SignedRecordKind.SESSION,
                    "record_id": note.session_id,
                    "session_id": note.session_id,
                    "signer_id": note.signer_id,
                    "signed_at": note.signed_at,
                    "content": note.text,
                    "content_hash": note.content_hash,
                    "previous_hash": previous,
                    "chain_hash": chain_hash,
                }
            )
            previous = chain_hash
        for start in range(0, len(rows), INSERT_BATCH):
            connection.execute(insert(Signature), rows[start : start + INSERT_BATCH])
        cosigns = [
            {"session_id": n.session_id, "requested_at": n.signed_at}
            for n in notes
            if n.cosign_required
        ]
        if cosigns:
            connection.execute(insert(CosignRequest), cosigns)
        # The head moves one link at a time (a trigger refuses longer steps): one UPDATE per
        # link, sent as one executemany.
        connection.execute(
            update(ChainHead)
            .where(ChainHead.name == SIGNATURE_CHAIN)
            .values(sequence=bindparam("link_sequence"), hash=bindparam("link_hash")),
            [{"link_sequence": row["sequence"], "link_hash": row["chain_hash"]} for row in rows],
        )


# The parts of a note's content that ``sign`` stamps anew for each note.
_STAMPED = frozenset(
    {
        "session_id", "patient_id", "patient", "provider_id", "provider", "session",
        "signer_id", "signer", "signed_at", "cosign_required",
    }
)  # fmt: skip
_STAMPED_SESSION = frozenset({"performed_at", "sites"})
_STAMPED_LINE = frozenset({"drug", "lot", "expires"})


def _template(body: Body) -> dict[str, object]:
    """``note_content`` of ``body``'s entry with placeholder people, ids and times; fails
    loudly when the content no longer has the parts ``sign`` stamps."""
    entry = replace(body.entry, performed_at=body.entry.performed_at.astimezone(CLINIC_CLOCK))
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
    session = content["session"]
    if (
        not isinstance(session, dict)
        or _STAMPED - content.keys()
        or _STAMPED_SESSION - session.keys()
    ):
        raise RuntimeError("the signed note's content changed: update the demo data's signing")
    for site in session["sites"]:
        for line in site["medications"]:
            if _STAMPED_LINE - line.keys():
                raise RuntimeError("the signed note's medication lines changed")
    return content


def _with_lot(line: dict[str, Any], lots: dict[str, tuple[str, Any]]) -> dict[str, Any]:
    lot, expires = lots[line["drug"]]
    return {**line, "lot": lot, "expires": expires}
