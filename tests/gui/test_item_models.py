"""The list models: valid Qt models, fetched lazily 200 rows at a time, never holding more."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QTableView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.gui.window_support import (
    NOW,
    add_patient,
    add_physician,
    add_session,
    clinician,
)
from tpi_desk.clinical.catalog import Catalog
from tpi_desk.desk import Desk
from tpi_desk.services.sessions.session_queries import SessionFilter
from tpi_desk.ui.app_context import AppContext
from tpi_desk.ui.item_models.patient_list_model import PAGE_SIZE, PatientListModel
from tpi_desk.ui.item_models.session_list_model import SessionColumn, SessionListModel
from tpi_desk.ui.patient_page import HISTORY_COLUMNS
from tpi_desk.ui.recent_sessions import TODAY_COLUMNS


def test_patient_list_model_passes_the_model_tester(
    qtmodeltester: ModelTester, context: AppContext
) -> None:
    add_patient(context, "SYN-1", "Ñúñez", "Zoë")
    add_patient(context, "SYN-2", "Wiśniewski", "Łukasz")
    model = PatientListModel(context.patients, actor=clinician(context))
    model.search("")

    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.index(0, 0).data() == "Ñúñez, Zoë"
    assert model.index(0, 1).data() == "Apr 2, 1979"
    assert model.index(0, 2).data() == "SYN-1"
    assert model.index(1, 0).data(Qt.ItemDataRole.UserRole) == model.patient_at(1).id


def test_session_list_models_pass_the_model_tester(
    qtmodeltester: ModelTester, context: AppContext
) -> None:
    patient = add_patient(context)
    provider = add_physician(context)
    add_session(context, patient.id, provider.id, NOW - timedelta(days=10))
    add_session(context, patient.id, provider.id, NOW - timedelta(hours=1), pain_after=None)
    for columns in (HISTORY_COLUMNS, TODAY_COLUMNS):
        model = SessionListModel(
            context.sessions, context.catalog, columns, actor=clinician(context)
        )
        model.load(SessionFilter(patient_id=patient.id))
        qtmodeltester.check(model)
        assert model.rowCount() == 2


def test_history_rows_show_catalog_muscle_names_with_sides_and_pain_scores(
    context: AppContext,
) -> None:
    """Issue 14: the history list showed the muscles without their sides."""
    patient = add_patient(context)
    provider = add_physician(context)
    add_session(context, patient.id, provider.id, NOW, pain_before=8, pain_after=None)
    model = SessionListModel(
        context.sessions, context.catalog, HISTORY_COLUMNS, actor=clinician(context)
    )
    model.load(SessionFilter(patient_id=patient.id))

    row = [model.index(0, column).data() for column in range(model.columnCount())]
    assert row == [
        "Nov 25, 2026",
        "TPI",
        "Dr. Imogen Hartley",
        "Upper trapezius (L), Levator scapulae (L)",
        "8",
        "–",
        "Draft",
    ]
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(7)] == [
        column.value for column in HISTORY_COLUMNS
    ]
    status = HISTORY_COLUMNS.index(SessionColumn.STATUS)
    assert model.index(0, status).data(Qt.ItemDataRole.ForegroundRole) is not None


def test_session_list_fetches_200_at_a_time_and_holds_only_what_was_fetched(
    context: AppContext, catalog: Catalog
) -> None:
    context.demo_data.add(patients=1, sessions=450, seed=5, signatures=False)
    model = SessionListModel(context.sessions, catalog, HISTORY_COLUMNS, actor=clinician(context))
    model.load(SessionFilter())

    fetched = [model.rowCount()]
    assert model.canFetchMore(QModelIndex())
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
        fetched.append(model.rowCount())
        assert len(model.summaries()) == model.rowCount()

    assert fetched == [200, 400, 450]
    ids = [summary.id for summary in model.summaries()]
    assert len(set(ids)) == 450
    times = [summary.performed_at for summary in model.summaries()]
    assert times == sorted(times, reverse=True)


def test_patient_list_fetches_200_at_a_time_without_repeating_anyone(
    context: AppContext, catalog: Catalog
) -> None:
    context.demo_data.add(patients=450, sessions=0, seed=5)
    model = PatientListModel(context.patients, actor=clinician(context))
    model.search("")

    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 2 * PAGE_SIZE
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 450
    assert not model.canFetchMore(QModelIndex())
    assert len({model.patient_at(row).id for row in range(450)}) == 450


def test_a_view_fetches_more_when_scrolled_to_the_bottom(qtbot: QtBot, context: AppContext) -> None:
    context.demo_data.add(patients=1, sessions=450, signatures=False)
    model = SessionListModel(
        context.sessions, context.catalog, HISTORY_COLUMNS, actor=clinician(context)
    )
    model.load(SessionFilter())
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(600, 300)
    view.show()
    qtbot.waitExposed(view)
    assert model.rowCount() == 200

    view.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == 400)


def test_a_failing_search_reports_and_shows_nothing(context: AppContext, desk: Desk) -> None:
    add_patient(context)
    model = PatientListModel(context.patients, actor=clinician(context))
    failures: list[str] = []
    model.load_failed.connect(failures.append)
    desk.close()
    db_file = Path(str(desk.database.url.database))
    db_file.unlink()
    db_file.mkdir()  # a folder where the database file was: every query now fails

    model.search("zoe")

    assert model.rowCount() == 0
    assert not model.canFetchMore(QModelIndex())
    assert failures == [failures[0]] and "search patients" in failures[0]


def test_empty_database_gives_empty_models(context: AppContext) -> None:
    patients = PatientListModel(context.patients, actor=clinician(context))
    patients.search("")
    sessions = SessionListModel(context.sessions, context.catalog, TODAY_COLUMNS)
    sessions.load(SessionFilter(performed_from=NOW.replace(hour=0)))
    assert patients.rowCount() == 0 and sessions.rowCount() == 0
    assert not patients.canFetchMore(QModelIndex()) and not sessions.canFetchMore(QModelIndex())
