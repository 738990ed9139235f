"""Starting on a hostile database file: one clear line, exit status 1, and the file untouched.

Every case runs the real commands `tpi-desk import docs/examples/session.json` and
`tpi-desk demo-data` (at once, each in its own process) against the same file.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.reliability.workers import REPO, worker_environment
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.models.database import open_database
from tpi_desk.models.errors import DatabaseOpenError
from tpi_desk.services.demo_data import generate_demo_data

EXAMPLE = REPO / "docs" / "examples" / "session.json"
COMMANDS = {
    "import": ("import", str(EXAMPLE)),
    "demo-data": ("demo-data", "--patients", "2", "--sessions", "3"),
}
NOBODY = 65534


@dataclass(frozen=True)
class Run:
    status: int
    stdout: str
    stderr: str


# Run as root up to the point of no return, then as ``nobody``: the interpreter itself may
# live where ``nobody`` cannot reach it, so the process starts as root, runs each command once
# on a scratch database (loading every module it needs), drops its privileges for good, and
# only then runs the command on the file under test.
AS_NOBODY = """
import contextlib, io, os, sys
from tpi_desk.cli import main
uid, scratch, database, *command = sys.argv[1:]
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    main(["--database", scratch, *command])
os.setgroups([])
os.setgid(int(uid))
os.setuid(int(uid))
sys.exit(main(["--database", database, *command]))
"""


def start_command(
    path: Path, data_dir: Path, name: str, *, as_user: int | None = None
) -> subprocess.Popen[str]:
    """``tpi-desk --database sqlite:///PATH <command>``, as a user would type it."""
    env = {**worker_environment(), "TPI_DESK_DATA_DIR": str(data_dir)}
    env.pop("TPI_DESK_DATABASE_URL", None)
    database = f"sqlite:///{path}"
    if as_user is None:
        argv = [sys.executable, "-m", "tpi_desk", "--database", database, *COMMANDS[name]]
    else:
        scratch = f"sqlite:///{data_dir.parent / f'scratch-{name}.sqlite3'}"
        argv = [sys.executable, "-c", AS_NOBODY, str(as_user), scratch, database, *COMMANDS[name]]
    return subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=data_dir.parent,
    )


def run_command(path: Path, data_dir: Path, name: str) -> Run:
    return finish(start_command(path, data_dir, name))


def run_commands(path: Path, data_dir: Path, *, as_user: int | None = None) -> dict[str, Run]:
    """Every command in COMMANDS on ``path``, all at once; their results."""
    started = {name: start_command(path, data_dir, name, as_user=as_user) for name in COMMANDS}
    return {name: finish(process) for name, process in started.items()}


def finish(process: subprocess.Popen[str]) -> Run:
    stdout, stderr = process.communicate(timeout=120)
    return Run(process.returncode, stdout, stderr)


def assert_refused(runs: dict[str, Run], data_dir: Path, *, saying: str) -> None:
    for name, run in runs.items():
        assert run.status == 1, f"{name}: {run}"
        assert run.stdout == "", f"{name}: {run}"
        assert run.stderr.startswith("tpi-desk: "), f"{name}: {run}"
        assert run.stderr.count("\n") == 1, f"{name} wrote more than one line: {run.stderr}"
        assert saying in run.stderr, f"{name}: {run.stderr}"
        assert "Traceback" not in run.stderr
    assert not (data_dir / "logs" / "crash.log").exists(), "an internal error was logged"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "user-data"
    folder.mkdir()
    return folder


@pytest.fixture
def clinic_file(tmp_path: Path, catalog: Catalog) -> Path:
    """A real TPI Desk database with a few hundred pages of synthetic notes, closed."""
    path = tmp_path / "clinic" / "tpi-desk.sqlite3"
    database = open_database(f"sqlite:///{path}")
    generate_demo_data(database.engine, catalog, patients=40, sessions=300, seed=7)
    database.dispose()
    return path


