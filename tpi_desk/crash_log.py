"""The crash log: where the traceback of an error nobody expected is kept for support.

The command line and the GUI write to the same file, ``logs/crash.log`` in the data folder.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

from tpi_desk.paths import data_dir

CRASH_LOG_NAME = "crash.log"
log = logging.getLogger(__name__)


def crash_log_path() -> Path:
    return data_dir() / "logs" / CRASH_LOG_NAME


def write_crash_report(error: BaseException) -> str:
    """Append ``error``'s traceback to the crash log; returns where it went, for a message.

    When the file cannot be written the traceback goes to the logging module instead and
    the answer is "the log".
    """
    details = "".join(traceback.format_exception(error))
    try:
        path = crash_log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(details + "\n")
        return str(path)
    except OSError:
        log.error(details)
        return "the log"
