"""`tpi-desk export ... --x12 FILE.837` (issue 15, items 2 and 8): a fresh demo database
exports a claim file that pyx12 validates; drafts are refused in plain words."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.security.test_demo_data_database import no_operator
from tests.x12_support import assert_valid_837p
from tpi_desk.cli import main

__all__ = ["no_operator"]

DEMO_PASSWORD = "demo password 12345"


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, list[str]]:
    """A fresh demo database and its administrator's sign-in options."""
    monkeypatch.setenv("TPI_DESK_DEMO_PASSWORD", DEMO_PASSWORD)
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    assert main(["--database", url, "demo-data", "--patients", "15", "--sessions", "45"]) == 0
    password = tmp_path / "password"
    password.write_text(DEMO_PASSWORD + "\n", encoding="utf-8")
    return url, ["--user", "admin", "--password-file", str(password)]


def test_a_fresh_demo_database_exports_claims_that_validate(
    demo: tuple[str, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, admin = demo
    capsys.readouterr()
    path = tmp_path / "claims.837"

    status = main(
        ["--database", url, *admin, "export", "--from", "2020-01-01", "--to", "2030-12-31",
         "--x12", str(path), "--csv", str(tmp_path / "claims.csv")]
    )  # fmt: skip

    out = capsys.readouterr().out
    assert status == 0, out
    assert f"X12 837P claims: {path} (" in out
    segments = assert_valid_837p(path)
    assert segments[0][0] == "ISA" and segments[0][15] == "T"  # a demo file is a test file
    assert ["REF", "EI", "004127315"] in segments
    assert sum(segment[0] == "CLM" for segment in segments) >= 30
    # Demo spouses and children on someone else's plan get a patient level (2000C).
    assert any(segment[0] == "PAT" for segment in segments)
    # Every patient who is the insured has an address (005010X222A1 2010BA N3/N4: "Required
    # when the patient is the subscriber"): N3 and N4 between the subscriber's name and DMG.
    self_insured = [i for i, s in enumerate(segments) if s[:3] == ["SBR", "P", "18"]]
    assert self_insured
    for start in self_insured:
        names = [segment[0] for segment in segments[start + 1 : start + 5]]
        assert names == ["NM1", "N3", "N4", "DMG"], segments[start : start + 5]
    assert (tmp_path / "claims.csv").exists()


def test_drafts_are_refused_with_a_plain_message(
    demo: tuple[str, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, admin = demo
    capsys.readouterr()
    path = tmp_path / "claims.837"

    status = main(
        ["--database", url, *admin, "export", "--from", "2020-01-01", "--to", "2030-12-31",
         "--status", "all", "--x12", str(path)]
    )  # fmt: skip

    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("tpi-desk: No claim file was written:")
    assert "is draft: claims are made from signed notes" in err
    assert "Traceback" not in err
    assert not path.exists()
