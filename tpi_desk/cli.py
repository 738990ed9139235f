"""The `tpi-desk` command: the GUI by default, admin and billing subcommands without a display."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from tpi_desk import __version__
from tpi_desk.paths import DATABASE_URL_ENV, default_database_url


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
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser("gui", help="start the app (the default)")

    import_cmd = commands.add_parser(
        "import",
        help="import session documents (tpi-desk/session@1 JSON) as drafts",
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    url = args.database or default_database_url()
    command = args.command or "gui"
    # Imported late so that `tpi-desk --help` and subcommands stay quick and need no display.
    from tpi_desk.commands.dispatch import run_command

    return run_command(command, url, args, stdout=sys.stdout, stderr=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
