"""Runs the clinical core over the form; the patient's history is fetched once per date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from tpi_desk.clinical.analysis import SessionAnalysis, analyse_session
from tpi_desk.clinical.record import NoteStatus, PatientFacts, PriorSession, SessionEntry
from tpi_desk.clinical.settings import CodingSettings
from tpi_desk.services.dto import SessionSummary
from tpi_desk.services.errors import UserError
from tpi_desk.services.permissions import Actor
from tpi_desk.services.sessions.session_loading import HISTORY_WINDOW
from tpi_desk.services.sessions.session_queries import SessionFilter
from tpi_desk.ui.app_context import AppContext

# Fetch a little more than the rolling year around the session's day, then cut exactly.
_MARGIN = timedelta(days=2)


def prior_from_summaries(
    summaries: list[SessionSummary], before: datetime, *, exclude_session_id: int | None
) -> tuple[PriorSession, ...]:
    """The patient's sessions in the year before ``before``, as the payer checks need them."""
    return tuple(
        PriorSession(
            performed_at=s.performed_at,
            kind=s.kind,
            muscle_ids=frozenset(s.muscle_ids),
            status=s.status,
        )
        for s in sorted(summaries, key=lambda s: s.performed_at)
        if s.id != exclude_session_id
        and s.status is not NoteStatus.ENTERED_IN_ERROR
        and before - HISTORY_WINDOW <= s.performed_at < before
    )


def without_unfinished_sites(entry: SessionEntry) -> SessionEntry:
    """``entry`` without the trailing sites that have no muscle yet (a card just added).

    They would count as a muscle for the codes and read "Site 3 (, midline)" in messages;
    only trailing ones are left out, so the numbers of the other sites stay as on screen.
    """
    sites = list(entry.sites)
    while sites and not sites[-1].muscle_id:
        sites.pop()
    return entry if len(sites) == len(entry.sites) else replace(entry, sites=tuple(sites))


class LiveAnalyser:
    """Holds the patient's facts, the clinic's coding settings and a history cache."""

    def __init__(self, context: AppContext, *, actor: Actor | None = None) -> None:
        self._context = context
        self._actor = actor
        self._patient_id: int | None = None
        self._facts: PatientFacts | None = None
        self._session_id: int | None = None
        self._settings = CodingSettings()
        self._history_day: date | None = None
        self._history: list[SessionSummary] = []
        self.history_problem = ""

    def start(self, patient_id: int, facts: PatientFacts, session_id: int | None) -> None:
        """Begin analysing a session of ``patient_id`` (reads the coding settings once)."""
        self._patient_id = patient_id
        self._facts = facts
        self._session_id = session_id
        self._history_day = None
        try:
            self._settings = self._context.settings.coding_settings(actor=self._actor)
        except UserError:
            self._settings = CodingSettings()

    def set_session_id(self, session_id: int | None) -> None:
        self._session_id = session_id

    def forget_history(self) -> None:
        """Fetch the history again on the next analysis (after a save or a sign)."""
        self._history_day = None

    def analyse(self, entry: SessionEntry) -> SessionAnalysis:
        """The clinical core's view of ``entry`` (a site card just added is not a site yet)."""
        entry = without_unfinished_sites(entry)
        history = prior_from_summaries(
            self._history_around(entry.performed_at),
            entry.performed_at,
            exclude_session_id=self._session_id,
        )
        return analyse_session(
            entry,
            self._context.catalog,
            patient=self._facts,
            history=history,
            settings=self._settings,
            today=self._context.clock().date(),
        )

    def _history_around(self, moment: datetime) -> list[SessionSummary]:
        if self._patient_id is None:
            return []
        day = moment.date()
        if day == self._history_day:
            return self._history
        start = datetime(day.year, day.month, day.day, tzinfo=moment.tzinfo)
        session_filter = SessionFilter(
            patient_id=self._patient_id,
            performed_from=start - HISTORY_WINDOW - _MARGIN,
            performed_before=start + _MARGIN,
        )
        found: list[SessionSummary] = []
        try:
            page = self._context.sessions.page(session_filter, actor=self._actor)
            found += page.rows
            while page.next_cursor is not None:
                page = self._context.sessions.page(
                    session_filter, after=page.next_cursor, actor=self._actor
                )
                found += page.rows
            self.history_problem = ""
        except UserError as error:
            self.history_problem = error.message
        self._history_day = day
        self._history = found
        return found
