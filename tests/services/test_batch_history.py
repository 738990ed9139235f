"""The history of a whole export chunk read at once is, session by session, the history
``prior_sessions`` reads for each alone (the payer and dose rules of the notes depend on it)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.services.test_exporting import demo  # noqa: F401 (the fixture)
from tpi_desk.clinical.record import PriorSession
from tpi_desk.models.database import Database
from tpi_desk.models.procedures import ProcedureSession
from tpi_desk.services.sessions import batch_history
from tpi_desk.services.sessions.batch_history import prior_sessions_of_many
from tpi_desk.services.sessions.session_loading import prior_sessions


def in_order(history: tuple[PriorSession, ...]) -> list[PriorSession]:
    return sorted(history, key=lambda prior: (prior.performed_at, sorted(prior.sites)))


def test_each_session_gets_the_history_it_would_get_alone(
    demo: Database,  # noqa: F811 (the fixture)
) -> None:
    with demo.session_factory() as db:
        rows = db.execute(
            select(ProcedureSession.id, ProcedureSession.patient_id, ProcedureSession.performed_at)
        ).all()
        sessions = [(row.id, row.patient_id, row.performed_at) for row in rows]

        histories = prior_sessions_of_many(db, sessions)

        assert sorted(histories) == sorted(row.id for row in rows)
        assert any(histories.values()), "the demo patients have several sessions each"
        for session_id, patient_id, performed_at in sessions:
            alone = prior_sessions(db, patient_id, performed_at, exclude_session_id=session_id)
            assert in_order(histories[session_id]) == in_order(alone)
            assert [prior.performed_at for prior in histories[session_id]] == [
                prior.performed_at for prior in alone
            ]


def test_long_lists_are_read_in_several_queries(
    demo: Database,  # noqa: F811 (the fixture)
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with demo.session_factory() as db:
        rows = db.execute(
            select(ProcedureSession.id, ProcedureSession.patient_id, ProcedureSession.performed_at)
        ).all()
        sessions = [(row.id, row.patient_id, row.performed_at) for row in rows]
        whole = prior_sessions_of_many(db, sessions)
        monkeypatch.setattr(batch_history, "IN_LIST_SIZE", 2)
        assert prior_sessions_of_many(db, sessions) == whole
        assert prior_sessions_of_many(db, []) == {}
