"""Session document @3 (issue 14): the procedure's start and end times and the chaperone,
their checks in plain words, and @2 documents still read."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import time
from pathlib import Path
from typing import Any

import pytest

from tests.shape_support import base_entry
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.session_document import (
    FORMAT,
    DocumentInvalid,
    parse_session_document,
    to_json,
)
from tpi_desk.clinical.validation import validate_entry

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "session.json"
Document = dict[str, Any]


def _example() -> Document:
    data: Document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return data


def _as_version_2(data: Document) -> Document:
    old = {key: value for key, value in data.items() if key not in ("procedure_time", "chaperone")}
    old["format"] = "tpi-desk/session@2"
    return old


def _problems(data: object, catalog: Catalog) -> list[str]:
    with pytest.raises(DocumentInvalid) as caught:
        parse_session_document(data, catalog)
    return [str(problem) for problem in caught.value.problems]


def test_the_times_and_the_chaperone_are_written_and_read_back(catalog: Catalog) -> None:
    data = _example()
    data["chaperone"] = "Rosa Delgado, MA"

    doc = parse_session_document(data, catalog)

    assert (doc.session.procedure_started, doc.session.procedure_ended) == (
        time(9, 32),
        time(9, 51),
    )
    assert doc.session.chaperone == "Rosa Delgado, MA"
    written = json.loads(to_json(doc))
    assert written["format"] == FORMAT == "tpi-desk/session@3"
    assert written["procedure_time"] == {"started": "09:32", "ended": "09:51"}
    assert written["chaperone"] == "Rosa Delgado, MA"


def test_a_version_2_document_is_read_with_nothing_recorded(catalog: Catalog) -> None:
    doc = parse_session_document(_as_version_2(_example()), catalog)

    assert doc.session.procedure_started is None
    assert doc.session.procedure_ended is None
    assert doc.session.chaperone == ""


def test_a_version_2_document_with_a_version_3_key_names_it(catalog: Catalog) -> None:
    old = _as_version_2(_example())
    old["chaperone"] = "Rosa Delgado, MA"

    assert _problems(old, catalog) == ["chaperone: is not a field of this format"]


def test_a_time_that_is_not_a_time_of_day_is_named(catalog: Catalog) -> None:
    data = _example()
    data["procedure_time"] = {"started": "9.32am", "ended": "25:10"}

    assert _problems(data, catalog) == [
        "procedure_time.started: must be a time of day like 14:05 (24-hour clock)",
        "procedure_time.ended: must be a time of day like 14:05 (24-hour clock)",
    ]


def test_an_end_before_the_start_is_named_in_plain_words(catalog: Catalog) -> None:
    entry = replace(base_entry(), procedure_started=time(9, 50), procedure_ended=time(9, 40))

    problems = validate_entry(entry, catalog)

    assert [problem.path for problem in problems] == ["procedure_time.ended"]
    assert problems[0].label == "Procedure time: end time"
    assert "after the start time 09:50" in problems[0].message
    same = replace(entry, procedure_ended=time(9, 50))
    assert [problem.path for problem in validate_entry(same, catalog)] == ["procedure_time.ended"]


def test_either_time_alone_is_accepted(catalog: Catalog) -> None:
    assert validate_entry(replace(base_entry(), procedure_started=time(9, 32)), catalog) == ()
    assert validate_entry(replace(base_entry(), procedure_ended=time(9, 51)), catalog) == ()


def test_a_long_chaperone_name_is_refused(catalog: Catalog) -> None:
    problems = validate_entry(replace(base_entry(), chaperone="x" * 101), catalog)

    assert [problem.path for problem in problems] == ["chaperone"]
