"""Signs the demo data's past notes as a clinician's signature does: content hash and a link
in the signature chain, so `tpi-desk verify` finds a demo database intact.

Fast (issue 13: at least 3,000 signed sessions a second), and with the same result as the
app's signing: each note's content is built by the same functions (``note_content``,
``patient_part``, ``provider_part``) from the values being inserted instead of reloading
them, patients and clinicians are read once per run, the canonical text comes from
``canonical_text`` (the same text as ``canonical_json``), and the chain links are computed
in memory and inserted many rows per statement, in the chain's order (signing time, then
session id). Each link carries its clinician's Ed25519 signature (``UnlockedKey.sign_link``, as
``append_signature`` makes it) when their unlocked key is given: about 50 µs a note. Everything
runs in the caller's transaction on its connection.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session

from tpi_desk.clinical.record import NoteStatus, Role
from tpi_desk.models.audit import ChainHead
from tpi_desk.models.people import Patient, User
from tpi_desk.models.procedures import (
    CosignRequest,
    Signature,
    SignedRecordKind,
)
from tpi_desk.services.demo_data.bodies import Body
from tpi_desk.services.demo_data.bulk_insert import (
    BulkTable,
    PendingRows,
    execute,
    max_bound_variables,
    positional_dialect,
)
from tpi_desk.services.demo_data.canonical_text import canonical_text
from tpi_desk.services.demo_data.note_templates import PERFORMED_AT, NoteTemplate, lot_slot
from tpi_desk.services.demo_data.vocabulary import CLINIC_OFFSET_MINUTES
from tpi_desk.services.integrity.canonical import (
    GENESIS_HASH,
    canonical_instant,
    link_hash,
    sha256_hex,
)
from tpi_desk.services.integrity.chains import SIGNATURE_CHAIN
from tpi_desk.services.integrity.integrity import patient_part, provider_part
from tpi_desk.services.integrity.signing_keys import UnlockedKey
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

    def __init__(
        self,
        connection: Connection,
        patient_ids: range,
        provider_ids: Iterable[int],
        keys: Mapping[int, UnlockedKey],
    ):
        self._connection = connection
        self._keys = dict(keys)
        with Session(bind=connection) as db:  # joins the caller's transaction
            clinic_requires_cosign = require_physician_cosign(db)
            self._patients = {
                row.id: canonical_text(patient_part(patient_facts(row)))
                for row in db.scalars(
                    select(Patient).where(Patient.id.between(patient_ids.start, patient_ids.stop))
                )
            }
            providers = [provider_record(row) for row in db.scalars(select(User))]
        wanted = set(provider_ids)
        self._providers = {
            p.id: canonical_text(provider_part(p.facts)) for p in providers if p.id in wanted
        }
        self._cosign = {
            p.id: clinic_requires_cosign and p.role is not Role.PHYSICIAN for p in providers
        }
        self._templates: dict[int, NoteTemplate] = {}
        dialect = connection.dialect
        self._signatures = BulkTable(
            Signature.__table__,  # type: ignore[arg-type]
            _SIGNATURE_COLUMNS,
            _PLAIN_SIGNATURE_COLUMNS,
            dialect,
            max_bound_variables(connection),
        )
        moved = (
            update(ChainHead)
            .where(ChainHead.name == bindparam("head_name"))
            .values(sequence=bindparam("head_sequence"), hash=bindparam("head_hash"))
            .compile(dialect=positional_dialect(dialect))
        )
        self._head_sql = str(moved)
        self._head_parameters = tuple(moved.positiontup or ())
        self._lots: dict[int, dict[str, str]] = {}
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
            template = self._templates[id(body)] = NoteTemplate(body, CLINIC_CLOCK)
        provider = self._providers[provider_id]
        cosign_required = self._cosign[provider_id]
        text = template.fill(
            {
                **self._lot_texts(lots),
                "session_id": str(session_id),
                "patient_id": str(patient_id),
                "patient": self._patients[patient_id],
                "provider_id": str(provider_id),
                "provider": provider,
                "signer_id": str(provider_id),
                "signer": provider,
                "signed_at": _instant_text(signed_at),
                "cosign_required": "true" if cosign_required else "false",
                PERFORMED_AT: _instant_text(performed_at),
            }
        )
        self._pending.append(
            _Signed(signed_at, session_id, provider_id, text, sha256_hex(text), cosign_required)
        )

    def _lot_texts(self, lots: dict[str, tuple[str, Any]]) -> dict[str, str]:
        """The canonical texts of each drug's lot and expiry in ``lots`` (memoised)."""
        found = self._lots.get(id(lots))
        if found is None:
            found = {}
            for drug, (lot, expires) in lots.items():
                found[lot_slot("lot", drug)] = canonical_text(lot)
                found[lot_slot("expires", drug)] = canonical_text(expires)
            self._lots[id(lots)] = found
        return found

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
        """Insert the links of ``notes`` (in chain order), then mark their sessions signed."""
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
        first = sequence
        table = self._signatures
        signature_id = _next_id(connection)
        rows = PendingRows(table)
        add = rows.values.extend
        kind = table.bind("record_type", SignedRecordKind.SESSION)
        signed_at = table.processor("signed_at")
        heads: list[tuple[object, ...]] = []
        keys = self._keys
        for note in notes:
            sequence += 1
            chain_hash = link_hash(previous, note.content_hash)
            key = keys.get(note.signer_id)
            if key is None:
                key_id = signature = None
            else:  # the app's own signature of the link (append_signature's)
                key_id = key.key_id
                signature = key.sign_link(sequence, previous, note.content_hash)
            add(
                (
                    signature_id, sequence, kind, note.session_id, note.session_id,
                    note.signer_id, signed_at(note.signed_at), note.text, note.content_hash,
                    previous, chain_hash, key_id, signature,
                )
            )  # fmt: skip
            heads.append(self._head_row(sequence, chain_hash))
            previous = chain_hash
            signature_id += 1
        execute(connection, rows.statements())
        connection.execute(
            _SIGN_SESSIONS,
            {"signed": NoteStatus.SIGNED.value, "after": first, "last": sequence},
        )
        cosigns = [
            {"session_id": n.session_id, "requested_at": n.signed_at}
            for n in notes
            if n.cosign_required
        ]
        if cosigns:
            connection.execute(insert(CosignRequest), cosigns)
        # The head moves one link at a time (a trigger refuses longer steps): one UPDATE per
        # link, sent as one executemany.
        connection.exec_driver_sql(self._head_sql, heads)

    def _head_row(self, sequence: int, chain_hash: str) -> tuple[object, ...]:
        values = {"head_sequence": sequence, "head_hash": chain_hash, "head_name": SIGNATURE_CHAIN}
        return tuple(values[name] for name in self._head_parameters)


