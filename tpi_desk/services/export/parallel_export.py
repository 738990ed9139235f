"""The merged-PDF export rendered across the machine's cores, in worker processes.

The batch's session ids are cut into chunks of consecutive notes; each worker process opens
its own read connection once, then for each chunk loads, analyses and lays out its notes as
a part PDF and returns their claim lines and documents. The parent takes the parts back in
the batch's order and joins them (``reports.batch_parts``), so the output is the serial
export's, note for note.

Workers start from a fork server where the system has one (Linux, macOS): a clean process,
started once per run of the app, that has imported the export's modules, so that a worker
is a copy of it ready at once instead of a new interpreter importing them again (about a
second of CPU each, on every export). Elsewhere (Windows) they are spawned. Neither copies
the app itself, whose threads (the window, the database) a plain fork would leave broken.

Starting the workers takes a few seconds (the fork server imports the export's modules before
it can start any): meanwhile this process, which has them already, lays out the batch's first
part itself, with ``session_factory``, while a thread starts the pool and hands it the rest.

A worker reports each note it has laid out through a queue, so progress moves note by note;
``cancelled()`` is polled every few hundredths of a second, and a cancel terminates the pool
at once (its part files are in a scratch folder that is removed).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.models.engine import UnitOfWorkSession, create_database_engine
from tpi_desk.reports.batch_export import CancelCheck, Progress, _Cancelled
from tpi_desk.reports.batch_parts import RenderedPart, render_part
from tpi_desk.services.export.note_loading import load_notes

# Each part is its own small PDF (fonts embedded again, joined later): a few large parts per
# worker cost less than many small ones, and progress still moves note by note.
CHUNK_NOTES = 20  # the fewest notes in a part
PARTS_PER_WORKER = 4
POLL_SECONDS = 0.05
# Below this many notes starting the worker processes costs more than it saves.
MIN_PARALLEL_NOTES = 60
# What the fork server imports once for every worker it starts: this module and, through
# it, the database layer and the note layout.
PRELOADED_MODULES = ("tpi_desk.services.export.parallel_export",)


def worker_context() -> multiprocessing.context.BaseContext:
    """The fork server, preloaded with the export's modules, where there is one; else spawn
    (also in a frozen build, whose executable cannot start a fork server)."""
    frozen = bool(getattr(sys, "frozen", False))
    if frozen or "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOADED_MODULES))  # no effect once it runs
    return context


def usable_cores() -> int:
    """The cores this process may run on (its affinity where the system tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@dataclass(frozen=True, slots=True)
class ParallelRender:
    """How to render a batch's notes in ``workers`` processes reading ``database_url``;
    with ``session_factory``, this process lays out the first part while they start."""

    database_url: str
    catalog: Catalog
    workers: int
    generated_at: datetime
    with_json: bool
    progress: Progress | None
    cancelled: CancelCheck
    session_factory: sessionmaker[Session] | None = None

    def parts(self, session_ids: Sequence[int], scratch: Path) -> Iterator[RenderedPart]:
        """The rendered parts in the batch's order; raises _Cancelled on cancel."""
        total = len(session_ids)
        chunk = max(CHUNK_NOTES, -(-total // (self.workers * PARTS_PER_WORKER)))
        starts = list(range(0, total, chunk))
        here = starts[:1] if self.session_factory is not None and len(starts) > 1 else []
        context = worker_context()
        notes_done = context.Queue()
        stop = context.Event()
        done = 0

        def note_done_here() -> None:
            nonlocal done
            if self.cancelled():
                stop.set()
                raise _Cancelled
            done += 1
            if self.progress is not None:
                self.progress(done, total)

        with ThreadPoolExecutor(1, thread_name_prefix="export-workers") as starter:
            starting = starter.submit(
                self._start_pool,
                context,
                notes_done,
                stop,
                [
                    (start, tuple(session_ids[start : start + chunk]))
                    for start in starts[len(here) :]
                ],
                scratch,
            )
            try:
                for start in here:
                    ids = session_ids[start : start + chunk]
                    yield self._render_here(ids, start, scratch, note_done_here)
                pool, pending = starting.result()
                for result in pending:
                    while not result.ready():
                        done = self._follow(notes_done, done, total, stop)
                    yield result.get()  # a worker's exception is raised here
                    done = self._follow(notes_done, done, total, stop, wait=False)
                for _moment in range(40):  # the last reports may still be on their way
                    if done >= total:
                        break
                    done = self._follow(notes_done, done, total, stop)
                pool.close()
            finally:
                stop.set()
                _stop_pool(starting)
                notes_done.close()
                notes_done.join_thread()

    def _start_pool(
        self,
        context: multiprocessing.context.BaseContext,
        notes_done: Any,
        stop: Any,
        chunks: list[tuple[int, tuple[int, ...]]],
        scratch: Path,
    ) -> tuple[Pool, list[AsyncResult[RenderedPart]]]:
        """The worker pool, started, with ``chunks`` (first index, session ids) handed out."""
        pool = context.Pool(
            self.workers,
            initializer=_start_worker,
            initargs=(self.database_url, self.catalog, notes_done, stop),
        )
        pending = [
            pool.apply_async(
                _render_chunk,
                (
                    ids,
                    self.generated_at,
                    start + 1,
                    str(scratch / f"part-{start:07d}.pdf"),
                    self.with_json,
                ),
            )
            for start, ids in chunks
        ]
        return pool, pending

    def _render_here(
        self,
        session_ids: Sequence[int],
        start: int,
        scratch: Path,
        note_done: Callable[[], None],
    ) -> RenderedPart:
        """A part laid out in this process with ``session_factory``, as a worker would."""
        factory = self.session_factory
        if factory is None:
            raise RuntimeError("a part is laid out here only with a session factory")
        notes = load_notes(factory, self.catalog, session_ids, self.generated_at)
        return render_part(
            notes,
            scratch / f"part-{start:07d}.pdf",
            first_number=start + 1,
            with_json=self.with_json,
            note_done=note_done,
        )

    def _follow(
        self, notes_done: Any, done: int, total: int, stop: Any, *, wait: bool = True
    ) -> int:
        """Count the notes the workers report (waiting a moment for one); checks cancel."""
        if self.cancelled():
            stop.set()
            raise _Cancelled
        try:
            notes_done.get(timeout=POLL_SECONDS) if wait else notes_done.get_nowait()
        except queue.Empty:
            return done
        done += 1
        if self.progress is not None:
            self.progress(done, total)
        while True:  # and whatever else arrived meanwhile, a cancel still checked at each
            if self.cancelled():
                stop.set()
                raise _Cancelled
            try:
                notes_done.get_nowait()
            except queue.Empty:
                return done
            done += 1
            if self.progress is not None:
                self.progress(done, total)


def _stop_pool(starting: Future[tuple[Pool, list[AsyncResult[RenderedPart]]]]) -> None:
    """Terminate the pool once it has started (if it could start at all)."""
    try:
        pool, _pending = starting.result()
    except Exception:  # its error, if any, has been raised where the pool was wanted
        return
    pool.terminate()
    pool.join()


# --- In each worker process -------------------------------------------------------------

_worker: dict[str, Any] = {}


def _start_worker(database_url: str, catalog: Catalog, notes_done: Any, stop: Any) -> None:
    engine = create_database_engine(database_url)
    factory: sessionmaker[Session] = sessionmaker(
        engine, class_=UnitOfWorkSession, expire_on_commit=False
    )
    _worker.update(factory=factory, catalog=catalog, notes_done=notes_done, stop=stop)


def _render_chunk(
    session_ids: tuple[int, ...],
    generated_at: datetime,
    first_number: int,
    path: str,
    with_json: bool,
) -> RenderedPart:
    if _worker["stop"].is_set():
        return RenderedPart(None, ())
    notes = load_notes(_worker["factory"], _worker["catalog"], session_ids, generated_at)
    return render_part(
        notes,
        Path(path),
        first_number=first_number,
        with_json=with_json,
        note_done=lambda: _worker["notes_done"].put(1),
    )
