"""Two processes save the same draft at the same moment: one wins, the other hears why."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from tests.reliability.workers import (
    People,
    add_physician,
    physician_actor,
    read_reply,
    send_line,
    start_save_worker,
    stop,
)
from tests.services.conftest import patient_facts, two_site_entry
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.models.database import Database, open_database
from tpi_desk.services.dto import SessionRecord
from tpi_desk.services.errors import DatabaseUnavailable
from tpi_desk.services.people.patients import PatientService
from tpi_desk.services.permissions import Actor
from tpi_desk.services.sessions.drafts import DraftService
from tpi_desk.services.sessions.session_queries import SessionQueries

ROUNDS = 12
START_DELAY_S = 0.05  # both workers start saving at one instant, this long after "go"


@dataclass(frozen=True)
class Race:
    session_id: int
    people: People
    workers: dict[str, subprocess.Popen[str]]


@pytest.fixture
def race(database: Database, people: People, catalog: Catalog) -> Iterator[Race]:
    """A draft and two worker processes, each with its own connection, ready to save it."""
    draft = DraftService(database.session_factory, catalog).create(
        people.patient_id,
        people.provider_id,
        two_site_entry(notes="first words"),
        actor=people.physician,
    )
    url = database.url.render_as_string(hide_password=False)
    workers: dict[str, subprocess.Popen[str]] = {}
    try:
        for tag in ("Zoë", "Ødegård"):
            args = (str(draft.id), str(people.provider_id), tag)
            workers[tag] = start_save_worker("race", url, *args)
        for tag, worker in workers.items():
            assert read_reply(worker, tag) == ("ready", "")
        yield Race(draft.id, people, workers)
    finally:
        errors = {tag: stop(worker) for tag, worker in workers.items()}
    for tag, text in errors.items():
        for leak in ("Traceback", "Warning", "database is locked"):
            assert leak not in text, f"worker {tag} wrote on stderr:\n{text}"


def test_same_draft_saved_twice_at_once_one_wins_the_other_gets_a_conflict(
    race: Race, database: Database, catalog: Catalog
) -> None:
    queries = SessionQueries(database.session_factory, catalog)
    for round_number in range(1, ROUNDS + 1):
        for worker in race.workers.values():
            send_line(worker, "load")
        loaded = {tag: read_reply(worker, tag) for tag, worker in race.workers.items()}
        assert set(loaded.values()) == {("loaded", str(round_number))}

        start_at = time.monotonic() + START_DELAY_S
        for worker in race.workers.values():
            send_line(worker, f"save {start_at}")
        replies = [read_reply(worker, tag) for tag, worker in race.workers.items()]

        assert sorted(word for word, _ in replies) == ["conflict", "saved"], (
            f"round {round_number}: {replies}"
        )
        winner = next(rest for word, rest in replies if word == "saved")
        conflict = next(rest for word, rest in replies if word == "conflict")
        assert conflict.startswith("Could not save the draft:")
        assert "Nothing was overwritten" in conflict
        assert "locked" not in conflict.lower()
        version, winner_notes = winner.split(" ", 1)
        stored = queries.load(race.session_id, actor=race.people.physician)
        assert stored.version == int(version) == round_number + 1
        assert stored.entry.notes == winner_notes, "what is stored is the winner's save, whole"


@dataclass(frozen=True)
class SqliteClinic:
    database: Database
    physician: Actor
    draft: SessionRecord


@pytest.fixture
def sqlite_clinic(sqlite_url: str, catalog: Catalog) -> Iterator[SqliteClinic]:
    """A SQLite database with one draft (pain before: 7) by a signed-in physician."""
    database = open_database(sqlite_url)
    physician = physician_actor(add_physician(database.session_factory))
    patient = PatientService(database.session_factory).create(patient_facts(), actor=physician)
    draft = DraftService(database.session_factory, catalog).create(
        patient.id, physician.user_id, two_site_entry(pain_before=7), actor=physician
    )
    yield SqliteClinic(database, physician, draft)
    database.dispose()


@contextmanager
def write_lock_held(path: str) -> Iterator[None]:
    """Another process inside ``BEGIN IMMEDIATE`` with an uncommitted change, rolled back."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE')\n"
            "c.execute('UPDATE procedure_sessions SET pain_before = 1')\n"
            "print('locked', flush=True)\n"
            "sys.stdin.readline()\n"
            "c.execute('ROLLBACK')\n",
            path,
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.communicate("done\n", timeout=10)


def test_a_reader_is_not_blocked_while_another_process_holds_the_write_lock(
    sqlite_clinic: SqliteClinic, catalog: Catalog
) -> None:
    """Write units of work take SQLite's write lock at once; a plain read (the session list)
    must not wait for it, and sees what was committed."""
    database = sqlite_clinic.database
    with write_lock_held(str(database.url.database)):
        started = time.monotonic()
        listed = SessionQueries(database.session_factory, catalog).page(
            actor=sqlite_clinic.physician
        )
        assert time.monotonic() - started < 1.0, "a read waited for the writer"
    assert [(row.id, row.pain_before) for row in listed.rows] == [(sqlite_clinic.draft.id, 7)]


def test_a_save_kept_waiting_past_the_busy_timeout_says_try_again(
    sqlite_clinic: SqliteClinic, catalog: Catalog
) -> None:
    database, draft = sqlite_clinic.database, sqlite_clinic.draft
    drafts = DraftService(database.session_factory, catalog)
    typed = two_site_entry(notes="Typed while the other workstation was busy")
    with write_lock_held(str(database.url.database)), pytest.raises(DatabaseUnavailable) as busy:
        drafts.save(draft.id, draft.version, typed, actor=sqlite_clinic.physician)

    assert busy.value.message == (
        "Could not save the draft: another workstation or program kept the database busy. "
        "Nothing was saved; try again in a moment."
    )
    saved = drafts.save(draft.id, draft.version, typed, actor=sqlite_clinic.physician)
    assert (saved.version, saved.entry.notes) == (draft.version + 1, typed.notes)
