"""Issue 13: demo-data runs in one transaction, and concurrent runs and imports queue.

A run killed (SIGKILL) in the middle of making its data leaves the database as the claim
left it: a demo database with its administrator and no data, intact; running it again adds
exactly the planned data. On PostgreSQL, demo-data runs and an import started together
never collide: each succeeds or is refused with a plain message.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.cli.conftest import EXAMPLE
from tpi_desk.desk import Desk
from tpi_desk.models.people import Patient
from tpi_desk.models.procedures import ProcedureSession, Signature

PASSWORD = "a demo password 1"


def _environment(data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "TPI_DESK_DATA_DIR": str(data_dir),
        "TPI_DESK_DEMO_PASSWORD": PASSWORD,
        "PYTHONIOENCODING": "utf-8",
    }


def _command(url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "tpi_desk", "--database", url, *args]


def _as_admin(tmp_path: Path) -> list[str]:
    password_file = tmp_path / "admin-password"
    password_file.write_text(f"{PASSWORD}\n", encoding="utf-8")
    return ["--user", "admin", "--password-file", str(password_file)]


def _counts(url: str) -> tuple[int, int, int]:
    with Desk.open(url) as desk, desk.database.session_factory() as db:
        return (
            int(db.scalar(select(func.count(Patient.id))) or 0),
            int(db.scalar(select(func.count(ProcedureSession.id))) or 0),
            int(db.scalar(select(func.count(Signature.id))) or 0),
        )


def _verify(url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _command(url, "verify"),
        env=_environment(tmp_path / "verifier"),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_run_killed_midway_leaves_no_data_and_a_rerun_adds_exactly_the_plan(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    big = _command(url, "demo-data", "--patients", "3000", "--sessions", "60000")
    run = subprocess.Popen(
        big,
        env=_environment(tmp_path / "data"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert run.stdout is not None
    claimed = run.stdout.readline()  # told once the claim is committed, before the data
    assert claimed.startswith("Created the demo administrator admin"), claimed
    time.sleep(2.0)  # well into making 60,000 signed sessions (several seconds)
    assert run.poll() is None, "the run ended before it could be killed"
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=30)
    run.stdout.close()
    assert run.stderr is not None
    run.stderr.close()

    assert _counts(url) == (0, 0, 0)
    verified = _verify(url, tmp_path)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    with Desk.open(url) as desk:
        assert desk.demo_database.is_demo()

    again = subprocess.run(
        _command(url, *_as_admin(tmp_path), "demo-data", "--patients", "20", "--sessions", "150"),
        env=_environment(tmp_path / "data"),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    patients, sessions, signatures = _counts(url)
    assert (patients, sessions) == (20, 150)
    assert 0 < signatures <= 150  # today's sessions stay drafts
    verified = _verify(url, tmp_path)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "Intact" in verified.stdout


@pytest.mark.postgres
def test_concurrent_demo_data_and_import_on_postgresql_never_collide(
    postgres_url: str, tmp_path: Path
) -> None:
    with Desk.open(postgres_url) as desk:
        desk.demo_database.claim(None, admin_password=PASSWORD)
    admin = _as_admin(tmp_path)
    commands = [
        _command(postgres_url, *admin, "demo-data", "--patients", "40", "--sessions", "400"),
        _command(postgres_url, *admin, "demo-data", "--patients", "30", "--sessions", "300"),
        _command(postgres_url, *admin, "import", str(EXAMPLE)),
    ]
    runs = [
        subprocess.Popen(
            command,
            env=_environment(tmp_path / f"workstation-{index}"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index, command in enumerate(commands)
    ]
    results = [(run.wait(timeout=300), *run.communicate()) for run in runs]

    for status, _, stderr in results:
        assert status in (0, 1), stderr
        assert "Traceback" not in stderr and "IntegrityError" not in stderr, stderr
        assert "duplicate key" not in stderr, stderr
        if status == 1:
            assert "demo data did not create" in stderr, stderr  # refused after the import
    demo_ok = [status == 0 for status, _, _ in results[:2]]
    assert any(demo_ok) or results[2][0] == 0
    patients, sessions, _ = _counts(postgres_url)
    planned = sum(n for ok, n in zip(demo_ok, (400, 300), strict=True) if ok)
    imported = 1 if results[2][0] == 0 else 0
    assert sessions == planned + imported
    assert patients == sum(n for ok, n in zip(demo_ok, (40, 30), strict=True) if ok) + imported
    verified = _verify(postgres_url, tmp_path)
    assert verified.returncode == 0, verified.stdout + verified.stderr
