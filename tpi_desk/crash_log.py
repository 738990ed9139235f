"""The crash log: where the traceback of an error nobody expected is kept for support.

The command line and the GUI write to the same file, ``logs/crash.log`` in the data folder.
"""

from __future__ import annotations

import logging
import os
import traceback
from pathlib import Path

from tpi_desk.clinical.private_files import PRIVATE_FILE_MODE, make_private, private_folder
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
        private_folder(path.parent.parent)
        private_folder(path.parent)
        # Tracebacks can quote patient data: the log is its owner's only (issue 13).
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE))
        make_private(path)  # also a log written before this rule
        with path.open("a", encoding="utf-8") as handle:
            handle.write(details + "\n")
        return str(path)
    except OSError:
        log.error(details)
        return "the log"
