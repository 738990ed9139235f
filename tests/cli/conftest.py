"""Runs the real `tpi-desk` command in a subprocess, as a user would."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tpi_desk.desk import DatabaseOpenError, Desk

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "examples" / "session.json"


@dataclass(frozen=True)
class Run:
    status: int
    stdout: str
    stderr: str


OPERATOR = "admin"
OPERATOR_PASSWORD = "cli operator password 1"


@pytest.fixture
def tpi_desk(tmp_path: Path) -> object:
    """Call as ``tpi_desk("import", "file.json", database=url)``.

    Commands run as the signed-in administrator ``admin`` (issue 13: the command line needs
    an operator): added to each new database before its first command, or made by
    ``demo-data`` (whose password is set to the same one). ``operator=None`` runs without.
    """
    data_dir = tmp_path / "user-data"
    password_file = tmp_path / "operator-password"
    password_file.write_text(f"{OPERATOR_PASSWORD}\n", encoding="utf-8")
    prepared: set[str | None] = set()

    def run(*args: str, database: str | None = None, operator: str | None = OPERATOR) -> Run:
        if operator is not None and database not in prepared:
            prepared.add(database)
            if args[0] != "demo-data":
                add_operator(database or f"sqlite:///{data_dir / 'tpi-desk.sqlite3'}")
        return _subprocess_run(list(args), database, operator, "")

    def _subprocess_run(
        args: list[str], database: str | None, operator: str | None, stdin: str
    ) -> Run:
        command = [sys.executable, "-m", "tpi_desk"]
        if database is not None:
            command += ["--database", database]
        env = {
            **os.environ,
            "TPI_DESK_DATA_DIR": str(data_dir),
            "PYTHONIOENCODING": "utf-8",
            "TPI_DESK_DEMO_PASSWORD": OPERATOR_PASSWORD,
        }
        env.pop("TPI_DESK_DATABASE_URL", None)
        env.pop("TPI_DESK_USER", None)
        env.pop("TPI_DESK_PASSWORD_FILE", None)
        if operator is not None:
            env["TPI_DESK_USER"] = operator
            env["TPI_DESK_PASSWORD_FILE"] = str(password_file)
        done = subprocess.run(
            [*command, *args],
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            cwd=tmp_path,
            timeout=120,
            check=False,
        )
        return Run(done.returncode, done.stdout, done.stderr)

    return run


def add_operator(url: str) -> None:
    """The administrator the commands sign in as, unless the database has one already (or
    is no database: the command under test says so)."""
    Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    try:
        desk = Desk.open(url)
    except DatabaseOpenError:
        return
    with desk:
        if desk.users.needs_first_admin():
            desk.users.create_first_admin(OPERATOR, "CLI Administrator", OPERATOR_PASSWORD)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
