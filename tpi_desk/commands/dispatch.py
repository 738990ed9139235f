"""Runs one subcommand and turns every failure into a plain message and an exit status."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from tpi_desk.crash_log import write_crash_report
from tpi_desk.desk import DatabaseOpenError
from tpi_desk.services.errors import UserError


def run_command(
    command: str, url: str, args: argparse.Namespace, *, stdout: TextIO, stderr: TextIO
) -> int:
    """Run ``command``; user-facing failures print one clear message and return 1."""
    try:
        if command == "import":
            from tpi_desk.commands.import_sessions import import_sessions

            return import_sessions(url, args.files, as_json=args.json, stdout=stdout, stderr=stderr)
        if command == "demo-data":
            from tpi_desk.commands.demo_data import demo_data

            return demo_data(
                url,
                patients=args.patients,
                sessions=args.sessions,
                seed=args.seed,
                signatures=not args.no_signatures,
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
            )
            return export_notes(url, request, stdout=stdout, stderr=stderr)
        if command in ("backup", "restore"):
            from tpi_desk.commands.backup import backup, restore

            if command == "backup":
                return backup(url, args.file, stdout=stdout)
            return restore(url, args.file, force=args.force, stdout=stdout)
        if command == "users":
            from tpi_desk.commands.users import run_users

            return run_users(url, args, stdin=sys.stdin, stdout=stdout, stderr=stderr)
        if command == "db":
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
        if command == "verify":
            from tpi_desk.commands.verify import run_verify

            return run_verify(url, stdout=stdout, stderr=stderr, anchors=args.anchor)
        from tpi_desk.ui.app import run_app

        return run_app(url, demo=getattr(args, "demo", False))
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
