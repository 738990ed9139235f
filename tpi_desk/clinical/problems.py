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

    def __post_init__(self) -> None:
        # Messages may quote what was typed ("M79<ESC>[31m is not an ICD-10-CM code"): hidden
        # characters are kept escaped, so no terminal, CSV or dialog shows them raw (issue 13).
        for name in ("path", "label", "message"):
            object.__setattr__(self, name, printable(getattr(self, name)))

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"
