"""Runs verify's chunks: in this process, or side by side in worker processes.

A large database is checked by one worker process per core (started with ``spawn``), each
with its own connection: SQLite in WAL mode lets readers run side by side (each worker
reads through a memory map), PostgreSQL gives
each worker its own connection. The workers' snapshots may be a moment apart; they only read
chunks up to the chain heads this process read, and those links and entries are
append-only (the triggers refuse changes), so every snapshot holds the same rows. The open
last chunk, where a writer may be appending, is checked here, in the caller's snapshot,
like the heads it is compared with.
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.services.integrity.audit_check import check_audit_chunk
from tpi_desk.services.integrity.chain_walk import ChunkRange, ChunkRunner, ChunkWalk
from tpi_desk.services.integrity.key_check import KeyCheck
from tpi_desk.services.integrity.link_chunks import check_link_chunk

# Below this many links and entries, starting workers costs more than it saves.
PARALLEL_FROM = 30_000


@dataclass(frozen=True, slots=True)
class InThisProcess:
    """Every chunk checked in the caller's session, one after the other."""

    db: Session

    def links(self, keys: KeyCheck, ranges: Sequence[ChunkRange]) -> Iterator[ChunkWalk]:
        for after, upto in ranges:
            yield check_link_chunk(self.db, keys, after, upto)
            self.db.expunge_all()  # keep memory flat however long the chain is

    def audit(self, ranges: Sequence[ChunkRange]) -> Iterator[ChunkWalk]:
        for after, upto in ranges:
            yield check_audit_chunk(self.db, after, upto)


@dataclass(frozen=True, slots=True)
class InWorkers:
    """Closed chunks checked by worker processes, the open last one by the caller."""

    db: Session
    pool: Executor

    def links(self, keys: KeyCheck, ranges: Sequence[ChunkRange]) -> Iterator[ChunkWalk]:
        closed = [("links", after, upto) for after, upto in ranges if upto is not None]
        yield from self.pool.map(_run, closed)
        yield from InThisProcess(self.db).links(keys, [r for r in ranges if r[1] is None])

    def audit(self, ranges: Sequence[ChunkRange]) -> Iterator[ChunkWalk]:
        closed = [("audit", after, upto) for after, upto in ranges if upto is not None]
        yield from self.pool.map(_run, closed)
        yield from InThisProcess(self.db).audit([r for r in ranges if r[1] is None])


@contextmanager
def chunk_runner(db: Session, size: int, *, workers: int | None = None) -> Iterator[ChunkRunner]:
    """The runner for a database of ``size`` links and entries: workers from
    ``PARALLEL_FROM`` on (one per core, or ``workers``), this process below it."""
    count = workers if workers is not None else (os.cpu_count() or 1)
    bind = db.get_bind()
    url = bind.engine.url
    in_memory = url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
    if size < PARALLEL_FROM or count < 2 or in_memory:
        yield InThisProcess(db)
        return
    context = multiprocessing.get_context("spawn")
    address = url.render_as_string(hide_password=False)
    pool = ProcessPoolExecutor(count, mp_context=context, initializer=_start, initargs=(address,))
    with pool:
        yield InWorkers(db, pool)


_MAPPED_BYTES = 1 << 40  # "as much as SQLite allows" (its build caps it, often at 2 GB)

# A worker process's own connection and keys (set by _start, once per process).
_worker: dict[str, object] = {}


def _start(address: str) -> None:
    engine = create_engine(address)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _mapped)
    _worker["sessions"] = sessionmaker(engine)


def _run(task: tuple[str, int, int | None]) -> ChunkWalk:
    kind, after, upto = task
    sessions = _worker["sessions"]
    assert isinstance(sessions, sessionmaker)
    with sessions() as db:
        if kind == "audit":
            return check_audit_chunk(db, after, upto)
        keys = _worker.get("keys")
        if not isinstance(keys, KeyCheck):
            keys = _worker["keys"] = KeyCheck.load(db)
        return check_link_chunk(db, keys, after, upto)


def _mapped(connection: sqlite3.Connection, _record: object) -> None:
    """A worker reads its chunks through a memory map of the database file, not a copy of
    each page made by a read call (about 10% less CPU for a large verify: the two workers
    otherwise compete copying pages). SQLite maps at most what it was built to allow."""
    connection.execute(f"PRAGMA mmap_size={_MAPPED_BYTES}")
