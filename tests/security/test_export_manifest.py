"""Issue 13, item 4 (exports): every export batch writes a manifest with the chains' heads,
and `verify --anchor MANIFEST` reports a database rolled back behind it."""

from __future__ import annotations

import json
import shutil
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.reliability.test_backups import run_tpi_desk as tpi_desk  # verify needs no operator
from tests.services.conftest import fast_hasher
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.desk import Desk
from tpi_desk.services.demo_data import generate_demo_data
from tpi_desk.services.export.exporting import ExportCriteria
from tpi_desk.services.integrity.checkpoints import database_heads
from tpi_desk.services.integrity.export_manifest import (
    MANIFEST_FORMAT,
    MANIFEST_SUFFIX,
    load_anchor,
)
from tpi_desk.services.storage.backups import backup_database

TODAY = date(2026, 3, 20)


@pytest.fixture
def desk(sqlite_url: str, catalog: Catalog, tmp_path: Path) -> Iterator[Desk]:
    data = tmp_path / "app-data"
    with Desk.open(sqlite_url, catalog=catalog, data_dir=data, hasher=fast_hasher()) as desk:
        engine = desk.database.engine
        generate_demo_data(engine, catalog, patients=4, sessions=8, seed=3, today=TODAY)
        yield desk


def url_of(desk: Desk) -> str:
    return desk.database.url.render_as_string(hide_password=False)


def export(desk: Desk, folder: Path) -> Path:
    folder.mkdir()
    summary = desk.exporting.export(
        ExportCriteria(date(2026, 1, 1), TODAY), merged_pdf=folder / "notes.pdf"
    )
    assert summary.notes > 0
    manifest = folder / f"notes.pdf{MANIFEST_SUFFIX}"
    assert sorted(path.name for path in folder.iterdir()) == ["notes.pdf", manifest.name]
    return manifest


def test_an_export_batch_carries_a_private_manifest_with_the_chain_heads(
    desk: Desk, tmp_path: Path
) -> None:
    manifest = export(desk, tmp_path / "out")

    content = json.loads(manifest.read_text(encoding="utf-8"))
    assert content["format"] == MANIFEST_FORMAT
    assert content["files"] == ["notes.pdf"]
    with desk.database.session_factory() as db:
        heads = database_heads(db)
    assert content["checkpoint"]["chains"]["audit"] == {
        "sequence": heads["audit"].sequence,
        "hash": heads["audit"].hash,
    }
    assert stat.S_IMODE(manifest.stat().st_mode) == 0o600
    assert load_anchor(manifest).heads == heads
    assert desk.verification.verify(record=False).findings == ()


def test_verify_with_the_manifest_reports_a_database_rolled_back_behind_it(
    desk: Desk, tmp_path: Path
) -> None:
    earlier = backup_database(url_of(desk), tmp_path / "earlier.sqlite3").path
    manifest = export(desk, tmp_path / "out")
    desk.database.dispose()
    shutil.copyfile(earlier, Path(str(desk.database.url.database)))
    elsewhere = tmp_path / "another-workstation"  # no checkpoint of its own

    plain = tpi_desk(elsewhere, "--database", url_of(desk), "verify")
    anchored = tpi_desk(elsewhere, "--database", url_of(desk), "verify", "--anchor", str(manifest))

    assert plain.status == 0, plain
    assert anchored.status == 1, anchored
    assert f"behind export manifest {manifest.name} (#" in anchored.stdout
    assert "its newest entries were cut or the database was rolled back" in anchored.stdout


def test_a_file_that_holds_no_anchor_is_a_plain_error(desk: Desk, tmp_path: Path) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text("[1, 2]", encoding="utf-8")

    run = tpi_desk(tmp_path / "data", "--database", url_of(desk), "verify", "--anchor", str(junk))

    assert run.status == 1
    assert run.stderr.count("\n") == 1
    assert f"{junk} holds no checkpoint to compare with" in run.stderr
