"""Hand-checked sessions: codes and warnings a coder and a pain physician wrote down first.

Each file in ``cases/`` holds one realistic, synthetic session document (``session``), the
documents of the patient's earlier sessions to import and sign first (``history``; those to
import and leave unsigned in ``history_drafts``; those signed and then marked entered in error
in ``history_entered_in_error``), clinic settings an administrator sets first
(``clinic_settings``, stored setting keys), and what the claim and the warnings must be
(``expected``), written by hand from the cited ``source`` before anything was run. The session
goes through the real command, ``tpi-desk --database URL import --json FILE``, on a fresh SQLite
file; the printed codes (code, units, modifiers) must match exactly and the named warning codes
must be present or absent.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from tpi_desk import cli
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import Role
from tpi_desk.clinical.session_document import documents_from_json
from tpi_desk.desk import Desk
from tpi_desk.services.people.providers import role_for_credentials

CASES = Path(__file__).parent / "cases"
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "session.json"
# Every account of these cases signs in with this password (the accounts are synthetic).
PASSWORD = "correct horse 7"
ADMIN = "casesadmin"
ENTERED_IN_ERROR_REASON = "Documented in the wrong patient's chart."

CodeKey = tuple[str, int, tuple[str, ...]]


def _case_files() -> list[Path]:
    return sorted(CASES.glob("*.json"))


def _fast_hasher() -> PasswordHasher:
    """argon2id at its lowest cost: the app's code path, fast enough for many sign-ins."""
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@dataclass(frozen=True)
class Imported:
    exit_status: int
    output: dict[str, Any]
    errors: str


def _code_keys(codes: list[dict[str, Any]]) -> set[CodeKey]:
    return {(c["code"], int(c["units"]), tuple(sorted(c["modifiers"]))) for c in codes}


@contextmanager
def _desk(url: str) -> Iterator[Desk]:
    with Desk.open(url, hasher=_fast_hasher()) as desk:
        yield desk


def _write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def _apply_settings(url: str, settings: dict[str, Any]) -> None:
    """Set clinic settings as an administrator would, before anything is imported."""
    if not settings:
        return
    with _desk(url) as desk:
        desk.users.add_user(ADMIN, "Case Administrator", PASSWORD, role=Role.ADMIN, actor=None)
        admin = desk.users.authenticate(ADMIN, PASSWORD)
        for key, value in settings.items():
            desk.settings.set_value(key, value, actor=admin)


def _add_signers(desk: Desk, documents: list[dict[str, Any]]) -> None:
    """Accounts with a password for the providers of the history documents."""
    seen: set[str] = set()
    for document in documents:
        provider = document["provider"]
        if provider["username"] in seen:
            continue
        seen.add(provider["username"])
        desk.users.add_user(
            provider["username"],
            provider["display_name"],
            PASSWORD,
            role=role_for_credentials(provider["credentials"]),
            credentials=provider["credentials"],
            npi=provider.get("npi", ""),
            actor=None,
        )


def _import_history(url: str, catalog: Catalog, case: dict[str, Any]) -> None:
    """Import the earlier sessions through the services, oldest first: sign ``history``,
    sign and then mark entered in error ``history_entered_in_error``, leave
    ``history_drafts`` unsigned."""
    signed: list[dict[str, Any]] = case["history"]
    in_error: list[dict[str, Any]] = case.get("history_entered_in_error", [])
    drafts: list[dict[str, Any]] = case.get("history_drafts", [])
    if not signed and not in_error and not drafts:
        return
    with _desk(url) as desk:
        _add_signers(desk, signed + in_error)
        to_sign = [(d, False) for d in signed] + [(d, True) for d in in_error]
        for document, mark_in_error in sorted(to_sign, key=lambda pair: pair[0]["performed_at"]):
            parsed = documents_from_json(json.dumps(document), catalog)
            (result,) = desk.importing.import_documents(parsed)
            actor = desk.users.authenticate(document["provider"]["username"], PASSWORD)
            draft = desk.sessions.load(result.session_id, actor=actor)
            desk.signing.sign(
                result.session_id, draft.version, actor.user_id, actor=actor, password=PASSWORD
            )
            if mark_in_error:
                desk.entered_in_error.mark_entered_in_error(
                    result.session_id, ENTERED_IN_ERROR_REASON, actor, PASSWORD
                )
        for document in drafts:
            desk.importing.import_documents(documents_from_json(json.dumps(document), catalog))


