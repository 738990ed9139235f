"""`tpi-desk export`: the billing batch from the command line, with plain messages on errors."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.cli.conftest import OPERATOR, OPERATOR_PASSWORD, Run, add_operator
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.models.database import open_database
from tpi_desk.reports.note_header import DRAFT_MARK
from tpi_desk.services.demo_data import generate_demo_data

TpiDesk = Callable[..., Run]
TODAY = date(2026, 3, 20)  # demo sessions before it are signed; today's are drafts
RANGE = ("--from", "2026-03-09", "--to", "2026-03-20")


@pytest.fixture
def clinic(tmp_path: Path, catalog: Catalog) -> str:
    """A SQLite database with a month of synthetic signed notes and today's drafts."""
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    database = open_database(url)
    try:
        generate_demo_data(database.engine, catalog, patients=8, sessions=30, seed=11, today=TODAY)
    finally:
        database.dispose()
    return url


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_export_writes_the_merged_pdf_csv_and_json(
    tpi_desk: TpiDesk, clinic: str, tmp_path: Path
) -> None:
    run = tpi_desk(
        "export", *RANGE, "--pdf", "notes.pdf", "--csv", "claims.csv", "--json", "notes.json",
        database=clinic,
    )  # fmt: skip

    assert run.status == 0, run.stderr
    assert run.stderr == "", "no progress on a pipe"
    rows = csv_rows(tmp_path / "claims.csv")
    session_ids = list(dict.fromkeys(row["session_id"] for row in rows))
    assert {row["note_status"] for row in rows} == {"signed"}
    assert all("2026-03-09" <= row["date_of_service"] <= "2026-03-19" for row in rows)
    outline = PdfReader(tmp_path / "notes.pdf").outline
    assert len(outline) == len(session_ids)
    assert len(json.loads((tmp_path / "notes.json").read_text(encoding="utf-8"))) == len(outline)
    assert run.stdout.splitlines() == [
        run.stdout.splitlines()[0],
        "  merged PDF: notes.pdf",
        f"  claim lines: claims.csv ({len(rows)} lines)",
        "  session documents: notes.json",
    ]
    assert run.stdout.startswith(
        f"Exported {len(outline)} signed notes from 2026-03-09 to 2026-03-20 in "
    )


def test_exported_json_imports_again_with_the_same_claim_lines(
    tpi_desk: TpiDesk, clinic: str, tmp_path: Path
) -> None:
    first = tpi_desk("export", *RANGE, "--json", "notes.json", "--csv", "a.csv", database=clinic)
    assert first.status == 0, first.stderr
    documents = json.loads((tmp_path / "notes.json").read_text(encoding="utf-8"))
    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"

    # The exported list imports as it is, one draft per document.
    imported = tpi_desk("import", str(tmp_path / "notes.json"), database=fresh)
    again = tpi_desk("export", *RANGE, "--status", "all", "--csv", "b.csv", database=fresh)

    assert imported.status == 0, imported.stderr
    assert imported.stdout.count("draft session #") == len(documents) > 1
    assert f"notes.json #{len(documents)}:" in imported.stdout
    assert again.status == 0, again.stderr

    def claims(name: str) -> list[tuple[str, ...]]:
        skip = ("session_id", "note_status")
        return [
            tuple(value for key, value in row.items() if key not in skip)
            for row in csv_rows(tmp_path / name)
        ]

    assert claims("b.csv") == claims("a.csv")
    assert {row["note_status"] for row in csv_rows(tmp_path / "b.csv")} == {"draft"}


def test_status_all_adds_the_drafts_marked_as_such(
    tpi_desk: TpiDesk, clinic: str, tmp_path: Path
) -> None:
    signed = tpi_desk("export", *RANGE, "--pdf", "signed.pdf", database=clinic)
    every = tpi_desk("export", *RANGE, "--status", "all", "--pdf", "all.pdf", database=clinic)

    assert signed.status == every.status == 0, every.stderr
    signed_pdf, all_pdf = PdfReader(tmp_path / "signed.pdf"), PdfReader(tmp_path / "all.pdf")
    assert not any(DRAFT_MARK in page.extract_text() for page in signed_pdf.pages)
    titles = [str(getattr(entry, "title", "")) for entry in all_pdf.outline]
    drafts = [title for title in titles if title.startswith("2026-03-20 — ")]
    assert drafts, "today's sessions are drafts"
    assert len(titles) == len(signed_pdf.outline) + len(drafts)
    marked = [page for page in all_pdf.pages if DRAFT_MARK in page.extract_text()]
    assert {"DOS 2026-03-20" in page.extract_text() for page in marked} == {True}
    assert "Exported" in every.stdout and " notes from " in every.stdout


