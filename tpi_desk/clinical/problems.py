"""Field problems: what is wrong with an input, named by the field it belongs to."""

from __future__ import annotations

from dataclasses import dataclass

from tpi_desk.clinical.text_safety import printable


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """A value that cannot be accepted.

    ``path`` is the field's address in the session document, e.g.
    ``sites[1].medications[0].volume_ml``; ``label`` is the same field in plain words
    for a clinician ("Site 2, medication 1: volume (mL)"); ``message`` says what is wrong.
    """

    path: str
    label: str
    message: str

    def __str__(self) -> str:
        # Paths and messages may quote what was typed; hidden characters are shown escaped.
        return printable(f"{self.path}: {self.message}")
