"""`tpi-desk import-patients FILE [--dry-run] [--skip-bad-rows]`: patients in from a CSV or a
FHIR Bundle of Patients, created or updated by MRN (issue 15 item 4).

The file is read and checked before anyone signs in. How its columns were read is printed
first; every bad row is named with its row number and column. With any bad row nothing is
written, unless ``--skip-bad-rows`` asks to import the good rows and leave the bad ones
out (they are still listed). ``--dry-run`` says what would be created and updated and
writes nothing. The import itself is one transaction, with a progress bar on a terminal.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from tpi_desk.commands.operator import SignIn, nobody, service_actor
from tpi_desk.commands.progress import TerminalProgress
from tpi_desk.desk import Desk, local_now
from tpi_desk.services.people.patient_files import PatientFile, read_patient_file
from tpi_desk.services.permissions import Action


def import_patients(
    url: str,
    file: str,
    *,
    dry_run: bool,
    skip_bad_rows: bool,
    stdout: TextIO,
    stderr: TextIO,
    sign_in: SignIn = nobody,
    quiet: bool = False,
) -> int:
    """Status 0 when imported (or, dry, importable); 1 with the problems otherwise."""
    read = read_patient_file(Path(file), today=local_now().date())
    _print_mapping(read, stdout)
    for problem in read.problems:
        print(f"{read.name}: {problem.text()}", file=stderr)
    patients = read.read.patients
    blocked = bool(read.problems) and not skip_bad_rows
    if blocked or not patients:
        why = _problem_count(read) if read.problems else "the file holds no patient"
        print(f"Nothing was imported: {why}.", file=stderr)
        if read.problems:
            print("Fix the rows named above, or give --skip-bad-rows to import the others.",
                  file=stderr)  # fmt: skip
        return 1
    operator = sign_in()
    actor = service_actor(operator, Action.EDIT_PATIENT)
    with Desk.open(url) as desk:
        service = desk.patient_import
        if dry_run:
            counts = service.preview(patients, actor=actor)
            print(f"Dry run, nothing written. Would import: {counts.text()}.", file=stdout)
            return 0
        progress = TerminalProgress(stderr, enabled=False if quiet else None)
        try:
            counts = service.import_patients(
                patients, source=read.name, actor=actor, progress=progress
            )
        finally:
            progress.close()
        left_out = f"; {_problem_count(read)} left out" if read.problems else ""
        print(f"Imported from {read.name}: {counts.text()}{left_out}.", file=stdout)
        desk.audit.record_command(operator, "import-patients", f"{read.name}: {counts.text()}")
    return 0


def _problem_count(read: PatientFile) -> str:
    rows = len({problem.row for problem in read.problems})
    where = "row" if read.kind == "CSV" else "entry"
    plural = "ies" if where == "entry" else "s"
    return (
        f"{len(read.problems)} problem{'s' if len(read.problems) != 1 else ''} in {rows} "
        f"{where if rows == 1 else where.removesuffix('y') + plural}"
    )


def _print_mapping(read: PatientFile, out: TextIO) -> None:
    print(f"{read.name}: {read.kind}, {read.row_count:,} row(s). Columns read:", file=out)
    for line in read.mapping.lines():
        print(f"  {line}", file=out)
