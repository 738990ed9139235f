"""Errors the database layer raises when a database cannot be opened safely."""

from __future__ import annotations


class DatabaseOpenError(Exception):
    """The database could not be opened; the message says why in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DatabaseTooNewError(DatabaseOpenError):
    """The database was written by a newer TPI Desk; it was left untouched."""

    def __init__(self, revision: str) -> None:
        super().__init__(
            "This database was created by a newer version of TPI Desk "
            f"(schema {revision}). Install the newer version; the file was not changed."
        )
        self.revision = revision


class DatabaseNeedsUpgradeError(DatabaseOpenError):
    """The database's schema is older than this TPI Desk and upgrading was not allowed."""

    def __init__(self, revision: str | None, head: str) -> None:
        found = "an empty database" if revision is None else f"schema {revision}"
        super().__init__(
            f"This database has {found}; this version of TPI Desk needs schema {head}. "
            "Open it normally to upgrade it; the file was not changed."
        )
        self.revision = revision
        self.head = head
