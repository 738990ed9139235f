"""A demo load into a SQLite file holding no session yet writes through a rollback journal.

The load is one transaction (an interrupted one leaves nothing behind). In WAL mode, a
transaction of gigabytes keeps every page it writes in the WAL until it commits, then copies
them all into the database a second time, and every page the load reads back is looked up
in a WAL index that grows with it: a million signed sessions (5.8 GB) loaded at 2,703
sessions/s against 5,803/s for 20,000. Into a file without sessions, a rollback journal
keeps only the few pages the file held before the load (pages past its old end need none),
and each page is written once; an interrupted load is rolled back from the journal the next
time the file is opened, as SQLite does for any interrupted transaction.

The file returns to WAL when the load ends, committed or not (and every connection the app
opens asks for WAL again). SQLite leaves WAL only when no other connection has the file
open: then the load simply runs in WAL, as before.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from tpi_desk.services.demo_data.bulk_insert import SESSIONS_STORED


@contextmanager
def rollback_journal_for_a_first_load(connection: Connection) -> Iterator[None]:
    """Around the load's transaction (``connection`` holds none yet): SQLite, no session
    stored, no other connection open: the rollback journal; anything else: as it is."""
    sqlite = connection.dialect.name == "sqlite"
    driver = connection.connection.driver_connection if sqlite else None
    if not isinstance(driver, sqlite3.Connection) or driver.in_transaction:
        yield
        return
    if driver.execute(SESSIONS_STORED).fetchone()[0]:
        yield
        return
    try:
        left_wal = driver.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete"
    except sqlite3.OperationalError:  # another connection has the file open
        left_wal = False
    try:
        yield
    finally:
        if left_wal:
            _back_to_wal(connection, driver)


def _back_to_wal(connection: Connection, driver: sqlite3.Connection) -> None:
    try:
        if connection.in_transaction():
            connection.rollback()
        driver.execute("PRAGMA journal_mode=WAL")
    except (sqlite3.Error, SQLAlchemyError):
        connection.invalidate()  # the next connection the app opens asks for WAL itself
