"""Renders the main window and a patient's page offscreen, as in docs/screenshots/.

Set TPI_DESK_SCREENSHOTS=DIR to write the PNGs there (the docs use main-window.png and
patient-page.png); otherwise they go to the test's temporary folder and are only checked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.laptop_support import place_on_laptop
from tests.gui.window_support import EditorSpy, RecordingMessages, acting_as, make_context
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.clinical.record import (
    Indication,
    MedicationEntry,
    PatientFacts,
    Position,
    ProcedureKind,
    ProviderFacts,
    Role,
    SessionEntry,
    Sex,
    Side,
    SiteEntry,
)
from tpi_desk.desk import Desk
from tpi_desk.services.dto import ProviderRecord, SessionRecord
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.main_window import MainWindow
from tpi_desk.ui.theme import apply_theme

SCREENSHOTS_ENV = "TPI_DESK_SCREENSHOTS"
NOW = datetime(2026, 11, 25, 14, 10).astimezone()
LIDOCAINE_1 = ("lidocaine", Decimal(10))
LOT_EXPIRY = date(2027, 8, 31)
PASSWORD = "Tr1gger-point-showcase"  # signing asks for the clinician's password again


@dataclass(frozen=True)
class Visit:
    days_ago: int
    at: time
    muscles: tuple[tuple[str, Side], ...]
    pain: tuple[int, int | None]
    kind: ProcedureKind = ProcedureKind.TRIGGER_POINT_INJECTION


TRAPEZIUS_BOTH = ("upper_trapezius", Side.BILATERAL)
TRAPEZIUS_LEFT = ("upper_trapezius", Side.LEFT)
LEVATOR_LEFT = ("levator_scapulae", Side.LEFT)
SPLENIUS_LEFT = ("splenius_capitis", Side.LEFT)
RHOMBOID_RIGHT = ("rhomboid_major", Side.RIGHT)
MIDDLE_TRAPEZIUS_RIGHT = ("middle_trapezius", Side.RIGHT)
SUBOCCIPITALS_BOTH = ("suboccipitals", Side.BILATERAL)
NEEDLING = ProcedureKind.DRY_NEEDLING
ZOE_VISITS = (
    Visit(330, time(9, 30), (TRAPEZIUS_BOTH,), (8, 4)),
    Visit(285, time(10, 0), (TRAPEZIUS_BOTH, LEVATOR_LEFT), (7, 3)),
    Visit(236, time(9, 15), (LEVATOR_LEFT, SPLENIUS_LEFT), (7, 4)),
    Visit(190, time(11, 30), (TRAPEZIUS_LEFT,), (6, 2), NEEDLING),
    Visit(141, time(8, 45), (RHOMBOID_RIGHT, MIDDLE_TRAPEZIUS_RIGHT), (6, 3)),
    Visit(97, time(9, 30), (TRAPEZIUS_BOTH, SUBOCCIPITALS_BOTH), (5, 2)),
    Visit(50, time(10, 15), (LEVATOR_LEFT,), (4, 1), NEEDLING),
    Visit(0, time(9, 30), (TRAPEZIUS_BOTH, LEVATOR_LEFT), (5, 2)),
)
TODAY = (
    ("SYN-004131", "Okafor", "Emeka", time(8, 15), "quadratus_lumborum", True),
    ("SYN-004188", "Lindqvist", "Søren", time(8, 45), "gluteus_medius", True),
    ("SYN-004202", "Nguyễn", "Thảo", time(10, 0), "infraspinatus", True),
    ("SYN-004215", "Wiśniewski", "Łukasz", time(10, 30), "piriformis", True),
    ("SYN-004230", "Castañeda", "Inés", time(11, 0), "sternocleidomastoid", False),
    ("SYN-004244", "Ødegård", "Ingrid", time(11, 30), "supraspinatus", True),
    ("SYN-004251", "Haddad", "Noor", time(13, 15), "gastrocnemius", False),
    ("SYN-004263", "Brennan", "Ciarán", time(13, 45), "extensor_carpi_radialis_longus", False),
)
PROVIDERS = (
    ProviderFacts("ihartley", "Dr. Imogen Hartley", "MD", "1234567893"),
    ProviderFacts("rvarga", "Réka Varga, NP", "NP"),
)


def _entry(
    performed_at: datetime,
    muscles: tuple[tuple[str, Side], ...],
    pain: tuple[int, int | None],
    kind: ProcedureKind,
) -> SessionEntry:
    injected = kind is ProcedureKind.TRIGGER_POINT_INJECTION
    return SessionEntry(
        performed_at=performed_at,
        kind=kind,
        position=Position.SEATED,
        consent_obtained=True,
        time_out_performed=True,
        pain_before=pain[0],
        pain_after=pain[1],
        diagnoses=("M79.12", "M54.2"),
        indication=Indication(("pain_medication", "physical_therapy"), ("home_exercise_program",)),
        sites=tuple(
            SiteEntry(
                muscle,
                side,
                points=2,
                needle_gauge=25,
                needle_length_mm=Decimal(38),
                twitch_response=True,
                medications=(
                    (MedicationEntry(*LIDOCAINE_1, Decimal(1), "LD4471A", LOT_EXPIRY),)
                    if injected
                    else ()
                ),
            )
            for muscle, side in muscles
        ),
    )


def fill_showcase(context: AppContext, catalog: Catalog) -> int:
    """A clinic's morning: 200 patients, Zoë's year of visits, today's list. Zoë's id."""
    context.demo_data.add(patients=200, sessions=0, seed=11)
    physician = context.providers.add(PROVIDERS[0], Role.PHYSICIAN)
    nurse_practitioner = context.providers.add(PROVIDERS[1], Role.NURSE_PRACTITIONER)
    front_desk = acting_as(physician)
    users = context.users
    for provider in (physician, nurse_practitioner):
        users.reset_password(None, provider.facts.username, PASSWORD)
    zoe = context.patients.create(
        PatientFacts(
            "SYN-004127",
            "Ñúñez",
            "Zoë",
            date(1984, 7, 22),
            Sex.FEMALE,
            Decimal("68.5"),
            ("penicillin", "adhesive tape"),
        ),
        actor=front_desk,
    )
    for visit in ZOE_VISITS:
        day = NOW.date() - timedelta(days=visit.days_ago)
        performed = datetime.combine(day, visit.at, tzinfo=NOW.tzinfo)
        provider = nurse_practitioner if visit.kind is ProcedureKind.DRY_NEEDLING else physician
        record = context.drafts.create(
            zoe.id,
            provider.id,
            _entry(performed, visit.muscles, visit.pain, visit.kind),
            actor=acting_as(provider),
        )
        if visit.days_ago:
            sign(context, record, provider)
    for index, (mrn, family, given, at, muscle, signed) in enumerate(TODAY):
        patient = context.patients.create(
            PatientFacts(mrn, family, given, date(1950 + 5 * index, 3, 1 + index), Sex.UNKNOWN),
            actor=front_desk,
        )
        provider = physician if index % 3 else nurse_practitioner
        performed = datetime.combine(NOW.date(), at, tzinfo=NOW.tzinfo)
        record = context.drafts.create(
            patient.id,
            provider.id,
            _entry(performed, ((muscle, Side.LEFT),), (6, 2 if signed else None), _kind(index)),
            actor=acting_as(provider),
        )
        if signed:
            sign(context, record, provider)
    return zoe.id


def sign(context: AppContext, record: SessionRecord, provider: ProviderRecord) -> None:
    context.signing.sign(
        record.id, record.version, provider.id, actor=acting_as(provider), password=PASSWORD
    )


def _kind(index: int) -> ProcedureKind:
    return ProcedureKind.DRY_NEEDLING if index % 4 == 3 else ProcedureKind.TRIGGER_POINT_INJECTION


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[None]:
    """The app's theme for these pictures, then the test defaults back for later tests."""
    style, font, palette = qapp.style().name(), qapp.font(), qapp.palette()
    apply_theme(qapp)
    yield
    qapp.setStyle(style)
    qapp.setFont(font)
    qapp.setPalette(palette)


