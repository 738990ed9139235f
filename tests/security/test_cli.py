"""`tpi-desk users ...` and `tpi-desk verify`, run as a user would: in a subprocess."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.security.conftest import PASSWORD, Desk, SignNote, Staff


@dataclass(frozen=True)
class Run:
    status: int
    stdout: str
    stderr: str


ADMIN_PASSWORD = "admin password 1"


def tpi_desk(url: str, *args: str, stdin: str = "", home: Path, operator: str | None = None) -> Run:
    """Run `tpi-desk --database url ARGS`; ``operator`` signs in with the password in
    home/operator-password (issue 13: the command line needs a signed-in operator)."""
    env = {**os.environ, "TPI_DESK_DATA_DIR": str(home), "PYTHONIOENCODING": "utf-8"}
    env.pop("TPI_DESK_DATABASE_URL", None)
    env.pop("TPI_DESK_USER", None)
    env.pop("TPI_DESK_PASSWORD_FILE", None)
    if operator is not None:
        env["TPI_DESK_USER"] = operator
        env["TPI_DESK_PASSWORD_FILE"] = str(home / "operator-password")
    done = subprocess.run(
        [sys.executable, "-m", "tpi_desk", "--database", url, *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=home,
        timeout=120,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def add_first_admin(url: str, home: Path) -> None:
    """The database's first administrator, admin.ada, added without an operator (allowed
    only while the database has no account) and her password file for ``operator``."""
    added = tpi_desk(
        url,
        *("users", "add", "admin.ada", "--name", "Ada Ødegård", "--role", "admin"),
        "--password-stdin",
        stdin=f"{ADMIN_PASSWORD}\n",
        home=home,
    )
    assert (added.status, added.stdout) == (0, "Added admin.ada (admin).\n"), added
    (home / "operator-password").write_text(f"{ADMIN_PASSWORD}\n", encoding="utf-8")


def test_users_are_added_listed_disabled_and_reset_from_the_command_line(
    sqlite_url: str, tmp_path: Path
) -> None:
    def run(*args: str, stdin: str = "") -> Run:
        return tpi_desk(
            sqlite_url, "users", *args, stdin=stdin, home=tmp_path, operator="admin.ada"
        )

    add_first_admin(sqlite_url, tmp_path)
    doctor_args = ["add", "zoe.nunez", "--name", "Dr. Zoë Ñúñez", "--credentials", "MD"]
    doctor = run(
        *doctor_args,
        "--npi",
        "1234567893",
        "--role",
        "physician",
        "--password-stdin",
        stdin="doctor password 1\n",
    )
    changed = run("change", "zoe.nunez", "--name", "Dr. Zoë Ñúñez-Ødegård", "--credentials", "DO")
    disabled = run("disable", "zoe.nunez")
    reset = run("reset-password", "zoe.nunez", "--password-stdin", stdin="a new password 2\n")
    listed = run("list")

    assert (doctor.status, doctor.stdout) == (0, "Added zoe.nunez (physician).\n")
    assert (changed.status, changed.stdout) == (
        0,
        "zoe.nunez: Dr. Zoë Ñúñez-Ødegård, DO, NPI 1234567893, physician.\n",
    )
    assert (disabled.status, disabled.stdout) == (0, "zoe.nunez is disabled.\n")
    assert (reset.status, reset.stdout) == (0, "The password of zoe.nunez was reset.\n")
    assert listed.status == 0
    assert listed.stdout.splitlines() == [
        "USERNAME   NAME                   CREDENTIALS  NPI         ROLE       STATUS",
        "admin.ada  Ada Ødegård                                     admin      active",
        "zoe.nunez  Dr. Zoë Ñúñez-Ødegård  DO           1234567893  physician  disabled",
    ]


def test_acupuncture_certification_is_set_and_changed_from_the_command_line(
    sqlite_url: str, tmp_path: Path
) -> None:
    def run(*args: str, stdin: str = "") -> Run:
        return tpi_desk(
            sqlite_url, "users", *args, stdin=stdin, home=tmp_path, operator="admin.ada"
        )

    add_first_admin(sqlite_url, tmp_path)
    added = run(
        *("add", "lnguyen", "--name", "Linh Nguyễn", "--credentials", "MD"),
        *("--role", "physician", "--acupuncture-certified", "--password-stdin"),
        stdin="doctor password 1\n",
    )
    renamed = run("change", "lnguyen", "--name", "Dr. Linh Nguyễn")  # certification stays
    withdrawn = run("change", "lnguyen", "--no-acupuncture-certified")

    assert (added.status, added.stdout) == (0, "Added lnguyen (physician).\n")
    assert renamed.stdout == (
        "lnguyen: Dr. Linh Nguyễn, MD, NPI -, physician, acupuncture certified.\n"
    )
    assert (withdrawn.status, withdrawn.stdout) == (
        0,
        "lnguyen: Dr. Linh Nguyễn, MD, NPI -, physician.\n",
    )


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ("add", "x.y", "--name", "X", "--role", "admin", "--password-stdin"),
            "short\n",
            "User: password: must be at least 10 characters",
        ),
        (("add", "x.y", "--name", "X", "--role", "admin"), "", "use --password-stdin"),
        (("disable", "nobody"), "", "There is no user named nobody."),
        (("change", "nobody", "--name", "N"), "", "There is no user named nobody."),
        (("reset-password", "nobody", "--password-stdin"), "", "No password on standard input"),
    ],
    ids=["weak-password", "no-terminal", "unknown-user", "change-unknown-user", "no-password"],
)
def test_user_command_errors_are_one_clear_line_and_exit_1(
    sqlite_url: str, tmp_path: Path, args: tuple[str, ...], stdin: str, message: str
) -> None:
    add_first_admin(sqlite_url, tmp_path)
    done = tpi_desk(sqlite_url, "users", *args, stdin=stdin, home=tmp_path, operator="admin.ada")

    assert done.status == 1
    assert done.stdout == ""
    assert message in done.stderr
    assert done.stderr.startswith("tpi-desk: ")
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_verify_names_an_edited_note_and_a_deleted_audit_entry(
    sqlite_url: str,
    tmp_path: Path,
    desk: Desk,
    staff: Staff,
    sign_note: SignNote,
) -> None:
    notes = [sign_note(staff.physician), sign_note(staff.nurse_practitioner)]
    doctor = staff.physician
    desk.addenda.add(
        notes[0].id, doctor.user_id, "Follow-up call.", actor=doctor, password=PASSWORD
    )
    intact = tpi_desk(sqlite_url, "verify", home=tmp_path)
    database_file = str(desk.database.url.database)
    desk.database.dispose()

    attacker = sqlite3.connect(database_file)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="signed note cannot change"):
            attacker.execute(f"UPDATE procedure_sessions SET notes = 'x' WHERE id = {notes[1].id}")
        for (trigger,) in attacker.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        ).fetchall():
            attacker.execute(f"DROP TRIGGER {trigger}")
        attacker.execute(f"UPDATE procedure_sessions SET pain_after = 0 WHERE id = {notes[1].id}")
        attacker.execute("DELETE FROM audit_events WHERE sequence = 9")
        attacker.commit()
    finally:
        attacker.close()
    tampered = tpi_desk(sqlite_url, "verify", home=tmp_path)

    assert intact.status == 0
    assert intact.stdout.startswith(
        "Intact: 3 signatures (2 notes, 1 addenda, 0 co-signatures, 0 entered-in-error marks)"
    )
    assert intact.stdout.splitlines()[1].startswith("Newest links: signature chain #3 ")
    assert tampered.status == 1
    lines = tampered.stdout.splitlines()
    altered = f"signed note #{notes[1].id} (signature #2) was altered outside the app"
    assert f"signatures: {altered} (session pain after)" in lines
    assert "audit: audit entry #9 is missing: removed outside the app" in lines
    assert lines[0].startswith("database: 31 of 31 protective triggers are missing")
    assert len(lines) == 3
    assert tampered.stderr.startswith("tpi-desk: 3 findings after checking 3 signatures")
