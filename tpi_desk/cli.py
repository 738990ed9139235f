"""The `tpi-desk` command: the GUI by default, admin and billing subcommands without a display."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from tpi_desk import __version__
from tpi_desk.paths import DATABASE_URL_ENV, default_database_url, keep_files_private


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tpi-desk",
        description="Document trigger point injection and dry-needling sessions.",
    )
    parser.add_argument("--version", action="version", version=f"TPI Desk {__version__}")
    parser.add_argument(
        "--database",
        metavar="URL",
        help=(
            "SQLAlchemy database URL (default: $"
            f"{DATABASE_URL_ENV}, else a SQLite file in your data folder)"
        ),
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start the app with synthetic demo data if the database is empty",
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        help="the operator's account, signed in for commands that read or change records "
        "(default: $TPI_DESK_USER)",
    )
    parser.add_argument(
        "--password-file",
        metavar="FILE",
        help="read the operator's password from the first line of FILE (default: "
        "$TPI_DESK_PASSWORD_FILE; else asked on the terminal, refused without one)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui_cmd = commands.add_parser("gui", help="start the app (the default)")
    # The installer's check: sign in as --user, show the main window, close it (hidden).
    gui_cmd.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)

    import_cmd = commands.add_parser(
        "import",
        help="import session documents (tpi-desk/session@2 or @1 JSON) as drafts",
        description=(
            "Import session documents as drafts, creating patients and providers that are "
            "not known yet. If any document has an invalid field nothing is written."
        ),
    )
    import_cmd.add_argument("files", nargs="+", metavar="FILE")
    import_cmd.add_argument("--json", action="store_true", help="print the results as JSON")

    demo_cmd = commands.add_parser("demo-data", help="fill the database with synthetic data")
    demo_cmd.add_argument("--patients", type=int, default=200, metavar="N")
    demo_cmd.add_argument("--sessions", type=int, default=1000, metavar="M")
    demo_cmd.add_argument("--seed", type=int, default=1, metavar="S")
    demo_cmd.add_argument(
        "--no-signatures",
        action="store_true",
        help=(
            "mark past notes signed in the bulk insert, without signing them (about 15 times "
            "faster, for benchmarks of millions of sessions; `tpi-desk verify` names them)"
        ),
    )

    export_cmd = commands.add_parser(
        "export",
        help="export notes for billing: merged PDF or one PDF per note, claims CSV, JSON",
        description=(
            "Export the notes of a range of dates of service (both days included): one merged "
            "PDF with a bookmark per note or one PDF per note, a CSV of claim lines, and/or the "
            "session documents as JSON. Signed notes only unless --status all. Nothing is "
            "written unless every output is complete."
        ),
    )
    export_cmd.add_argument(
        "--from", dest="date_from", required=True, metavar="DATE", help="first day, YYYY-MM-DD"
    )
    export_cmd.add_argument(
        "--to", dest="date_to", required=True, metavar="DATE", help="last day, YYYY-MM-DD"
    )
    export_cmd.add_argument("--provider", metavar="USERNAME", help="only this provider's notes")
    export_cmd.add_argument("--status", choices=("signed", "all"), default="signed")
    export_cmd.add_argument("--pdf", metavar="FILE.pdf", help="one merged PDF")
    export_cmd.add_argument("--pdf-dir", metavar="DIR", help="one PDF per note in DIR")
    export_cmd.add_argument("--csv", metavar="FILE.csv", help="claim lines")
    export_cmd.add_argument(
        "--json", dest="json_file", metavar="FILE.json", help="session documents (import format)"
    )
    export_cmd.add_argument(
        "--fhir", metavar="FILE.json", help="signed notes as one FHIR R4 Bundle (docs/fhir.md)"
    )
    export_cmd.add_argument(
        "--x12", metavar="FILE.837", help="X12 837P professional claims (signed notes only)"
    )

    backup_cmd = commands.add_parser(
        "backup",
        help="copy the SQLite database safely, even while the app runs",
        description="Copy the database with SQLite's online backup API and check the copy.",
    )
    backup_cmd.add_argument(
        "file", nargs="?", metavar="FILE", help="file or folder (default: data folder's backups/)"
    )
    restore_cmd = commands.add_parser(
        "restore",
        help="replace the database with a checked backup (close TPI Desk first)",
        description=(
            "Check FILE and verify its signatures and audit trail, then replace the database "
            "with it; the replaced database is kept beside it as <name>.before-restore-<time>. "
            "Close TPI Desk on every workstation first."
        ),
    )
    restore_cmd.add_argument("file", metavar="FILE")
    restore_cmd.add_argument(
        "--force", action="store_true", help="restore a backup verify finds altered (audited)"
    )

    _add_lots_parser(commands)
    _add_import_patients_parser(commands)
    _add_users_parser(commands)
    _add_settings_parser(commands)
    _add_db_parser(commands)
    verify_cmd = commands.add_parser(
        "verify",
        help="check the signature chain and the audit log for changes made outside the app",
        description=(
            "Walk the signature chain and the audit log, re-serialise every signed note, "
            "addendum, co-signature and entered-in-error mark from the database, and name each "
            "one altered, removed or added outside the app (exit status 1), or print a summary "
            "(exit status 0). The run is recorded in the audit log. The database is also "
            "compared with the workstation's checkpoint and the backups in the data folder."
        ),
    )
    verify_cmd.add_argument(
        "--anchor",
        action="append",
        default=[],
        metavar="FILE",
        help="also compare with this backup, export manifest or checkpoint (repeatable)",
    )
    verify_cmd.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bar on the terminal (it is shown only on a terminal anyway)",
    )
    return parser


def _add_db_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`tpi-desk db setup-roles|upgrade` (commands/database_roles.py, docs/postgresql.md)."""
    db = commands.add_parser("db", help="PostgreSQL administration")
    actions = db.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    setup = actions.add_parser(
        "setup-roles",
        help="create the owner and workstation roles (as a PostgreSQL superuser)",
        description=(
            "Create (or repair) the owner role that migrations run as and the workstation "
            "role the app connects as, with only the rights the app needs; run it again after "
            "each upgrade. --database names the clinic database, connected as a superuser."
        ),
    )
    setup.add_argument("--owner", default="tpi_owner", help="the owner role (tpi_owner)")
    setup.add_argument(
        "--workstation", default="tpi_workstation", help="the app's role (tpi_workstation)"
    )
    setup.add_argument(
        "--print", action="store_true", help="print the SQL for psql instead of running it"
    )
    actions.add_parser(
        "upgrade",
        help="bring the schema up to this version (on PostgreSQL: as the owner role)",
    )


