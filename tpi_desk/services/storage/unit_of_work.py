"""Runs one write unit of work that appends to a hash chain (every audited action does).

On PostgreSQL the transaction first locks the chain heads' table, before its snapshot is
taken (``LOCK TABLE`` takes none): appends from several workstations then queue instead of
failing at REPEATABLE READ, and each sees the rows the one before it committed. Should
PostgreSQL still report a serialization failure or a deadlock, the unit of work runs again
from the start. A database trigger's refusal to touch a signed record becomes a
LockedNoteError. (On SQLite the write transaction's BEGIN IMMEDIATE already queues.)
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from tpi_desk.services.errors import LockedNoteError
from tpi_desk.services.storage.database_errors import database_errors_as_user_errors

T = TypeVar("T")

# The marker every refusal of our triggers starts with (see migration 0003).
LOCKED_RECORD_MARKER = "tpi-desk locked record"
# PostgreSQL: "could not serialize access" and "deadlock detected". Both mean another
# workstation's transaction won; running ours again on fresh data is safe, because every
# unit of work re-reads and re-checks (versions, statuses) from the start.
_RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
MAX_ATTEMPTS = 8
# Conflicts only with itself (and writers of chain_heads): plain reads never wait.
_LOCK_CHAINS = text("LOCK TABLE chain_heads IN SHARE ROW EXCLUSIVE MODE")


def run_unit_of_work(
    session_factory: sessionmaker[Session], what: str, work: Callable[[Session], T]
) -> T:
    """``work(db)`` in one write transaction; ``what`` names the action in messages."""
    with database_errors_as_user_errors(what):
        attempt = 1
        while True:
            try:
                with session_factory.begin() as db:
                    if db.get_bind().dialect.name == "postgresql":
                        db.execute(_LOCK_CHAINS)
                    return work(db)
            except DBAPIError as error:
                if is_locked_record_error(error):
                    raise LockedNoteError(
                        f"Could not {what}: {_trigger_reason(error)}. Nothing was changed."
                    ) from error
                if attempt >= MAX_ATTEMPTS or _sqlstate(error) not in _RETRYABLE_SQLSTATES:
                    raise
            attempt += 1
            time.sleep(random.uniform(0.005, 0.02 * attempt))  # jitter, not security


def is_locked_record_error(error: DBAPIError) -> bool:
    """True when one of our triggers refused to change a signed or append-only record."""
    return LOCKED_RECORD_MARKER in str(error.orig)


def _trigger_reason(error: DBAPIError) -> str:
    text = str(error.orig).strip().splitlines()[0]
    reason = text.split(LOCKED_RECORD_MARKER, 1)[1].lstrip(": ")
    return reason or "the record is signed and can no longer change"


def _sqlstate(error: DBAPIError) -> str | None:
    code = getattr(error.orig, "sqlstate", None)
    return code if isinstance(code, str) else None
