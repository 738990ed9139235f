"""`tpi-desk import`: good documents become drafts; a bad one changes nothing, no traceback."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.cli.conftest import EXAMPLE, Run, file_digest

TpiDesk = Callable[..., Run]


def _example() -> dict[str, object]:
    document: dict[str, object] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return document


def _write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_import_prints_codes_and_warnings(tpi_desk: TpiDesk, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"

    run = tpi_desk("import", str(EXAMPLE), database=url)

    assert run.status == 0, run.stderr
    assert "draft session #1 for Ñúñez, Zoë" in run.stdout
    # Bilateral upper trapezius + left levator scapulae: 3 muscles (DOMAIN.md, CPT; issue 12).
    assert "CPT 20553 x1" in run.stdout
    assert "HCPCS J3301 x2" in run.stdout
    assert "ICD-10: M79.12, M54.2" in run.stdout
    assert "warning: M54.2" in run.stdout
    assert "Traceback" not in run.stderr


def test_import_json_output_is_machine_readable(tpi_desk: TpiDesk, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"

    run = tpi_desk("import", "--json", str(EXAMPLE), database=url)

    assert run.status == 0, run.stderr
    (result,) = json.loads(run.stdout)["imported"]
    assert result["session_id"] == 1
    assert result["patient"]["created"] is True
    # Bilateral upper trapezius + left levator scapulae: 3 muscles = 20553 (DOMAIN.md, CPT);
    # Kenalog-40 is a multi-dose vial: no JW/JZ (DOMAIN.md, CPT, Drugs).
    codes = {
        (c["code_system"], c["code"], c["units"], tuple(c["modifiers"])) for c in result["codes"]
    }
    assert codes == {("CPT", "20553", 1, ()), ("HCPCS", "J3301", 2, ())}
    assert result["diagnoses"] == ["M79.12", "M54.2"]
    assert "diagnosis_not_covered" in {w["code"] for w in result["warnings"]}


def test_a_bad_document_is_rejected_whole_and_the_database_is_unchanged(
    tpi_desk: TpiDesk, tmp_path: Path
) -> None:
    database = tmp_path / "clinic.sqlite3"
    url = f"sqlite:///{database}"
    assert tpi_desk("import", str(EXAMPLE), database=url).status == 0
    before = file_digest(database)
    bad = _example()
    sites = bad["sites"]
    assert isinstance(sites, list)
    sites[1]["medications"][0]["volume_ml"] = 0
    sites[0]["side"] = "both"
    bad["pain_before"] = "severe"
    good_copy = _write(tmp_path / "good.json", _example())

    run = tpi_desk("import", str(good_copy), str(_write(tmp_path / "bad.json", bad)), database=url)

    assert run.status == 1
    lines = run.stderr.splitlines()
    assert (
        f"{tmp_path / 'bad.json'}: sites[1].medications[0].volume_ml: must be greater than 0"
        in lines
    )
    assert any("sites[0].side: must be one of: left, right, bilateral, midline" in x for x in lines)
    assert any(": pain_before: must be a whole number" in line for line in lines)
    assert lines[-1].startswith("Nothing was imported: 3 problem(s) in 1 of 2 file(s)")
    assert "Traceback" not in run.stderr
    assert file_digest(database) == before


def test_a_list_with_a_bad_document_names_it_and_imports_nothing(
    tpi_desk: TpiDesk, tmp_path: Path
) -> None:
    database = tmp_path / "clinic.sqlite3"
    url = f"sqlite:///{database}"
    assert tpi_desk("import", str(EXAMPLE), database=url).status == 0
    before = file_digest(database)
    bad = {**_example(), "pain_before": 11}
    listed = _write(tmp_path / "month.json", [_example(), bad, "not a document"])

    run = tpi_desk("import", "--json", str(listed), database=url)

    assert run.status == 1
    problems = json.loads(run.stdout)["problems"]
    assert [p["path"] for p in problems] == ["[1].pain_before", "[2]"]
    assert "month.json: [1].pain_before: must be between 0 and 10" in run.stderr
    assert "month.json: [2]: must be an object" in run.stderr
    assert "Nothing was imported" in run.stderr
    assert file_digest(database) == before


def test_an_empty_list_is_refused_plainly(tpi_desk: TpiDesk, tmp_path: Path) -> None:
    run = tpi_desk(
        "import", str(_write(tmp_path / "none.json", [])), database=f"sqlite:///{tmp_path / 'c.db'}"
    )

    assert run.status == 1
    assert "is an empty list: no session to import" in run.stderr


def test_unreadable_inputs_get_plain_messages(tpi_desk: TpiDesk, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    not_json = tmp_path / "notes.json"
    not_json.write_text("{ this is not json", encoding="utf-8")
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes('{"family_name": "Ñúñez"}'.encode("latin-1"))

    # No operator: the files are checked before anyone is asked to sign in (issue 13), and
    # the fixture's operator would create the database this test shows is left uncreated.
    run = tpi_desk(
        "import", "missing.json", str(not_json), str(latin1), str(tmp_path), database=url,
        operator=None,
    )  # fmt: skip

    assert run.status == 1
    assert "missing.json: (file): no such file" in run.stderr
    assert f"{not_json}: (document): is not valid JSON" in run.stderr
    assert f"{latin1}: (file): is not UTF-8 text" in run.stderr
    assert f"{tmp_path}: (file): is a folder" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "clinic.sqlite3").exists()


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(
    tpi_desk: TpiDesk, tmp_path: Path
) -> None:
    impostor = tmp_path / "clinic.sqlite3"
    impostor.write_text("shopping list: milk, eggs\n" * 100, encoding="utf-8")
    before = file_digest(impostor)

    run = tpi_desk("import", str(EXAMPLE), database=f"sqlite:///{impostor}")

    assert run.status == 1
    assert run.stderr.startswith("tpi-desk: ")
    assert "Traceback" not in run.stderr
    assert file_digest(impostor) == before


def test_demo_data_fills_a_database_that_import_can_then_use(
    tpi_desk: TpiDesk, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"

    run = tpi_desk(
        "demo-data", "--patients", "30", "--sessions", "120", "--seed", "7", database=url
    )

    assert run.status == 0, run.stderr
    assert "Added 30 synthetic patients and 120 sessions" in run.stdout
    assert tpi_desk("import", str(EXAMPLE), database=url).status == 0


def test_demo_data_refuses_impossible_counts(tpi_desk: TpiDesk, tmp_path: Path) -> None:
    run = tpi_desk("demo-data", "--patients", "0", database=f"sqlite:///{tmp_path / 'x.sqlite3'}")

    assert run.status == 1
    assert "--patients must be between 1" in run.stderr
    assert not (tmp_path / "x.sqlite3").exists()


def test_the_default_database_lives_in_the_data_folder(tpi_desk: TpiDesk, tmp_path: Path) -> None:
    run = tpi_desk("import", str(EXAMPLE))

    assert run.status == 0, run.stderr
    assert (tmp_path / "user-data" / "tpi-desk.sqlite3").is_file()
