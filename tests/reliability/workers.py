"""Starting save_worker.py in its own process, with the repository importable."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from tests.services.conftest import PASSWORD, PHYSICIAN, fast_hasher
from tpi_desk.clinical.record import Role
from tpi_desk.services.people.users import UserService
from tpi_desk.services.permissions import Actor

REPO = Path(__file__).resolve().parents[2]
CLINIC_ADMIN = "clinic.admin"
SAVE_WORKER = Path(__file__).resolve().parent / "save_worker.py"


@dataclass(frozen=True)
class People:
    """A patient and a physician already committed, for workers to write sessions for."""

    patient_id: int
    provider_id: int

    @property
    def physician(self) -> Actor:
        return physician_actor(self.provider_id)


def physician_actor(provider_id: int) -> Actor:
    """The signed-in physician (``PHYSICIAN``, stored with id ``provider_id``)."""
    return Actor(provider_id, PHYSICIAN.username, Role.PHYSICIAN, PHYSICIAN.credentials)


def add_physician(factory: sessionmaker[Session]) -> int:
    """``PHYSICIAN`` as an account that signs with ``PASSWORD``, added by the clinic's
    first administrator (made if the database has no account yet); its user id."""
    users = UserService(factory, hasher=fast_hasher())
    if not users.has_accounts():  # the clinic's first administrator, whose key is the root
        users.create_first_admin(CLINIC_ADMIN, "Clinic Admin", PASSWORD)
    admin = users.authenticate(CLINIC_ADMIN, PASSWORD)  # their key signs the physician's
    account = users.add_user(
        PHYSICIAN.username,
        PHYSICIAN.display_name,
        PASSWORD,
        role=Role.PHYSICIAN,
        credentials=PHYSICIAN.credentials,
        npi=PHYSICIAN.npi,
        actor=admin,
    )
    return account.id


def worker_environment() -> dict[str, str]:
    """The parent's environment with the repository importable (as pytest has it)."""
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, "PYTHONIOENCODING": "utf-8"}


def start_save_worker(*args: str) -> subprocess.Popen[str]:
    """``save_worker.py`` in its own process, driven through ``stdin``/``stdout``."""
    return subprocess.Popen(
        [sys.executable, str(SAVE_WORKER), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=worker_environment(),
        cwd=REPO,
    )


def send_line(process: subprocess.Popen[str], line: str) -> None:
    assert process.stdin is not None
    process.stdin.write(line + "\n")
    process.stdin.flush()


def read_reply(process: subprocess.Popen[str], name: str) -> tuple[str, str]:
    """The next line ``process`` printed as (first word, the rest); fails if it died."""
    assert process.stdout is not None and process.stderr is not None
    line = process.stdout.readline()
    if not line:
        process.wait(timeout=10)
        raise AssertionError(f"{name} ended unexpectedly:\n{process.stderr.read()}")
    word, _, rest = line.rstrip("\n").partition(" ")
    return word, rest


def stop(process: subprocess.Popen[str]) -> str:
    """Close ``stdin`` (the worker's signal to end), wait, and return what it wrote on stderr."""
    assert process.stdin is not None and process.stderr is not None
    if not process.stdin.closed:
        process.stdin.close()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    return process.stderr.read()