def _add_settings_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`tpi-desk settings list|set KEY VALUE` (commands/settings.py)."""
    settings = commands.add_parser(
        "settings",
        help="list or set the clinic's settings (its billing identity: name, NPI, tax ID, address)",
        description="The clinic's settings, as an administrator sets them in the app (audited).",
    )
    actions = settings.add_subparsers(dest="settings_action", metavar="ACTION", required=True)
    actions.add_parser("list", help="every clinic setting with its value")
    set_cmd = actions.add_parser(
        "set",
        help="set one setting, e.g. clinic.npi 1245319599",
        description="Set one clinic setting: true/false for switches, a whole number, text, "
        "or address lines separated by |.",
    )
    set_cmd.add_argument("key", metavar="KEY", help="e.g. clinic.name, clinic.npi, clinic.tax_id")
    set_cmd.add_argument("value", metavar="VALUE")


def _add_lots_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`tpi-desk lots LOT` (commands/lots.py): the lot recall list."""
    lots = commands.add_parser(
        "lots",
        help="lot recall: every patient who received a drug lot, when, where and how much",
        description=(
            "List every medication line given from LOT across all sessions, newest first: "
            "the patient, date, site, location, dose, clinician and note status. The lot is "
            "matched ignoring spaces and case. The search is recorded in the audit log."
        ),
    )
    lots.add_argument("lot", metavar="LOT", help="the lot number printed on the vial")
    lots.add_argument("--ndc", metavar="NDC", help="only lines of this NDC, e.g. 00409-4276-01")
    lots.add_argument("--csv", metavar="FILE.csv", help="also write the list as CSV")
    lots.add_argument("--pdf", metavar="FILE.pdf", help="also write the list as a PDF")


