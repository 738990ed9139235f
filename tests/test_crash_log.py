"""The crash log keeps every unexpected error's traceback, for the CLI and the GUI alike."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tpi_desk.crash_log import crash_log_path, write_crash_report
from tpi_desk.paths import DATA_DIR_ENV


def _raised(message: str) -> ValueError:
    try:
        raise ValueError(message)
    except ValueError as error:
        return error


def test_tracebacks_are_appended_to_the_crash_log_in_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "user-data"))

    first = write_crash_report(_raised("first"))
    second = write_crash_report(_raised("second"))

    assert first == second == str(tmp_path / "user-data" / "logs" / "crash.log")
    assert crash_log_path() == Path(first)
    logged = Path(first).read_text(encoding="utf-8")
    assert logged.count("Traceback (most recent call last):") == 2
    assert "in _raised" in logged
    assert logged.index("ValueError: first") < logged.index("ValueError: second")


def test_an_unwritable_crash_log_sends_the_traceback_to_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "user-data"
    blocked.mkdir()
    (blocked / "logs").write_text("a file where the folder should be", encoding="utf-8")
    monkeypatch.setenv(DATA_DIR_ENV, str(blocked))

    with caplog.at_level(logging.ERROR):
        where = write_crash_report(_raised("nowhere to write"))

    assert where == "the log"
    assert "ValueError: nowhere to write" in caplog.text
