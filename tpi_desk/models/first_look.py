"""A quick read-only look at a SQLite database, with the standard library only.

The app asks it which first window to show (sign in, or create the administrator) so that
window can be up before SQLAlchemy is even imported; the database is then opened properly,
with every check ``open_database`` makes, while the user types. Any doubt answers None and
the app opens the database first, as it always did.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tpi_desk.clinical.record import Role
from tpi_desk.models.schema_version import SCHEMA_HEAD

SQLITE_URL_PREFIXES = ("sqlite:///", "sqlite+pysqlite:///")
# A file another program is writing is not worth waiting for here: the proper open will.
LOOK_TIMEOUT_S = 0.2
# The same accounts UserService.needs_first_admin counts (a test keeps the two in step).
ACTIVE_ADMIN_EXISTS = (
    "SELECT EXISTS (SELECT 1 FROM users "
    "WHERE role = ? AND active = 1 AND password_hash IS NOT NULL)"
)


def sqlite_file_of(url: str) -> Path | None:
    """The file of a plain SQLite file URL; None for anything else (server, memory, URI)."""
    prefix = next((p for p in SQLITE_URL_PREFIXES if url.startswith(p)), None)
    if prefix is None:
        return None
    database = url[len(prefix) :]  # as SQLAlchemy reads it: not percent-decoded
    if not database or "?" in database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def needs_first_admin_at_a_glance(url: str) -> bool | None:
    """Whether the database at ``url`` still needs its first administrator.

    True for a file that does not exist yet; True or False for a TPI Desk file at this
    version's schema; None (cannot tell cheaply) for a server database, a file at another
    schema revision, or one that is not a TPI Desk database, is locked or is damaged.
    Nothing is written.
    """
    path = sqlite_file_of(url)
    if path is None:
        return None
    if not path.exists():
        return True
    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=LOOK_TIMEOUT_S
        )
    except sqlite3.Error:
        return None
    try:
        revisions = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        if revisions != [(SCHEMA_HEAD,)]:
            return None
        (exists,) = connection.execute(ACTIVE_ADMIN_EXISTS, (Role.ADMIN.value,)).fetchone()
        return not exists
    except sqlite3.Error:
        return None
    finally:
        connection.close()
