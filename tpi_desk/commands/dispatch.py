"""Runs one subcommand and turns every failure into a plain message and an exit status."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tpi_desk.crash_log import write_crash_report
from tpi_desk.desk import DatabaseOpenError, Desk
from tpi_desk.services.errors import UserError
from tpi_desk.services.permissions import Actor

if TYPE_CHECKING:
    from tpi_desk.ui.smoke_test import SmokeSignIn


def run_command(
    command: str,
    url: str,
    args: argparse.Namespace,
    *,
    stdout: TextIO,
    stderr: TextIO,
    stdin: TextIO | None = None,
) -> int:
    """Run ``command`` as its signed-in operator (see ``operator``); user-facing failures
    print one clear message and return 1."""
    stdin = stdin if stdin is not None else sys.stdin
    try:
        if command == "gui":
            from tpi_desk.ui.app import run_app

            smoke_test = (
                _smoke_sign_in(args, stdin=stdin) if getattr(args, "smoke_test", False) else None
            )
            return run_app(url, demo=getattr(args, "demo", False), smoke_test=smoke_test)
        check_arguments(command, url, args)
        return _run(command, url, args, stdin=stdin, stdout=stdout, stderr=stderr)
    except (UserError, DatabaseOpenError) as error:
        print(f"tpi-desk: {error}", file=stderr)
        return 1
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away; what was asked for has been written.
        return 0
    except KeyboardInterrupt:
        print("tpi-desk: interrupted; nothing more was written.", file=stderr)
        return 130
    except Exception as error:
        report = write_crash_report(error)
        print(
            "tpi-desk: an internal error stopped the command; nothing more was written. "
            f"Details were saved to {report} for support.",
            file=stderr,
        )
        return 2


def check_arguments(command: str, url: str, args: argparse.Namespace) -> None:
    """Refuse what cannot work before asking anyone to sign in (a server for backup, a
    missing backup file)."""
    if command in ("backup", "restore"):
        from tpi_desk.services.storage.backups import check_backup, database_file

        database_file(url, command)
        if command == "restore":
            check_backup(Path(args.file))


def _smoke_sign_in(args: argparse.Namespace, *, stdin: TextIO) -> SmokeSignIn:
    """``gui --smoke-test`` signs in as the operator (``--user``, ``--password-file``)."""
    from tpi_desk.commands.operator import Credentials, read_operator_password
    from tpi_desk.ui.smoke_test import SmokeSignIn

    credentials = Credentials.from_args(args)
    if not credentials.user:
        raise UserError("`tpi-desk gui --smoke-test` signs in as --user NAME; give one.")
    password = read_operator_password(
        credentials, stdin=stdin, ask_password=getpass.getpass, command="gui --smoke-test"
    )
    return SmokeSignIn(credentials.user, password)


def _sign_in(command: str, url: str, args: argparse.Namespace, *, stdin: TextIO) -> Actor | None:
    """The operator of ``command`` (None where the issue lets nobody run it)."""
    if command == "verify":
        return None
    from tpi_desk.commands.operator import reads_only, sign_in_operator

    # A read-only command is not refused while another program writes; signing in itself
    # (the attempt is counted) waits up to the busy timeout for that writer.
    with Desk.open(url, for_reading=reads_only(command, args)) as desk:
        return sign_in_operator(desk, command, args, stdin=stdin)


def _run(
    command: str,
    url: str,
    args: argparse.Namespace,
    *,
    stdin: TextIO,
    stdout: TextIO,
    stderr: TextIO,
) -> int:
    def sign_in() -> Actor | None:
        return _sign_in(command, url, args, stdin=stdin)

    if command == "import":
        from tpi_desk.commands.import_sessions import import_sessions

        return import_sessions(
            url, args.files, as_json=args.json, stdout=stdout, stderr=stderr, sign_in=sign_in
        )
    if command == "demo-data":
        from tpi_desk.commands.demo_data import demo_data

        return demo_data(
            url,
            patients=args.patients,
            sessions=args.sessions,
            seed=args.seed,
            signatures=not args.no_signatures,
            sign_in=sign_in,
            stdout=stdout,
            stderr=stderr,
        )
    if command == "export":
        from tpi_desk.commands.export import ExportRequest, export_notes

        request = ExportRequest(
            date_from=args.date_from,
            date_to=args.date_to,
            provider=args.provider,
            status=args.status,
            pdf=args.pdf,
            pdf_dir=args.pdf_dir,
            csv=args.csv,
            json=args.json_file,
            fhir=args.fhir,
            x12=args.x12,
        )
        return export_notes(url, request, stdout=stdout, stderr=stderr, sign_in=sign_in)
    if command == "import-patients":
        from tpi_desk.commands.import_patients import import_patients

        return import_patients(
            url,
            args.file,
            dry_run=args.dry_run,
            skip_bad_rows=args.skip_bad_rows,
            stdout=stdout,
            stderr=stderr,
            sign_in=sign_in,
        )
    if command == "lots":
        from tpi_desk.commands.lots import LotsRequest, recall_lot

        lots = LotsRequest(lot=args.lot, ndc=args.ndc, csv=args.csv, pdf=args.pdf)
        return recall_lot(url, lots, stdout=stdout, stderr=stderr, sign_in=sign_in)
    if command == "backup":
        from tpi_desk.commands.backup import backup

        operator = sign_in()
        status = backup(url, args.file, stdout=stdout)
        _audit(url, operator, command, "checked copy written")
        return status
    if command == "restore":
        from tpi_desk.commands.backup import restore
        from tpi_desk.services.storage.backups import database_file

        target = database_file(url, command)
        # Onto a missing database the operator signs in as an administrator of the restored
        # backup (there is no other account to ask); refused, the restored file goes again.
        recreating = not target.exists()
        operator = None if recreating else sign_in()
        status = restore(url, args.file, force=args.force, stdout=stdout)
        if recreating:
            operator = _admin_of_restored(target, sign_in)
        who = operator.username if operator is not None else None
        _audit(url, None, command, f"restored from {Path(args.file).name}", who=who)
        return status
    if command == "users":
        from tpi_desk.commands.operator import reads_only, sign_in_operator
        from tpi_desk.commands.users import run_users

        # One desk for signing in and the change: an administrator's key, unlocked at sign-in,
        # signs the registration of the keys the command issues.
        with Desk.open(url, for_reading=reads_only(command, args)) as desk:
            operator = sign_in_operator(desk, command, args, stdin=stdin)
            return run_users(
                desk, args, operator=operator, stdin=stdin, stdout=stdout, stderr=stderr
            )
    if command == "settings":
        from tpi_desk.commands.operator import reads_only, sign_in_operator
        from tpi_desk.commands.settings import run_settings

        with Desk.open(url, for_reading=reads_only(command, args)) as desk:
            operator = sign_in_operator(desk, command, args, stdin=stdin)
            return run_settings(desk, args, operator=operator, stdout=stdout, stderr=stderr)
    if command == "db":
        # PostgreSQL's own credentials (a superuser, or the owner role) authorise these.
        from tpi_desk.commands.database_roles import run_setup_roles, run_upgrade

        if args.db_action == "upgrade":
            return run_upgrade(url, stdout=stdout)
        return run_setup_roles(
            url,
            owner=args.owner,
            workstation=args.workstation,
            print_only=args.print,
            stdout=stdout,
        )
    from tpi_desk.commands.verify import run_verify

    return run_verify(
        url, stdout=stdout, stderr=stderr, anchors=args.anchor, quiet=getattr(args, "quiet", False)
    )


def _admin_of_restored(target: Path, sign_in: Callable[[], Actor | None]) -> Actor | None:
    """The operator signed in to the database just recreated from a backup; on refusal the
    recreated files are removed, so the restore leaves nothing behind."""
    try:
        return sign_in()
    except BaseException:
        for leftover in (target, *(target.with_name(target.name + end) for end in _SIDE_FILES)):
            leftover.unlink(missing_ok=True)
        raise


_SIDE_FILES = ("-wal", "-shm", "-journal")


def _audit(
    url: str, operator: Actor | None, command: str, detail: str, *, who: str | None = None
) -> None:
    """One audit entry for the command run (restore: into the restored database, naming
    the operator by name, since its account ids are the backup's)."""
    try:
        desk = Desk.open(url, upgrade=False)
    except DatabaseOpenError:
        if command != "restore":
            raise
        return  # a backup of an older version: audited when it is upgraded and opened
    with desk:
        desk.audit.record_command(operator, command, detail, who=who)
