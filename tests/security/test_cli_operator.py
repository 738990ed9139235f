"""Issue 13 item 1: every command that reads PHI or changes anything needs a signed-in
operator with the right role; the exceptions are audited; wrong passwords lock the account."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tpi_desk.cli import main
from tpi_desk.clinical.record import Role
from tpi_desk.desk import Desk
from tpi_desk.models.audit import AuditEvent

ADMIN_PASSWORD = "admin password 1"
BILLING_PASSWORD = "billing password 1"


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A SQLite file with an administrator and a billing clerk; no operator in the
    environment."""
    monkeypatch.delenv("TPI_DESK_USER", raising=False)
    monkeypatch.delenv("TPI_DESK_PASSWORD_FILE", raising=False)
    monkeypatch.setenv("TPI_DESK_DATA_DIR", str(tmp_path / "data"))
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    with Desk.open(url) as desk:
        desk.users.add_user("ada.admin", "Ada Admin", ADMIN_PASSWORD, role=Role.ADMIN, actor=None)
        desk.users.add_user(
            "bo.billing", "Bo Billing", BILLING_PASSWORD, role=Role.BILLING, actor=None
        )
    return url


def password_file(tmp_path: Path, password: str) -> str:
    path = tmp_path / f"password-{len(list(tmp_path.glob('password-*')))}"
    path.write_text(password + "\n", encoding="utf-8")
    return str(path)


def audit_rows(url: str) -> list[tuple[str, str, str]]:
    with Desk.open(url) as desk, desk.database.session_factory() as db:
        rows = db.execute(
            select(AuditEvent.actor_name, AuditEvent.action, AuditEvent.detail).order_by(
                AuditEvent.sequence
            )
        )
        return [(row.actor_name, row.action, row.detail) for row in rows]


@pytest.mark.parametrize(
    "command",
    [
        ("users", "list"),
        ("backup",),
        ("export", "--from", "2026-01-01", "--to", "2026-01-31", "--csv", "x.csv"),
        ("demo-data", "--patients", "1", "--sessions", "0"),
    ],
    ids=["users", "backup", "export", "demo-data"],
)
def test_a_command_without_an_operator_is_refused(
    database: str, command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["--database", database, *command])

    err = capsys.readouterr().err
    assert status == 1
    assert err.count("\n") == 1
    assert "needs a signed-in operator: give --user NAME" in err


def test_the_operator_signs_in_and_the_command_is_audited_in_their_name(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    operator = ["--user", "ada.admin", "--password-file", password_file(tmp_path, ADMIN_PASSWORD)]

    status = main(["--database", database, *operator, "users", "list"])

    assert status == 0
    assert "bo.billing" in capsys.readouterr().out
    assert ("ada.admin", "login", "") in audit_rows(database)
    assert ("ada.admin", "command", "users list: 2 accounts listed") in audit_rows(database)


def test_the_environment_names_the_operator(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TPI_DESK_USER", "ada.admin")
    monkeypatch.setenv("TPI_DESK_PASSWORD_FILE", password_file(tmp_path, ADMIN_PASSWORD))

    assert main(["--database", database, "backup", str(tmp_path / "copy.sqlite3")]) == 0
    assert (tmp_path / "copy.sqlite3").is_file()
    assert ("ada.admin", "command", "backup: checked copy written") in audit_rows(database)


def test_without_a_password_file_or_a_terminal_the_password_is_not_asked(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["--database", database, "--user", "ada.admin", "users", "list"])

    assert status == 1
    assert "There is no terminal to ask the password" in capsys.readouterr().err


def test_a_role_that_may_not_run_the_command_is_refused_and_audited(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    operator = [
        *("--user", "bo.billing"),
        *("--password-file", password_file(tmp_path, BILLING_PASSWORD)),
    ]

    status = main(["--database", database, *operator, "users", "list"])

    assert status == 1
    refusal = "bo.billing (billing) may not run `tpi-desk users list`; it needs an administrator."
    assert capsys.readouterr().err == f"tpi-desk: {refusal}\n"
    assert ("bo.billing", "permission_refused", f"tpi-desk users list: {refusal}") in audit_rows(
        database
    )


def test_wrong_passwords_count_toward_the_same_lockout_as_the_gui(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = ["--user", "ada.admin", "--password-file", password_file(tmp_path, "not it at all")]
    right = ["--user", "ada.admin", "--password-file", password_file(tmp_path, ADMIN_PASSWORD)]

    statuses = [main(["--database", database, *wrong, "users", "list"]) for _ in range(5)]
    after = main(["--database", database, *right, "users", "list"])

    assert statuses == [1] * 5
    assert after == 1
    assert "bo.billing" not in capsys.readouterr().out
    with Desk.open(database) as desk:
        (admin,) = [u for u in desk.users.list_users(None) if u.username == "ada.admin"]
    assert admin.locked_until is not None


def test_verify_needs_no_operator(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database", database, "verify"]) == 0
    assert capsys.readouterr().out.startswith("Intact: ")


def test_only_the_first_administrator_is_added_without_an_operator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TPI_DESK_USER", raising=False)
    monkeypatch.delenv("TPI_DESK_PASSWORD_FILE", raising=False)
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    add = ["--database", url, "users", "add", "--password-stdin"]
    first = [*add, "first.admin", "--name", "First Admin", "--role", "admin"]
    second = [*add, "second.admin", "--name", "Second Admin", "--role", "admin"]

    monkeypatch.setattr("sys.stdin", _Lines("first admin pass 1\n"))
    assert main(first) == 0
    monkeypatch.setattr("sys.stdin", _Lines("second admin pass 1\n"))
    assert main(second) == 1

    assert "Added first.admin (admin)." in capsys.readouterr().out
    actors = {(name, action) for name, action, _ in audit_rows(url)}
    assert any(name.startswith("local operator") and a == "user_add" for name, a in actors)


class _Lines:
    """Standard input that is not a terminal, holding ``text``."""

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines(keepends=True)

    def readline(self) -> str:
        return self._lines.pop(0) if self._lines else ""

    def isatty(self) -> bool:
        return False
