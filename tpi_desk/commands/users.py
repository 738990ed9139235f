"""`tpi-desk users add|list|change|disable|enable|reset-password`: accounts from a terminal.

Run by a signed-in administrator (``--user``; see ``operator``), or by the local operator
when the first administrator of a database without accounts is added. Passwords
are asked twice without echo, or read from the first line of standard input with
``--password-stdin`` (for scripts); they never appear on the command line.
"""

from __future__ import annotations

import argparse
import getpass
from datetime import UTC, datetime
from typing import TextIO

from tpi_desk.clinical.record import Role
from tpi_desk.commands.reading_audit import record_after_reading
from tpi_desk.desk import Desk
from tpi_desk.services.dto import UserRecord
from tpi_desk.services.errors import NotFound, UserError
from tpi_desk.services.people.users import UserService
from tpi_desk.services.permissions import Actor


def run_users(
    desk: Desk,
    args: argparse.Namespace,
    *,
    operator: Actor | None,
    stdin: TextIO,
    stdout: TextIO,
    stderr: TextIO,
) -> int:
    """Run one ``users`` action on ``desk`` (the one ``operator`` signed in to); returns the
    exit status."""
    action = args.users_action
    password = ""
    if action in ("add", "reset-password"):
        password = _read_password(args.username, from_stdin=args.password_stdin, stdin=stdin)
    users = desk.users
    if action == "add":
        added = users.add_user(
            args.username,
            args.name,
            password,
            role=Role(args.role),
            credentials=args.credentials,
            npi=args.npi,
            acupuncture_certified=args.acupuncture_certified,
            actor=operator,
        )
        print(f"Added {added.username} ({added.role.value.replace('_', ' ')}).", file=stdout)
    elif action == "list":
        rows = users.list_users(operator)
        _print_table(rows, stdout)
        record_after_reading(
            lambda: desk.audit.record_command(
                operator, "users list", f"{len(rows)} accounts listed"
            ),
            stderr,
        )
    elif action == "change":
        changed = _change(users, args, operator)
        print(
            f"{changed.username}: {changed.display_name}, {changed.credentials or '-'}, "
            f"NPI {changed.npi or '-'}, {changed.role.value.replace('_', ' ')}"
            f"{', acupuncture certified' if changed.acupuncture_certified else ''}.",
            file=stdout,
        )
    elif action in ("disable", "enable"):
        changed = users.set_active(operator, args.username, action == "enable")
        print(f"{changed.username} is {'enabled' if changed.active else 'disabled'}.", file=stdout)
    else:
        users.reset_password(operator, args.username, password)
        print(f"The password of {args.username} was reset.", file=stdout)
    return 0


def _change(users: UserService, args: argparse.Namespace, operator: Actor | None) -> UserRecord:
    """The account with the options given changed and the others as they were."""
    name = args.username.strip()
    current = next((u for u in users.list_users(operator) if u.username == name), None)
    if current is None:
        raise NotFound(f"There is no user named {name}.")
    return users.update_user(
        operator,
        name,
        display_name=current.display_name if args.name is None else args.name,
        role=current.role if args.role is None else Role(args.role),
        credentials=current.credentials if args.credentials is None else args.credentials,
        npi=current.npi if args.npi is None else args.npi,
        acupuncture_certified=(
            current.acupuncture_certified
            if args.acupuncture_certified is None
            else args.acupuncture_certified
        ),
    )


def _read_password(username: str, *, from_stdin: bool, stdin: TextIO) -> str:
    if from_stdin:
        line = stdin.readline()
        if not line:
            raise UserError("No password on standard input.")
        return line.rstrip("\r\n")
    if not stdin.isatty():
        raise UserError("There is no terminal to ask for the password: use --password-stdin.")
    first = getpass.getpass(f"New password for {username}: ")
    again = getpass.getpass("The same password again: ")
    if first != again:
        raise UserError("The two passwords differ; nothing was changed.")
    return first


def _print_table(rows: list[UserRecord], stdout: TextIO) -> None:
    header = ("USERNAME", "NAME", "CREDENTIALS", "NPI", "ROLE", "STATUS")
    table = [header] + [
        (
            row.username,
            row.display_name,
            row.credentials,
            row.npi,
            row.role.value,
            _status(row),
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for line in table:
        cells = (cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        print("  ".join(cells).rstrip(), file=stdout)


def _status(row: UserRecord) -> str:
    if not row.active:
        return "disabled"
    if row.locked_until is not None and row.locked_until > datetime.now(UTC):
        return f"locked until {row.locked_until.astimezone():%Y-%m-%d %H:%M}"
    return "active" if row.has_password else "active, no password"
