"""A separate process that saves through the app's real services, for the reliability tests.

Run as ``python save_worker.py MODE DATABASE_URL ...`` with the repository root on
``PYTHONPATH``. Every line it prints is flushed at once, so what the parent has read is
exactly what the worker had done when it died.

- ``crash URL PATIENT_ID PROVIDER_ID``: a zygote that imports the app once, prints
  ``zygote``, then obeys stdin. ``start TAG`` forks a saver process that prints
  ``pid PID`` and ``ready`` (once its database is open), then creates, saves and signs drafts
  in a loop until killed; after each service call *returns* it prints an acknowledgement:
  ``ack SESSION_ID VERSION STATUS MARKER``. ``reap PID`` waits for that process to end and
  prints ``exited PID STATUS`` after everything it printed. Forking saves the 0.6 s start-up
  of a fresh interpreter for every kill.
- ``race URL SESSION_ID PROVIDER_ID TAG``: reads commands from stdin. ``load`` prints
  ``loaded VERSION``; ``save AT`` waits until ``time.monotonic() >= AT`` (one clock for every
  process), saves the loaded version with a new marker and prints ``saved VERSION MARKER``,
  ``conflict MESSAGE`` or ``failed ERROR_TYPE MESSAGE``; the end of stdin ends it.
"""

from __future__ import annotations

import itertools
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from functools import partial

from sqlalchemy.orm import configure_mappers

from tests.reliability.workers import physician_actor
from tests.services.conftest import NOW, PASSWORD, fast_hasher, two_site_entry
from tpi_desk.clinical.catalog import Catalog, load_catalog
from tpi_desk.clinical.record import NoteStatus
from tpi_desk.models.database import open_database
from tpi_desk.paths import resource_path
from tpi_desk.services.errors import ConflictError, UserError
from tpi_desk.services.sessions.drafts import DraftService
from tpi_desk.services.sessions.session_queries import SessionQueries
from tpi_desk.services.sessions.signing import SigningService

SAVES_PER_DRAFT = 2


def marker(tag: str, sequence: int) -> str:
    """The text saved in a note's ``notes``; the sequence number orders a worker's saves."""
    return f"Łukasz Ødegård check {tag}-{sequence:06d}"


def marker_sequence(text: str) -> tuple[str, int]:
    """``(tag, sequence)`` of a marker written by :func:`marker`."""
    tag, _, sequence = text.rsplit(" ", 1)[-1].rpartition("-")
    return tag, int(sequence)


def say(*words: object) -> None:
    """Print one line with a single write (atomic on a pipe), even with PYTHONUNBUFFERED."""
    sys.stdout.write(" ".join(str(word) for word in words) + "\n")
    sys.stdout.flush()


def crash_zygote(url: str, patient_id: int, provider_id: int, commands: Iterator[str]) -> None:
    catalog = load_catalog(resource_path("catalog"))
    configure_mappers()  # once here, not in every child
    say("zygote")
    running: set[int] = set()
    try:
        for command in commands:
            verb, argument = command.split()
            if verb == "start":
                child = os.fork()
                if child == 0:
                    _run_child(partial(crash_loop, url, catalog, patient_id, provider_id, argument))
                running.add(child)
                say("pid", child)
            elif verb == "reap":
                _, status = os.waitpid(int(argument), 0)
                running.discard(int(argument))
                say("exited", argument, os.waitstatus_to_exitcode(status))
    finally:
        for child in running:  # the test gave up on them: leave no saver behind
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)


def _run_child(work: Callable[[], None]) -> None:
    """Run ``work`` in a forked child and never return into the zygote's loop."""
    try:
        work()
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
    finally:
        os._exit(1)


def crash_loop(url: str, catalog: Catalog, patient_id: int, provider_id: int, tag: str) -> None:
    database = open_database(url)
    drafts = DraftService(database.session_factory, catalog)
    signing = SigningService(
        database.session_factory, catalog, clock=lambda: NOW, hasher=fast_hasher()
    )
    actor = physician_actor(provider_id)
    say("ready")
    sequence = itertools.count(1)
    while True:
        text = marker(tag, next(sequence))
        entry = two_site_entry(notes=text)
        record = drafts.create(patient_id, provider_id, entry, actor=actor)
        say("ack", record.id, record.version, record.status.value, text)
        for _ in range(SAVES_PER_DRAFT):
            text = marker(tag, next(sequence))
            entry = two_site_entry(notes=text)
            record = drafts.save(record.id, record.version, entry, actor=actor)
            say("ack", record.id, record.version, record.status.value, text)
        record = signing.sign(
            record.id, record.version, provider_id, actor=actor, password=PASSWORD
        )
        assert record.status is NoteStatus.SIGNED
        say("ack", record.id, record.version, record.status.value, text)


def race_loop(
    url: str, session_id: int, provider_id: int, tag: str, commands: Iterator[str]
) -> None:
    catalog = load_catalog(resource_path("catalog"))
    database = open_database(url)
    drafts = DraftService(database.session_factory, catalog)
    queries = SessionQueries(database.session_factory, catalog, clock=lambda: NOW)
    actor = physician_actor(provider_id)
    loaded_version = 0
    sequence = itertools.count(1)
    say("ready")
    for command in commands:
        verb, *rest = command.split()
        if verb == "load":
            loaded_version = queries.load(session_id, actor=actor).version
            say("loaded", loaded_version)
            continue
        start_at = float(rest[0])
        text = marker(tag, next(sequence))
        while time.monotonic() < start_at:
            pass
        try:
            entry = two_site_entry(notes=text)
            record = drafts.save(session_id, loaded_version, entry, actor=actor)
        except ConflictError as conflict:
            say("conflict", conflict.message.replace("\n", " "))
        except UserError as error:
            say("failed", type(error).__name__, error.message.replace("\n", " "))
        except Exception as error:  # reported, so that the test names what leaked out
            say("failed", type(error).__name__, str(error).replace("\n", " "))
        else:
            say("saved", record.version, text)
    database.dispose()


def main(argv: list[str]) -> None:
    mode, url, *rest = argv
    if mode == "crash":
        crash_zygote(url, int(rest[0]), int(rest[1]), (line.strip() for line in sys.stdin))
    elif mode == "race":
        race_loop(url, int(rest[0]), int(rest[1]), rest[2], (line.strip() for line in sys.stdin))
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
