"""Typed errors the services raise; each carries a message a clinician can read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tpi_desk.clinical.problems import FieldProblem


class UserError(Exception):
    """Something the user can understand and act on (never a bug)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationFailed(UserError):
    """One or more fields hold values that cannot be saved."""

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"{p.label}: {p.message}" for p in self.problems)
        super().__init__(f"Some fields need attention:\n{lines}")


class NotFound(UserError):
    """The record asked for does not exist (or was removed by someone else)."""


class PermissionDenied(UserError):
    """The current user's role or credentials do not allow this action."""


class ConflictError(UserError):
    """Someone else saved this record since it was opened; nothing was overwritten."""


class LockedNoteError(UserError):
    """The note is signed (or entered in error) and can no longer change."""


class NotReadyToSign(UserError):
    """The ready-to-sign checklist still has open items."""

    def __init__(self, missing: Sequence[str]) -> None:
        self.missing = tuple(missing)
        super().__init__("The note cannot be signed yet:\n" + "\n".join(f"- {m}" for m in missing))


class DatabaseUnavailable(UserError):
    """The database cannot be opened or written: locked, corrupt, read-only, unreachable."""


class NewerDatabaseError(DatabaseUnavailable):
    """The database was written by a newer version of TPI Desk."""


class LoginFailed(UserError):
    """Sign-in refused; the message never says whether the username or the password was wrong."""

    def __init__(self, message: str = "The username or password is not correct.") -> None:
        super().__init__(message)


class AccountLocked(UserError):
    """Too many failed sign-ins: the account stays locked until ``locked_until`` (UTC)."""

    def __init__(self, message: str, locked_until: datetime) -> None:
        super().__init__(message)
        self.locked_until = locked_until


class WrongPassword(UserError):
    """The signed-in user's password, asked again before signing, was not correct."""
