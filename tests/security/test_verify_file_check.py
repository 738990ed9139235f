"""`tpi-desk verify` checks the whole SQLite file beside its chain checks, not before them
(models/file_check.py): a damaged file is still refused with the open's plain message,
nothing written; an intact one verifies as before."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import make_url

from tests.reliability.test_hostile_files import clinic_file, overwrite_middle_page, sha256
from tests.security.test_cli import Run, tpi_desk
from tpi_desk.models.database import open_database
from tpi_desk.models.errors import DatabaseOpenError
from tpi_desk.models.file_check import FileCheck, file_checked_beside
from tpi_desk.services.integrity.verification import VerificationService

__all__ = ["clinic_file"]  # the fixture: a closed database of 300 signed synthetic notes


def verify_command(path: Path, home: Path) -> Run:
    home.mkdir(exist_ok=True)
    return tpi_desk(f"sqlite:///{path}", "verify", home=home)


def test_verify_refuses_a_damaged_file_with_the_plain_message_and_writes_nothing(
    clinic_file: Path, tmp_path: Path
) -> None:
    overwrite_middle_page(clinic_file)
    before = sha256(clinic_file)

    run = verify_command(clinic_file, tmp_path / "home")

    assert run.status == 1, run
    assert run.stdout == ""
    assert run.stderr.startswith("tpi-desk: The database file "), run.stderr
    assert "is damaged (SQLite found: " in run.stderr
    assert "tpi-desk restore" in run.stderr
    assert run.stderr.count("\n") == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert sha256(clinic_file) == before  # not even the verify run was recorded
    assert not (tmp_path / "home" / "logs" / "crash.log").exists()


def test_verify_of_an_intact_file_checks_it_and_reports_intact(
    clinic_file: Path, tmp_path: Path
) -> None:
    run = verify_command(clinic_file, tmp_path / "home")

    assert run.status == 0, run
    assert run.stdout.startswith("Intact: "), run.stdout


def test_the_service_raises_the_damage_found_beside_the_chains(clinic_file: Path) -> None:
    overwrite_middle_page(clinic_file)
    database = open_database(f"sqlite:///{clinic_file}", upgrade=False, check_integrity=False)
    try:
        service = VerificationService(database.session_factory)
        with pytest.raises(DatabaseOpenError, match="is damaged"):
            service.verify(record=False, check_file=True)
    finally:
        database.dispose()


def test_damage_replaces_the_error_it_caused_and_an_intact_file_lets_it_through(
    clinic_file: Path,
) -> None:
    url = make_url(f"sqlite:///{clinic_file}")
    with pytest.raises(LookupError, match="not about the file"), file_checked_beside(url):
        raise LookupError("not about the file")

    overwrite_middle_page(clinic_file)
    with pytest.raises(DatabaseOpenError, match="is damaged") as raised, file_checked_beside(url):
        raise LookupError("a page could not be read")
    assert isinstance(raised.value.__context__, LookupError)


def test_no_check_for_an_in_memory_database() -> None:
    ran = []
    with file_checked_beside(make_url("sqlite://")):
        ran.append(True)
    assert ran == [True]


def test_an_interrupt_stops_the_check_at_once(clinic_file: Path) -> None:
    check = FileCheck(clinic_file)
    started = time.perf_counter()
    check.cancel()
    assert time.perf_counter() - started < 5


def test_a_missing_file_is_reported_plainly(tmp_path: Path) -> None:
    check = FileCheck(tmp_path / "gone.sqlite3")
    with pytest.raises(DatabaseOpenError, match=r"gone\.sqlite3"):
        check.result()
