"""Issue 13 item 2: demo data only in demo databases, which it marks and gives an admin."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from tests.security.test_signing_keys import _forge
from tests.services.conftest import patient_facts
from tpi_desk.cli import main
from tpi_desk.clinical.record import Role
from tpi_desk.desk import Desk
from tpi_desk.models.people import Patient, User
from tpi_desk.models.procedures import InjectionSite, MedicationLine, Signature
from tpi_desk.models.signing_keys import SigningKey
from tpi_desk.services.integrity.signing_keys import signature_valid

DEMO = ["demo-data", "--patients", "2", "--sessions", "3"]


@pytest.fixture(autouse=True)
def no_operator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TPI_DESK_USER", "TPI_DESK_PASSWORD_FILE", "TPI_DESK_DEMO_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TPI_DESK_DATA_DIR", str(tmp_path / "data"))


def patient_count(url: str) -> int:
    with Desk.open(url) as desk, desk.database.session_factory() as db:
        return int(db.scalar(select(func.count(Patient.id))) or 0)


def test_a_new_database_becomes_a_demo_database_with_an_admin_whose_password_is_shown_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"

    assert main(["--database", url, *DEMO]) == 0

    out = capsys.readouterr().out
    first_line = out.splitlines()[0]
    assert first_line.startswith("Created the demo administrator admin with the password ")
    password = first_line.removeprefix(
        "Created the demo administrator admin with the password "
    ).split(" ")[0]
    assert "Every demo account (admin and the clinicians" in first_line
    with Desk.open(url) as desk:
        assert desk.demo_database.is_demo()
        assert desk.users.authenticate("admin", password).role is Role.ADMIN
        assert desk.users.authenticate("demo.hartley", password).role is Role.PHYSICIAN
    (tmp_path / "pw").write_text(password, encoding="utf-8")
    again = ["--user", "admin", "--password-file", str(tmp_path / "pw"), *DEMO]
    assert main(["--database", url, *again]) == 0
    assert "password" not in capsys.readouterr().out, "shown only once"
    assert patient_count(url) == 4


def test_the_demo_password_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    monkeypatch.setenv("TPI_DESK_DEMO_PASSWORD", "a demo password 1")

    assert main(["--database", url, *DEMO]) == 0

    assert "a demo password 1" not in capsys.readouterr().out
    with Desk.open(url) as desk:
        assert desk.users.authenticate("admin", "a demo password 1").username == "admin"


@pytest.mark.parametrize("holds", ["account", "patient"])
def test_a_database_with_anything_demo_data_did_not_create_is_refused_and_left_alone(
    tmp_path: Path, holds: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    with Desk.open(url) as desk:
        if holds == "account":
            desk.users.add_user(
                "real.admin", "Real Admin", "real admin pass 1", role=Role.ADMIN, actor=None
            )
            operator_name = "real.admin"
        else:
            # A demo database (as demo-data leaves it) where someone registered a patient.
            desk.demo_database.claim(None, admin_password="real admin pass 1")
            admin = desk.users.authenticate("admin", "real admin pass 1")
            desk.patients.create(patient_facts(), actor=admin)
            operator_name = "admin"
    (tmp_path / "pw").write_text("real admin pass 1", encoding="utf-8")
    operator = ["--user", operator_name, "--password-file", str(tmp_path / "pw")]

    status = main(["--database", url, *operator, *DEMO])

    assert status == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "demo data did not create" in err and "Nothing was written" in err
    assert patient_count(url) == (0 if holds == "account" else 1)
    with Desk.open(url) as desk:
        assert desk.demo_database.is_demo() is (holds == "patient")


def test_every_note_of_a_demo_database_prints_with_a_demo_watermark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    monkeypatch.setenv("TPI_DESK_DEMO_PASSWORD", "a demo password 1")
    assert main(["--database", url, *DEMO]) == 0
    (tmp_path / "pw").write_text("a demo password 1", encoding="utf-8")
    operator = ["--user", "admin", "--password-file", str(tmp_path / "pw")]
    export = ["export", "--from", "2000-01-01", "--to", "2100-12-31", "--pdf", "notes.pdf"]
    monkeypatch.chdir(tmp_path)

    assert main(["--database", url, *operator, *export]) == 0

    pages = [page.extract_text() for page in PdfReader(tmp_path / "notes.pdf").pages]
    assert pages
    assert all("\nDEMO\n" in f"\n{page}\n" for page in pages)


def test_a_clinic_database_prints_without_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    with Desk.open(url) as desk:
        assert desk.exporting.clinic_header().demo is False
        desk.demo_database.claim(None, admin_password="a demo password 1")
        assert desk.exporting.clinic_header().demo is True


DEMO_PASSWORD = "a demo password 1"
CLINICIANS = ("demo.hartley", "demo.okonkwo", "demo.varga", "demo.lindgren")


def _signed_demo_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    monkeypatch.setenv("TPI_DESK_DEMO_PASSWORD", DEMO_PASSWORD)
    assert main(["--database", url, "demo-data", "--patients", "4", "--sessions", "40"]) == 0
    return url


def test_every_demo_note_carries_an_ed25519_signature_by_its_signers_registered_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _signed_demo_database(tmp_path, monkeypatch)

    with Desk.open(url) as desk:
        with desk.database.session_factory() as db:
            links = list(db.scalars(select(Signature).order_by(Signature.sequence)))
            keys = {key.id: key for key in db.scalars(select(SigningKey))}
            admin_id = db.scalar(select(User.id).where(User.username == "admin"))
        findings = desk.verification.verify(record=False).findings

    assert len(links) > 20
    (root,) = [key for key in keys.values() if key.registered_by_key_id == key.id]
    assert root.user_id == admin_id
    for link in links:
        assert link.key_id is not None and link.signature is not None
        key = keys[link.key_id]
        assert key.user_id == link.signer_id
        assert key.registered_by_key_id == root.id  # issued by the demo administrator
        assert signature_valid(
            key.public_key, link.signature, link.sequence, link.previous_hash, link.content_hash
        )
    assert {keys[link.key_id].user_id for link in links if link.key_id} <= {
        key.user_id for key in keys.values() if key.id != root.id
    }
    assert [finding.message for finding in findings] == []


def test_every_demo_clinician_signs_in_with_the_demo_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _signed_demo_database(tmp_path, monkeypatch)

    with Desk.open(url) as desk:
        roles = {name: desk.users.authenticate(name, DEMO_PASSWORD).role for name in CLINICIANS}

    assert set(roles.values()) == {Role.PHYSICIAN, Role.NURSE_PRACTITIONER}


def test_a_demo_note_altered_outside_the_app_is_named_by_verify(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _signed_demo_database(tmp_path, monkeypatch)
    with Desk.open(url) as desk:
        with desk.database.session_factory() as db:
            line_id, session_id = db.execute(
                select(MedicationLine.id, InjectionSite.session_id)
                .join(InjectionSite, MedicationLine.site_id == InjectionSite.id)
                .join(Signature, Signature.session_id == InjectionSite.session_id)
                .order_by(MedicationLine.id)
                .limit(1)
            ).one()
        _forge(
            desk.database,
            [("UPDATE medication_lines SET volume_ml = volume_ml + 1 WHERE id = ?", (line_id,))],
        )
        findings = [finding.message for finding in desk.verification.verify(record=False).findings]

    assert len(findings) == 1
    assert f"signed note #{session_id} (signature #" in findings[0]
    assert "was altered outside the app (session sites)" in findings[0]
