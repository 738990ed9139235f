"""Who runs a `tpi-desk` command: the operator signs in as one of the clinic's accounts.

Every command that reads PHI or changes anything needs a signed-in operator whose role may
run it (issue 13). The operator is named with ``--user`` (or ``TPI_DESK_USER``); the password
is read from the first line of ``--password-file`` (or ``TPI_DESK_PASSWORD_FILE``), else asked
on the terminal without echo, and refused when there is no terminal. Sign-in goes through
the same service as the GUI's, so wrong passwords count toward the same lockout.

Exceptions: ``verify`` only reports and needs nobody; on a database with no account at all,
``users add`` of the first administrator and ``demo-data`` need nobody either.
"""

from __future__ import annotations

import argparse
import getpass
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from tpi_desk.clinical.record import Role
from tpi_desk.desk import Desk
from tpi_desk.services.errors import PermissionDenied, UserError
from tpi_desk.services.permissions import Action, Actor, may

USER_ENV = "TPI_DESK_USER"
PASSWORD_FILE_ENV = "TPI_DESK_PASSWORD_FILE"
MAX_PASSWORD_FILE_BYTES = 4096

_EVERY_ROLE = frozenset(Role)
ROLES_BY_COMMAND: dict[str, frozenset[Role]] = {
    "users": frozenset({Role.ADMIN}),
    "settings": frozenset({Role.ADMIN}),
    "backup": frozenset({Role.ADMIN}),
    "restore": frozenset({Role.ADMIN}),
    "export": frozenset({Role.BILLING, Role.PHYSICIAN, Role.NURSE_PRACTITIONER, Role.ADMIN}),
    "import": frozenset({Role.PHYSICIAN, Role.NURSE_PRACTITIONER, Role.ADMIN}),
    "demo-data": frozenset({Role.ADMIN}),
    "import-patients": frozenset({Role.PHYSICIAN, Role.NURSE_PRACTITIONER, Role.ADMIN}),
    "lots": frozenset({Role.BILLING, Role.PHYSICIAN, Role.NURSE_PRACTITIONER, Role.ADMIN}),
}
NEEDS_NOBODY = frozenset({"verify", "gui"})
# Commands that only read the records (apart from their audit entries): they run beside
# another program's write transaction instead of being refused (issue 13).
READ_ONLY_COMMANDS = frozenset({"verify", "users list", "settings list", "export", "lots"})

# Asked by a command once its arguments and input files are found good, before it writes.
SignIn = Callable[[], Actor | None]


def nobody() -> Actor | None:
    """The ``SignIn`` of a command run without an operator (tests, the issue's exceptions)."""
    return None


def service_actor(operator: Actor | None, action: Action) -> Actor | None:
    """The operator, for the services' own checks and audit entries, where the GUI lets that
    role do ``action``; otherwise (an administrator's export or import on the command line,
    which issue 13 allows) the services act for the local operator, and the command's own
    audit entry names the administrator."""
    return operator if operator is not None and may(operator, action) else None


@dataclass(frozen=True, slots=True)
class Credentials:
    """The ``--user`` and ``--password-file`` options, with their environment defaults."""

    user: str | None
    password_file: str | None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Credentials:
        user = getattr(args, "user", None) or os.environ.get(USER_ENV) or None
        password_file = (
            getattr(args, "password_file", None) or os.environ.get(PASSWORD_FILE_ENV) or None
        )
        return cls(user, password_file)


def command_label(command: str, args: argparse.Namespace) -> str:
    """``users list`` / ``settings set`` for those actions, the command's name otherwise."""
    action = getattr(args, f"{command}_action", None) if command in ("users", "settings") else None
    return f"{command} {action}" if action else command


def reads_only(command: str, args: argparse.Namespace) -> bool:
    """Whether ``command`` (with its ``users`` action) only reads the records."""
    return command_label(command, args) in READ_ONLY_COMMANDS


def needs_no_operator(desk: Desk, command: str, args: argparse.Namespace) -> bool:
    """The issue's exceptions: verify; first-admin ``users add`` and ``demo-data`` on a
    database without accounts."""
    if command in NEEDS_NOBODY:
        return True
    if command == "demo-data" or (
        command == "users"
        and getattr(args, "users_action", None) == "add"
        and getattr(args, "role", None) == Role.ADMIN.value
    ):
        return not desk.users.has_accounts()
    return False


def sign_in_operator(
    desk: Desk,
    command: str,
    args: argparse.Namespace,
    *,
    stdin: TextIO,
    ask_password: Callable[[str], str] = getpass.getpass,
) -> Actor | None:
    """The signed-in operator allowed to run ``command``, or None where nobody is needed.

    Raises a UserError (printed as one line, exit status 1) when the operator is missing,
    the password is wrong (counted toward the lockout) or the role may not run it (audited).
    """
    if needs_no_operator(desk, command, args):
        return None
    label = command_label(command, args)
    credentials = Credentials.from_args(args)
    if not credentials.user:
        raise PermissionDenied(
            f"`tpi-desk {label}` needs a signed-in operator: give --user NAME "
            f"(or set {USER_ENV}) and --password-file FILE (or {PASSWORD_FILE_ENV})."
        )
    password = read_operator_password(
        credentials, stdin=stdin, ask_password=ask_password, command=label
    )
    actor = desk.users.authenticate(credentials.user, password)
    allowed = ROLES_BY_COMMAND.get(command, _EVERY_ROLE)
    if actor.role not in allowed:
        refusal = PermissionDenied(
            f"{actor.username} ({actor.role.value.replace('_', ' ')}) may not run "
            f"`tpi-desk {label}`; it needs {_roles_text(allowed)}."
        )
        desk.audit.record_refused_command(actor, label, refusal)
        raise refusal
    return actor


def read_operator_password(
    credentials: Credentials,
    *,
    stdin: TextIO,
    ask_password: Callable[[str], str],
    command: str,
) -> str:
    """The first line of the password file, else asked on the terminal; never guessed."""
    if credentials.password_file:
        path = Path(credentials.password_file)
        try:
            with path.open("rb") as file:
                data = file.read(MAX_PASSWORD_FILE_BYTES + 1)
        except OSError as error:
            raise UserError(
                f"Cannot read the password file {path}: {error.strerror or error}."
            ) from None
        if len(data) > MAX_PASSWORD_FILE_BYTES:
            raise UserError(f"The password file {path} is too long for a password.")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise UserError(f"The password file {path} is not UTF-8 text.") from None
        line = text.splitlines()[0] if text else ""
        if not line:
            raise UserError(f"The password file {path} is empty.")
        return line
    if not stdin.isatty():
        raise UserError(
            f"There is no terminal to ask the password for `tpi-desk {command}`: "
            f"give --password-file FILE (or set {PASSWORD_FILE_ENV})."
        )
    return ask_password(f"Password for {credentials.user}: ")


def _roles_text(roles: frozenset[Role]) -> str:
    names = [_ROLE_NAMES[role] for role in Role if role in roles]
    if len(names) == 1:
        return f"an {names[0]}" if names[0][0] in "aeiou" else f"a {names[0]}"
    return "one of the roles " + ", ".join(names)


_ROLE_NAMES = {
    Role.PHYSICIAN: "physician",
    Role.NURSE_PRACTITIONER: "nurse practitioner",
    Role.BILLING: "billing",
    Role.ADMIN: "administrator",
}