def _run_import(url: str, file: Path, capsys: pytest.CaptureFixture[str]) -> Imported:
    """`tpi-desk import --json FILE`, signed in as the case administrator (issue 13: the
    command line needs an operator; an administrator may import)."""
    with _desk(url) as desk:
        if ADMIN not in {user.username for user in desk.users.list_users(None)}:
            desk.users.add_user(ADMIN, "Case Administrator", PASSWORD, role=Role.ADMIN, actor=None)
    password_file = Path(url.removeprefix("sqlite:///")).parent / "operator-password"
    password_file.write_text(PASSWORD, encoding="utf-8")
    capsys.readouterr()
    operator = ["--user", ADMIN, "--password-file", str(password_file)]
    status = cli.main(["--database", url, *operator, "import", "--json", str(file)])
    captured = capsys.readouterr()
    output: dict[str, Any] = json.loads(captured.out) if captured.out.strip() else {}
    return Imported(status, output, captured.err)


def _fresh_database(tmp_path: Path, template: Path) -> str:
    """A fresh SQLite file (a copy of one migrated to head, to spare the migration time)."""
    target = tmp_path / "clinic.sqlite3"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TPI_DESK_DATA_DIR", str(tmp_path / "user-data"))
    monkeypatch.delenv("TPI_DESK_DATABASE_URL", raising=False)


def test_there_are_enough_hand_checked_cases() -> None:
    files = _case_files()
    assert len(files) >= 45
    for file in files:
        case = json.loads(file.read_text(encoding="utf-8"))
        assert case["id"] == file.stem
        assert case["why"] and case["source"], file.name
        assert set(case["expected"]) == {"codes", "warnings_present", "warnings_absent"}
        assert not set(case["expected"]["warnings_present"]) & set(
            case["expected"]["warnings_absent"]
        ), file.name
        assert case["session"]["format"] == "tpi-desk/session@2", file.name


@pytest.mark.parametrize("case_file", _case_files(), ids=lambda path: path.stem)
def test_hand_checked_case(
    case_file: Path,
    tmp_path: Path,
    catalog: Catalog,
    migrated_sqlite_template: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = json.loads(case_file.read_text(encoding="utf-8"))
    url = _fresh_database(tmp_path, migrated_sqlite_template)
    _apply_settings(url, case.get("clinic_settings", {}))
    _import_history(url, catalog, case)
    file = _write(tmp_path / f"{case['id']}.json", case["session"])

    run = _run_import(url, file, capsys)

    assert run.exit_status == 0, f"{case['id']}: import refused: {run.errors}"
    (result,) = run.output["imported"]
    expected = case["expected"]
    assert _code_keys(result["codes"]) == _code_keys(expected["codes"]), case["why"]
    warnings = {warning["code"] for warning in result["warnings"]}
    missing = set(expected["warnings_present"]) - warnings
    unexpected = set(expected["warnings_absent"]) & warnings
    assert not missing and not unexpected, (
        f"{case['why']}\nmissing: {sorted(missing)}; unexpected: {sorted(unexpected)}; "
        f"all warnings: {sorted(warnings)}"
    )


def test_the_documented_example_codes_20553(
    tmp_path: Path, migrated_sqlite_template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/examples/session.json: bilateral upper trapezius + left levator scapulae = 3
    muscles (AAPC; DOMAIN.md, CPT) -> 20553; triamcinolone 20 mg -> J3301 x2 (per 10 mg)."""
    url = _fresh_database(tmp_path, migrated_sqlite_template)

    run = _run_import(url, EXAMPLE, capsys)

    assert run.exit_status == 0, run.errors
    (result,) = run.output["imported"]
    procedure = {(c["code"], c["units"]) for c in result["codes"] if c["code"].startswith("20")}
    assert procedure == {("20553", 1)}
    drugs = {(c["code"], c["units"]) for c in result["codes"] if c["code"].startswith("J")}
    assert ("J3301", 2) in drugs
