"""The session document tests' shared parts: the example documents, the ``example``
fixture, and small helpers that change a decoded document or read its problems."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.session_document import (
    DocumentInvalid,
    parse_session_document,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
EXAMPLE = EXAMPLES / "session.json"
DRY_NEEDLING_EXAMPLE = EXAMPLES / "session-dry-needling.json"

Document = dict[str, Any]


def example_document() -> Document:
    """The example document as decoded JSON, fresh for each test to change."""
    data: Document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return data


def problem_lines(data: object, catalog: Catalog) -> list[str]:
    """The ``path: message`` lines a document is rejected with (fails if it is accepted)."""
    with pytest.raises(DocumentInvalid) as caught:
        parse_session_document(data, catalog)
    return [str(problem) for problem in caught.value.problems]


def _set(path: tuple[str | int, ...], value: object) -> Callable[[Document], None]:
    def change(data: Document) -> None:
        target: Any = data
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


def _delete(path: tuple[str | int, ...]) -> Callable[[Document], None]:
    def change(data: Document) -> None:
        target: Any = data
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return change
