"""The ICD-10-CM index: built once from the code-set package in a separate process, then
read from a small SQLite file (the package itself costs ~2 s and ~180 MB to load)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tpi_desk.clinical.catalog.code_set import (
    CACHE_DIR_ENV,
    CodeSetUnavailable,
    Icd10CodeSet,
    default_cache_dir,
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Icd10CodeSet, Path]:
    folder = tmp_path_factory.mktemp("icd10-cache")
    code_set = Icd10CodeSet(folder)
    assert code_set.lookup("M79.18") is not None  # builds the index
    return code_set, folder


def test_the_index_is_one_file_per_package_version(
    built: tuple[Icd10CodeSet, Path],
) -> None:
    _, folder = built
    files = sorted(path.name for path in folder.iterdir())
    assert len(files) == 1 and files[0].startswith("icd10cm-") and files[0].endswith(".sqlite3")


def test_looking_up_does_not_import_the_package_in_this_process(tmp_path: Path) -> None:
    probe = (
        "import sys; from pathlib import Path\n"
        "from tpi_desk.clinical.catalog.code_set import Icd10CodeSet\n"
        f"found = Icd10CodeSet(Path({str(tmp_path)!r})).lookup('G89.4')\n"
        "print(found.descriptor, 'simple_icd_10_cm' in sys.modules)\n"
    )
    root = str(Path(__file__).resolve().parents[2])
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": root, "PATH": "/usr/bin:/bin"},
    )
    assert done.stdout.strip() == "Chronic pain syndrome False"


@pytest.mark.parametrize(
    ("typed", "spelled"),
    [("m7918", "M79.18"), ("M79.18", "M79.18"), ("g44.209", "G44.209"), ("Q99.99", None)],
)
def test_a_loosely_typed_code_is_spelled_as_the_tabular_list_writes_it(
    built: tuple[Icd10CodeSet, Path], typed: str, spelled: str | None
) -> None:
    code_set, _ = built
    assert code_set.spelled(typed) == spelled


def test_words_match_at_the_start_of_a_word_only(built: tuple[Icd10CodeSet, Path]) -> None:
    code_set, _ = built
    tension = {entry.code for entry in code_set.search("tension", ["tension"])}
    assert "G44.209" in tension  # "Tension-type headache, unspecified, not intractable"
    assert not any(code.startswith("I10") for code in tension)  # not "hypertension"
    assert all(entry.billable for entry in code_set.search("m25", ["m25"]))


def test_quotes_and_operators_typed_in_a_search_are_only_letters(
    built: tuple[Icd10CodeSet, Path],
) -> None:
    code_set, _ = built
    assert code_set.search('"or*', ['"or*']) == code_set.search("or", ["or"])
    assert code_set.search("", ['"']) == code_set.search("", [])


def test_an_index_that_cannot_be_built_is_said_in_plain_words(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("")
    with pytest.raises(CodeSetUnavailable, match="could not be built"):
        Icd10CodeSet(blocked).lookup("M79.18")


def test_the_cache_folder_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path))
    assert default_cache_dir() == tmp_path


def test_a_frozen_app_builds_the_index_in_its_own_process(tmp_path: Path) -> None:
    """A frozen app's executable is the app (it takes no ``-m``): it must not be asked to
    run the builder, which would fail; the app builds the index itself (the installer)."""
    probe = (
        "import sys; from pathlib import Path\n"
        "sys.frozen = True; sys.executable = '/bin/false'\n"
        "from tpi_desk.clinical.catalog.code_set import Icd10CodeSet\n"
        f"found = Icd10CodeSet(Path({str(tmp_path)!r})).lookup('G89.4')\n"
        "print(found.descriptor, 'simple_icd_10_cm' in sys.modules)\n"
    )
    root = str(Path(__file__).resolve().parents[2])
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": root, "PATH": "/usr/bin:/bin"},
    )
    assert done.stdout.strip() == "Chronic pain syndrome True"
