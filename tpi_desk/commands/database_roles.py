"""`tpi-desk db setup-roles` and `db upgrade`: the owner migrates, the workstation role works."""

from __future__ import annotations

from typing import TextIO

from tpi_desk.desk import Desk
from tpi_desk.services.storage.database_roles import database_roles, roles_script, set_up_roles


def run_setup_roles(
    url: str, *, owner: str, workstation: str, print_only: bool, stdout: TextIO
) -> int:
    """Print the psql script (``print_only``), or run it as the URL's superuser."""
    roles = database_roles(owner, workstation)
    if print_only:
        print(roles_script(url, roles), end="", file=stdout)
        return 0
    database = set_up_roles(url, roles)
    print(
        f"Roles ready on {database}: {roles.owner} owns the schema (run upgrades as it, then "
        f"this command again); {roles.workstation} is the role every workstation connects as. "
        "Give both a password with psql's \\password; see docs/postgresql.md.",
        file=stdout,
    )
    return 0


def run_upgrade(url: str, *, stdout: TextIO) -> int:
    """Bring the schema to this version's head (on PostgreSQL: connected as the owner role)."""
    Desk.open(url).close()
    print(
        "The database schema is up to date with this version of TPI Desk. On PostgreSQL, run "
        "`tpi-desk db setup-roles` again so the workstation role gets its rights on new tables.",
        file=stdout,
    )
    return 0