# Marks the sessions of the links just inserted signed, as the app's signing does.
_SIGN_SESSIONS = text(
    "UPDATE procedure_sessions SET status = :signed, signed_at = signatures.signed_at, "
    "signed_by_id = signatures.signer_id, content_hash = signatures.content_hash, "
    "updated_at = signatures.signed_at, version = procedure_sessions.version + 1 "
    "FROM signatures WHERE signatures.session_id = procedure_sessions.id "
    "AND signatures.record_type = 'session' "
    "AND signatures.sequence > :after AND signatures.sequence <= :last"
)
_SIGNATURE_COLUMNS = (
    "id", "sequence", "record_type", "record_id", "session_id", "signer_id", "signed_at",
    "content", "content_hash", "previous_hash", "chain_hash", "key_id", "signature",
)  # fmt: skip
_PLAIN_SIGNATURE_COLUMNS = (
    "id", "sequence", "record_id", "session_id", "signer_id", "content", "content_hash",
    "previous_hash", "chain_hash", "key_id", "signature",
)  # fmt: skip


def _next_id(connection: Connection) -> int:
    return int(connection.scalar(select(func.coalesce(func.max(Signature.id), 0))) or 0) + 1


def _instant_text(instant: datetime) -> str:
    """``canonical_text(instant)``; for an instant in UTC (the generator's) from
    ``isoformat``, several times faster than ``strftime``."""
    if instant.tzinfo is UTC:
        return f'"{instant.isoformat(timespec="microseconds")[:-6]}Z"'
    return f'"{canonical_instant(instant)}"'
