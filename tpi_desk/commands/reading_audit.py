"""The audit entry of a read-only command, written once its result is out (issue 13).

Reads never wait for another program's write transaction (WAL); the command's own audit
entry is a write, so it waits up to the busy timeout. When the writer keeps the database
locked longer, the result already printed stands and a plain note says the run is missing
from the audit trail, instead of a traceback or a failed command.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from tpi_desk.services.errors import UserError


def not_recorded_note(reason: str) -> str:
    """The note printed when a read-only command's run could not be audited."""
    return (
        "tpi-desk: note: the result above is complete, but this run could not be recorded "
        f"in the audit trail: {reason}"
    )


def record_after_reading(record: Callable[[], None], stderr: TextIO) -> None:
    """Run ``record`` (the command's audit entry); a database error becomes the note."""
    try:
        record()
    except UserError as error:
        print(not_recorded_note(str(error)), file=stderr)