def test_screenshots_of_the_main_window_and_a_patient_page(
    qtbot: QtBot,
    themed: None,
    catalog: Catalog,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = Path(os.environ.get(SCREENSHOTS_ENV) or tmp_path)
    # Where a clinic's database usually lives; the status bar shows it from the home folder.
    monkeypatch.setenv("HOME", str(tmp_path))
    desk = Desk.open(
        f"sqlite:///{tmp_path / '.local/share/TPI Desk/tpi-desk.sqlite3'}",
        catalog=catalog,
        data_dir=tmp_path / "data",
        clock=lambda: NOW,
    )
    try:
        context = make_context(desk)
        zoe_id = fill_showcase(context, catalog)
        window = MainWindow(
            context,
            RecordingMessages(),
            actor=acting_as(context.providers.clinicians()[0]),
            editor_factory=EditorSpy(),
        )
        qtbot.addWidget(window)
        # As it opens on a 1366x768 laptop: the offscreen screen alone would squeeze it.
        place_on_laptop(window)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.counts_label.text() != "")
        shots = {"main-window.png": None, "patient-page.png": zoe_id}
        for name, patient_id in shots.items():
            if patient_id is not None:
                window.search_pane.search_box.setText("zoe nun")
                qtbot.waitUntil(lambda: window.search_pane.model.search_text() == "zoe nun")
                window.open_patient(patient_id)
            QApplication.processEvents()
            assert window.grab().save(str(folder / name))
    finally:
        desk.close()

    for name in shots:
        image = QImage(str(folder / name))
        assert (image.width(), image.height()) == (window.width(), window.height())
        assert (folder / name).stat().st_size < 300_000
    assert window.database_label.text() == "Database: ~/.local/share/TPI Desk/tpi-desk.sqlite3"
    assert window.recent_page.model.rowCount() == len(TODAY) + 1
    assert len(window.patient_page.chart.before_series()) == len(ZOE_VISITS)
