"""The effort tasks done keyboard only with real X11 input (issue 14): Xvfb, openbox, xdotool.

Usage: python bench/effort_x11.py [--shots DIR] [--json] [--step-pause SECONDS]

Starts a virtual X server (1366x768, a laptop's screen) with the openbox window manager,
then the app on a fresh SQLite database in a temporary folder (``effort_x11_app.py``: the
offscreen benchmark's return-visit clock), and types into it with xdotool, as a person at
the keyboard would: the first-start wizard, tasks A and B, the switch to billing and task
C (``effort_x11_steps.py``), no mouse at all. Actions are counted by issue 14's definition
(a key or shortcut, or one field's value). Afterwards the notes and the exported files are
checked as in ``effort.py``. ``--shots DIR`` keeps a screenshot of the whole screen at each
stage (the main window, the editor, the sign dialog, the export). Exits 1, saying where,
when a step cannot be done; 2 when Xvfb, openbox or xdotool is missing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from effort import PHASES, private_environment, report

TOOLS = ("Xvfb", "openbox", "xdotool")
SCREEN = "1366x768x24"
WAIT_S = 30.0
GRAB = (
    "import sys\n"
    "from PySide6.QtGui import QGuiApplication\n"
    "app = QGuiApplication(sys.argv[:1])\n"
    "sys.exit(0 if app.primaryScreen().grabWindow(0).save(sys.argv[1]) else 1)\n"
)


class WalkFailed(RuntimeError):
    """A step could not be done: a window never showed, or the app ended early."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=Path, help="keep screenshots in this folder")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    parser.add_argument(
        "--step-pause", type=float, default=0.25, help="seconds after each action (default 0.25)"
    )
    args = parser.parse_args()
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        print(f"needs {', '.join(missing)} (Debian: xvfb openbox xdotool)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="tpi-effort-x11-") as folder:
        scratch = Path(folder)
        with VirtualScreen() as display:
            os.environ["DISPLAY"] = display
            os.environ["QT_QPA_PLATFORM"] = "xcb"
            private_environment(scratch)
            try:
                counts = Walk(scratch, args.shots, args.step_pause).run()
            except WalkFailed as failure:
                print(f"FAILED: {failure}", file=sys.stderr)
                return 1
        return check_and_report(scratch, counts, as_json=args.json)


class VirtualScreen:
    """Xvfb on a free display number, with openbox managing its windows."""

    def __enter__(self) -> str:
        read, write = os.pipe()
        self._server = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", SCREEN, "-nolisten", "tcp"],
            pass_fds=(write,),
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        with os.fdopen(read) as answer:
            display = f":{answer.readline().strip()}"
        environment = {**os.environ, "DISPLAY": display}
        self._manager = subprocess.Popen(
            ["openbox"], env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(0.5)
        return display

    def __exit__(self, *_: object) -> None:
        for process in (self._manager, self._server):
            process.terminate()
            process.wait(timeout=10)


class Walk:
    """Runs the steps against the app, counting actions per phase."""

    def __init__(self, scratch: Path, shots: Path | None, step_pause: float) -> None:
        self.scratch = scratch
        self.shots = shots
        self.step_pause = step_pause
        self.url = f"sqlite:///{scratch / 'effort.sqlite3'}"
        self.counts: dict[str, int] = {}
        self.phase = ""

    def run(self) -> dict[str, int]:
        from effort_x11_steps import walkthrough

        here = Path(__file__).resolve().parent
        log = (self.scratch / "app.log").open("w")
        self.app = subprocess.Popen(
            [sys.executable, str(here / "effort_x11_app.py"), self.url],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            for kind, value in walkthrough():
                self.step(kind, value)
            self.app.wait(timeout=WAIT_S)
        except subprocess.TimeoutExpired as error:
            raise WalkFailed("the app did not quit after Ctrl+Q") from error
        finally:
            if self.app.poll() is None:
                self.app.kill()
            log.close()
        if self.app.returncode != 0:
            raise WalkFailed(f"the app exited with status {self.app.returncode}: {self.app_log()}")
        return self.counts

    def step(self, kind: str, value: str) -> None:
        if self.app.poll() is not None:
            raise WalkFailed(f"the app ended during {self.phase}: {self.app_log()}")
        if kind == "phase":
            self.phase = value
        elif kind in ("key", "type"):
            self.counts[self.phase] = self.counts.get(self.phase, 0) + 1
            command = ["key", "--clearmodifiers", value]
            if kind == "type":
                command = ["type", "--delay", "15", "--", value]
            subprocess.run(["xdotool", *command], check=True)
            time.sleep(self.step_pause)
        elif kind in ("window", "gone"):
            self.wait_for(value, shown=kind == "window")
        elif kind == "pause":
            time.sleep(float(value))
        elif kind == "shot":
            self.screenshot(value)
        elif kind == "later":
            self.app.send_signal(signal.SIGUSR1)
        elif kind == "exported":
            self.wait_for_export()

    def wait_for(self, title: str, *, shown: bool) -> None:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            found = subprocess.run(
                ["xdotool", "search", "--onlyvisible", "--name", title], capture_output=True
            )
            if (found.returncode == 0) == shown:
                time.sleep(0.4)  # the window takes the keyboard focus
                return
            time.sleep(0.1)
        state = "shown" if shown else "closed"
        raise WalkFailed(f"in {self.phase}, no window titled {title!r} was {state}")

    def wait_for_export(self) -> None:
        folder = self.scratch / "home" / "Documents"
        deadline = time.monotonic() + WAIT_S * 4
        while time.monotonic() < deadline:
            if list(folder.glob("notes_*.pdf")) and list(folder.glob("claims_*.csv")):
                return
            time.sleep(0.2)
        raise WalkFailed("task C wrote no PDF and CSV into the Documents folder")

    def screenshot(self, name: str) -> None:
        if self.shots is None:
            return
        self.shots.mkdir(parents=True, exist_ok=True)
        target = self.shots / f"{name}.png"
        subprocess.run([sys.executable, "-c", GRAB, str(target)], check=True)

    def app_log(self) -> str:
        return (self.scratch / "app.log").read_text(errors="replace")[-2000:]


def check_and_report(scratch: Path, phase_counts: dict[str, int], *, as_json: bool) -> int:
    from effort_checks import check_export, check_note
    from effort_driver import TaskFailed
    from effort_setup import PHYSICIAN
    from effort_tasks import Note

    url = f"sqlite:///{scratch / 'effort.sqlite3'}"
    try:
        check_note(url, Note(), PHYSICIAN.account, session_number=1)
        check_note(url, Note(), PHYSICIAN.account, session_number=2)
        check_export(scratch / "home" / "Documents", expected_notes=2)
    except TaskFailed as error:
        print(f"FAILED check: {error}", file=sys.stderr)
        return 1
    counts = {key: phase_counts.get(phase, 0) for key, phase in PHASES.items()}
    report(counts, as_json=as_json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