def test_one_pdf_per_note_in_a_folder(tpi_desk: TpiDesk, clinic: str, tmp_path: Path) -> None:
    run = tpi_desk("export", *RANGE, "--pdf-dir", "notes", "--csv", "c.csv", database=clinic)

    assert run.status == 0, run.stderr
    names = sorted(path.name for path in (tmp_path / "notes").iterdir())
    rows = csv_rows(tmp_path / "c.csv")
    assert len(names) == len({row["session_id"] for row in rows})
    expected = {f"{row['date_of_service']}_{row['patient_mrn']}_" for row in rows}
    assert {name.rsplit("_", 1)[0] + "_" for name in names if name.count("_") == 2} <= expected
    assert all(name.endswith(".pdf") and name.isascii() for name in names)


def test_an_empty_result_is_said_plainly(tpi_desk: TpiDesk, clinic: str, tmp_path: Path) -> None:
    run = tpi_desk(
        "export", "--from", "2026-01-01", "--to", "2026-01-31", "--csv", "c.csv", database=clinic
    )

    assert run.status == 1
    assert run.stderr == "tpi-desk: No signed notes from 2026-01-01 to 2026-01-31.\n"
    assert not (tmp_path / "c.csv").exists()


NOT_A_DATE = "is not a date like 2026-03-14"


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (("--from", "2026-13-01", "--to", "2026-03-31"), f"--from: 2026-13-01 {NOT_A_DATE}"),
        (("--from", "2026-03-01", "--to", "31/03/2026"), f"--to: 31/03/2026 {NOT_A_DATE}"),
        (("--from", "20260301", "--to", "2026-03-31"), f"--from: 20260301 {NOT_A_DATE}"),
        (
            ("--from", "2026-03-31", "--to", "2026-03-01"),
            "--from 2026-03-31 is after --to 2026-03-01; give the first day, then the last.",
        ),
    ],
)
def test_bad_dates_are_named(
    tpi_desk: TpiDesk, clinic: str, dates: tuple[str, ...], message: str
) -> None:
    run = tpi_desk("export", *dates, "--csv", "c.csv", database=clinic)

    assert run.status == 1
    assert run.stderr == f"tpi-desk: {message}\n"
    assert run.stdout == ""


def test_an_unwritable_path_is_named_and_nothing_is_written(
    tpi_desk: TpiDesk, clinic: str, tmp_path: Path
) -> None:
    run = tpi_desk(
        "export", *RANGE, "--csv", "claims.csv", "--pdf", "missing/notes.pdf", database=clinic
    )

    assert run.status == 1
    assert run.stderr == (
        "tpi-desk: Cannot write missing/notes.pdf: the folder missing does not exist.\n"
    )
    assert not (tmp_path / "claims.csv").exists()
    assert "Traceback" not in run.stderr


def test_outputs_must_be_asked_for_and_not_twice(tpi_desk: TpiDesk, clinic: str) -> None:
    none = tpi_desk("export", *RANGE, database=clinic)
    both = tpi_desk("export", *RANGE, "--pdf", "a.pdf", "--pdf-dir", "notes", database=clinic)

    assert none.status == both.status == 1
    assert none.stderr.startswith("tpi-desk: nothing to write: give --pdf FILE.pdf or --pdf-dir")
    assert both.stderr == "tpi-desk: give either --pdf FILE.pdf or --pdf-dir DIR, not both\n"


def test_an_unknown_provider_is_named(tpi_desk: TpiDesk, clinic: str) -> None:
    run = tpi_desk("export", *RANGE, "--provider", "nobody", "--csv", "c.csv", database=clinic)

    assert run.status == 1
    assert run.stderr == "tpi-desk: There is no provider with the username 'nobody'.\n"


def test_progress_is_shown_on_a_terminal(clinic: str, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "tpi_desk", "--database", clinic, "export", *RANGE]
    controller, terminal = os.openpty()
    add_operator(clinic)
    password_file = tmp_path / "operator-password"
    password_file.write_text(OPERATOR_PASSWORD, encoding="utf-8")
    env = {
        **os.environ,
        "TPI_DESK_DATA_DIR": str(tmp_path / "user-data"),
        "TPI_DESK_USER": OPERATOR,
        "TPI_DESK_PASSWORD_FILE": str(password_file),
    }
    try:
        done = subprocess.run(
            [*command, "--csv", "claims.csv"],
            stdout=subprocess.PIPE,
            stderr=terminal,
            env=env,
            cwd=tmp_path,
            timeout=120,
            check=False,
        )
        os.close(terminal)
        shown = _read_all(controller)
    finally:
        os.close(controller)

    assert done.returncode == 0
    count = len({row["session_id"] for row in csv_rows(tmp_path / "claims.csv")})
    assert f"\rExporting notes: 1 of {count}" in shown
    assert shown.endswith(f"\rExporting notes: {count} of {count}\r\n")


def _read_all(fd: int) -> str:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the terminal's other end is closed: everything has been read
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode("utf-8")
