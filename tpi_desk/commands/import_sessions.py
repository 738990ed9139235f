"""`tpi-desk import FILE...`: session documents in, drafts out, codes and warnings printed."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from tpi_desk.clinical.analysis import SessionAnalysis
from tpi_desk.clinical.catalog import load_catalog
from tpi_desk.clinical.session_document import (
    DocumentInvalid,
    SessionDocument,
    documents_from_json,
)
from tpi_desk.commands.operator import SignIn, nobody, service_actor
from tpi_desk.desk import Desk
from tpi_desk.paths import resource_path
from tpi_desk.services.permissions import Action
from tpi_desk.services.sessions.importing import ImportedSession

# A document is a few kB; a list exported for a month of a busy clinic stays well under this.
MAX_DOCUMENT_BYTES = 50_000_000


def import_sessions(
    url: str,
    files: Sequence[str],
    *,
    as_json: bool,
    stdout: TextIO,
    stderr: TextIO,
    sign_in: SignIn = nobody,
) -> int:
    """Validate every file first; write only when all are valid. Returns the exit status.

    A file holds one session document or a JSON list of them (`tpi-desk export --json`).
    """
    catalog = load_catalog(resource_path("catalog"))
    documents: list[SessionDocument] = []
    sources: list[str] = []  # where each document came from, for the report
    problems: list[tuple[str, str, str]] = []
    for name in files:
        try:
            found = documents_from_json(_read(Path(name)), catalog)
            documents += found
            sources += (
                [name] if len(found) == 1 else [f"{name} #{n}" for n in range(1, len(found) + 1)]
            )
        except DocumentInvalid as invalid:
            problems += [(name, p.path, p.message) for p in invalid.problems]
        except _UnreadableFile as unreadable:
            problems.append((name, "(file)", str(unreadable)))
    if problems:
        _print_problems(problems, len(files), as_json=as_json, stdout=stdout, stderr=stderr)
        return 1
    operator = sign_in()
    with Desk.open(url, catalog=catalog) as desk:
        imported = desk.importing.import_documents(
            documents, actor=service_actor(operator, Action.AUTHOR_SESSION)
        )
        desk.audit.record_command(operator, "import", f"{len(imported)} session(s) as drafts")
    outcomes = list(zip(sources, documents, imported, strict=True))
    if as_json:
        rows = [_result_dict(name, document, result) for name, document, result in outcomes]
        json.dump({"imported": rows, "problems": []}, stdout, indent=2, ensure_ascii=False)
        stdout.write("\n")
    else:
        for name, document, result in outcomes:
            _print_result(name, document, result, stdout)
    return 0


class _UnreadableFile(Exception):
    pass


def _read(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_DOCUMENT_BYTES:
            raise _UnreadableFile("is larger than 50 MB; split it (a session document is a few kB)")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise _UnreadableFile("no such file") from error
    except IsADirectoryError as error:
        raise _UnreadableFile("is a folder, not a session document") from error
    except PermissionError as error:
        raise _UnreadableFile("cannot be read (permission denied)") from error
    except UnicodeDecodeError as error:
        raise _UnreadableFile("is not UTF-8 text; save it as UTF-8 JSON") from error
    except OSError as error:
        raise _UnreadableFile(f"cannot be read ({error.strerror or error})") from error


def _print_problems(
    problems: list[tuple[str, str, str]],
    file_count: int,
    *,
    as_json: bool,
    stdout: TextIO,
    stderr: TextIO,
) -> None:
    if as_json:
        listed = [{"file": f, "path": p, "message": m} for f, p, m in problems]
        json.dump({"imported": [], "problems": listed}, stdout, indent=2, ensure_ascii=False)
        stdout.write("\n")
    for file_name, path, message in problems:
        print(f"{file_name}: {path}: {message}", file=stderr)
    bad_files = len({file_name for file_name, _, _ in problems})
    print(
        f"Nothing was imported: {len(problems)} problem(s) in {bad_files} of {file_count} file(s).",
        file=stderr,
    )


def _result_dict(
    file_name: str, document: SessionDocument, result: ImportedSession
) -> dict[str, object]:
    analysis = result.analysis
    patient = document.patient
    return {
        "file": file_name,
        "session_id": result.session_id,
        "status": "draft",
        "performed_at": document.session.performed_at.isoformat(),
        "kind": document.session.kind.value,
        "patient": {
            "id": result.patient_id,
            "mrn": patient.mrn,
            "name": f"{patient.family_name}, {patient.given_name}",
            "created": result.patient_created,
        },
        "provider": result.provider_username,
        "codes": [
            {
                "code_system": line.code_system,
                "code": line.code,
                "units": line.units,
                "modifiers": list(line.modifiers),
                "descriptor": line.descriptor,
                "drug": line.drug_id,
                "dose_mg": None if line.dose_mg is None else str(line.dose_mg),
            }
            for line in analysis.coding.all_lines
        ],
        "diagnoses": list(analysis.coding.icd10),
        "dose_totals": _dose_totals(analysis),
        "warnings": [
            {"code": a.code, "severity": a.severity.value, "message": a.message, "field": a.path}
            for a in analysis.alerts
        ],
        "ready_to_sign": analysis.checklist.ready,
        "missing_before_signing": list(analysis.checklist.missing),
    }


def _dose_totals(analysis: SessionAnalysis) -> list[dict[str, object]]:
    return [
        {
            "drug": total.drug_id,
            "total_mg": str(total.total_mg),
            "mg_per_kg": None if total.mg_per_kg is None else str(round(total.mg_per_kg, 2)),
            "max_mg": None if total.max_mg is None else str(total.max_mg),
        }
        for total in analysis.dose_totals
    ]


def _print_result(
    file_name: str, document: SessionDocument, result: ImportedSession, out: TextIO
) -> None:
    patient = document.patient
    analysis = result.analysis
    created = " (new patient)" if result.patient_created else ""
    print(
        f"{file_name}: draft session #{result.session_id} for {patient.family_name}, "
        f"{patient.given_name} (MRN {patient.mrn}){created}, "
        f"{document.session.performed_at.isoformat()}",
        file=out,
    )
    code_text = "; ".join(
        f"{line.code_system} {'-'.join((line.code, *line.modifiers))} x{line.units}"
        + (f" ({line.drug_id} {line.dose_mg} mg)" if line.drug_id else "")
        for line in analysis.coding.all_lines
    )
    print(f"  codes: {code_text or 'none (no sites yet)'}", file=out)
    print(f"  ICD-10: {', '.join(analysis.coding.icd10) or 'none'}", file=out)
    for alert in analysis.alerts:
        print(f"  {alert.severity.value}: {alert.message}", file=out)
    missing = analysis.checklist.missing
    print(f"  before signing: {'; '.join(missing)}" if missing else "  ready to sign", file=out)
