"""Demo sessions stamped with ids, patients, clinicians, times and lots: the hot loop."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tpi_desk.clinical.record import NoteStatus
from tpi_desk.services.demo_data.bodies import Body
from tpi_desk.services.demo_data.bulk_insert import (
    BulkTable,
    BulkTables,
    Memo,
    PendingRows,
    Row,
    Statement,
)
from tpi_desk.services.demo_data.people import IdCounters
from tpi_desk.services.demo_data.signatures import NoteSigner
from tpi_desk.services.demo_data.timeline import ClinicDay
from tpi_desk.services.demo_data.vocabulary import (
    CLINIC_OFFSET_MINUTES,
    INJECTATES,
    LOT_LETTERS,
    SIGNING_DELAYS,
    SLOT_MINUTES,
    STEROIDS,
    USUAL_CLINICIAN_SHARE,
)


class _Lots:
    """Each drug's lot of the month and its expiry date (12 to 24 months after the month)."""

    def __init__(self, rng: random.Random, table: BulkTable) -> None:
        self._rng = rng
        self._table = table
        self._months: dict[tuple[int, int], tuple[dict[str, Row], dict[str, Row]]] = {}

    def of_month(self, day: datetime) -> tuple[dict[str, Row], dict[str, Row]]:
        """Drug id -> bound (lot, expires) and drug id -> (lot, expires) for ``day``'s month."""
        month = (day.year, day.month)
        found = self._months.get(month)
        if found is None:
            raw = {drug: self._new_lot(day) for drug in _drug_ids()}
            bound = {
                drug: (lot, self._table.bind("expires", expires))
                for drug, (lot, expires) in raw.items()
            }
            found = self._months[month] = (bound, raw)
        return found

    def _new_lot(self, day: datetime) -> Row:
        rng = self._rng
        lot = f"{rng.choice(LOT_LETTERS)}{rng.choice(LOT_LETTERS)}{rng.randint(10_000, 99_999)}"
        months_later = day.month + rng.randint(12, 24)
        expires = date(day.year + (months_later - 1) // 12, (months_later - 1) % 12 + 1, 1)
        return (lot, expires - timedelta(days=1))


def _drug_ids() -> list[str]:
    return list(dict.fromkeys(drug for drug, _, _ in INJECTATES + STEROIDS))


def _minute_clock(midnight: datetime, processor: Callable[[Any], Any]) -> Memo:
    """Minutes after ``midnight`` -> that instant as bound by ``processor``, memoised.

    Where the column binds an instant as SQLite's text (UTC, "YYYY-MM-DD HH:MM:SS.ffffff"),
    that text is made straight from the UTC midnight: the same characters without the type
    processing's checks and conversions, a tenth of the load's Python time at a million
    sessions. The first instant is bound both ways and must agree, else every one goes
    through ``processor``."""

    def bound(minutes: int) -> Any:
        return processor(midnight + timedelta(minutes=minutes))

    first = bound(0)
    utc_midnight = midnight.astimezone(UTC).replace(tzinfo=None)
    if isinstance(first, str) and first == utc_midnight.isoformat(" ", "microseconds"):
        return Memo(
            lambda minutes: (utc_midnight + timedelta(minutes=minutes)).isoformat(
                " ", "microseconds"
            )
        )
    return Memo(bound)


@dataclass(frozen=True, slots=True)
class PreparedChunk:
    """Insert statements ready for the driver, and how many rows of each kind they add."""

    sessions: int
    sites: int
    medication_lines: int
    statements: list[Statement]

    @classmethod
    def of(cls, statements: list[Statement]) -> PreparedChunk:
        """Statements that add no session (the patients)."""
        return cls(0, 0, 0, statements)


@dataclass(frozen=True, slots=True)
class _ChunkRows:
    """The new rows of one chunk, by table."""

    sessions: PendingRows
    diagnoses: PendingRows
    sites: PendingRows
    medications: PendingRows

    @classmethod
    def of(cls, tables: BulkTables) -> _ChunkRows:
        return cls(
            PendingRows(tables.sessions),
            PendingRows(tables.diagnoses),
            PendingRows(tables.sites),
            PendingRows(tables.medications),
        )

    def cut(self) -> None:
        for pending in (self.sessions, self.diagnoses, self.sites, self.medications):
            pending.cut()


class SessionRowBuilder:
    """Stamps bodies with ids, patients, clinicians and times: the per-row hot loop."""

    def __init__(
        self,
        *,
        rng: random.Random,
        tables: BulkTables,
        ids: IdCounters,
        bodies: Sequence[Body],
        patient_ids: range,
        provider_ids: tuple[int, ...],
        signer: NoteSigner | None,
    ) -> None:
        # Signs past notes as they are built; None: insert them stamped signed, unsigned.
        self._signer = signer
        self._rng = rng
        self._tables = tables
        self._ids = ids
        self._bodies = bodies
        self._patient_ids = patient_ids
        self._provider_ids = provider_ids
        self._lots = _Lots(rng, tables.medications)
        sessions = tables.sessions
        self._performed_at = sessions.processor("performed_at")
        self._signed_at = sessions.processor("signed_at")
        # created_at and updated_at reuse the bound performed_at / signed_at values.
        self._same_type_as(sessions, "performed_at", "signed_at", "created_at", "updated_at")
        self._offset = sessions.bind("performed_at_offset_minutes", CLINIC_OFFSET_MINUTES)
        self._signed = sessions.bind("status", NoteStatus.SIGNED)
        self._draft = sessions.bind("status", NoteStatus.DRAFT)
        self._no_hash = sessions.bind("content_hash", None)
        self._no_time = sessions.bind("signed_at", None)
        self._version = sessions.bind("version", 1)

    @staticmethod
    def _same_type_as(table: BulkTable, *columns: str) -> None:
        if len({table.column_type(column) for column in columns}) != 1:
            raise RuntimeError(f"{columns} no longer share one column type")

    def prepare(self, days: Sequence[ClinicDay]) -> PreparedChunk:
        """The insert statements of the sessions of ``days`` and their children."""
        rows = _ChunkRows.of(self._tables)
        for day in days:
            self._add_day(rows, day)
            rows.cut()
        return PreparedChunk(
            sessions=rows.sessions.row_count,
            sites=rows.sites.row_count,
            medication_lines=rows.medications.row_count,
            statements=[  # parents before children
                *rows.sessions.statements(),
                *rows.diagnoses.statements(),
                *rows.sites.statements(),
                *rows.medications.statements(),
            ],
        )

    def _add_day(self, rows: _ChunkRows, day: ClinicDay) -> None:
        ids = self._ids
        rng = self._rng
        random_number = rng.random
        bodies, body_count = self._bodies, len(self._bodies)
        patient_ids, patient_count = self._patient_ids, len(self._patient_ids)
        providers, provider_count = self._provider_ids, len(self._provider_ids)
        performed_at = _minute_clock(day.midnight, self._performed_at)
        signed_at = _minute_clock(day.midnight, self._signed_at)
        lots, raw_lots = self._lots.of_month(day.midnight)
        signer = self._signer
        offset, version, no_hash = self._offset, self._version, self._no_hash
        status = self._signed if day.signed else self._draft
        delays = SIGNING_DELAYS
        add_session, add_diagnosis = rows.sessions.values.extend, rows.diagnoses.values.extend
        add_site, add_medication = rows.sites.values.extend, rows.medications.values.extend
        session_id, diagnosis_id = ids.session, ids.diagnosis
        site_id, medication_id = ids.site, ids.medication
        for minute in sorted(rng.choices(SLOT_MINUTES, k=day.sessions)):
            patient_index = int(random_number() * patient_count)
            provider = providers[patient_index % provider_count]
            if random_number() >= USUAL_CLINICIAN_SHARE:
                provider = providers[int(random_number() * provider_count)]
            body = bodies[int(random_number() * body_count)]
            performed = performed_at[minute]
            if day.signed and signer is not None:  # inserted a draft, signed once inserted
                delay = delays[int(random_number() * len(delays))]
                signer.sign(
                    session_id=session_id,
                    patient_id=patient_ids[patient_index],
                    provider_id=provider,
                    body=body,
                    lots=raw_lots,
                    performed_at=day.midnight + timedelta(minutes=minute),
                    signed_at=day.midnight + timedelta(minutes=minute + delay),
                )
                draft = self._draft
                tail: Row = (draft, self._no_time, None, no_hash, performed, performed, version)
            elif day.signed:
                signed = signed_at[minute + delays[int(random_number() * len(delays))]]
                tail = (status, signed, provider, no_hash, performed, signed, version)
            else:
                tail = (status, self._no_time, None, no_hash, performed, performed, version)
            add_session((session_id, patient_ids[patient_index], provider, performed, offset))
            add_session(body.values)
            add_session(tail)
            for diagnosis in body.diagnoses:
                add_diagnosis((diagnosis_id, session_id))
                add_diagnosis(diagnosis)
                diagnosis_id += 1
            for site in body.sites:
                add_site((site_id, session_id))
                add_site(site.values)
                for values, drug, documentation in site.medications:
                    add_medication((medication_id, site_id))
                    add_medication(values)
                    add_medication(lots[drug])
                    add_medication(documentation)
                    medication_id += 1
                site_id += 1
            session_id += 1
        ids.session, ids.diagnosis = session_id, diagnosis_id
        ids.site, ids.medication = site_id, medication_id