def overwrite_middle_page(path: Path) -> None:
    """Random bytes over the page in the middle of the file, as a failing disk might leave."""
    with sqlite3.connect(path) as probe:
        page_size = probe.execute("PRAGMA page_size").fetchone()[0]
        pages = probe.execute("PRAGMA page_count").fetchone()[0]
    probe.close()
    with path.open("r+b") as handle:
        handle.seek(pages // 2 * page_size)
        handle.write(random.Random(6).randbytes(page_size))


def test_corrupt_database(clinic_file: Path, data_dir: Path) -> None:
    overwrite_middle_page(clinic_file)
    before = sha256(clinic_file)

    runs = run_commands(clinic_file, data_dir)

    assert_refused(runs, data_dir, saying="is damaged")
    assert "tpi-desk restore" in runs["import"].stderr
    assert sha256(clinic_file) == before


def test_integrity_check_at_open_is_what_catches_damage_in_the_middle(clinic_file: Path) -> None:
    """The header and schema are fine, so only the check finds it; the app's start may skip
    it (``check_integrity=False``) when its start-up backup checks the copy instead."""
    overwrite_middle_page(clinic_file)
    before = sha256(clinic_file)
    with pytest.raises(DatabaseOpenError, match="is damaged"):
        open_database(f"sqlite:///{clinic_file}")
    open_database(f"sqlite:///{clinic_file}", check_integrity=False).dispose()
    assert sha256(clinic_file) == before


@contextmanager
def lock_holder(path: Path, *, exclusive_locking: bool) -> Iterator[subprocess.Popen[str]]:
    """Another process inside ``BEGIN EXCLUSIVE`` with a patient it has not committed yet.

    ``exclusive_locking`` adds ``PRAGMA locking_mode=EXCLUSIVE``: then nobody may even read.
    Leaving the block commits the holder's insert.
    """
    script = (
        "import sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        + ("c.execute('PRAGMA locking_mode=EXCLUSIVE')\n" if exclusive_locking else "")
        + "c.execute('BEGIN EXCLUSIVE')\n"
        "c.execute(\"UPDATE patients SET given_name = 'Łukasz (holder)' WHERE id = 1\")\n"
        "print('locked', flush=True)\n"
        "sys.stdin.readline()\n"
        "c.execute('COMMIT')\n"
        "c.close()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        yield holder
    finally:
        holder.communicate("commit\n", timeout=30)
    assert holder.returncode == 0


@pytest.mark.parametrize("exclusive_locking", [False, True], ids=["wal-writer", "no-readers"])
def test_database_locked_by_another_process(
    clinic_file: Path, data_dir: Path, exclusive_locking: bool
) -> None:
    before = sha256(clinic_file)
    with lock_holder(clinic_file, exclusive_locking=exclusive_locking):
        runs = run_commands(clinic_file, data_dir)
        assert sha256(clinic_file) == before, "the file changed under the lock holder"

    assert_refused(runs, data_dir, saying="is in use")
    with sqlite3.connect(clinic_file) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        name = check.execute("SELECT given_name FROM patients WHERE id = 1").fetchone()
        assert name == ("Łukasz (holder)",), "the lock holder's change was lost"
        assert check.execute("SELECT count(*) FROM procedure_sessions").fetchone() == (300,)
    check.close()


def chattr_immutable_works(folder: Path) -> bool:
    probe = folder / "chattr-probe"
    probe.touch()
    try:
        done = subprocess.run(["chattr", "+i", str(probe)], capture_output=True, check=False)
    except FileNotFoundError:
        return False
    finally:
        subprocess.run(["chattr", "-i", str(probe)], capture_output=True, check=False)
        probe.unlink()
    return done.returncode == 0


@contextmanager
def immutable(path: Path) -> Iterator[None]:
    subprocess.run(["chattr", "+i", str(path)], check=True)
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


@pytest.mark.parametrize("what", ["file", "folder"])
def test_read_only_database_made_immutable(
    clinic_file: Path, data_dir: Path, tmp_path: Path, what: str
) -> None:
    """chattr +i stops even root (CI runs as root) from writing."""
    if shutil.which("chattr") is None or not chattr_immutable_works(tmp_path):
        pytest.skip("chattr +i is not available here; the unprivileged-user test covers this")
    before = sha256(clinic_file)
    with immutable(clinic_file if what == "file" else clinic_file.parent):
        runs = run_commands(clinic_file, data_dir)
    assert_refused(runs, data_dir, saying="read-only")
    assert sha256(clinic_file) == before


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder outside pytest's private tmp tree, so that an unprivileged user reaches it."""
    folder = Path(tempfile.mkdtemp(prefix="tpi-desk-read-only-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


@pytest.mark.parametrize("what", ["file", "folder"])
def test_read_only_database_for_an_unprivileged_user(
    clinic_file: Path, shared_folder: Path, what: str
) -> None:
    """chmod only binds users who are not root: as root, run the commands as ``nobody``."""
    as_user = NOBODY if os.geteuid() == 0 else None
    folder = shared_folder / "clinic"
    folder.mkdir()
    path = folder / clinic_file.name
    shutil.copyfile(clinic_file, path)
    data_dir = shared_folder / "user-data"
    data_dir.mkdir()
    if as_user is not None:
        os.chown(data_dir, as_user, as_user)
        if what == "file":
            os.chown(folder, as_user, as_user)  # the folder is writable, the file is not
        else:
            os.chown(path, as_user, as_user)  # the file is writable, the folder is not
    path.chmod(0o444 if what == "file" else 0o644)
    folder.chmod(0o755 if as_user is not None or what == "file" else 0o555)
    before = sha256(path)
    try:
        runs = run_commands(path, data_dir, as_user=as_user)
    finally:
        folder.chmod(0o755)
    assert_refused(runs, data_dir, saying="read-only")
    assert sha256(path) == before


def test_database_from_a_newer_version(clinic_file: Path, data_dir: Path) -> None:
    with sqlite3.connect(clinic_file) as newer:
        newer.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    newer.close()
    before = sha256(clinic_file)

    runs = run_commands(clinic_file, data_dir)

    assert_refused(runs, data_dir, saying="newer version of TPI Desk")
    assert "9999_from_the_future" in runs["demo-data"].stderr
    assert sha256(clinic_file) == before


def test_file_that_is_not_a_database(tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "tpi-desk.sqlite3"
    path.write_bytes("Ødegård clinic supply list: 25G needles, lidocaine 1 %\n".encode() * 300)
    before = sha256(path)

    runs = run_commands(path, data_dir)

    assert_refused(runs, data_dir, saying="not a TPI Desk database")
    assert sha256(path) == before


def test_folder_where_the_file_should_be(tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "tpi-desk.sqlite3"
    path.mkdir()
    (path / "note.txt").write_text("Nguyễn", encoding="utf-8")

    runs = run_commands(path, data_dir)

    assert_refused(runs, data_dir, saying="is a folder")
    assert [p.name for p in path.iterdir()] == ["note.txt"]


def test_empty_file_becomes_a_new_database(tmp_path: Path, data_dir: Path) -> None:
    """SQLite reads a 0-byte file as an empty database: it is set up like a new one."""
    path = tmp_path / "tpi-desk.sqlite3"
    path.touch()

    run = run_command(path, data_dir, "demo-data")

    assert (run.status, run.stderr) == (0, ""), run
    with sqlite3.connect(path) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert check.execute("SELECT count(*) FROM procedure_sessions").fetchone() == (3,)
    check.close()
