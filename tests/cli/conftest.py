"""Runs the real `tpi-desk` command in a subprocess, as a user would."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "examples" / "session.json"


@dataclass(frozen=True)
class Run:
    status: int
    stdout: str
    stderr: str


@pytest.fixture
def tpi_desk(tmp_path: Path) -> object:
    """Call as ``tpi_desk("import", "file.json", database=url)``."""
    data_dir = tmp_path / "user-data"

    def run(*args: str, database: str | None = None) -> Run:
        command = [sys.executable, "-m", "tpi_desk"]
        if database is not None:
            command += ["--database", database]
        env = {**os.environ, "TPI_DESK_DATA_DIR": str(data_dir), "PYTHONIOENCODING": "utf-8"}
        env.pop("TPI_DESK_DATABASE_URL", None)
        done = subprocess.run(
            [*command, *args],
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


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
