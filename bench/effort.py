"""Effort benchmark (issue 14): how many actions an expert needs for the everyday tasks.

Usage: python bench/effort.py [--verbose] [--json]

Drives the real app (``run_app``: first start, sign-in, then the main window users get),
offscreen unless a display is set, with QTest key and mouse events only: no widget method
is called and no value is set directly. An action is one click, one press of a navigation
or shortcut key (Tab, Enter, an arrow, Ctrl+...) or typing one field's value, whatever its
length; reading and scrolling are free (``effort_driver``). The tasks (``effort_tasks``):

  A. a new patient and a two-site trigger point injection (lidocaine 1 % 1 mL at each site,
     one lot), signed -- target <= 40 actions;
  B. the same patient returns: the same two sites (copy forward), signed -- target <= 10;
  C. billing exports today's signed notes as PDF + CSV -- target <= 3.

Setup is driven too (``effort_setup``, ``setup_actions``, target <= 30): a fresh SQLite
database in a temporary folder (the app's data folder, HOME and the XDG folders point there
too, so nothing is written to the user's folders), whose first start creates the
administrator, who signs in and adds a physician and a billing account. The administrator
signing out and the physician in (``sign_in_actions``), and the switch to the billing
account (``switch_user_actions``), are counted apart. The app's clock runs ten minutes
behind until task B (``ReturnVisitClock``): the returning patient's last visit lies in the
past. After the run the notes are checked in the database (signed, two sites, muscles and
sides, lidocaine 1 mL with its lot at each, the diagnosis, CPT 20552) and the exported PDF
and CSV are read back. Prints ``task_a_actions=N`` etc.; with --json the last line is
one JSON object. Exits 1, saying why, when a task cannot be completed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from effort_driver import Step

TARGETS = {"setup_actions": 30, "task_a_actions": 40, "task_b_actions": 10, "task_c_actions": 3}
PHASES = {
    "setup_actions": "setup",
    "sign_in_actions": "sign in",
    "task_a_actions": "task A",
    "task_b_actions": "task B",
    "switch_user_actions": "switch to billing",
    "task_c_actions": "task C",
}


def private_environment(scratch: Path) -> None:
    """Every folder the app or Qt could write to lies under ``scratch``."""
    home = scratch / "home"
    (home / "Documents").mkdir(parents=True)
    os.environ["HOME"] = str(home)
    for variable, folder in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_STATE_HOME", ".local/state"),
    ):
        os.environ[variable] = str(home / folder)
    os.environ["TPI_DESK_DATA_DIR"] = str(scratch / "app-data")
    os.environ.pop("TPI_DESK_DATABASE_URL", None)
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class ReturnVisitClock:
    """The app's clock in this benchmark: task A happens ``earlier`` before the rest, as a
    returning patient's last visit lies in the past ("copy from last session" copies only a
    session performed before the new one, and both would otherwise fall in one minute)."""

    earlier = timedelta(minutes=10)
    # Longer than a run takes from its start to task B (about a minute, minutes under load).
    run_time = timedelta(minutes=10)

    def __init__(self, now: datetime | None = None) -> None:
        start = now or datetime.now().astimezone()
        # Both visits fall on one day of the clock: across midnight, the first visit's vial
        # would not be one of today's open vials, so its lot would rightly not be copied.
        # Near midnight the whole run happens an hour back.
        same_day = (start - self.earlier).date() == (start + self.run_time).date()
        self.present = timedelta(0) if same_day else -timedelta(hours=1)
        self.offset = self.present - self.earlier

    def __call__(self) -> datetime:
        return datetime.now().astimezone() + self.offset

    def later(self) -> Step:
        def move_on() -> None:
            self.offset = self.present

        return Step(perform=move_on, what="the patient returns later")


def use_clock(clock: ReturnVisitClock) -> None:
    """Every ``Desk`` the app opens in this process reads ``clock`` (no product change: the
    same keyword the tests use)."""
    from tpi_desk.desk import Desk

    # mypy types a classmethod read from its class as a plain callable, without __func__.
    opener = Desk.open.__func__  # type: ignore[attr-defined]

    def open_with_clock(cls: type[Desk], url: str, **options: object) -> Desk:
        options.setdefault("clock", clock)
        return opener(cls, url, **options)

    # Replaced on purpose, for this process only: mypy refuses any assignment to a method.
    Desk.open = classmethod(open_with_clock)  # type: ignore[method-assign,assignment]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="print every action taken")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tpi-effort-") as folder:
        scratch = Path(folder)
        private_environment(scratch)
        return run(scratch, verbose=args.verbose, as_json=args.json)


def run(scratch: Path, *, verbose: bool, as_json: bool) -> int:
    # Imported once the environment points into the scratch folder.
    from effort_checks import check_export, check_note
    from effort_driver import Driver, Script, TaskFailed, shown_window
    from effort_setup import BILLING, PHYSICIAN, first_start
    from effort_tasks import Note, sign_in, sign_out, task_a, task_b, task_c
    from PySide6.QtWidgets import QApplication

    from tpi_desk.ui.app import run_app
    from tpi_desk.ui.export_dialog import ExportDialog

    url = f"sqlite:///{scratch / 'effort.sqlite3'}"
    physician, billing = PHYSICIAN.account, BILLING.account
    clock = ReturnVisitClock()
    use_clock(clock)
    note = Note()
    driver = Driver(verbose=verbose)
    failures: list[BaseException] = []

    def plan() -> Iterator[Step]:
        yield driver.begin("setup")
        yield from first_start(driver)
        yield driver.begin("sign in")  # the administrator signs out, the physician in
        yield from sign_out(driver)
        yield from sign_in(driver, physician)
        yield driver.begin("task A")
        yield from task_a(driver, note, physician)
        yield driver.begin("between tasks")  # back to today's page, as on another day
        yield driver.key("Ctrl+T")
        yield clock.later()
        yield driver.begin("task B")
        yield from task_b(driver, note, physician)
        yield driver.begin("switch to billing")
        yield from sign_out(driver)
        yield from sign_in(driver, billing)
        yield driver.begin("task C")
        yield from task_c(driver)
        yield driver.begin("quit")
        yield driver.key("Escape")  # closes the export dialog
        yield driver.until(lambda: shown_window(ExportDialog) is None, "the export dialog closed")
        yield driver.key("Ctrl+Q")

    def finished(failure: BaseException | None) -> None:
        if failure is not None:
            failures.append(failure)
            application = QApplication.instance()
            if application is not None:
                application.exit(1)

    application = QApplication.instance() or QApplication(sys.argv[:1])
    script = Script(plan(), finished)
    script.start()
    status = run_app(url)
    del application
    if failures:
        phase = driver.phase
        print(f"FAILED in {phase}: {failures[0]}", file=sys.stderr)
        if not isinstance(failures[0], TaskFailed):
            raise failures[0]
        return 1
    if status != 0:
        print(f"FAILED: the app exited with status {status}", file=sys.stderr)
        return 1
    try:
        check_note(url, note, physician, session_number=1)
        check_note(url, note, physician, session_number=2)
        check_export(scratch / "home" / "Documents", expected_notes=2)
    except TaskFailed as error:
        print(f"FAILED check: {error}", file=sys.stderr)
        return 1
    counts = {key: driver.count(phase) for key, phase in PHASES.items()}
    report(counts, as_json=as_json)
    return 0


def report(counts: dict[str, int], *, as_json: bool) -> None:
    for key, value in counts.items():
        target = TARGETS.get(key)
        verdict = (
            ""
            if target is None
            else f"  (target <= {target}: " + ("met)" if value <= target else "not yet met)")
        )
        print(f"{key}={value}{verdict}")
    if as_json:
        print(json.dumps(counts))


if __name__ == "__main__":
    sys.exit(main())