def _add_import_patients_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """`tpi-desk import-patients FILE` (commands/import_patients.py)."""
    patients = commands.add_parser(
        "import-patients",
        help="import patients from a CSV or a FHIR Bundle of Patients (by MRN: updated, "
        "never doubled)",
        description=(
            "Create or update patients from FILE: a CSV with a header row (common column "
            "names such as MRN, Last Name, First Name, DOB, Gender are recognised; dates in "
            "any common form) or a FHIR R4 Bundle of Patient resources (JSON). A patient "
            "whose MRN is known is updated, not doubled. Every bad row is named with its row "
            "and column; with any bad row nothing is written unless --skip-bad-rows."
        ),
    )
    patients.add_argument("file", metavar="FILE")
    patients.add_argument(
        "--dry-run",
        action="store_true",
        help="show how the columns are read and what would change; write nothing",
    )
    patients.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help="import the good rows and leave the bad ones out (they are still listed)",
    )


def _add_users_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`tpi-desk users add|list|change|disable|enable|reset-password` (commands/users.py)."""
    users = commands.add_parser(
        "users",
        help="add, list, change, disable or enable user accounts, or reset a password",
        description="Manage user accounts as this workstation's operator (audited).",
    )
    actions = users.add_subparsers(dest="users_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add an account with a password")
    add.add_argument("username")
    add.add_argument("--name", required=True, help="display name, e.g. 'Dr. Imogen Hartley'")
    add.add_argument("--credentials", default="", help="e.g. MD, DO, NP, PA, LAc")
    add.add_argument("--npi", default="", help="10-digit National Provider Identifier")
    add.add_argument(
        "--acupuncture-certified",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="certified by the state to practise acupuncture (default: not certified)",
    )
    add.add_argument(
        "--role", required=True, choices=("physician", "nurse_practitioner", "billing", "admin")
    )
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    actions.add_parser("list", help="list every account")
    change = actions.add_parser(
        "change",
        help="change an account's name, role, credentials, NPI or acupuncture certification "
        "(others stay)",
    )
    change.add_argument("username")
    change.add_argument("--name", help="new display name")
    change.add_argument("--credentials", help="new credentials ('' to clear)")
    change.add_argument("--npi", help="new NPI ('' to clear)")
    change.add_argument(
        "--acupuncture-certified",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="certified by the state to practise acupuncture, or not (--no-...)",
    )
    change.add_argument("--role", choices=("physician", "nurse_practitioner", "billing", "admin"))
    actions.add_parser("disable", help="disable an account").add_argument("username")
    actions.add_parser("enable", help="enable an account again").add_argument("username")
    reset = actions.add_parser("reset-password", help="set a new password and lift a lockout")
    reset.add_argument("username")
    reset.add_argument("--password-stdin", action="store_true", help="read the password from stdin")


def main(argv: Sequence[str] | None = None) -> int:
    keep_files_private()
    parser = build_parser()
    args = parser.parse_args(argv)
    url = args.database or default_database_url()
    command = args.command or "gui"
    if args.demo and command != "gui":
        parser.error("--demo starts the app; use `tpi-desk demo-data` with other commands")
    # Imported late so that `tpi-desk --help` and subcommands stay quick and need no display.
    from tpi_desk.commands.dispatch import run_command

    return run_command(command, url, args, stdout=sys.stdout, stderr=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
